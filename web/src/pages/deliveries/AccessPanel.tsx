import { useState } from 'react';
import { getDeliveryAccess } from '../../api/branding';
import { useSubmission } from '../../app/useSubmission';
import { FormError } from '../../components/form';
import { absoluteLink, SecretRow } from './ShownOnce';

/**
 * "Link and code": the delivery's link and code again, to copy for a family that lost the email
 * (getDeliveryAccess; kept encrypted under the studio's key, every showing audited).
 */
export function AccessPanel({ deliveryId }: { deliveryId: string }) {
  const [access, setAccess] = useState<{ url: string | null; code: string | null } | null>(null);
  const { busy, error, submit } = useSubmission();

  function show() {
    void submit(async () => setAccess(await getDeliveryAccess(deliveryId)));
  }

  return (
    <section className="panel" aria-labelledby="delivery-access-heading" data-testid="delivery-access">
      <h2 id="delivery-access-heading">Link and code</h2>
      {access === null ? (
        <button type="button" className="button button-secondary" onClick={show} aria-disabled={busy} data-testid="delivery-show-access">
          {busy ? 'Loading…' : 'Show link and code'}
        </button>
      ) : (
        <>
          <dl className="secrets">
            {access.url !== null && <SecretRow kind="link" value={absoluteLink(access.url)} />}
            {access.code !== null && <SecretRow kind="code" value={access.code} />}
          </dl>
          {access.url === null && (
            <p className="notice" data-testid="delivery-access-missing">
              {access.code === null
                ? 'This delivery was made before links and codes were kept, so they cannot be shown. Resend it (or make a new code) to keep them from now on.'
                : 'This delivery’s link was made before links were kept. Resend it to get a link you can copy here.'}
            </p>
          )}
          <button type="button" className="button button-secondary button-small" onClick={() => setAccess(null)}>
            Hide
          </button>
        </>
      )}
      {error !== null && <FormError id="delivery-access-error" message={error} testId="delivery-access-error" />}
    </section>
  );
}
