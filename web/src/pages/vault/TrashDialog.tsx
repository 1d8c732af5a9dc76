import type { FileUse, FileView } from '../../api/vault';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { pluralize } from '../../lib/format';

/**
 * "Move to trash?" before anything goes: what goes, that it can be brought back for 30 days, and
 * — when some of it is in a live delivery — which deliveries' clients would stop seeing it.
 */
export function TrashDialog({ files, uses, onConfirm, onCancel }: { files: FileView[]; uses: FileUse[]; onConfirm: () => Promise<void>; onCancel: () => void }) {
  const [only] = files;
  const what = files.length === 1 && only ? `“${only.name}”` : pluralize(files.length, 'photo', 'photos');
  const names = new Map(files.map((file) => [file.id, file.name]));
  return (
    <ConfirmDialog
      title={uses.length > 0 ? `Take ${what} from ${uses.length === 1 ? 'a client' : 'clients'}?` : `Move ${what} to the trash?`}
      confirmLabel={uses.length > 0 ? 'Move to trash anyway' : 'Move to trash'}
      busyLabel="Moving to trash…"
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      {uses.length > 0 && (
        <div className="trash-warning" data-testid="trash-live-deliveries">
          <p>
            <strong>{files.length === 1 ? 'This photo is' : 'Some of these photos are'} in a live delivery.</strong> The client stops seeing{' '}
            {files.length === 1 ? 'it' : 'them'} in their gallery at once:
          </p>
          <ul>
            {uses.map((use) => (
              <li key={use.id}>
                “{use.title}”
                {files.length > 1 && (
                  <span className="muted">
                    {' '}
                    — {use.fileIds.length <= 3 ? use.fileIds.map((id) => names.get(id) ?? 'a photo').join(', ') : pluralize(use.fileIds.length, 'photo', 'photos')}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p>It stays in the trash for 30 days, and you can undo this right after or restore it from the trash until then.</p>
    </ConfirmDialog>
  );
}
