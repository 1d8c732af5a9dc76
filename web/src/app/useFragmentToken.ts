import { useEffect, useState } from 'react';

/**
 * The `token` from the address's fragment (`#token=…`), which emailed and printed links use
 * because browsers never send a fragment to a server, nor in a Referer. Once read, it is
 * also taken out of the address bar and the history entry, so it is not left lying around.
 */
export function useFragmentToken(): string | null {
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') || null);
  useEffect(() => {
    if (window.location.hash === '') return;
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }, []);
  return token;
}
