import { useCallback, useState } from 'react';
import { type ImageKey, type ImageKeyStatus, createKey, listKeys, revokeKey, rotateKey } from '../../api/images';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDateTime } from '../../lib/format';
import { ShownSecret } from './ShownSecret';

const statusLabels: Record<ImageKeyStatus, string> = { active: 'Active', expiring: 'Expiring soon', expired: 'Expired', revoked: 'Revoked' };

/** A project's API keys: status, limits, last use; create, rotate (with a grace period) and revoke. */
export function KeysSection({ projectId, onKeys }: { projectId: string; onKeys: (keys: ImageKey[]) => void }) {
  const load = useCallback(() => listKeys(projectId).then((keys) => (onKeys(keys), keys)), [projectId, onKeys]);
  const { state, reload } = useLoader(load);
  const [name, setName] = useState('');
  const [graceDays, setGraceDays] = useState('1');
  const [shown, setShown] = useState<{ publicKey: string; secretKey: string } | null>(null);
  const [news, setNews] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();

  const create = () =>
    submit(async () => {
      const answer = await createKey(projectId, name.trim() || 'Website');
      setShown({ publicKey: answer.key.publicKey, secretKey: answer.secretKey });
      setName('');
      reload();
    });
  const rotate = (key: ImageKey) =>
    submit(async () => {
      const answer = await rotateKey(projectId, key.id, Number(graceDays));
      setShown({ publicKey: answer.key.publicKey, secretKey: answer.secretKey });
      setNews(`${key.name}: new secret; the previous one works ${graceDays === '0' ? 'no longer' : `for ${graceDays} more day(s)`}.`);
      reload();
    });
  const revoke = (key: ImageKey) =>
    submit(async () => {
      if (!window.confirm(`Revoke ${key.name}? Every URL signed with it stops working at once.`)) return;
      await revokeKey(projectId, key.id);
      setNews(`${key.name} revoked.`);
      reload();
    });

  return (
    <section className="panel" aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      {shown && <ShownSecret {...shown} onDone={() => setShown(null)} />}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <TextField id="new-key-name" label="Key name" value={name} onChange={(event) => setName(event.target.value)} placeholder="Production website" maxLength={200} />
        <button type="submit" className="button button-primary" aria-disabled={busy} data-testid="create-image-key">
          Create key
        </button>
      </form>
      {error && <FormError id="keys-error" message={error} testId="keys-error" />}
      <StatusMessage message={news} />
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && state.data.length > 0 && (
        <>
          <div className="field field-inline">
            <label className="field-label" htmlFor="grace-days">
              On rotation, keep the previous secret working for
            </label>
            <select id="grace-days" className="field-input" value={graceDays} onChange={(event) => setGraceDays(event.target.value)}>
              {[0, 1, 2, 3, 7].map((days) => (
                <option key={days} value={days}>
                  {days === 0 ? 'no time at all' : `${days} day${days === 1 ? '' : 's'}`}
                </option>
              ))}
            </select>
          </div>
          <div className="table-scroll">
            <table className="table table-keys" aria-label="API keys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Public key</th>
                  <th scope="col">Status</th>
                  <th scope="col">Limits</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.data.map((key) => (
                  <tr key={key.id} data-testid={`image-key-${key.name}`}>
                    <td>{key.name}</td>
                    <td>
                      <code>{key.publicKey}</code>
                    </td>
                    <td>
                      <span className={`badge badge-${key.status}`}>{statusLabels[key.status]}</span>
                      {key.previousSecretValidUntil && <span className="field-hint">Previous secret until {formatDateTime(key.previousSecretValidUntil)}</span>}
                    </td>
                    <td>
                      {key.perMinute}/min · {key.perDay}/day
                    </td>
                    <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
                    <td>
                      {key.status !== 'revoked' && (
                        <div className="table-actions">
                          <button type="button" className="button button-secondary button-small" onClick={() => void rotate(key)}>
                            Rotate<span className="visually-hidden"> {key.name}</span>
                          </button>
                          <button type="button" className="button button-danger button-small" onClick={() => void revoke(key)}>
                            Revoke<span className="visually-hidden"> {key.name}</span>
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
