import { useState, type FormEvent } from 'react';
import { requestPasswordReset } from '../api/auth';
import { Link } from '../app/router';
import { useFocusOnMount } from '../app/useFocusOnMount';
import { usePageTitle } from '../app/usePageTitle';
import { useSubmission } from '../app/useSubmission';
import { EmailField, FormError, SubmitButton } from '../components/form';

const ERROR_ID = 'forgot-error';

/** Asks for a reset link. The answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  usePageTitle('Forgot password');
  const [sentTo, setSentTo] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="forgot-heading">
      {sentTo === null ? <RequestForm onSent={setSentTo} /> : <Sent email={sentTo} />}
    </section>
  );
}

function RequestForm({ onSent }: { onSent: (email: string) => void }) {
  const [email, setEmail] = useState('');
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = email.trim();
    void submit(async () => {
      await requestPasswordReset(address);
      onSent(address);
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="forgot-heading" tabIndex={-1}>
        Forgot your password?
      </h1>
      <p className="card-lead">Enter your account’s email and we’ll send you a link to choose a new password.</p>
      <EmailField
        id="forgot-email"
        label="Email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        ref={inputRef}
        errorId={error === null ? undefined : ERROR_ID}
        data-testid="forgot-email"
      />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="forgot-error" />}
      <SubmitButton busy={busy} label="Send reset link" busyLabel="Sending…" testId="forgot-submit" />
      <Link to="/sign-in" className="button button-link">
        Back to sign in
      </Link>
    </form>
  );
}

function Sent({ email }: { email: string }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div className="card-stack" data-testid="forgot-sent">
      <h1 id="forgot-heading" tabIndex={-1} ref={headingRef}>
        Check your email
      </h1>
      <p className="card-lead">
        If an account exists for <strong>{email}</strong>, we sent a link to choose a new password. It works for a limited
        time, and only once.
      </p>
      <Link to="/sign-in" className="button button-secondary">
        Back to sign in
      </Link>
    </div>
  );
}
