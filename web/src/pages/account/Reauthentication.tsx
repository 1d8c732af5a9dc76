import { useState, type FormEvent } from 'react';
import { reauthenticate, requestReauthenticationCode, type ReauthenticationMethod } from '../../api/account';
import type { User } from '../../api/auth';
import { ApiError } from '../../api/client';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { useSubmission } from '../../app/useSubmission';
import { CodeField, FormError, SubmitButton, TextField } from '../../components/form';

/**
 * Changing the password or the second factor needs a fresh proof that it is the owner (the
 * server answers `reauthentication_required` more than 10 minutes after signing in). A section
 * runs its action through `attempt`; when the server asks for a proof, the section shows
 * `ReauthenticationPrompt`, and once the owner has confirmed, runs the same action again.
 */
export function useReauthentication() {
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null);

  async function attempt(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'reauthentication_required') {
        setPending(() => action);
        return;
      }
      throw error;
    }
  }

  return { pending, attempt, clear: () => setPending(null) };
}

const METHOD_LABELS: Record<ReauthenticationMethod, string> = {
  email_code: 'Email me a code',
  password: 'Use my password',
  totp: 'Use my authenticator app',
};

const ERROR_ID = 'reauthenticate-error';

export function ReauthenticationPrompt({ user, onConfirmed, onCancel }: { user: User; onConfirmed: () => void; onCancel: () => void }) {
  const methods = user.reauthenticationMethods;
  const [method, setMethod] = useState<ReauthenticationMethod>(methods[0] ?? 'email_code');
  const [codeSent, setCodeSent] = useState(false);
  const [secret, setSecret] = useState('');
  const { busy, error, submit } = useSubmission();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();

  function choose(next: ReauthenticationMethod) {
    setMethod(next);
    setSecret('');
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      if (method === 'email_code' && !codeSent) {
        await requestReauthenticationCode();
        setCodeSent(true);
        return;
      }
      await reauthenticate(method, secret);
      onConfirmed();
    });
  }

  const asksForCode = method === 'email_code' && codeSent;
  return (
    <div className="notice notice-important" data-testid="reauthenticate">
      <h3 tabIndex={-1} ref={headingRef}>
        Confirm it’s you
      </h3>
      <p>For your safety, changing how you sign in needs a fresh proof that it is you.</p>
      {methods.length > 1 && (
        <div className="row-actions">
          {methods.map((candidate) => (
            <button
              key={candidate}
              type="button"
              className="button button-secondary button-small"
              aria-pressed={candidate === method}
              onClick={() => choose(candidate)}
              data-testid={`reauthenticate-method-${candidate}`}
            >
              {METHOD_LABELS[candidate]}
            </button>
          ))}
        </div>
      )}
      <form className="form" onSubmit={handleSubmit} aria-busy={busy}>
        {asksForCode && (
          <CodeField
            id="reauthenticate-code"
            label="The 6-digit code we emailed you"
            digits={6}
            value={secret}
            onValueChange={setSecret}
            errorId={error === null ? undefined : ERROR_ID}
            data-testid="reauthenticate-code"
          />
        )}
        {method === 'password' && (
          <TextField
            id="reauthenticate-password"
            label="Your password"
            type="password"
            autoComplete="current-password"
            required
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
            errorId={error === null ? undefined : ERROR_ID}
            data-testid="reauthenticate-password"
          />
        )}
        {method === 'totp' && (
          <TextField
            id="reauthenticate-totp"
            label="A code from your authenticator app, or a recovery code"
            autoComplete="one-time-code"
            required
            value={secret}
            onChange={(event) => setSecret(event.target.value.trim())}
            errorId={error === null ? undefined : ERROR_ID}
            data-testid="reauthenticate-totp"
          />
        )}
        {error !== null && <FormError id={ERROR_ID} message={error} testId="reauthenticate-error" />}
        <div className="panel-actions">
          <SubmitButton
            busy={busy}
            label={method === 'email_code' && !codeSent ? 'Email me a code' : 'Confirm'}
            busyLabel="Checking…"
            testId="reauthenticate-submit"
          />
          <button type="button" className="button button-secondary button-auto" onClick={onCancel} data-testid="reauthenticate-cancel">
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
