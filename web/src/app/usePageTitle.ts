import { useEffect } from 'react';

/** Sets the tab title to "<title> · Shutterlock" while the page is shown. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Shutterlock`;
  }, [title]);
}
