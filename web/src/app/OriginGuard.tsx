import { useEffect, useState, type ReactNode } from 'react';
import { apiGet, subscribeToApiErrors } from '../api/client';
import { usePageTitle } from './usePageTitle';

/**
 * Over plain http at an address that is not PUBLIC_URL (another machine on a home network
 * opening http://192.168.1.20:3000), the browser sends no Fetch Metadata and its Origin is not
 * the server's, so every change is refused (http/csrf.ts). Rather than let each save fail, the
 * app asks the server for its address and, when it differs, shows what to set instead of the app.
 */
export function OriginGuard({ children }: { children: ReactNode }) {
  const [publicUrl, setPublicUrl] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const check = () =>
      apiGet<{ publicUrl: string }>('/api/site').then(
        (site) => {
          if (live && new URL(site.publicUrl).origin !== window.location.origin) setPublicUrl(new URL(site.publicUrl).origin);
        },
        () => undefined, // an older server, or unreachable: the app's own errors say so
      );
    // A secure context (https, localhost) sends Fetch Metadata: same-origin requests pass wherever the app is opened.
    if (!window.isSecureContext) void check();
    const unsubscribe = subscribeToApiErrors((error) => {
      if (error.code === 'origin_not_public_url') void check();
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);

  return publicUrl === null ? children : <WrongOriginPage publicUrl={publicUrl} />;
}

function WrongOriginPage({ publicUrl }: { publicUrl: string }) {
  usePageTitle('Open Shutterlock at its own address');
  const here = window.location.origin;
  const samePath = `${publicUrl}${window.location.pathname}${window.location.search}${window.location.hash}`;
  return (
    <main className="page page-centered" data-testid="wrong-origin">
      <p className="page-eyebrow">Wrong address</p>
      <h1 tabIndex={-1}>Shutterlock expects to be opened at {publicUrl}</h1>
      <p className="page-lead">
        You opened it at <code>{here}</code>, but the server’s <code>PUBLIC_URL</code> is <code>{publicUrl}</code>. Over plain http the browser can only
        save from that one address, so signing in and every change would be refused here.
      </p>
      <h2>Do one of these</h2>
      <ol className="steps">
        <li>
          Open <a href={samePath}>{publicUrl}</a> instead{new URL(publicUrl).hostname === 'localhost' ? ' (on the computer running the server)' : ''}.
        </li>
        <li>
          Or, to use Shutterlock from this address, set <code data-testid="wrong-origin-setting">PUBLIC_URL={here}</code> in the server’s environment
          (its <code>.env</code> file or service configuration) and restart the server. Links in emails use it too.
        </li>
        <li>For anything beyond a home network, serve Shutterlock over https (behind Caddy or nginx) and set PUBLIC_URL to that https address.</li>
      </ol>
    </main>
  );
}
