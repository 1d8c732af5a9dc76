import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, messageForPeople } from '../../api/client';
import {
  createDeliveryDownloadUrl,
  deliveryZipUrl,
  listDeliveryFiles,
  type ClientDelivery,
  type ClientFile,
  type ClientSet,
  type DownloadSize,
} from '../../api/deliveries';
import { useFocusAfterRender } from '../../app/useFocusAfterRender';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage } from '../../components/form';
import { formatBytes, formatDateTime, pluralize } from '../../lib/format';
import { Cover } from './Cover';
import { DownloadDialog } from './DownloadDialog';
import { HeartButton } from './HeartButton';
import { Lightbox } from './Lightbox';
import { aspectRatio, placeholderUrl, setCustomProperties } from './placeholder';
import { PROOFING_NAME_ID, type Hearts } from './useProofing';
import './gallery.css';

/** After a download starts, how long until the downloads left are asked for again. */
const REFRESH_DELAY_MS = 2000;
/** How often an open gallery asks for the photographer's changes (photos added, removed, reordered). */
const LIVE_REFRESH_MS = 30_000;
/** Tiles rendered at first, and added each time the end of the list comes into view. */
const PAGE_SIZE = 48;

export interface GalleryContent {
  delivery: ClientDelivery;
  files: ClientFile[];
  sets: ClientSet[];
}

interface Section {
  id: string;
  name: string | null;
  files: ClientFile[];
}

/** The photos in sections: each set in order, then the photos in no set ("More photos" when there are sets). */
function sectionsOf(files: readonly ClientFile[], sets: readonly ClientSet[]): Section[] {
  const known = new Set(sets.map((set) => set.id));
  const sections: Section[] = sets.map((set) => ({ id: set.id, name: set.name, files: files.filter((file) => file.setId === set.id) }));
  const rest = files.filter((file) => file.setId === null || !known.has(file.setId));
  if (rest.length > 0) sections.push({ id: 'unsorted', name: sets.length > 0 ? 'More photos' : null, files: rest });
  return sections.filter((section) => section.files.length > 0);
}

/**
 * The delivered photos: a cover (the chosen photo, the title, the date), then the photos in a
 * justified layout that keeps each one's shape, in sections for the photographer's sets with a
 * sticky list of them, rendered as the client scrolls, each with its blurred placeholder until
 * its thumbnail arrives. A photo opens large (Lightbox); downloads sit on each photo (shown on
 * hover or focus, always on touch screens) and offer the original or the web size where both
 * are allowed. Once the download limit is used up the gallery stays, view only. `onEnded`
 * takes a failure that ends the gallery (the delivery ended, or the session did) and says
 * whether it did. With proofing (`hearts`), each photo and the lightbox carry a heart.
 */
export function Gallery({
  token,
  content,
  hearts,
  onContentChanged,
  onEnded,
}: {
  token: string;
  content: GalleryContent;
  hearts: Hearts | null;
  onContentChanged: (content: GalleryContent) => void;
  onEnded: (error: unknown) => boolean;
}) {
  const { delivery, files, sets } = content;
  usePageTitle(delivery.title);
  const { busy, error, submit, fail } = useSubmission();
  const [status, setStatus] = useState<string | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const [choosing, setChoosing] = useState<ClientFile | null>(null);
  const [shown, setShown] = useState(PAGE_SIZE);
  const photosRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const sections = useMemo(() => sectionsOf(files, sets), [files, sets]);
  // The lightbox goes through the photos in the order the sections show them.
  const ordered = useMemo(() => sections.flatMap((section) => section.files), [sections]);
  const refresh = useLiveRefresh(token, content, onContentChanged, onEnded);
  const viewed = viewing === null ? undefined : ordered[viewing];
  const canDownload = !delivery.viewOnly;
  const offersChoice = delivery.allowOriginals;
  const cover = (delivery.coverFileId === null ? undefined : files.find((file) => file.id === delivery.coverFileId)) ?? ordered[0];

  function download(file: ClientFile, size: DownloadSize) {
    setStatus(null);
    void submit(async () => {
      try {
        const { url } = await createDeliveryDownloadUrl(token, file.id, size);
        // The signed link answers with Content-Disposition: attachment, so the gallery stays.
        window.location.assign(url);
        setStatus(`Downloading “${file.name}”${size === 'web' ? ' (web size)' : ''}…`);
        refresh.soon();
      } catch (failure) {
        if (onEnded(failure)) return;
        fail(downloadFailureMessage(failure, file));
      }
    });
  }

  /** With a choice of sizes, asks which; otherwise downloads the web size at once. */
  function startDownload(file: ClientFile) {
    if (offersChoice) setChoosing(file);
    else download(file, 'web');
  }

  function closePreview() {
    const current = viewed;
    setViewing(null);
    if (current !== undefined) focusAfterRender(() => photosRef.current?.querySelector<HTMLElement>(`[data-view-file="${CSS.escape(current.id)}"]`));
  }

  // Before the client's list exists, a heart in the (modal) lightbox closes it, so the name field can take focus.
  const lightboxHearts: Hearts | null =
    hearts === null || hearts.ready
      ? hearts
      : {
          ...hearts,
          toggle: (file) => {
            setViewing(null);
            focusAfterRender(() => {
              hearts.toggle(file);
              return document.getElementById(PROOFING_NAME_ID);
            });
          },
        };

  function openPhoto(file: ClientFile) {
    setViewing(ordered.findIndex((candidate) => candidate.id === file.id));
  }

  // Scrolled into view: more tiles. A jump to a set shows every tile up to it first.
  const sentinelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (sentinel === null || shown >= ordered.length) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setShown((count) => count + PAGE_SIZE);
    }, { rootMargin: '800px 0px' });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [shown, ordered.length]);

  const jumpTo = useCallback(
    (section: Section) => {
      const before = sections.slice(0, sections.indexOf(section)).reduce((sum, each) => sum + each.files.length, 0);
      setShown((count) => Math.max(count, before + PAGE_SIZE));
      focusAfterRender(() => {
        const heading = document.getElementById(`set-${section.id}`);
        heading?.scrollIntoView({ block: 'start' });
        return heading;
      });
    },
    [sections, focusAfterRender],
  );

  let remaining = shown;
  return (
    <section className="gallery" aria-labelledby="gallery-heading" data-testid="gallery">
      {cover !== undefined && <Cover delivery={delivery} file={cover} onEnter={() => photosRef.current?.scrollIntoView({ block: 'start' })} />}
      {cover === undefined && (
        <h1 id="gallery-heading" tabIndex={-1}>
          {delivery.title}
        </h1>
      )}
      <header className="gallery-header">
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
        {delivery.viewOnly && (
          <p className="notice" data-testid="view-only">
            View only: every download this delivery allowed has been used. You can still look at all the photos; ask your photographer if you need
            more downloads.
          </p>
        )}
        {!delivery.allowOriginals && !delivery.viewOnly && (
          <p className="notice" data-testid="previews-only">
            Your photographer offers the photos in web size (JPEG, up to 2048 px) for download. The original files are not offered.
          </p>
        )}
        {delivery.allowZip && canDownload && files.length > 0 && (
          <div className="gallery-actions">
            <a className="button button-primary button-auto" href={deliveryZipUrl(token)} download onClick={refresh.soon} data-testid="download-zip">
              Download all (ZIP)
            </a>
          </div>
        )}
      </header>
      <StatusMessage message={status} testId="gallery-status" />
      {error !== null && viewing === null && <FormError id="gallery-error" message={error} testId="gallery-error" />}
      {sections.length > 1 && (
        <nav className="gallery-sets" aria-label="Sets" data-testid="gallery-sets">
          <ul>
            {sections.map((section) => (
              <li key={section.id}>
                <button type="button" className="gallery-set-link" onClick={() => jumpTo(section)}>
                  {section.name}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div ref={photosRef} className="gallery-photos" data-testid="gallery-grid" aria-label="Photos" role="region">
        {files.length === 0 && (
          <div className="library-empty" data-testid="gallery-empty">
            <p>There are no photos in this gallery at the moment: your photographer has taken them out, perhaps to replace them.</p>
            <p>Keep this link — when photos are back, they appear here. If you expected photos, ask your photographer.</p>
          </div>
        )}
        {sections.map((section) => {
          const visible = section.files.slice(0, Math.max(0, remaining));
          remaining -= section.files.length;
          if (visible.length === 0) return null;
          return (
            <section key={section.id} className="gallery-section" aria-labelledby={section.name === null ? undefined : `set-${section.id}`} data-testid={`gallery-section-${section.id}`}>
              {section.name !== null && (
                <h2 id={`set-${section.id}`} className="gallery-section-title" tabIndex={-1}>
                  {section.name}
                </h2>
              )}
              <ul className="gallery-justified" aria-label={section.name ?? 'Photos'}>
                {visible.map((file) => (
                  <Tile key={file.id} file={file} canDownload={canDownload} busy={busy} hearts={hearts} onView={openPhoto} onDownload={startDownload} />
                ))}
              </ul>
            </section>
          );
        })}
        {shown < ordered.length && (
          <div ref={sentinelRef} className="gallery-more" role="status">
            Loading more photos…
          </div>
        )}
      </div>
      {viewing !== null && viewed !== undefined && (
        <Lightbox
          files={ordered}
          index={viewing}
          canDownload={canDownload}
          downloadLabel="Download"
          busy={busy}
          error={error ?? hearts?.refusal ?? null}
          hearts={lightboxHearts}
          onIndexChange={setViewing}
          onDownload={startDownload}
          onClose={closePreview}
        />
      )}
      {/* A refused heart (the limit reached) said by the photos, as the panel saying it too may be far below; the panel's alert is what is announced. */}
      {viewing === null && hearts?.refusal != null && (
        <p className="gallery-toast" aria-hidden="true" data-testid="heart-refusal">
          {hearts.refusal}
        </p>
      )}
      {choosing !== null && <DownloadDialog file={choosing} delivery={delivery} onDownload={download} onClose={() => setChoosing(null)} />}
    </section>
  );
}

/** One photo in its shape: the flex layout reads its aspect ratio and placeholder from custom properties. */
function Tile({
  file,
  canDownload,
  busy,
  hearts,
  onView,
  onDownload,
}: {
  file: ClientFile;
  canDownload: boolean;
  busy: boolean;
  hearts: Hearts | null;
  onView: (file: ClientFile) => void;
  onDownload: (file: ClientFile) => void;
}) {
  const ratio = aspectRatio(file);
  const placeholder = placeholderUrl(file.thumbhash);
  const setRef = useCallback(
    (element: HTMLLIElement | null) => setCustomProperties(element, { '--ratio': String(ratio), '--placeholder': placeholder === null ? null : `url("${placeholder}")` }),
    [ratio, placeholder],
  );
  const [loaded, setLoaded] = useState(false);
  return (
    <li ref={setRef} className="gallery-photo" data-loaded={loaded ? '' : undefined} data-testid={`gallery-tile-${file.id}`}>
      <button type="button" className="gallery-photo-view" onClick={() => onView(file)} data-view-file={file.id}>
        <span className="visually-hidden">View {file.name}</span>
        <span className="gallery-photo-frame">
          {file.thumbnailUrl === null ? (
            <span className="gallery-photo-pending" aria-hidden="true">
              Preview coming
            </span>
          ) : (
            <img className="gallery-photo-image" src={file.thumbnailUrl} alt="" loading="lazy" decoding="async" onLoad={() => setLoaded(true)} />
          )}
        </span>
      </button>
      {hearts !== null && <HeartButton file={file} hearts={hearts} className="gallery-photo-heart" />}
      {canDownload && (
        <button type="button" className="gallery-photo-download" aria-disabled={busy} onClick={() => onDownload(file)} data-testid={`download-${file.id}`}>
          <span aria-hidden="true" className="gallery-photo-download-icon">
            ↓
          </span>
          <span className="visually-hidden">Download {file.name}</span>
        </button>
      )}
    </li>
  );
}

function downloadFailureMessage(error: unknown, file: ClientFile): string {
  if (error instanceof ApiError && error.status === 404 && error.code === 'file_not_found') {
    return `“${file.name}” is no longer part of this delivery.`;
  }
  if (error instanceof ApiError && error.status === 410 && error.code === 'delivery_exhausted') {
    return 'Every download this delivery allowed has been used: the photos can still be viewed.';
  }
  return messageForPeople(error);
}

/**
 * Keeps an open gallery current: every so often (and when the tab comes back into view) it
 * asks for the delivery again, so photos the photographer added or took out appear and go;
 * photos already shown keep their links, so nothing on screen is fetched again. `soon()`
 * asks a moment after a download starts, for the downloads left. A delivery that ended
 * meanwhile ends the gallery.
 */
function useLiveRefresh(
  token: string,
  content: GalleryContent,
  onContentChanged: (content: GalleryContent) => void,
  onEnded: (error: unknown) => boolean,
): { soon: () => void } {
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef({ content, onContentChanged, onEnded });
  useEffect(() => {
    latest.current = { content, onContentChanged, onEnded };
  });

  const load = useCallback(() => {
    listDeliveryFiles(token).then(
      (fresh) => {
        const known = new Map(latest.current.content.files.map((file) => [file.id, file]));
        // A photo already on screen keeps its (still valid) links; its set and place come from the fresh answer.
        const files = fresh.files.map((file) => {
          const old = known.get(file.id);
          return old && old.thumbnailUrl !== null ? { ...file, thumbnailUrl: old.thumbnailUrl, previewUrl: old.previewUrl } : file;
        });
        latest.current.onContentChanged({ ...fresh, files });
      },
      (error: unknown) => void latest.current.onEnded(error), // otherwise what is shown stays as it was
    );
  }, [token]);

  useEffect(() => {
    const interval = window.setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, LIVE_REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(interval);
      window.clearTimeout(timer.current);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);

  return {
    soon: () => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(load, REFRESH_DELAY_MS);
    },
  };
}
