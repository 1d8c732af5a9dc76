import { useState, type FormEvent } from 'react';
import { completePasswordReset } from '../api/auth';
import { Link } from '../app/router';
import { useSession } from '../app/session';
import { useFocusOnMount } from '../app/useFocusOnMount';
import { useFragmentToken } from '../app/useFragmentToken';
import { usePageTitle } from '../app/usePageTitle';
import { useSubmission } from '../app/useSubmission';
import { FormError, SubmitButton } from '../components/form';
import { LinkProblem } from '../components/LinkProblem';
import { NewPasswordFields, useNewPassword } from '../components/NewPasswordFields';

const ERROR_ID = 'reset-error';

/** Where a password-reset email leads: `/reset-password#token=…`. */
export function ResetPasswordPage() {
  usePageTitle('Choose a new password');
  const token = useFragmentToken();
  const [done, setDone] = useState(false);

  return (
    <section className="card" aria-labelledby="reset-heading">
      {token === null ? (
        <LinkProblem headingId="reset-heading" title="This reset link is incomplete">
          Open the link from the email again, or{' '}
          <Link to="/forgot-password">ask for a new one</Link>.
        </LinkProblem>
      ) : done ? (
        <Done />
      ) : (
        <ResetForm token={token} onDone={() => setDone(true)} />
      )}
    </section>
  );
}

function ResetForm({ token, onDone }: { token: string; onDone: () => void }) {
  const { signedOut } = useSession();
  const password = useNewPassword(null);
  const { busy, error, submit } = useSubmission();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      await completePasswordReset(token, password.value);
      signedOut(); // a reset ends every session, this browser's too
      onDone();
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="reset-heading" tabIndex={-1}>
        Choose a new password
      </h1>
      <p className="card-lead">Pick something long and unique to Shutterlock. A password manager can make one for you.</p>
      <NewPasswordFields
        password={password}
        idPrefix="reset"
        testIds={{ password: 'reset-password', confirmation: 'reset-password-confirmation', strength: 'password-strength' }}
      />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="reset-error" />}
      <SubmitButton busy={busy} disabled={!password.acceptable} label="Save new password" busyLabel="Saving…" testId="reset-submit" />
      <Link to="/forgot-password" className="button button-link">
        Need a new link?
      </Link>
    </form>
  );
}

function Done() {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div className="card-stack" data-testid="reset-done">
      <h1 id="reset-heading" tabIndex={-1} ref={headingRef}>
        Your password is changed
      </h1>
      <p className="card-lead">For safety, you were signed out everywhere. Sign in with your new password.</p>
      <Link to="/sign-in" className="button button-primary">
        Sign in
      </Link>
    </div>
  );
}
