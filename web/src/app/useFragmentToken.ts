import { useEffect, useState } from 'react';

/**
 * The `token` from the address's fragment (`#token=…`), which emailed and printed links use
 * because browsers never send a fragment to a server, nor in a Referer. Once read, it is
 * also taken out of the address bar and the history entry, so it is not left lying around;
 * it stays in this tab's sessionStorage for this page (gone when the tab closes), so a reload
 * still finds it. A link pasted again in the same tab (only the fragment changes, so the page
 * is not loaded again) is read too.
 */
export function useFragmentToken(): string | null {
  const [token, setToken] = useState(() => tokenInFragment() ?? remembered());
  useEffect(() => {
    function take() {
      const fresh = tokenInFragment();
      if (fresh !== null) {
        remember(fresh);
        setToken(fresh);
      }
      if (window.location.hash !== '') window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    }
    take();
    window.addEventListener('hashchange', take);
    return () => window.removeEventListener('hashchange', take);
  }, []);
  return token;
}

function tokenInFragment(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') || null;
}

const storageKey = () => `fragment-token:${window.location.pathname}`;

/** sessionStorage can be refused (storage disabled): the token then lasts as long as the page. */
function remembered(): string | null {
  try {
    return window.sessionStorage.getItem(storageKey());
  } catch {
    return null;
  }
}

function remember(token: string): void {
  try {
    window.sessionStorage.setItem(storageKey(), token);
  } catch {
    // Not kept for a reload; this page still has it.
  }
}
