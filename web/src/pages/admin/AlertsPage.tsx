import { acknowledgeAlert, listAlerts } from '../../api/admin-console';
import { usePageTitle } from '../../app/usePageTitle';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { FormError } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDateTime } from '../../lib/format';

/** Alerts raised from the audit log (bursts of failed sign-ins, lockouts, mass deletions, …), with acknowledging. */
export function AlertsPage() {
  usePageTitle('Alerts');
  const { state, reload, update } = useLoader(listAlerts);
  const { error, submit } = useSubmission();

  return (
    <div className="page page-wide">
      <h1 tabIndex={-1}>Alerts</h1>
      <p className="page-lead">What the alert rules found in the audit trail. Admins are emailed, within an hourly limit.</p>
      <section className="panel" aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Recent alerts</h2>
        {error !== null && <FormError id="alerts-error" message={error} testId="alerts-error" />}
        {state.status === 'loading' && <p className="muted">Loading alerts…</p>}
        {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
        {state.status === 'ready' && state.data.length === 0 && <p className="muted">No alerts.</p>}
        {state.status === 'ready' && state.data.length > 0 && (
          <div className="table-scroll" role="region" aria-labelledby="alerts-heading" tabIndex={0}>
            <table className="table" data-testid="alerts-table">
              <thead>
                <tr>
                  <th scope="col">Raised</th>
                  <th scope="col">Alert</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Emailed</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {state.data.map((alert) => (
                  <tr key={alert.id} data-testid={`alert-row-${alert.rule}`}>
                    <td>{formatDateTime(alert.raisedAt)}</td>
                    <th scope="row">{alert.summary}</th>
                    <td>{alert.rule}</td>
                    <td>{alert.emailed ? 'Yes' : 'No (limit reached)'}</td>
                    <td>
                      {alert.status === 'acknowledged' ? (
                        <span className="badge">Acknowledged</span>
                      ) : (
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          data-testid={`alert-acknowledge-${alert.id}`}
                          onClick={() =>
                            void submit(async () => {
                              const acknowledged = await acknowledgeAlert(alert.id);
                              update((alerts) => alerts.map((candidate) => (candidate.id === acknowledged.id ? acknowledged : candidate)));
                            })
                          }
                        >
                          Acknowledge
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
