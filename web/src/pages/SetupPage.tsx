import { useState, type FormEvent } from 'react';
import { createFirstAdmin } from '../api/setup';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import { useFocusOnMount } from '../app/useFocusOnMount';
import { useFragmentToken } from '../app/useFragmentToken';
import { usePageTitle } from '../app/usePageTitle';
import { useSubmission } from '../app/useSubmission';
import { EmailField, FormError, SubmitButton } from '../components/form';
import { LinkProblem } from '../components/LinkProblem';
import { TWO_FACTOR_PATH } from './account/paths';

const ERROR_ID = 'setup-error';

/**
 * First run: the server prints a one-time link, `/setup#token=…`, that creates the first
 * admin. Success signs them in and takes them on to set up two-factor authentication.
 */
export function SetupPage() {
  usePageTitle('Set up Shutterlock');
  const token = useFragmentToken();

  return (
    <section className="card" aria-labelledby="setup-heading">
      {token === null ? (
        <LinkProblem headingId="setup-heading" title="This setup link is incomplete">
          Open the full setup link that the server printed when it first started, including everything after the{' '}
          <span className="nowrap">#</span>.
        </LinkProblem>
      ) : (
        <SetupForm token={token} />
      )}
    </section>
  );
}

function SetupForm({ token }: { token: string }) {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const { user } = await createFirstAdmin(token, email.trim());
      signedIn(user);
      navigate(TWO_FACTOR_PATH, { replace: true });
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <p className="page-eyebrow">Welcome</p>
      <h1 id="setup-heading" tabIndex={-1}>
        Set up Shutterlock
      </h1>
      <p className="card-lead" id="setup-description">
        Create the first admin account. You’ll sign in with codes sent to this email, and set up an authenticator app next.
      </p>
      <EmailField
        id="setup-email"
        label="Your email"
        descriptionId="setup-description"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        ref={inputRef}
        errorId={error === null ? undefined : ERROR_ID}
        data-testid="setup-email"
      />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="setup-error" />}
      <SubmitButton busy={busy} label="Create the first admin account" busyLabel="Creating…" testId="setup-submit" />
    </form>
  );
}
