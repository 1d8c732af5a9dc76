import { useCallback, useState } from 'react';
import { listPortalStudios, setStudioLabs, type Lab, type PortalStudio } from '../../api/labs';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';

/** Per studio: the lab portal on or off, and which labs it may send to. */
export function StudioLabsPanel({ labs }: { labs: Lab[] }) {
  const load = useCallback(() => listPortalStudios(), []);
  const { state, update } = useLoader(load);
  const { busy, error, submit } = useSubmission();
  const [status, setStatus] = useState<string | null>(null);

  function change(studioId: string, changes: Partial<PortalStudio>) {
    update((studios) => studios.map((studio) => (studio.studioId === studioId ? { ...studio, ...changes } : studio)));
  }

  return (
    <section className="panel" aria-labelledby="studio-labs-heading">
      <h2 id="studio-labs-heading">Lab portal per studio</h2>
      <StatusMessage message={status} testId="studio-labs-status" />
      {error !== null && <FormError id="studio-labs-error" message={error} testId="studio-labs-error" />}
      {state.status === 'loading' && <p className="muted">Loading studios…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={() => undefined} />}
      {state.status === 'ready' && (
        <div className="table-scroll" role="region" aria-label="Studios" tabIndex={0}>
          <table className="table" data-testid="studio-labs-table">
            <thead>
              <tr>
                <th scope="col">Studio</th>
                <th scope="col">Portal</th>
                <th scope="col">Labs</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {state.data.map((studio) => (
                <tr key={studio.studioId} data-testid={`studio-labs-${studio.studioId}`}>
                  <th scope="row">{studio.name}</th>
                  <td>
                    <label>
                      <input
                        type="checkbox"
                        checked={studio.portalEnabled}
                        onChange={(event) => change(studio.studioId, { portalEnabled: event.target.checked })}
                        data-testid={`studio-portal-${studio.studioId}`}
                      />{' '}
                      On
                    </label>
                  </td>
                  <td>
                    {labs.map((lab) => (
                      <label key={lab.id} className="nowrap">
                        <input
                          type="checkbox"
                          checked={studio.labIds.includes(lab.id)}
                          onChange={(event) =>
                            change(studio.studioId, { labIds: event.target.checked ? [...studio.labIds, lab.id] : studio.labIds.filter((id) => id !== lab.id) })
                          }
                          data-testid={`studio-lab-${studio.studioId}-${lab.labId}`}
                        />{' '}
                        {lab.name}{' '}
                      </label>
                    ))}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-disabled={busy}
                      onClick={() => void submit(async () => {
                        await setStudioLabs(studio.studioId, studio.portalEnabled, studio.labIds.filter((id) => labs.some((lab) => lab.id === id)));
                        setStatus(`Saved for ${studio.name}.`);
                      })}
                      data-testid={`studio-labs-save-${studio.studioId}`}
                    >
                      Save
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
