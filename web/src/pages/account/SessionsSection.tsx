import { useRef, useState } from 'react';
import { endOtherSessions, endSession, listSessions, type AccountSession } from '../../api/account';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { TimeAgo } from '../../components/TimeAgo';
import { formatDateTime } from '../../lib/format';

/** Where this account is signed in, with a way to end any other session. */
export function SessionsSection() {
  const { state, reload, update } = useLoader(listSessions);
  const { busy, error, submit } = useSubmission();
  const [status, setStatus] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  function end(session: AccountSession) {
    void submit(async () => {
      await endSession(session.id);
      update((sessions) => sessions.filter((candidate) => candidate.id !== session.id));
      setStatus(`Ended the session on ${session.device}.`);
      // The button that had focus is gone; the heading is the nearest sensible place.
      headingRef.current?.focus();
    });
  }

  function endOthers() {
    void submit(async () => {
      const ended = await endOtherSessions();
      update((sessions) => sessions.filter((session) => session.current));
      setStatus(ended === 1 ? 'Signed out 1 other session.' : `Signed out ${ended} other sessions.`);
      headingRef.current?.focus();
    });
  }

  return (
    <section className="panel" aria-labelledby="sessions-heading" aria-busy={busy}>
      <h2 id="sessions-heading" tabIndex={-1} ref={headingRef}>
        Where you’re signed in
      </h2>
      <p className="panel-lead">If you don’t recognise a device or place, end that session and change your password.</p>
      <StatusMessage message={status} testId="sessions-status" />
      {error !== null && <FormError id="sessions-error" message={error} testId="sessions-error" />}
      {state.status === 'loading' && <p className="muted">Loading sessions…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && <SessionList sessions={state.data} onEnd={end} onEndOthers={endOthers} />}
    </section>
  );
}

function SessionList({
  sessions,
  onEnd,
  onEndOthers,
}: {
  sessions: AccountSession[];
  onEnd: (session: AccountSession) => void;
  onEndOthers: () => void;
}) {
  // This device first, then the most recently active.
  const sorted = sessions.toSorted((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt));
  const hasOthers = sessions.some((session) => !session.current);

  return (
    <>
      <ul className="session-list" data-testid="sessions-list">
        {sorted.map((session) => (
          <li key={session.id} className="session" data-testid={`session-${session.id}`}>
            <div className="session-details">
              <p className="session-device">
                {session.device}
                {session.current && <span className="badge badge-accent">This device</span>}
              </p>
              <p className="session-meta">
                <span>{session.place}</span>
                <span>
                  {session.current ? (
                    'Active now'
                  ) : (
                    <>
                      Active <TimeAgo at={session.lastSeenAt} />
                    </>
                  )}
                </span>
                <span>
                  Signed in <time dateTime={session.createdAt}>{formatDateTime(session.createdAt)}</time>
                </span>
              </p>
            </div>
            {!session.current && (
              <button type="button" className="button button-secondary button-small" onClick={() => onEnd(session)} data-testid={`session-end-${session.id}`}>
                End<span className="visually-hidden"> the session on {session.device}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {hasOthers ? (
        <div className="panel-actions">
          <button type="button" className="button button-secondary" onClick={onEndOthers} data-testid="revoke-others">
            Sign out everywhere else
          </button>
        </div>
      ) : (
        <p className="muted">You’re not signed in anywhere else.</p>
      )}
    </>
  );
}
