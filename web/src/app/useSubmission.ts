import { useRef, useState } from 'react';
import { messageForPeople } from '../api/client';

/** Runs one API action at a time and turns its failure into a sentence for people. */
export function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);

  async function submit(action: () => Promise<void>): Promise<void> {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(messageForPeople(failure));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  return { busy, error, submit, fail: setError };
}
