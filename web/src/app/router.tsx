/**
 * A tiny client-side router over `history.pushState`: the current path as React state,
 * `navigate()` to change it, `<Link>` for in-app anchors and `<Redirect>` for guards.
 */
import { useLayoutEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const pathListeners = new Set<() => void>();

function subscribeToPath(onChange: () => void): () => void {
  pathListeners.add(onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    pathListeners.delete(onChange);
    window.removeEventListener('popstate', onChange);
  };
}

function currentPath(): string {
  return window.location.pathname;
}

export function usePathname(): string {
  return useSyncExternalStore(subscribeToPath, currentPath);
}

export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (path === currentPath()) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const onChange of pathListeners) onChange();
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An anchor that navigates in-app on a plain click and behaves like a normal link otherwise. */
export function Link({ to, onClick, ...anchorProps }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const opensElsewhere = event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || opensElsewhere) return;
    event.preventDefault();
    navigate(to);
  }
  return <a href={to} onClick={handleClick} {...anchorProps} />;
}

/** Replaces the current history entry with `to`, so Back does not bounce through the guard. */
export function Redirect({ to }: { to: string }) {
  useLayoutEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
