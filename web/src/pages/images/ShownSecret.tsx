import { useRef } from 'react';
import { CopyButton } from '../../components/CopyButton';

/** A key's secret as it is made: the server keeps it only sealed and never shows it again. */
export function ShownSecret({ publicKey, secretKey, onDone }: { publicKey: string; secretKey: string; onDone: () => void }) {
  const valueRef = useRef<HTMLElement>(null);
  return (
    <div className="notice notice-important" data-testid="image-secret-shown">
      <p>
        <strong>This is the only time the secret is shown.</strong> Copy it into your website’s server configuration now; sign URLs there, never in a
        browser.
      </p>
      <dl className="secrets">
        <div className="secrets-row">
          <dt>Public key</dt>
          <dd>
            <code data-testid="image-public-key">{publicKey}</code>
          </dd>
        </div>
        <div className="secrets-row">
          <dt>Secret</dt>
          <dd>
            <div className="secret-value" role="group" aria-label="Secret key">
              <code ref={valueRef} data-testid="image-secret-key">
                {secretKey}
              </code>
            </div>
            <CopyButton text={secretKey} label="Copy secret" testId="copy-image-secret" selectTarget={valueRef} />
          </dd>
        </div>
      </dl>
      <button type="button" className="button button-secondary button-small" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
