import { Fragment, useState } from 'react';
import { deleteStudio, listStudios, type StudioSummary } from '../../api/admin-console';
import { usePageTitle } from '../../app/usePageTitle';
import { useLoader } from '../../app/useLoader';
import { LoadFailed } from '../../components/LoadFailed';
import { formatBytes } from '../../lib/format';
import { PortfolioDomainsSection } from './PortfolioDomainsSection';
import { StudioDetails } from './StudioDetails';
import { TypedDeletionDialog } from './TypedDeletionDialog';

/** Every studio: usage against quota (a meter, as the strict CSP allows no inline styles), encryption, key version, members, storage per variant on demand, deletion; the portfolios' custom domains. */
export function StudiosPage() {
  usePageTitle('Studios');
  const { state, reload, update } = useLoader(listStudios);
  const [deleting, setDeleting] = useState<StudioSummary | null>(null);
  const [opened, setOpened] = useState<string | null>(null);

  return (
    <div className="page page-wide">
      <h1 tabIndex={-1}>Studios</h1>
      <section className="panel" aria-labelledby="studios-heading">
        <h2 id="studios-heading">All studios</h2>
        {state.status === 'loading' && <p className="muted">Loading studios…</p>}
        {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
        {state.status === 'ready' && (
          <table className="table" data-testid="studios-table">
            <thead>
              <tr>
                <th scope="col">Studio</th>
                <th scope="col">Usage</th>
                <th scope="col">New uploads</th>
                <th scope="col">Key version</th>
                <th scope="col">Members</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((studio) => (
                <Fragment key={studio.id}>
                <tr>
                  <th scope="row">{studio.name}</th>
                  <td>
                    {studio.quotaBytes === null ? (
                      `${formatBytes(studio.usedBytes)} (no quota)`
                    ) : (
                      <>
                        <meter min={0} max={studio.quotaBytes} value={studio.usedBytes} high={studio.quotaBytes * 0.9} aria-label={`Usage of ${studio.name}`} />{' '}
                        {formatBytes(studio.usedBytes)} of {formatBytes(studio.quotaBytes)}
                      </>
                    )}
                  </td>
                  <td>{studio.encryptionEnabled ? 'Encrypted' : 'Not encrypted'}</td>
                  <td>{studio.keyVersion ?? 'destroyed'}</td>
                  <td className="table-number">{studio.members}</td>
                  <td className="table-actions">
                    <button type="button" className="button button-small" aria-expanded={opened === studio.id} aria-controls={`studio-details-${studio.id}`} onClick={() => setOpened(opened === studio.id ? null : studio.id)}>
                      Storage<span className="visually-hidden"> of {studio.name}</span>
                    </button>
                    <button type="button" className="button button-danger button-small" onClick={() => setDeleting(studio)}>
                      Delete<span className="visually-hidden"> {studio.name}</span>
                    </button>
                  </td>
                </tr>
                {opened === studio.id && (
                  <tr id={`studio-details-${studio.id}`}>
                    <td colSpan={6}>
                      <StudioDetails studioId={studio.id} />
                    </td>
                  </tr>
                )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <PortfolioDomainsSection />
      {deleting && (
        <TypedDeletionDialog
          title={`Delete the studio “${deleting.name}”?`}
          what="studio’s name"
          expected={deleting.name}
          body="Its data key is destroyed at once: every photo becomes unreadable, also in old backups. Files and records are then deleted in the background. This cannot be undone."
          onDelete={async (confirm, code) => {
            await deleteStudio(deleting.id, confirm, code);
            update((studios) => studios.filter((studio) => studio.id !== deleting.id));
            setDeleting(null);
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </div>
  );
}
