import { useEffect, useRef, useState, type FormEvent } from 'react';
import { requestSignInCode, verifySecondFactor, verifySignInCode, type User } from '../api/auth';
import { messageForPeople } from '../api/client';
import { useSession } from '../app/session';
import { usePageTitle } from '../app/usePageTitle';
import { FormError, SubmitButton, TextField } from '../components/form';

/**
 * Passwordless sign-in: an emailed 6-digit code, then a second factor when the account has one.
 * Each step is its own component, so moving to a step mounts it and focuses its field.
 */
type Step = { name: 'email' } | { name: 'code'; email: string } | { name: 'second-factor' };

const ERROR_ID = 'sign-in-error';
const CODE_LENGTH = 6;

export function SignInPage() {
  usePageTitle('Sign in');
  const { signedIn } = useSession();
  const [step, setStep] = useState<Step>({ name: 'email' });
  const [email, setEmail] = useState('');

  return (
    <section className="card" aria-labelledby="sign-in-heading">
      {step.name === 'email' && (
        <EmailStep
          email={email}
          onEmailChange={setEmail}
          onCodeSent={() => setStep({ name: 'code', email: email.trim() })}
        />
      )}
      {step.name === 'code' && (
        <CodeStep
          email={step.email}
          onSignedIn={signedIn}
          onSecondFactorRequired={() => setStep({ name: 'second-factor' })}
          onChangeEmail={() => setStep({ name: 'email' })}
        />
      )}
      {step.name === 'second-factor' && <SecondFactorStep onSignedIn={signedIn} />}
    </section>
  );
}

function EmailStep({ email, onEmailChange, onCodeSent }: { email: string; onEmailChange: (email: string) => void; onCodeSent: () => void }) {
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      await requestSignInCode(email.trim());
      onCodeSent();
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="sign-in-heading">Sign in</h1>
      <p className="card-lead">We’ll email you a one-time code. No password needed.</p>
      <TextField
        id="sign-in-email"
        label="Email"
        type="email"
        autoComplete="email"
        spellCheck={false}
        required
        value={email}
        onChange={(event) => onEmailChange(event.target.value)}
        ref={inputRef}
        errorId={error === null ? undefined : ERROR_ID}
        data-testid="sign-in-email"
      />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="sign-in-error" />}
      <SubmitButton busy={busy} label="Email me a code" busyLabel="Sending…" testId="sign-in-submit" />
    </form>
  );
}

function CodeStep({
  email,
  onSignedIn,
  onSecondFactorRequired,
  onChangeEmail,
}: {
  email: string;
  onSignedIn: (user: User) => void;
  onSecondFactorRequired: () => void;
  onChangeEmail: () => void;
}) {
  const [code, setCode] = useState('');
  const { busy, error, submit, fail } = useSubmission();
  const inputRef = useFocusOnMount();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (code.length !== CODE_LENGTH) {
      fail(`Enter the ${CODE_LENGTH}-digit code from the email.`);
      return;
    }
    void submit(async () => {
      const result = await verifySignInCode(email, code);
      if ('user' in result) onSignedIn(result.user);
      else onSecondFactorRequired();
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="sign-in-heading">Check your email</h1>
      <p className="card-lead" id="sign-in-code-description">
        We sent a {CODE_LENGTH}-digit code to <strong>{email}</strong>.
      </p>
      <TextField
        id="sign-in-code"
        label={`${CODE_LENGTH}-digit code`}
        descriptionId="sign-in-code-description"
        variant="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={CODE_LENGTH}
        required
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, CODE_LENGTH))}
        ref={inputRef}
        errorId={error === null ? undefined : ERROR_ID}
        data-testid="sign-in-code"
      />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="sign-in-error" />}
      <SubmitButton busy={busy} label="Sign in" busyLabel="Checking…" testId="sign-in-submit" />
      <button type="button" className="button button-link" onClick={onChangeEmail}>
        Use a different email
      </button>
    </form>
  );
}

function SecondFactorStep({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const { user } = await verifySecondFactor(code.trim());
      onSignedIn(user);
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="sign-in-heading">Two-step verification</h1>
      <p className="card-lead" id="sign-in-second-factor-description">
        Your account has a second step. Enter the code from your authenticator app.
      </p>
      <TextField
        id="sign-in-second-factor"
        label="Verification code"
        descriptionId="sign-in-second-factor-description"
        variant="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        spellCheck={false}
        required
        value={code}
        onChange={(event) => setCode(event.target.value)}
        ref={inputRef}
        errorId={error === null ? undefined : ERROR_ID}
        data-testid="sign-in-second-factor"
      />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="sign-in-error" />}
      <SubmitButton busy={busy} label="Verify" busyLabel="Checking…" testId="sign-in-submit" />
    </form>
  );
}

/** Runs one API action at a time and turns its failure into a sentence for people. */
function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);

  async function submit(action: () => Promise<void>): Promise<void> {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(messageForPeople(failure));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  return { busy, error, submit, fail: setError };
}

function useFocusOnMount() {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
