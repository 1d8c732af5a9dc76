import { useState } from 'react';
import { deleteLab, resetLabPin, updateLab, type Lab, type Product } from '../../api/labs';
import { useSubmission } from '../../app/useSubmission';
import { FormError } from '../../components/form';
import { formatDateTime } from '../../lib/format';
import { CatalogueEditor, cleanCatalogue } from './CatalogueEditor';

function labState(lab: Lab): string {
  if (lab.disabled) return 'Disabled';
  if (lab.blocked) return 'Blocked (new PIN needed)';
  if (lab.lockedUntil !== null) return `Locked until ${formatDateTime(lab.lockedUntil)}`;
  return 'Active';
}

/** Every lab with what an admin does to one: a new PIN, disable or enable, its catalogue, delete. */
export function LabsTable({
  labs,
  onChanged,
  onDeleted,
  onPin,
}: {
  labs: Lab[];
  onChanged: (lab: Lab) => void;
  onDeleted: (id: string) => void;
  onPin: (lab: Lab, pin: string) => void;
}) {
  const { busy, error, submit } = useSubmission();
  const [editing, setEditing] = useState<{ id: string; catalogue: Product[] } | null>(null);

  return (
    <>
      {error !== null && <FormError id="labs-error" message={error} testId="labs-error" />}
      <div className="table-scroll" role="region" aria-label="Labs" tabIndex={0}>
        <table className="table" data-testid="labs-table">
          <thead>
            <tr>
              <th scope="col">Lab</th>
              <th scope="col">Lab ID</th>
              <th scope="col">State</th>
              <th scope="col">Products</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {labs.map((lab) => (
              <tr key={lab.id} data-testid={`lab-row-${lab.labId}`}>
                <th scope="row">
                  {lab.name}
                  <div className="muted">{lab.contactEmails.join(', ')}</div>
                </th>
                <td className="nowrap">
                  <code>{lab.labId}</code>
                </td>
                <td>{labState(lab)}</td>
                <td>
                  {editing?.id === lab.id ? (
                    <>
                      <CatalogueEditor idPrefix={`lab-edit-${lab.labId}`} products={editing.catalogue} onChange={(catalogue) => setEditing({ id: lab.id, catalogue })} />
                      <button
                        type="button"
                        className="button button-primary button-small"
                        aria-disabled={busy}
                        onClick={() => void submit(async () => {
                          onChanged(await updateLab(lab.id, { catalogue: cleanCatalogue(editing.catalogue) }));
                          setEditing(null);
                        })}
                      >
                        Save products
                      </button>
                    </>
                  ) : (
                    <>
                      {lab.catalogue.map((product) => product.name).join(', ') || '—'}{' '}
                      <button type="button" className="button button-link button-small" onClick={() => setEditing({ id: lab.id, catalogue: lab.catalogue })}>
                        Edit
                      </button>
                    </>
                  )}
                </td>
                <td className="table-actions">
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-disabled={busy}
                    onClick={() => void submit(async () => {
                      const { lab: changed, pin } = await resetLabPin(lab.id);
                      onChanged(changed);
                      onPin(changed, pin);
                    })}
                    data-testid={`lab-reset-pin-${lab.labId}`}
                  >
                    New PIN
                  </button>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-disabled={busy}
                    onClick={() => void submit(async () => onChanged(await updateLab(lab.id, { disabled: !lab.disabled })))}
                    data-testid={`lab-toggle-${lab.labId}`}
                  >
                    {lab.disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button
                    type="button"
                    className="button button-link button-small"
                    aria-disabled={busy}
                    onClick={() => {
                      if (!window.confirm(`Delete ${lab.name} and every order sent to it?`)) return;
                      void submit(async () => {
                        await deleteLab(lab.id);
                        onDeleted(lab.id);
                      });
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
