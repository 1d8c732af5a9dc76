import { useState, type FormEvent, type Ref } from 'react';
import { requestSignInCode, signInWithPassword, verifySecondFactor, verifySignInCode, type SignInResult, type User } from '../api/auth';
import { Link } from '../app/router';
import { useSession } from '../app/session';
import { useFocusOnMount } from '../app/useFocusOnMount';
import { usePageTitle } from '../app/usePageTitle';
import { useSubmission } from '../app/useSubmission';
import { CodeField, EmailField, FormError, SubmitButton, TextField } from '../components/form';

/**
 * Sign-in: an emailed 6-digit code (or, instead, a password), then a second factor when the
 * account has one. Each step is its own component, so moving to a step mounts it and focuses
 * its field. Where a signed-in person goes next is App's business (its guards).
 */
type Step = { name: 'email' } | { name: 'code'; email: string } | { name: 'password' } | { name: 'second-factor' };

const ERROR_ID = 'sign-in-error';
const CODE_LENGTH = 6;

export function SignInPage() {
  usePageTitle('Sign in');
  const { signedIn } = useSession();
  const [step, setStep] = useState<Step>({ name: 'email' });
  const [email, setEmail] = useState('');

  function handleResult(result: SignInResult) {
    if ('user' in result) signedIn(result.user);
    else setStep({ name: 'second-factor' });
  }

  return (
    <section className="card" aria-labelledby="sign-in-heading">
      {step.name === 'email' && (
        <EmailStep
          email={email}
          onEmailChange={setEmail}
          onCodeSent={() => setStep({ name: 'code', email: email.trim() })}
          onUsePassword={() => setStep({ name: 'password' })}
        />
      )}
      {step.name === 'code' && (
        <CodeStep email={step.email} onResult={handleResult} onChangeEmail={() => setStep({ name: 'email' })} />
      )}
      {step.name === 'password' && (
        <PasswordStep email={email} onEmailChange={setEmail} onResult={handleResult} onUseCode={() => setStep({ name: 'email' })} />
      )}
      {step.name === 'second-factor' && <SecondFactorStep onSignedIn={signedIn} />}
    </section>
  );
}

function EmailStep({
  email,
  onEmailChange,
  onCodeSent,
  onUsePassword,
}: {
  email: string;
  onEmailChange: (email: string) => void;
  onCodeSent: () => void;
  onUsePassword: () => void;
}) {
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      await requestSignInCode(email.trim());
      onCodeSent();
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="sign-in-heading" tabIndex={-1}>
        Sign in
      </h1>
      <p className="card-lead">We’ll email you a one-time code. No password needed.</p>
      <SignInEmailField email={email} onEmailChange={onEmailChange} inputRef={inputRef} hasError={error !== null} />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="sign-in-error" />}
      <SubmitButton busy={busy} label="Email me a code" busyLabel="Sending…" testId="sign-in-submit" />
      <button type="button" className="button button-link" onClick={onUsePassword} data-testid="password-sign-in-link">
        Sign in with a password instead
      </button>
    </form>
  );
}

function CodeStep({ email, onResult, onChangeEmail }: { email: string; onResult: (result: SignInResult) => void; onChangeEmail: () => void }) {
  const [code, setCode] = useState('');
  const { busy, error, submit, fail } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (code.length !== CODE_LENGTH) {
      fail(`Enter the ${CODE_LENGTH}-digit code from the email.`);
      return;
    }
    void submit(async () => onResult(await verifySignInCode(email, code)));
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="sign-in-heading" tabIndex={-1}>
        Check your email
      </h1>
      <p className="card-lead" id="sign-in-code-description">
        We sent a {CODE_LENGTH}-digit code to <strong>{email}</strong>.
      </p>
      <CodeField
        id="sign-in-code"
        label={`${CODE_LENGTH}-digit code`}
        descriptionId="sign-in-code-description"
        digits={CODE_LENGTH}
        value={code}
        onValueChange={setCode}
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

function PasswordStep({
  email,
  onEmailChange,
  onResult,
  onUseCode,
}: {
  email: string;
  onEmailChange: (email: string) => void;
  onResult: (result: SignInResult) => void;
  onUseCode: () => void;
}) {
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmission();
  // With the email already typed on the first step, the password is what is left to fill in.
  const [emailKnown] = useState(email.trim() !== '');
  const focusRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => onResult(await signInWithPassword(email.trim(), password)));
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="sign-in-heading" tabIndex={-1}>
        Sign in with a password
      </h1>
      <p className="card-lead">Use the password you set for your Shutterlock account.</p>
      <SignInEmailField email={email} onEmailChange={onEmailChange} inputRef={emailKnown ? undefined : focusRef} hasError={error !== null} />
      <div className="field-with-aside">
        <TextField
          id="sign-in-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          ref={emailKnown ? focusRef : undefined}
          errorId={error === null ? undefined : ERROR_ID}
          data-testid="sign-in-password"
        />
        <Link to="/forgot-password" className="field-aside-link">
          Forgot password?
        </Link>
      </div>
      {error !== null && <FormError id={ERROR_ID} message={error} testId="sign-in-error" />}
      <SubmitButton busy={busy} label="Sign in" busyLabel="Signing in…" testId="sign-in-submit" />
      <button type="button" className="button button-link" onClick={onUseCode}>
        Email me a code instead
      </button>
    </form>
  );
}

function SecondFactorStep({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const { user } = await verifySecondFactor(code.trim());
      onSignedIn(user);
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <h1 id="sign-in-heading" tabIndex={-1}>
        Two-step verification
      </h1>
      <p className="card-lead" id="sign-in-second-factor-description">
        Enter the 6-digit code from your authenticator app. Lost your phone? Use one of your recovery codes instead, like{' '}
        <span className="nowrap">abcd-efgh-ijkl</span>.
      </p>
      <TextField
        id="sign-in-second-factor"
        label="Code or recovery code"
        descriptionId="sign-in-second-factor-description"
        variant="code"
        // Recovery codes have letters, so no numeric keypad here.
        inputMode="text"
        autoComplete="one-time-code"
        autoCapitalize="none"
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

function SignInEmailField({
  email,
  onEmailChange,
  inputRef,
  hasError,
}: {
  email: string;
  onEmailChange: (email: string) => void;
  inputRef: Ref<HTMLInputElement> | undefined;
  hasError: boolean;
}) {
  return (
    <EmailField
      id="sign-in-email"
      label="Email"
      value={email}
      onChange={(event) => onEmailChange(event.target.value)}
      ref={inputRef}
      errorId={hasError ? ERROR_ID : undefined}
      data-testid="sign-in-email"
    />
  );
}
