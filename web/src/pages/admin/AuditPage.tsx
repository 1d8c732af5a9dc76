import { useCallback, useState, type FormEvent } from 'react';
import { auditExportUrl, listAuditEvents, type AuditEvent, type AuditFilters } from '../../api/admin-console';
import { usePageTitle } from '../../app/usePageTitle';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { FormError, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDateTime } from '../../lib/format';

/** The audit trail: filter by actor, action, studio and time, page back, export what the filters select. */
export function AuditPage() {
  usePageTitle('Audit trail');
  const [filters, setFilters] = useState<AuditFilters>({});
  const load = useCallback(() => listAuditEvents(filters), [filters]);
  const { state, update } = useLoader(load);
  const more = useSubmission();

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    const time = (name: string) => {
      const value = text(name);
      return value === undefined ? undefined : new Date(value).toISOString();
    };
    setFilters({ action: text('action'), actor: text('actor'), studio: text('studio'), from: time('from'), to: time('to') });
  }

  return (
    <div className="page page-wide">
      <h1 tabIndex={-1}>Audit trail</h1>
      <p className="page-lead">Every security-relevant action, newest first. The trail is hash-chained: run <code>shutterlock audit verify</code> to prove it was not edited.</p>
      <form className="panel filters" onSubmit={apply} data-testid="audit-filters">
        <TextField id="audit-action" name="action" label="Action (e.g. user.disabled)" data-testid="audit-filter-action" />
        <TextField id="audit-actor" name="actor" label="Actor (user id)" />
        <TextField id="audit-studio" name="studio" label="Studio (id)" />
        <TextField id="audit-from" name="from" type="datetime-local" label="From" />
        <TextField id="audit-to" name="to" type="datetime-local" label="Until" />
        <button type="submit" className="button" data-testid="audit-filter-submit">
          Filter
        </button>
        <a className="button button-secondary" href={auditExportUrl(filters, 'csv')} download>
          Export CSV
        </a>
        <a className="button button-secondary" href={auditExportUrl(filters, 'jsonl')} download>
          Export JSON Lines
        </a>
      </form>
      <section className="panel" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Events</h2>
        {more.error !== null && <FormError id="audit-error" message={more.error} testId="audit-error" />}
        {state.status === 'loading' && <p className="muted">Loading events…</p>}
        {state.status === 'failed' && <LoadFailed message={state.message} onRetry={() => setFilters({ ...filters })} />}
        {state.status === 'ready' && (
          <>
            <AuditTable events={state.data.events} />
            {state.data.nextBefore !== null && (
              <button
                type="button"
                className="button button-secondary"
                disabled={more.busy}
                onClick={() =>
                  void more.submit(async () => {
                    const page = await listAuditEvents(filters, state.data.nextBefore ?? undefined);
                    update((current) => ({ events: [...current.events, ...page.events], nextBefore: page.nextBefore }));
                  })
                }
              >
                {more.busy ? 'Loading…' : 'Older events'}
              </button>
            )}
          </>
        )}
      </section>
    </div>
  );
}

function AuditTable({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p className="muted">No events match.</p>;
  return (
    <div className="table-scroll" role="region" aria-labelledby="audit-heading" tabIndex={0}>
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">Subject</th>
            <th scope="col">Network</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-testid={`audit-row-${event.action}`}>
              <td className="table-number">{event.seq}</td>
              <td>{formatDateTime(event.at)}</td>
              <th scope="row">{event.action}</th>
              <td>
                <Who email={event.actorEmail} id={event.actorUserId} />
              </td>
              <td>
                <Who email={event.subjectEmail} id={event.subjectUserId} />
              </td>
              <td>{event.ip ?? '—'}</td>
              <td>
                <code>{JSON.stringify(event.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An account as a person reads it: its email; a deleted account by its id; nobody as a dash. */
function Who({ email, id }: { email: string | null; id: string | null }) {
  if (email !== null) return <span title={id ?? undefined}>{email}</span>;
  if (id !== null) return <span className="muted">deleted account {id.slice(0, 8)}</span>;
  return <>—</>;
}
