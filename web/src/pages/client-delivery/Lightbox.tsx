import type { KeyboardEvent } from 'react';
import type { ClientFile } from '../../api/deliveries';
import { useModalDialog } from '../../app/useModalDialog';
import { FormError } from '../../components/form';

/**
 * One photo large, over the gallery: a modal <dialog>, so focus stays inside it and Escape
 * closes it. Previous and Next (also ← and →) go round the photos.
 */
export function Lightbox({
  files,
  index,
  previewsOnly,
  busy,
  error,
  onIndexChange,
  onDownload,
  onClose,
}: {
  files: readonly ClientFile[];
  index: number;
  previewsOnly: boolean;
  busy: boolean;
  error: string | null;
  onIndexChange: (index: number) => void;
  onDownload: (file: ClientFile) => void;
  onClose: () => void;
}) {
  const dialogRef = useModalDialog();
  const file = files[index];
  const count = files.length;
  const previous = files[(index - 1 + count) % count];
  const next = files[(index + 1) % count];

  function step(by: number) {
    onIndexChange((index + by + count) % count);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (count < 2 || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key === 'ArrowLeft') step(-1);
    else if (event.key === 'ArrowRight') step(1);
    else return;
    event.preventDefault();
  }

  if (file === undefined) return null;
  return (
    <dialog
      ref={dialogRef}
      className="lightbox"
      aria-labelledby="lightbox-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={handleKeyDown}
      data-testid="lightbox"
    >
      <div className="lightbox-bar">
        <div className="lightbox-heading">
          <h2 id="lightbox-title" className="lightbox-title">
            {file.name}
          </h2>
          <p className="lightbox-count">
            {index + 1} of {count}
          </p>
        </div>
        <div className="lightbox-actions">
          {count > 1 && previous !== undefined && next !== undefined && (
            <>
              <button type="button" className="button button-secondary button-small" onClick={() => step(-1)} aria-keyshortcuts="ArrowLeft">
                Previous<span className="visually-hidden"> photo: {previous.name}</span>
              </button>
              <button type="button" className="button button-secondary button-small" onClick={() => step(1)} aria-keyshortcuts="ArrowRight">
                Next<span className="visually-hidden"> photo: {next.name}</span>
              </button>
            </>
          )}
          <button type="button" className="button button-primary button-small button-auto" aria-disabled={busy} onClick={() => onDownload(file)}>
            <DownloadLabel name={file.name} previewsOnly={previewsOnly} />
          </button>
          <button type="button" className="button button-secondary button-small" onClick={onClose} aria-keyshortcuts="Escape">
            Close
          </button>
        </div>
      </div>
      {error !== null && <FormError id="lightbox-error" message={error} testId="lightbox-error" />}
      <div className="lightbox-stage">
        {file.previewUrl === null ? (
          <p className="viewer-placeholder">There is no preview of this file. You can still download it.</p>
        ) : (
          <img
            key={file.id}
            className="lightbox-image"
            src={file.previewUrl}
            alt={file.name}
            width={file.width ?? undefined}
            height={file.height ?? undefined}
            data-testid="lightbox-image"
          />
        )}
      </div>
    </dialog>
  );
}

/** "Download", or "Download preview", with the file's name for screen readers: "Download IMG_01.jpg". */
export function DownloadLabel({ name, previewsOnly }: { name: string; previewsOnly: boolean }) {
  // One span: a button is a flex container, which would drop the space before "preview".
  return (
    <span>
      Download<span className="visually-hidden"> {name}</span>
      {previewsOnly && ' preview'}
    </span>
  );
}
