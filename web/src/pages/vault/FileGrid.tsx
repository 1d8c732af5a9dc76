import type { KeyboardEvent, Ref } from 'react';
import type { FileView } from '../../api/vault';
import { Link } from '../../app/router';
import { fileViewerPath } from './paths';

/**
 * The photos as a grid of thumbnails. Each tile's main control (opening the photo, or in the
 * trash restoring it) is in the Tab order, and the arrow keys move between tiles as they
 * are laid out. Beside it, a checkbox selects the photo; shift-click selects a range.
 */
export function FileGrid({
  ref,
  files,
  inTrash,
  stale,
  isSelected,
  onToggle,
  onRetry,
  onRestore,
}: {
  ref?: Ref<HTMLUListElement>;
  files: readonly FileView[];
  inTrash: boolean;
  /** The files answer an earlier query, and the new answer is on its way. */
  stale: boolean;
  isSelected: (id: string) => boolean;
  /** `null` where the member's role can do nothing with a selection: no checkboxes. */
  onToggle: ((id: string, extendRange: boolean) => void) | null;
  /** `null` where the role may not retry previews or restore: no buttons. */
  onRetry: ((file: FileView) => void) | null;
  onRestore: ((file: FileView) => void) | null;
}) {
  return (
    <ul ref={ref} className="file-grid" aria-label="Photos" aria-busy={stale} onKeyDown={moveBetweenTiles} data-testid="file-grid">
      {files.map((file) => (
        <li key={file.id} className="file-tile" data-selected={isSelected(file.id) || undefined} data-testid={`file-tile-${file.id}`}>
          {inTrash ? (
            <>
              <div className="file-tile-main">
                <span className="file-tile-name">{file.name}</span>
                <Thumbnail file={file} />
              </div>
              {onRestore !== null && (
                <button
                  type="button"
                  className="button button-secondary button-small file-tile-action"
                  onClick={() => onRestore(file)}
                  data-tile-focus
                  data-testid={`restore-${file.id}`}
                >
                  Restore<span className="visually-hidden"> {file.name}</span>
                </button>
              )}
            </>
          ) : (
            <>
              <Link to={fileViewerPath(file.id)} className="file-tile-main" data-tile-focus>
                <span className="file-tile-name">{file.name}</span>
                <Thumbnail file={file} />
              </Link>
              {onToggle !== null && (
                <input
                  type="checkbox"
                  className="file-tile-check"
                  checked={isSelected(file.id)}
                  onChange={(event) => onToggle(file.id, event.nativeEvent instanceof MouseEvent && event.nativeEvent.shiftKey)}
                  aria-label={`Select ${file.name}`}
                  data-testid={`file-select-${file.id}`}
                />
              )}
              {file.status === 'failed' && onRetry !== null && (
                <button type="button" className="button button-secondary button-small file-tile-action" onClick={() => onRetry(file)}>
                  Retry<span className="visually-hidden"> the preview of {file.name}</span>
                </button>
              )}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Shown above the name, but after it in the page, so a tile is announced by its name first. */
function Thumbnail({ file }: { file: FileView }) {
  return (
    <span className="file-tile-frame">
      {file.thumbnailUrl !== null && <img className="file-tile-image" src={file.thumbnailUrl} alt="" loading="lazy" decoding="async" />}
      {file.status === 'processing' && <span className="file-badge">Processing…</span>}
      {file.status === 'failed' && <span className="file-badge file-badge-failed">Preview failed</span>}
    </span>
  );
}

const ARROW_STEPS = new Map<string, (columns: number) => number>([
  ['ArrowLeft', () => -1],
  ['ArrowRight', () => 1],
  ['ArrowUp', (columns) => -columns],
  ['ArrowDown', (columns) => columns],
]);

/** Arrow keys move focus to the tile beside, above or below, as many columns as the grid shows. */
function moveBetweenTiles(event: KeyboardEvent<HTMLUListElement>): void {
  const step = ARROW_STEPS.get(event.key);
  if (step === undefined || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const stops = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-tile-focus]')];
  const index = stops.findIndex((stop) => stop === event.target);
  if (index === -1) return;
  const columns = getComputedStyle(event.currentTarget).gridTemplateColumns.split(' ').length;
  const next = stops[index + step(columns)];
  if (next === undefined) return;
  event.preventDefault();
  next.focus();
}
