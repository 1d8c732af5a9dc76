import { useState, type FormEvent } from 'react';
import { confirmTotpEnrollment, type TotpEnrollment } from '../../api/account';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { useSubmission } from '../../app/useSubmission';
import { CopyButton } from '../../components/CopyButton';
import { CodeField, FormError, SubmitButton } from '../../components/form';
import { inGroupsOfFour } from '../../lib/format';
import type { User } from '../../api/auth';
import { useReauthentication } from './Reauthentication';

const ERROR_ID = 'totp-error';
const CODE_LENGTH = 6;

/** Scan the QR code (or type the key), then prove it worked with a first code. */
export function TotpEnrollmentStep({
  user,
  enrollment,
  onConfirmed,
}: {
  user: User;
  enrollment: TotpEnrollment;
  onConfirmed: (recoveryCodes: string[]) => void;
}) {
  const [code, setCode] = useState('');
  const { busy, error, submit, fail } = useSubmission();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  // More than 10 minutes after signing in or confirming, the server asks again.
  const reauthentication = useReauthentication(user, submit);
  const confirm = () => reauthentication.attempt(async () => onConfirmed(await confirmTotpEnrollment(code)));

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (code.length !== CODE_LENGTH) {
      fail(`Enter the ${CODE_LENGTH}-digit code your app shows.`);
      return;
    }
    confirm();
  }

  return (
    <>
      <h2 id="two-factor-heading" tabIndex={-1} ref={headingRef}>
        Connect your authenticator app
      </h2>
      <ol className="steps">
        <li>
          <p>In your authenticator app, add an account and scan this QR code.</p>
          <img
            className="totp-qr"
            src={enrollment.qrCodeDataUrl}
            alt="QR code for adding Shutterlock to an authenticator app"
            width={192}
            height={192}
            data-testid="totp-qr"
          />
          <p className="muted">
            Can’t scan it? In your authenticator app, choose to enter a setup key instead, and type this one. If the app is on this
            device, you can <a href={enrollment.otpauthUrl}>open the key in it directly</a>.
          </p>
          <div className="secret">
            <code className="secret-key" data-testid="totp-secret">
              {inGroupsOfFour(enrollment.secret)}
            </code>
            <CopyButton text={enrollment.secret} label="Copy key" testId="totp-secret-copy" />
          </div>
        </li>
        <li>
          <form className="form" onSubmit={handleSubmit} aria-busy={busy}>
            <CodeField
              id="totp-code"
              label={`Enter the ${CODE_LENGTH}-digit code the app shows`}
              digits={CODE_LENGTH}
              value={code}
              onValueChange={setCode}
              errorId={error === null ? undefined : ERROR_ID}
              data-testid="totp-code"
            />
            {error !== null && <FormError id={ERROR_ID} message={error} testId="totp-error" />}
            <SubmitButton busy={busy} label="Turn on two-factor authentication" busyLabel="Checking…" testId="totp-confirm" />
          </form>
          {reauthentication.prompt}
        </li>
      </ol>
    </>
  );
}
