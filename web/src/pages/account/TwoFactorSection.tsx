import { useState } from 'react';
import { disableTotp, regenerateRecoveryCodes, startTotpEnrollment, type TotpEnrollment } from '../../api/account';
import type { User } from '../../api/auth';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { useSubmission } from '../../app/useSubmission';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormError } from '../../components/form';
import { RecoveryCodes } from './RecoveryCodes';
import { useReauthentication } from './Reauthentication';
import { TotpEnrollmentStep } from './TotpEnrollmentStep';

type Phase =
  | { name: 'start' }
  | { name: 'enrolling'; enrollment: TotpEnrollment }
  | { name: 'recovery-codes'; codes: string[] }
  | { name: 'new-recovery-codes'; codes: string[] };

/**
 * Two-factor authentication with an authenticator app: start → scan and confirm a code →
 * save the recovery codes (shown this once) → on, and back to the start page. The session only learns that it is on
 * once the codes are saved, so nothing re-renders them away before then.
 */
export function TwoFactorSection({ user }: { user: User }) {
  const { updateUser } = useSession();
  const [phase, setPhase] = useState<Phase>({ name: 'start' });

  // Once the codes are saved there is nothing left to do here: on to the start page, saying what changed.
  function finish() {
    updateUser({ totpEnabled: true, mustEnrollTotp: false });
    navigate('/', { notice: 'Two-factor authentication is on: signing in now asks for a code from your authenticator app.' });
  }

  return (
    <section className="panel" aria-labelledby="two-factor-heading">
      {phase.name === 'recovery-codes' ? (
        <RecoveryCodes codes={phase.codes} email={user.email} onDone={finish} />
      ) : phase.name === 'new-recovery-codes' ? (
        <RecoveryCodes
          codes={phase.codes}
          email={user.email}
          onDone={() => navigate('/', { notice: 'Your new recovery codes are saved, and the old ones no longer work.' })}
          replaced
        />
      ) : user.totpEnabled ? (
        <TwoFactorOn
          user={user}
          onNewRecoveryCodes={(codes) => setPhase({ name: 'new-recovery-codes', codes })}
          onTurnedOff={() => {
            updateUser({ totpEnabled: false, reauthenticationMethods: user.hasPassword ? ['email_code', 'password'] : ['email_code'] });
            setPhase({ name: 'start' });
          }}
        />
      ) : phase.name === 'enrolling' ? (
        <TotpEnrollmentStep user={user} enrollment={phase.enrollment} onConfirmed={(codes) => setPhase({ name: 'recovery-codes', codes })} />
      ) : (
        <Start user={user} onStarted={(enrollment) => setPhase({ name: 'enrolling', enrollment })} />
      )}
    </section>
  );
}

function Start({ user, onStarted }: { user: User; onStarted: (enrollment: TotpEnrollment) => void }) {
  const { busy, error, submit } = useSubmission();
  const reauthentication = useReauthentication(user, submit);
  const mustEnroll = user.mustEnrollTotp;
  const start = () => reauthentication.attempt(async () => onStarted(await startTotpEnrollment()));

  return (
    <>
      <h2 id="two-factor-heading" tabIndex={-1}>
        Two-factor authentication
      </h2>
      {mustEnroll && (
        <p className="notice notice-important" data-testid="totp-required">
          As an admin, you must set up two-factor authentication before anything else. It keeps the studio’s photos safe
          even if someone gets into your email.
        </p>
      )}
      <p className="panel-lead">
        Add a second step to signing in: a 6-digit code from an authenticator app on your phone or computer, such as
        1Password, Google Authenticator or Aegis.
      </p>
      {error !== null && <FormError id="two-factor-error" message={error} testId="two-factor-error" />}
      {reauthentication.asking ? (
        reauthentication.prompt
      ) : (
        <div className="panel-actions">
          <button type="button" className="button button-primary button-auto" aria-disabled={busy} onClick={start} data-testid="totp-start">
            {busy ? 'Starting…' : 'Set up two-factor authentication'}
          </button>
        </div>
      )}
    </>
  );
}

function TwoFactorOn({
  user,
  onNewRecoveryCodes,
  onTurnedOff,
}: {
  user: User;
  onNewRecoveryCodes: (codes: string[]) => void;
  onTurnedOff: () => void;
}) {
  const { busy, error, submit } = useSubmission();
  const reauthentication = useReauthentication(user, submit);
  const [confirmingOff, setConfirmingOff] = useState(false);
  const run = reauthentication.attempt;
  return (
    <>
      <h2 id="two-factor-heading" tabIndex={-1}>
        Two-factor authentication is on
      </h2>
      <p className="panel-lead">
        When you sign in, we ask for a code from your authenticator app. If you lose the device it is on, use one of your
        recovery codes instead.
      </p>
      {error !== null && <FormError id="two-factor-error" message={error} testId="two-factor-error" />}
      {reauthentication.asking ? (
        reauthentication.prompt
      ) : (
        <div className="panel-actions">
          <button
            type="button"
            className="button button-secondary button-auto"
            aria-disabled={busy}
            onClick={() => run(async () => onNewRecoveryCodes(await regenerateRecoveryCodes()))}
            data-testid="recovery-codes-regenerate"
          >
            New recovery codes
          </button>
          {user.role !== 'admin' && (
            <button
              type="button"
              className="button button-secondary button-auto"
              aria-disabled={busy}
              onClick={() => setConfirmingOff(true)}
              data-testid="totp-disable"
            >
              Turn off two-factor authentication
            </button>
          )}
        </div>
      )}
      {confirmingOff && (
        <ConfirmDialog
          title="Turn off two-factor authentication?"
          confirmLabel="Turn off"
          busyLabel="Turning off…"
          onConfirm={async () => {
            setConfirmingOff(false);
            run(async () => {
              await disableTotp();
              onTurnedOff();
            });
          }}
          onCancel={() => setConfirmingOff(false)}
        >
          <p>Signing in will need only your email code or password. Your recovery codes stop working. We email you about it.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
