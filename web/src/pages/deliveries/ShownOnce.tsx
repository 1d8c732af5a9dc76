import type { ReactNode } from 'react';
import { CopyButton } from '../../components/CopyButton';

/**
 * A delivery's link and code (or only a new code) as they are made: the server keeps
 * neither, so this is the only time they are shown. Each can be copied; `children` say
 * whether they were emailed too.
 */
export function ShownOnce({ link, code, children }: { link: string | null; code: string; children?: ReactNode }) {
  return (
    <>
      <p className="notice notice-important" data-testid="shown-once-warning">
        <strong>This is the only time the code is shown</strong>
        {link === null
          ? '. Copy it now: Shutterlock keeps no copy it could show again.'
          : ', and the link too. Copy them now: Shutterlock keeps no copy of either it could show again.'}
      </p>
      <dl className="secrets">
        {link !== null && (
          <div className="secrets-row">
            <dt>Link</dt>
            <dd>
              <div className="secret-value" role="group" aria-label="Delivery link" data-testid="delivery-link">
                <code>{link}</code>
              </div>
              <CopyButton text={link} label="Copy link" testId="copy-delivery-link" />
            </dd>
          </div>
        )}
        <div className="secrets-row">
          <dt>Code</dt>
          <dd>
            <div className="secret-value secret-value-code" role="group" aria-label="Delivery code" data-testid="delivery-code">
              <code>{code}</code>
            </div>
            <CopyButton text={code} label="Copy code" testId="copy-delivery-code" />
          </dd>
        </div>
      </dl>
      {children}
    </>
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

const listFormat = new Intl.ListFormat(undefined, { style: 'long', type: 'conjunction' });

/** "ada@example.com, bo@example.com and cy@example.com" (in the reader's language). */
export function listOfPeople(recipients: readonly string[]): string {
  return listFormat.format(recipients);
}
