import { useCallback, useLayoutEffect, useState } from 'react';

type FindTarget = () => HTMLElement | null | undefined;

/**
 * For an action that takes away, or adds, what focus should be on (a bar that goes once
 * nothing is selected, a dialog whose opener goes with what it acted on, a page of new
 * tiles): `focusAfterRender(find)` focuses what `find` returns once React has rendered the
 * change, after a closing dialog has tried to give focus back.
 */
export function useFocusAfterRender(): (find: FindTarget) => void {
  const [request, setRequest] = useState<{ find: FindTarget } | null>(null);
  useLayoutEffect(() => {
    request?.find()?.focus();
  }, [request]);
  return useCallback((find: FindTarget) => setRequest({ find }), []);
}
