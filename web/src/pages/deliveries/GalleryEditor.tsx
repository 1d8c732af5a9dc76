import { useState, type DragEvent, type FormEvent } from 'react';
import { useCan } from '../../app/permissions';
import { RoleNote } from '../../app/RoleGate';
import {
  addDeliveryFiles,
  createDeliverySet,
  deleteDeliverySet,
  removeDeliveryFiles,
  reorderDeliveryFiles,
  updateDelivery,
  updateDeliverySet,
  type Delivery,
  type DeliveryGallery,
  type DeliverySet,
} from '../../api/deliveries';
import type { FileView } from '../../api/vault';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage } from '../../components/form';
import { pluralize } from '../../lib/format';
import './gallery-editor.css';
import { PhotoPicker } from './PhotoPicker';

/**
 * The photographer's side of a delivery's gallery, live: drag photos (or use Earlier / Later)
 * to order them, sort them by real capture time or by name, group them in sets, choose the
 * cover, take photos out and add late ones. Each change is saved at once; the client sees it
 * on the gallery's next refresh, and the activity records it.
 */
export function GalleryEditor({
  delivery,
  files,
  sets,
  onChanged,
}: {
  delivery: Delivery;
  files: FileView[];
  sets: DeliverySet[];
  onChanged: (gallery: DeliveryGallery, message: string) => void;
}) {
  const { busy, error, submit } = useSubmission();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dragging, setDragging] = useState<string | null>(null);
  const [newSet, setNewSet] = useState('');
  const [adding, setAdding] = useState(false);
  const [toAdd, setToAdd] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState<string | null>(null);
  const editable = delivery.status !== 'revoked';
  // Deleting a set is deletion, which an editor's role does not have (the photos would stay either way).
  const canDeleteSets = useCan('delete');
  const setOf = new Map(sets.flatMap((set) => set.fileIds.map((id) => [id, set] as const)));
  const chosen = files.filter((file) => selected.has(file.id)).map((file) => file.id);

  function run(work: () => Promise<DeliveryGallery>, message: string) {
    setStatus(null);
    void submit(async () => {
      const gallery = await work();
      onChanged(gallery, message);
      setStatus(message);
      setSelected(new Set());
    });
  }

  function move(fileId: string, to: number) {
    const order = files.map((file) => file.id).filter((id) => id !== fileId);
    order.splice(Math.max(0, Math.min(order.length, to)), 0, fileId);
    run(() => reorderDeliveryFiles(delivery.id, { fileIds: order }), 'Saved the new order.');
  }

  function handleDrop(event: DragEvent<HTMLLIElement>, targetId: string) {
    event.preventDefault();
    const source = dragging ?? event.dataTransfer.getData('text/plain');
    setDragging(null);
    if (!source || source === targetId) return;
    move(source, files.findIndex((file) => file.id === targetId));
  }

  function toggle(fileId: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(fileId)) next.delete(fileId);
      else next.add(fileId);
      return next;
    });
  }

  function createSet(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = newSet.trim();
    if (!name) return;
    run(() => createDeliverySet(delivery.id, name, chosen.length > 0 ? chosen : undefined), `Added the set “${name}”.`);
    setNewSet('');
  }

  function openAdding() {
    setToAdd(new Set());
    setAdding(true);
  }

  return (
    <div className="gallery-editor" data-testid="gallery-editor">
      {editable && (
        <div className="gallery-editor-bar" role="group" aria-label="Order and sets">
          <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={() => run(() => reorderDeliveryFiles(delivery.id, { sortBy: 'capturedAt' }), 'Sorted by capture time.')} data-testid="sort-captured">
            Sort by capture time
          </button>
          <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={() => run(() => reorderDeliveryFiles(delivery.id, { sortBy: 'name' }), 'Sorted by name.')}>
            Sort by name
          </button>
          <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={openAdding} data-testid="add-files">
            Add photos…
          </button>
          {chosen.length > 0 && (
            <>
              <button
                type="button"
                className="button button-danger button-small"
                aria-disabled={busy}
                onClick={() => run(() => removeDeliveryFiles(delivery.id, chosen), `Took ${pluralize(chosen.length, 'photo', 'photos')} out of the delivery.`)}
                data-testid="remove-files"
              >
                Remove {pluralize(chosen.length, 'photo', 'photos')} from the delivery
              </button>
              {sets.map((set) => (
                <button key={set.id} type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={() => run(() => updateDeliverySet(delivery.id, set.id, { fileIds: chosen }), `Moved to “${set.name}”.`)}>
                  Move to “{set.name}”
                </button>
              ))}
            </>
          )}
        </div>
      )}
      <StatusMessage message={status} testId="gallery-editor-status" />
      {error !== null && <FormError id="gallery-editor-error" message={error} testId="gallery-editor-error" />}
      {adding && (
        <section className="gallery-editor-add" aria-labelledby="add-files-heading" data-testid="add-files-panel">
          <h3 id="add-files-heading">Add photos from the library</h3>
          <PhotoPicker picked={toAdd} onChange={setToAdd} exclude={new Set(files.map((file) => file.id))} testIdPrefix="add-pick-" />
          <div className="gallery-actions">
            <button
              type="button"
              className="button button-primary button-auto"
              aria-disabled={busy || toAdd.size === 0}
              onClick={() => {
                if (toAdd.size === 0) return;
                const ids = [...toAdd];
                setAdding(false);
                run(() => addDeliveryFiles(delivery.id, ids), `Added ${pluralize(ids.length, 'photo', 'photos')}: the client sees them now.`);
              }}
              data-testid="add-files-submit"
            >
              Add to the delivery
            </button>
            <button type="button" className="button button-secondary button-auto" onClick={() => setAdding(false)}>
              Cancel
            </button>
          </div>
        </section>
      )}
      {files.length === 0 ? (
        <p className="muted">No files: they may have been deleted from the library.</p>
      ) : (
        <ol className="file-grid file-grid-small gallery-editor-files" aria-label="Delivered files, in the client’s order" data-testid="delivery-files">
          {files.map((file, index) => (
            <li
              key={file.id}
              className="file-tile"
              draggable={editable}
              data-dragging={dragging === file.id ? '' : undefined}
              onDragStart={(event) => {
                setDragging(file.id);
                event.dataTransfer.setData('text/plain', file.id);
                event.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(event) => {
                if (editable) event.preventDefault();
              }}
              onDrop={(event) => handleDrop(event, file.id)}
              onDragEnd={() => setDragging(null)}
              data-testid={`delivery-file-${file.id}`}
            >
              {editable ? (
                <label className="tile-pick">
                  <input type="checkbox" checked={selected.has(file.id)} onChange={() => toggle(file.id)} data-testid={`delivery-select-${file.id}`} />
                  <span className="file-tile-name">{file.name}</span>
                </label>
              ) : (
                <span className="file-tile-name">{file.name}</span>
              )}
              <span className="file-tile-frame">{file.thumbnailUrl !== null && <img className="file-tile-image" src={file.thumbnailUrl} alt="" loading="lazy" decoding="async" draggable={false} />}</span>
              <span className="muted gallery-editor-meta">
                {setOf.get(file.id)?.name ?? 'No set'}
                {delivery.coverFileId === file.id && ' · Cover'}
              </span>
              {editable && (
                <span className="gallery-editor-tile-actions">
                  <button type="button" className="button button-secondary button-small" aria-disabled={busy || index === 0} onClick={() => index > 0 && move(file.id, index - 1)}>
                    Earlier<span className="visually-hidden"> {file.name}</span>
                  </button>
                  <button type="button" className="button button-secondary button-small" aria-disabled={busy || index === files.length - 1} onClick={() => index < files.length - 1 && move(file.id, index + 1)}>
                    Later<span className="visually-hidden"> {file.name}</span>
                  </button>
                  {delivery.coverFileId !== file.id && (
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-disabled={busy}
                      onClick={() =>
                        run(async () => ({ delivery: await updateDelivery(delivery.id, { coverFileId: file.id }), files, sets }), `“${file.name}” is the cover now.`)
                      }
                    >
                      Make cover<span className="visually-hidden"> {file.name}</span>
                    </button>
                  )}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      <section className="gallery-editor-sets" aria-labelledby="sets-heading">
        <h3 id="sets-heading">Sets</h3>
        <p className="muted">Sections of the client’s gallery, such as Getting ready, Ceremony, Reception. Select photos above to put them in a new set.</p>
        {sets.length > 0 && (
          <ul className="gallery-editor-set-list" data-testid="delivery-sets">
            {sets.map((set, index) => (
              <li key={set.id}>
                <span>
                  {set.name} <span className="muted">({pluralize(set.fileIds.length, 'photo', 'photos')})</span>
                </span>
                {editable && (
                  <span className="gallery-editor-tile-actions">
                    {index > 0 && (
                      <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={() => run(() => updateDeliverySet(delivery.id, set.id, { position: index - 1 }), 'Moved the set.')}>
                        Earlier<span className="visually-hidden"> set {set.name}</span>
                      </button>
                    )}
                    {chosen.length > 0 && (
                      <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={() => run(() => updateDeliverySet(delivery.id, set.id, { removeFileIds: chosen.filter((id) => set.fileIds.includes(id)) }), `Took photos out of “${set.name}”.`)}>
                        Take selected out<span className="visually-hidden"> of {set.name}</span>
                      </button>
                    )}
                    {canDeleteSets && (
                      <button type="button" className="button button-danger button-small" aria-disabled={busy} onClick={() => run(() => deleteDeliverySet(delivery.id, set.id), `Deleted the set “${set.name}”; its photos stay in the delivery.`)}>
                        Delete<span className="visually-hidden"> set {set.name}</span>
                      </button>
                    )}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        {editable && sets.length > 0 && <RoleNote permissions={['delete']} cannot="delete sets" testId="sets-role-note" />}
        {editable && (
          <form className="gallery-editor-new-set" onSubmit={createSet}>
            <label htmlFor="new-set-name">New set</label>
            <input id="new-set-name" className="field-input" value={newSet} maxLength={100} onChange={(event) => setNewSet(event.target.value)} data-testid="new-set-name" />
            <button type="submit" className="button button-secondary button-small" aria-disabled={busy} data-testid="new-set-submit">
              {chosen.length > 0 ? `Add set with ${pluralize(chosen.length, 'photo', 'photos')}` : 'Add set'}
            </button>
          </form>
        )}
      </section>
    </div>
  );
}
