import { useState, type FormEvent } from 'react';
import type { ClientDelivery, ClientFile, DownloadSize } from '../../api/deliveries';
import { useModalDialog } from '../../app/useModalDialog';
import { formatBytes } from '../../lib/format';

/**
 * Which size to download, where the photographer offers a choice: the original as it came from
 * the camera, or a web-size JPEG (at most 2048 px, handy for sharing; watermarked when the
 * delivery is). A modal <dialog>: Escape or Cancel closes it.
 */
export function DownloadDialog({
  file,
  delivery,
  onDownload,
  onClose,
}: {
  file: ClientFile;
  delivery: ClientDelivery;
  onDownload: (file: ClientFile, size: DownloadSize) => void;
  onClose: () => void;
}) {
  const dialogRef = useModalDialog();
  const [size, setSize] = useState<DownloadSize>(delivery.allowOriginals ? 'original' : 'web');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onDownload(file, size);
    onClose();
  }

  return (
    <dialog
      ref={dialogRef}
      className="download-dialog"
      aria-labelledby="download-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      data-testid="download-dialog"
    >
      <form onSubmit={handleSubmit}>
        <h2 id="download-dialog-title" className="download-dialog-title">
          Download {file.name}
        </h2>
        <fieldset className="download-sizes">
          <legend>Size</legend>
          {delivery.allowOriginals && (
            <label className="download-size">
              <input type="radio" name="size" value="original" checked={size === 'original'} onChange={() => setSize('original')} />
              <span>
                <strong>Original</strong>
                <span className="download-size-note">
                  {' '}
                  — as it came from the camera ({formatBytes(file.size)})
                </span>
              </span>
            </label>
          )}
          <label className="download-size">
            <input type="radio" name="size" value="web" checked={size === 'web'} onChange={() => setSize('web')} />
            <span>
              <strong>Web size</strong>
              <span className="download-size-note">
                {' '}
                — JPEG, up to 2048 px{delivery.watermarked ? ', with the studio’s watermark' : ''}: for sharing and screens
              </span>
            </span>
          </label>
        </fieldset>
        <div className="download-dialog-actions">
          <button type="submit" className="button button-primary button-auto" data-testid="download-dialog-submit">
            Download
          </button>
          <button type="button" className="button button-secondary button-auto" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
