import { useEffect, useState } from 'react';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { CopyButton } from '../../components/CopyButton';

/** The recovery codes, shown once: each signs in once, instead of an authenticator code. */
export function RecoveryCodes({ codes, email, onDone, replaced = false }: { codes: string[]; email: string; onDone: () => void; replaced?: boolean }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const text = recoveryCodesFile(codes, email);
  const downloadUrl = useObjectUrl(text);

  return (
    <>
      <h2 id="two-factor-heading" tabIndex={-1} ref={headingRef}>
        Save your recovery codes
      </h2>
      <p className="panel-lead">
        {replaced
          ? 'These replace your old recovery codes, which no longer work.'
          : 'Two-factor authentication is on, and your other sessions were signed out.'}{' '}
        If you lose the device your authenticator app is on, each of these codes lets you sign in once. Keep them somewhere safe, like your password manager:{' '}
        <strong>this is the only time we show them</strong>.
      </p>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="panel-actions">
        {downloadUrl !== null && (
          <a className="button button-secondary" href={downloadUrl} download="shutterlock-recovery-codes.txt" data-testid="recovery-codes-download">
            Download as .txt
          </a>
        )}
        <CopyButton text={codes.join('\n')} label="Copy codes" />
      </div>
      <div className="panel-actions">
        <button type="button" className="button button-primary button-auto" onClick={onDone} data-testid="recovery-codes-done">
          I have saved them
        </button>
      </div>
    </>
  );
}

function recoveryCodesFile(codes: string[], email: string): string {
  return [`Shutterlock recovery codes for ${email}`, 'Each code signs you in once, instead of a code from your authenticator app.', '', ...codes, ''].join('\n');
}

/**
 * A `blob:` URL holding `text`, revoked once it is no longer shown. An <a download> to it
 * saves the file with no script-made navigation or inline content for the CSP to block.
 */
function useObjectUrl(text: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const objectUrl = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [text]);
  return url;
}
