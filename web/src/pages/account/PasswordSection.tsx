import { useRef, useState, type FormEvent } from 'react';
import { changePassword } from '../../api/account';
import type { User } from '../../api/auth';
import { useSession } from '../../app/session';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage, SubmitButton, TextField } from '../../components/form';
import { NewPasswordFields, useNewPassword } from '../../components/NewPasswordFields';
import { ReauthenticationPrompt, useReauthentication } from './Reauthentication';

const ERROR_ID = 'password-error';

/** Change the password, or set a first one for an account that signs in with emailed codes. */
export function PasswordSection({ user }: { user: User }) {
  const { updateUser } = useSession();
  const [currentPassword, setCurrentPassword] = useState('');
  const password = useNewPassword(user.email);
  const { busy, error, submit } = useSubmission();
  const [status, setStatus] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const reauthentication = useReauthentication();

  function save() {
    void submit(() => reauthentication.attempt(async () => {
      await changePassword(password.value, user.hasPassword ? currentPassword : undefined);
      setCurrentPassword('');
      password.clear();
      setStatus(
        user.hasPassword
          ? 'Your password is changed. Your other sessions were signed out.'
          : 'Your password is set. Your other sessions were signed out.',
      );
      updateUser({ hasPassword: true });
      // The emptied form's button is disabled now, which would drop focus; the news is up top.
      headingRef.current?.focus();
    }));
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus(null);
    save();
  }

  return (
    <section className="panel" aria-labelledby="password-heading">
      <h2 id="password-heading" tabIndex={-1} ref={headingRef}>
        {user.hasPassword ? 'Change your password' : 'Set a password'}
      </h2>
      <p className="panel-lead">
        {user.hasPassword
          ? 'Choose a new password for signing in.'
          : 'You sign in with codes we email you. A password is optional: it lets you sign in without waiting for an email.'}
      </p>
      <StatusMessage message={status} testId="password-status" />
      <p className="notice">
        Saving a new password signs you out on every other device and browser. You stay signed in here.
      </p>
      {reauthentication.pending && (
        <ReauthenticationPrompt
          user={user}
          onConfirmed={() => {
            reauthentication.clear();
            save();
          }}
          onCancel={reauthentication.clear}
        />
      )}
      <form className="form" onSubmit={handleSubmit} aria-busy={busy} hidden={reauthentication.pending !== null}>
        {user.hasPassword && (
          <TextField
            id="current-password"
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.target.value)}
            errorId={error === null ? undefined : ERROR_ID}
            data-testid="current-password"
          />
        )}
        <NewPasswordFields
          password={password}
          idPrefix="password"
          testIds={{ password: 'new-password', confirmation: 'new-password-confirmation', strength: 'password-strength' }}
        />
        {error !== null && <FormError id={ERROR_ID} message={error} testId="password-error" />}
        <SubmitButton
          busy={busy}
          disabled={!password.acceptable || (user.hasPassword && currentPassword === '')}
          label={user.hasPassword ? 'Change password' : 'Set password'}
          busyLabel="Saving…"
          testId="password-submit"
        />
      </form>
    </section>
  );
}
