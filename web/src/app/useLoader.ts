import { useCallback, useEffect, useState } from 'react';
import { messageForPeople } from '../api/client';

type Loaded<T> = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; data: T };

/**
 * Loads data for a page with `load` (a stable function) and keeps it. `reload()` fetches
 * again while the current data stays on screen; `update()` applies a local change the server
 * already confirmed.
 */
export function useLoader<T>(load: () => Promise<T>) {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    load().then(
      (data) => {
        if (!cancelled) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (!cancelled) setState({ status: 'failed', message: messageForPeople(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [load, generation]);

  const reload = useCallback(() => {
    setState((current) => (current.status === 'failed' ? { status: 'loading' } : current));
    setGeneration((current) => current + 1);
  }, []);
  const update = useCallback(
    (change: (data: T) => T) => setState((current) => (current.status === 'ready' ? { status: 'ready', data: change(current.data) } : current)),
    [],
  );
  return { state, reload, update };
}
