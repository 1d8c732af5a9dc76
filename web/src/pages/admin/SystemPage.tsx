import { useCallback } from 'react';
import { getSystemStatus, listFailedJobs, retryJob } from '../../api/admin-console';
import { usePageTitle } from '../../app/usePageTitle';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { FormError } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDateTime } from '../../lib/format';

/** Health, master keys, the job queue (with retry of failed jobs), the audit chain and the configuration — never secret values. */
export function SystemPage() {
  usePageTitle('System');
  const load = useCallback(async () => ({ status: await getSystemStatus(), failed: await listFailedJobs() }), []);
  const { state, reload } = useLoader(load);
  const { error, submit } = useSubmission();

  if (state.status === 'loading') return <p className="page-loading">Loading…</p>;
  if (state.status === 'failed') return <LoadFailed message={state.message} onRetry={reload} />;
  const { status, failed } = state.data;
  return (
    <div className="page page-wide">
      <h1 tabIndex={-1}>System</h1>
      <section className="panel" aria-labelledby="health-heading">
        <h2 id="health-heading">Health</h2>
        <ul data-testid="system-health">
          <li>Version {status.version}</li>
          <li>
            Database ({status.database.kind}): {status.database.status}
          </li>
          <li>
            Blob store ({status.storage.kind}): {status.storage.status}
          </li>
          <li>Mail: {status.mail.kind === 'smtp' ? 'SMTP' : 'development outbox'}</li>
          <li>
            Audit chain: {status.auditChain.headSeq} entries
            {status.auditChain.lastSealedAt ? `, sealed at entry ${status.auditChain.lastSealedSeq} (${formatDateTime(status.auditChain.lastSealedAt)})` : ', not sealed yet'}
          </li>
        </ul>
      </section>
      <section className="panel" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Master keys</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">State</th>
              <th scope="col">Studio keys</th>
              <th scope="col">Code peppers</th>
              <th scope="col">Secret fields</th>
            </tr>
          </thead>
          <tbody>
            {status.masterKeys.map((key) => (
              <tr key={key.version}>
                <th scope="row">{key.version}</th>
                <td>{key.state}</td>
                <td className="table-number">{key.studioKeys}</td>
                <td className="table-number">{key.peppers}</td>
                <td className="table-number">{key.secretFields}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">Jobs</h2>
        {error !== null && <FormError id="jobs-error" message={error} testId="jobs-error" />}
        <table className="table" data-testid="system-jobs">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Pending</th>
              <th scope="col">Running</th>
              <th scope="col">Failed</th>
              <th scope="col">Oldest waiting</th>
            </tr>
          </thead>
          <tbody>
            {status.jobs.map((depth) => (
              <tr key={depth.kind}>
                <th scope="row">{depth.kind}</th>
                <td className="table-number">{depth.pending}</td>
                <td className="table-number">{depth.running}</td>
                <td className="table-number">{depth.failed}</td>
                <td className="table-number">{Math.round(depth.oldestPendingAgeMs / 1000)} s</td>
              </tr>
            ))}
          </tbody>
        </table>
        {failed.length > 0 && (
          <ul className="failed-jobs">
            {failed.map((job) => (
              <li key={job.id}>
                {job.kind} — {job.lastError ?? 'failed'}{' '}
                <button type="button" className="button button-secondary button-small" onClick={() => void submit(async () => (await retryJob(job.id), reload()))}>
                  Retry
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="config-heading">
        <h2 id="config-heading">Configuration</h2>
        <dl className="facts">
          {status.configuration.map((row) => (
            <div key={row.name}>
              <dt>{row.name}</dt>
              <dd>{row.value}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
