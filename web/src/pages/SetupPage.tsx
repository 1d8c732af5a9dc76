import { useState, type FormEvent } from 'react';
import { createFirstAdmin } from '../api/setup';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import { useFocusOnMount } from '../app/useFocusOnMount';
import { useFragmentToken } from '../app/useFragmentToken';
import { usePageTitle } from '../app/usePageTitle';
import { useSubmission } from '../app/useSubmission';
import { CheckboxField, EmailField, FormError, SubmitButton, TextField } from '../components/form';
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
  const [photographer, setPhotographer] = useState(false);
  const [studioName, setStudioName] = useState('');
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const { user } = await createFirstAdmin(token, email.trim(), { photographer, studioName });
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
      <CheckboxField
        id="setup-photographer"
        label="I’m also a photographer: give me a photo library"
        hint="For a solo photographer: this account gets its own studio (library, deliveries, prints) besides running the server. You can invite other photographers later either way."
        checked={photographer}
        onChange={(event) => setPhotographer(event.target.checked)}
        data-testid="setup-photographer"
      />
      {photographer && (
        <TextField
          id="setup-studio-name"
          label="Studio name (what your clients see)"
          value={studioName}
          maxLength={200}
          placeholder="Photography studio"
          autoComplete="organization"
          onChange={(event) => setStudioName(event.target.value)}
          data-testid="setup-studio-name"
        />
      )}
      {error !== null && <FormError id={ERROR_ID} message={error} testId="setup-error" />}
      <SubmitButton busy={busy} label="Create the first admin account" busyLabel="Creating…" testId="setup-submit" />
    </form>
  );
}
