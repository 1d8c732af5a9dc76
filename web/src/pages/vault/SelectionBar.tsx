import { RoleNote } from '../../app/RoleGate';
import { pluralize } from '../../lib/format';

/** What can be done with the selected photos; it stays in view while the grid scrolls. */
export function SelectionBar({
  count,
  total,
  busy,
  onMove,
  onAddToAlbum,
  onRemoveFromAlbum,
  albumName,
  onTrash,
  onDeliver,
  onOrderPrints,
  onSelectAll,
  onClear,
}: {
  count: number;
  /** How many photos are loaded, all of which "Select all" selects. */
  total: number;
  busy: boolean;
  // Each action is `null` where the member's role may not do it (the button is not shown).
  onMove: (() => void) | null;
  onAddToAlbum: (() => void) | null;
  /** Takes the photos out of the album shown; `null` outside an album. */
  onRemoveFromAlbum: (() => void) | null;
  /** The album shown, if any. */
  albumName: string | null;
  onTrash: (() => void) | null;
  /** Starts a delivery of the selected photos to a client. */
  onDeliver: (() => void) | null;
  /** Starts a print order of the selected photos to a lab. */
  onOrderPrints: (() => void) | null;
  onSelectAll: () => void;
  onClear: () => void;
}) {
  return (
    <div className="selection-bar" role="region" aria-label="Selected photos" aria-busy={busy} data-testid="selection-bar">
      <p className="selection-count">{pluralize(count, 'photo', 'photos')} selected</p>
      <div className="selection-actions">
        {onDeliver !== null && (
          <button type="button" className="button button-secondary button-small" onClick={onDeliver} data-testid="bulk-deliver">
            Deliver…
          </button>
        )}
        {onOrderPrints !== null && (
          <button type="button" className="button button-secondary button-small" onClick={onOrderPrints} data-testid="bulk-order-prints">
            Order prints…
          </button>
        )}
        {onMove !== null && (
          <button type="button" className="button button-secondary button-small" onClick={onMove} data-testid="bulk-move">
            Move to album…
          </button>
        )}
        {onAddToAlbum !== null && (
          <button type="button" className="button button-secondary button-small" onClick={onAddToAlbum} data-testid="bulk-add-album">
            Add to album…
          </button>
        )}
        {onRemoveFromAlbum !== null && (
          <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={onRemoveFromAlbum} data-testid="bulk-remove-album">
            Remove from “{albumName}”
          </button>
        )}
        {onTrash !== null && (
          <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={onTrash} data-testid="bulk-delete">
            {busy ? 'Moving to trash…' : 'Move to trash'}
          </button>
        )}
        {count < total && (
          <button type="button" className="button button-link button-small" onClick={onSelectAll}>
            Select all {total}
          </button>
        )}
        <button type="button" className="button button-link button-small" onClick={onClear}>
          Clear selection
        </button>
      </div>
      <RoleNote permissions={['delete']} cannot="move photos to the trash" testId="selection-role-note" />
    </div>
  );
}
