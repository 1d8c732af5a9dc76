import { useEffect, useMemo, useState } from 'react';
import type { PasswordEstimate } from '../lib/passwordStrength';
import { TextField } from './form';

const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's "safely unguessable" score: the least we accept for a new password. */
const MIN_PASSWORD_SCORE = 3;
const SCORE_NAMES = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

type Estimator = (password: string, userInputs: string[]) => PasswordEstimate;
type EstimatorState = { status: 'loading' } | { status: 'ready'; estimate: Estimator } | { status: 'unavailable' };

let estimatorLoad: Promise<Estimator> | undefined;

/** Loads zxcvbn and its dictionaries once, on the first page that asks for a new password. */
function loadEstimator(): Promise<Estimator> {
  estimatorLoad ??= import('../lib/passwordStrength').then(
    (module) => module.estimatePassword,
    (error: unknown) => {
      estimatorLoad = undefined; // let a later page try again
      throw error;
    },
  );
  return estimatorLoad;
}

function useEstimator(): EstimatorState {
  const [state, setState] = useState<EstimatorState>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    loadEstimator().then(
      (estimate) => {
        if (!cancelled) setState({ status: 'ready', estimate });
      },
      () => {
        if (!cancelled) setState({ status: 'unavailable' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}

export interface NewPassword {
  value: string;
  confirmation: string;
  setValue: (value: string) => void;
  setConfirmation: (value: string) => void;
  clear: () => void;
  /** Long enough, strong enough and typed the same twice: the form may be sent. */
  acceptable: boolean;
  estimator: EstimatorState['status'];
  estimate: PasswordEstimate | null;
}

/**
 * State for a new password typed twice, checked with zxcvbn the way the server checks it:
 * the account's email (when the page knows it) and its parts count as words an attacker
 * tries first. If the checker cannot load, length and the server's own check still apply.
 */
export function useNewPassword(email: string | null): NewPassword {
  const [value, setValue] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const estimator = useEstimator();

  const estimate = useMemo(() => {
    if (estimator.status !== 'ready' || value === '') return null;
    return estimator.estimate(value, email === null ? [] : [email, ...email.split(/[@.]/)]);
  }, [estimator, value, email]);
  const strongEnough = estimator.status === 'unavailable' || (estimate !== null && estimate.score >= MIN_PASSWORD_SCORE);
  const length = [...value].length; // characters, as the server counts them, not UTF-16 units

  return {
    value,
    confirmation,
    setValue,
    setConfirmation,
    clear: () => {
      setValue('');
      setConfirmation('');
    },
    acceptable: length >= MIN_PASSWORD_LENGTH && strongEnough && confirmation === value,
    estimator: estimator.status,
    estimate,
  };
}

/** The new-password field with its strength meter, and the field to type it again. */
export function NewPasswordFields({
  password,
  idPrefix,
  testIds,
}: {
  password: NewPassword;
  idPrefix: string;
  testIds: { password: string; confirmation: string; strength: string };
}) {
  const strengthId = `${idPrefix}-strength`;
  const mismatchId = `${idPrefix}-mismatch`;
  const mismatch = password.confirmation !== '' && password.confirmation !== password.value;
  const { estimate } = password;

  return (
    <>
      <TextField
        id={`${idPrefix}-new`}
        label="New password"
        type="password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD_LENGTH}
        required
        value={password.value}
        onChange={(event) => password.setValue(event.target.value)}
        descriptionId={strengthId}
        data-testid={testIds.password}
      />
      <div className="strength" id={strengthId} data-testid={testIds.strength} data-score={estimate?.score}>
        <div className="strength-bar" aria-hidden="true">
          <span />
          <span />
          <span />
          <span />
        </div>
        <p className="strength-summary" aria-live="polite">
          {strengthSummary(password)}
        </p>
        {estimate?.warning && <p className="strength-warning">{estimate.warning}</p>}
        {estimate !== null && estimate.suggestions.length > 0 && (
          <ul className="strength-suggestions">
            {estimate.suggestions.map((suggestion) => (
              <li key={suggestion}>{suggestion}</li>
            ))}
          </ul>
        )}
      </div>
      <TextField
        id={`${idPrefix}-confirmation`}
        label="Type it again"
        type="password"
        autoComplete="new-password"
        required
        value={password.confirmation}
        onChange={(event) => password.setConfirmation(event.target.value)}
        errorId={mismatch ? mismatchId : undefined}
        data-testid={testIds.confirmation}
      />
      {mismatch && (
        <p className="field-problem" id={mismatchId}>
          The passwords don’t match yet.
        </p>
      )}
    </>
  );
}

function strengthSummary({ value, estimator, estimate }: NewPassword): string {
  if (value === '') return `Use at least ${MIN_PASSWORD_LENGTH} characters that are hard to guess, like a few unrelated words.`;
  if (estimator === 'loading') return 'Checking strength…';
  const strength = estimate === null ? 'Strength can’t be checked here; the server will check it' : `Strength: ${SCORE_NAMES[estimate.score]}`;
  const missing = MIN_PASSWORD_LENGTH - [...value].length;
  if (missing > 0) return `${strength}. Add ${missing} more ${missing === 1 ? 'character' : 'characters'}.`;
  if (estimate !== null && estimate.score < MIN_PASSWORD_SCORE) return `${strength}. Make it harder to guess.`;
  return `${strength}.`;
}
