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

/** `notice` is a confirmation of what was just done, shown on the page navigated to (`useNavigationNotice`). */
export function navigate(path: string, { replace = false, notice }: { replace?: boolean; notice?: string } = {}): void {
  if (path === currentPath() && notice === undefined) return;
  const state: NavigationState | null = notice === undefined ? null : { notice };
  if (replace) window.history.replaceState(state, '', path);
  else window.history.pushState(state, '', path);
  for (const onChange of pathListeners) onChange();
}

interface NavigationState {
  notice: string;
}

function currentNotice(): string | null {
  const state: unknown = window.history.state;
  return typeof state === 'object' && state !== null && 'notice' in state && typeof state.notice === 'string' ? state.notice : null;
}

/** The confirmation the navigation to this page carried, if any; the next navigation leaves it behind. */
export function useNavigationNotice(): string | null {
  return useSyncExternalStore(subscribeToPath, currentNotice);
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
