import { useState } from 'react';
import { leaveStudio, listMyStudios, ROLE_LABELS, switchStudio, type MyStudio } from '../../api/teams';
import { useLoader } from '../../app/useLoader';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { LoadFailed } from '../../components/LoadFailed';

const loadStudios = async () => (await listMyStudios()).studios;

/**
 * The studios this account belongs to, its role in each, and a way to leave one, whatever the
 * role: an editor or a viewer has no Team page (only owners manage the team), so this is where
 * they leave. Leaving acts on the studio the session is in, so another studio is switched to first.
 */
export function StudiosSection() {
  const { state, reload } = useLoader(loadStudios);
  const [leaving, setLeaving] = useState<MyStudio | null>(null);
  return (
    <section className="panel" aria-labelledby="studios-heading">
      <h2 id="studios-heading" tabIndex={-1}>
        Your studios
      </h2>
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'loading' && <p className="muted">Loading…</p>}
      {state.status === 'ready' &&
        (state.data.length === 0 ? (
          <p className="muted" data-testid="studios-none">
            Your account isn’t part of any studio.
          </p>
        ) : (
          <ul className="session-list" data-testid="studios-list">
            {state.data.map((studio) => (
              <li key={studio.id} className="session" data-testid="studio-row">
                <span>
                  <strong>{studio.name}</strong> · {ROLE_LABELS[studio.role]}
                  {studio.active ? ' · the one you work in now' : ''}
                </span>
                <button type="button" className="button button-secondary button-small" onClick={() => setLeaving(studio)} data-testid="studio-leave">
                  Leave<span className="visually-hidden"> {studio.name}</span>
                </button>
              </li>
            ))}
          </ul>
        ))}
      {leaving !== null && (
        <ConfirmDialog
          title={`Leave ${leaving.name}?`}
          confirmLabel="Leave the studio"
          busyLabel="Leaving…"
          onConfirm={async () => {
            if (!leaving.active) await switchStudio(leaving.id);
            await leaveStudio();
            // Every page's data belonged to the studio the session was in: start afresh.
            window.location.assign('/account/studios');
          }}
          onCancel={() => setLeaving(null)}
        >
          <p>
            You lose access to {leaving.name} at once ({ROLE_LABELS[leaving.role].toLowerCase()} until now). Coming back takes a new invitation from one of
            its owners. The studio’s photos stay the studio’s.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
