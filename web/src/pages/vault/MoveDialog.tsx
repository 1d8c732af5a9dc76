import { useState } from 'react';
import type { Album } from '../../api/vault';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SelectField } from '../../components/form';
import { pluralize } from '../../lib/format';

/** The option for "in no album", which the server spells `null`. */
const NO_ALBUM = '';

/** Asks which album to move photos to (or out of every album), then moves them. */
export function MoveDialog({
  count,
  albums,
  currentAlbumId,
  onMove,
  onCancel,
}: {
  count: number;
  albums: readonly Album[];
  /** Where the photos are now, when they share an album: not the first choice. */
  currentAlbumId: string | null;
  onMove: (albumId: string | null) => Promise<void>;
  onCancel: () => void;
}) {
  const [target, setTarget] = useState(() => albums.find((album) => album.id !== currentAlbumId)?.id ?? NO_ALBUM);
  return (
    <ConfirmDialog
      title={`Move ${pluralize(count, 'photo', 'photos')}`}
      confirmLabel="Move"
      busyLabel="Moving…"
      tone="primary"
      onConfirm={() => onMove(target === NO_ALBUM ? null : target)}
      onCancel={onCancel}
    >
      <SelectField id="move-album" label="To album" value={target} onChange={(event) => setTarget(event.target.value)} data-testid="move-album">
        {albums.map((album) => (
          <option key={album.id} value={album.id}>
            {album.name}
          </option>
        ))}
        <option value={NO_ALBUM}>No album (only in All photos)</option>
      </SelectField>
    </ConfirmDialog>
  );
}
