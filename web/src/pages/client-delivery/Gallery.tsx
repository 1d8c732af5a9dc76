import { useEffect, useRef, useState } from 'react';
import { ApiError, messageForPeople } from '../../api/client';
import { createDeliveryDownloadUrl, deliveryZipUrl, listDeliveryFiles, type ClientDelivery, type ClientFile } from '../../api/deliveries';
import { useFocusAfterRender } from '../../app/useFocusAfterRender';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage } from '../../components/form';
import { formatBytes, formatDateTime, pluralize } from '../../lib/format';
import { DownloadLabel, Lightbox } from './Lightbox';

/** After a download starts, how long until the downloads left are asked for again. */
const REFRESH_DELAY_MS = 2000;

/**
 * The delivered photos: the studio's message, a grid of thumbnails, a large preview of each,
 * and their downloads. `onEnded` takes a failure that ends the gallery (the delivery ended,
 * or the session did) and says whether it did.
 */
export function Gallery({
  token,
  delivery,
  files,
  onDeliveryChanged,
  onEnded,
}: {
  token: string;
  delivery: ClientDelivery;
  files: ClientFile[];
  onDeliveryChanged: (delivery: ClientDelivery) => void;
  onEnded: (error: unknown) => boolean;
}) {
  usePageTitle(delivery.title);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const { busy, error, submit, fail } = useSubmission();
  const [status, setStatus] = useState<string | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const gridRef = useRef<HTMLUListElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const refreshSoon = useRefreshSoon(token, delivery.downloadsLeft !== null, onDeliveryChanged, onEnded);
  const viewed = viewing === null ? undefined : files[viewing];

  function download(file: ClientFile) {
    setStatus(null);
    void submit(async () => {
      try {
        const { url } = await createDeliveryDownloadUrl(token, file.id);
        // The signed link answers with Content-Disposition: attachment, so the gallery stays (as in the library's viewer).
        window.location.assign(url);
        setStatus(`Downloading “${file.name}”…`);
        refreshSoon();
      } catch (failure) {
        if (onEnded(failure)) return;
        fail(downloadFailureMessage(failure, file));
      }
    });
  }

  function closePreview() {
    const shown = viewed;
    setViewing(null);
    if (shown !== undefined) focusAfterRender(() => gridRef.current?.querySelector<HTMLElement>(`[data-view-file="${CSS.escape(shown.id)}"]`));
  }

  return (
    <section className="gallery" aria-labelledby="gallery-heading" data-testid="gallery">
      <header className="gallery-header">
        <h1 id="gallery-heading" tabIndex={-1} ref={headingRef}>
          {delivery.title}
        </h1>
        {delivery.message !== '' && (
          <p className="gallery-message preserve-lines" data-testid="gallery-message">
            {delivery.message}
          </p>
        )}
        <ul className="gallery-facts">
          {files.length > 0 && (
            <li data-testid="gallery-size">
              {pluralize(delivery.fileCount, 'file', 'files')}, {formatBytes(delivery.totalBytes)}
            </li>
          )}
          <li>
            Available until <time dateTime={delivery.expiresAt}>{formatDateTime(delivery.expiresAt)}</time>
          </li>
          {delivery.downloadsLeft !== null && <li data-testid="downloads-left">{pluralize(delivery.downloadsLeft, 'download', 'downloads')} left</li>}
        </ul>
        {!delivery.allowOriginals && (
          <p className="notice" data-testid="previews-only">
            Your photographer offers the large previews for download. The original files are not offered.
          </p>
        )}
        {delivery.allowZip && files.length > 0 && (
          <div className="gallery-actions">
            <a className="button button-primary button-auto" href={deliveryZipUrl(token)} download onClick={refreshSoon} data-testid="download-zip">
              Download all (ZIP)
            </a>
          </div>
        )}
      </header>
      <StatusMessage message={status} testId="gallery-status" />
      {error !== null && viewing === null && <FormError id="gallery-error" message={error} testId="gallery-error" />}
      {files.length === 0 ? (
        <div className="library-empty" data-testid="gallery-empty">
          <p>There are no photos in this gallery at the moment: your photographer has taken them out, perhaps to replace them.</p>
          <p>Keep this link — when photos are back, they appear here. If you expected photos, ask your photographer.</p>
        </div>
      ) : (
        <ul ref={gridRef} className="file-grid gallery-grid" aria-label="Photos" data-testid="gallery-grid">
          {files.map((file, index) => (
            <li key={file.id} className="file-tile" data-testid={`gallery-tile-${file.id}`}>
              <button type="button" className="file-tile-main file-tile-button" onClick={() => setViewing(index)} data-view-file={file.id}>
                <span className="visually-hidden">View </span>
                <span className="file-tile-name">{file.name}</span>
                <span className="file-tile-frame">
                  {file.thumbnailUrl === null ? (
                    <span className="file-tile-placeholder" aria-hidden="true">
                      No preview
                    </span>
                  ) : (
                    <img className="file-tile-image" src={file.thumbnailUrl} alt="" loading="lazy" decoding="async" />
                  )}
                </span>
              </button>
              <button
                type="button"
                className="button button-secondary button-small file-tile-action"
                aria-disabled={busy}
                onClick={() => download(file)}
                data-testid={`download-${file.id}`}
              >
                <DownloadLabel name={file.name} previewsOnly={!delivery.allowOriginals} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {viewing !== null && viewed !== undefined && (
        <Lightbox
          files={files}
          index={viewing}
          previewsOnly={!delivery.allowOriginals}
          busy={busy}
          error={error}
          onIndexChange={setViewing}
          onDownload={download}
          onClose={closePreview}
        />
      )}
    </section>
  );
}

function downloadFailureMessage(error: unknown, file: ClientFile): string {
  if (error instanceof ApiError && error.status === 404 && error.code === 'file_not_found') {
    return `“${file.name}” is no longer part of this delivery.`;
  }
  return messageForPeople(error);
}

/**
 * When the delivery has a download limit: a moment after a download starts, asks how many
 * are left (the files keep their signed URLs, so no thumbnail is fetched again). A delivery
 * that ended meanwhile (its last download used) ends the gallery.
 */
function useRefreshSoon(
  token: string,
  limited: boolean,
  onDeliveryChanged: (delivery: ClientDelivery) => void,
  onEnded: (error: unknown) => boolean,
): () => void {
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef({ onDeliveryChanged, onEnded });
  useEffect(() => {
    latest.current = { onDeliveryChanged, onEnded };
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);

  return () => {
    if (!limited) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      listDeliveryFiles(token).then(
        ({ delivery }) => latest.current.onDeliveryChanged(delivery),
        (error: unknown) => void latest.current.onEnded(error), // otherwise the count shown stays as it was
      );
    }, REFRESH_DELAY_MS);
  };
}
