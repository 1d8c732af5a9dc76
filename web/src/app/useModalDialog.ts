import { useLayoutEffect, useRef } from 'react';

/**
 * A ref for a <dialog> that opens as a modal when it first appears and closes when it goes.
 * Layout effects: close() must run before React takes the element out of the document, or
 * the browser would not return focus to where it was.
 */
export function useModalDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);
  return ref;
}
