import { useState } from 'react';
import type { Album } from '../../api/vault';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SelectField } from '../../components/form';
import { pluralize } from '../../lib/format';

/** The option for "in no album", which the server spells `null`. */
const NO_ALBUM = '';

/**
 * Asks which album photos go to, then sends them. `move` takes them out of every other album
 * (or, to "No album", out of all); `add` keeps them where they are too: albums are
 * collections, and a photo may be in several.
 */
export function MoveDialog({
  mode,
  count,
  albums,
  currentAlbumIds,
  onConfirm,
  onCancel,
}: {
  mode: 'move' | 'add';
  count: number;
  albums: readonly Album[];
  /** The albums every one of the photos is in already: not the first choice, and not offered to add to. */
  currentAlbumIds: readonly string[];
  onConfirm: (albumId: string | null) => Promise<void>;
  onCancel: () => void;
}) {
  const choices = mode === 'add' ? albums.filter((album) => !currentAlbumIds.includes(album.id)) : albums;
  const [target, setTarget] = useState(() => choices.find((album) => !currentAlbumIds.includes(album.id))?.id ?? (choices[0]?.id ?? NO_ALBUM));
  const photos = pluralize(count, 'photo', 'photos');
  const nothingToAdd = mode === 'add' && choices.length === 0;
  return (
    <ConfirmDialog
      title={mode === 'add' ? `Add ${photos} to an album` : `Move ${photos}`}
      confirmLabel={nothingToAdd ? 'Close' : mode === 'add' ? 'Add' : 'Move'}
      busyLabel={mode === 'add' ? 'Adding…' : 'Moving…'}
      tone="primary"
      onConfirm={async () => (nothingToAdd ? onCancel() : onConfirm(target === NO_ALBUM ? null : target))}
      onCancel={onCancel}
    >
      {nothingToAdd ? (
        <p data-testid="add-album-none">{count === 1 ? 'This photo is' : 'These photos are'} in every album already. Create an album first.</p>
      ) : (
        <SelectField
          id={`${mode}-album`}
          label="To album"
          value={target}
          onChange={(event) => setTarget(event.target.value)}
          data-testid={`${mode}-album`}
        >
          {choices.map((album) => (
            <option key={album.id} value={album.id}>
              {album.name}
            </option>
          ))}
          {mode === 'move' && <option value={NO_ALBUM}>No album (only in All photos)</option>}
        </SelectField>
      )}
      {mode === 'add' && choices.length > 0 && <p className="muted">They stay in the albums they are in now.</p>}
    </ConfirmDialog>
  );
}
