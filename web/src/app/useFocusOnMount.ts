import { useEffect, useRef } from 'react';

/** A ref whose element takes focus when it first appears: the field or heading of a new step. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
