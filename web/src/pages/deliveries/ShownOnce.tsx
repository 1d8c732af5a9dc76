import type { ReactNode } from 'react';
import { CopyButton } from '../../components/CopyButton';

/**
 * A delivery's link and code (or only a new code) as they are made: the server keeps
 * neither, so this is the only time they are shown. Each can be copied; `children` say
 * whether they were emailed too. `link` is as the server gave it, whole or as a path.
 */
export function ShownOnce({ link, code, children }: { link: string | null; code: string; children?: ReactNode }) {
  return (
    <>
      <p className="notice notice-important" data-testid="shown-once-warning">
        <strong>Copy the {link === null ? 'code' : 'link and the code'} now</strong>
        {' '}— or later: “Link and code” on this delivery’s page shows them again (they are kept encrypted).
      </p>
      <dl className="secrets">
        {link !== null && <SecretRow kind="link" value={absoluteLink(link)} />}
        <SecretRow kind="code" value={code} />
      </dl>
      {children}
    </>
  );
}

/** "Link" or "Code", the secret itself, and a button that copies it. */
export function SecretRow({ kind, value }: { kind: 'link' | 'code'; value: string }) {
  return (
    <div className="secrets-row">
      <dt>{kind === 'link' ? 'Link' : 'Code'}</dt>
      <dd>
        <div
          className={kind === 'code' ? 'secret-value secret-value-code' : 'secret-value'}
          role="group"
          aria-label={`Delivery ${kind}`}
          data-testid={`delivery-${kind}`}
        >
          <code>{value}</code>
        </div>
        <CopyButton text={value} label={`Copy ${kind}`} testId={`copy-delivery-${kind}`} />
      </dd>
    </div>
  );
}

/** The full address of the link, whether the server gave it whole or as a path. */
export function absoluteLink(url: string): string {
  try {
    return new URL(url, window.location.origin).href;
  } catch {
    return url;
  }
}
