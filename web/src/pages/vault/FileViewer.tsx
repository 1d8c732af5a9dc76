import { useCallback, useEffect, useState } from 'react';
import { createDownloadUrl, getFile, type Album, type FileVariant, type FileView } from '../../api/vault';
import { useCan } from '../../app/permissions';
import { RoleNote } from '../../app/RoleGate';
import { Link, navigate } from '../../app/router';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { FileFacts } from './FileFacts';
import { MoveDialog } from './MoveDialog';
import { fileViewerPath } from './paths';
import { WebUsagePanel } from './WebUsagePanel';

const POLL_INTERVAL_MS = 3000;

/**
 * One photo, large, with what is known about it and what can be done with it. The list it
 * was opened from gives the previous and next photos (also on the arrow keys), and shows the
 * photo at once while its details are on their way. Keyed by the file: each photo starts afresh.
 */
export function FileViewer({
  fileId,
  listFile,
  previous,
  next,
  backPath,
  backLabel,
  albums,
  onMove,
  onAddToAlbum,
  onTrash,
  onRetry,
}: {
  fileId: string;
  /** The file as the list has it; `null` when it was opened from elsewhere. */
  listFile: FileView | null;
  previous: FileView | null;
  next: FileView | null;
  backPath: string;
  backLabel: string;
  albums: readonly Album[] | null;
  // Each action is `null` where the member's role may not do it (the button is not shown).
  onMove: ((fileIds: string[], albumId: string | null) => Promise<void>) | null;
  onAddToAlbum: ((fileIds: string[], albumId: string) => Promise<void>) | null;
  onTrash: ((files: FileView[]) => Promise<void>) | null;
  onRetry: ((file: FileView) => Promise<void>) | null;
}) {
  // A viewer downloads the preview: the server keeps originals from that role.
  const download: FileVariant = useCan('library.originals') ? 'original' : 'preview';
  const canPublishForWeb = useCan('images');
  const load = useCallback(() => getFile(fileId), [fileId]);
  const { state, reload, update } = useLoader(load);
  const details = state.status === 'ready' ? state.data : null;
  const file = details ?? listFile;
  const { busy, error, submit } = useSubmission();
  const [albumDialog, setAlbumDialog] = useState<'move' | 'add' | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  usePageTitle(file?.name ?? 'Photo');
  useArrowKeys(previous, next);

  // While the previews are being made, look again every few seconds.
  useEffect(() => {
    if (details?.status !== 'processing') return;
    const timer = setTimeout(reload, POLL_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [details, reload]);

  const albumNames = (file?.albumIds ?? []).flatMap((id) => albums?.find((album) => album.id === id)?.name ?? []);

  async function retry(failed: FileView, retryPreviews: (file: FileView) => Promise<void>): Promise<void> {
    await retryPreviews(failed);
    update((loaded) => ({ ...loaded, status: 'processing' }));
  }

  return (
    <div className="page page-viewer" data-testid="viewer">
      <nav className="viewer-bar" aria-label="Photos">
        <Link to={backPath} className="viewer-back">
          <span aria-hidden="true">← </span>
          {backLabel}
        </Link>
        <div className="viewer-steps">
          <StepButton label="Previous" target={previous} shortcut="ArrowLeft" />
          <StepButton label="Next" target={next} shortcut="ArrowRight" />
        </div>
      </nav>
      {file === null ? (
        state.status === 'failed' ? (
          <LoadFailed message={state.message} onRetry={reload} />
        ) : (
          <p className="page-loading" role="status">
            Loading…
          </p>
        )
      ) : (
        <div className="viewer">
          <div className="viewer-stage">
            <Preview file={file} onRetry={onRetry === null ? null : () => void submit(() => retry(file, onRetry))} />
          </div>
          <div>
            <h1 className="viewer-name" tabIndex={-1}>
              {file.name}
            </h1>
            <div className="viewer-actions">
              <button
                type="button"
                className="button button-primary button-auto"
                aria-disabled={busy}
                onClick={() => void submit(async () => saveDownload(download, await createDownloadUrl(file.id, download)))}
                data-testid="viewer-download"
              >
                {download === 'original' ? 'Download original' : 'Download preview'}
              </button>
              {onMove !== null && (
                <button type="button" className="button button-secondary" onClick={() => setAlbumDialog('move')} disabled={albums === null} data-testid="viewer-move">
                  Move to album…
                </button>
              )}
              {onAddToAlbum !== null && (
                <button type="button" className="button button-secondary" onClick={() => setAlbumDialog('add')} disabled={albums === null} data-testid="viewer-add-album">
                  Add to album…
                </button>
              )}
              {onTrash !== null && (
                <button type="button" className="button button-secondary" aria-disabled={busy} onClick={() => void submit(() => onTrash([file]))} data-testid="viewer-delete">
                  Move to trash
                </button>
              )}
            </div>
            <RoleNote permissions={['library.originals', 'delete']} testId="viewer-role-note" />
            <StatusMessage message={status} testId="viewer-status" />
            {error !== null && <FormError id="viewer-error" message={error} testId="viewer-error" />}
            {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
            <FileFacts file={file} albumNames={albumNames} exif={details?.exif ?? null} />
            {canPublishForWeb && <WebUsagePanel key={file.id} fileId={file.id} />}
          </div>
        </div>
      )}
      {albumDialog !== null && file !== null && albums !== null && onMove !== null && onAddToAlbum !== null && (
        <MoveDialog
          mode={albumDialog}
          count={1}
          albums={albums}
          currentAlbumIds={file.albumIds}
          onConfirm={async (albumId) => {
            const albumName = albums.find((album) => album.id === albumId)?.name;
            if (albumDialog === 'add' && albumId !== null) {
              await onAddToAlbum([file.id], albumId);
              update((loaded) => ({ ...loaded, albumIds: [...loaded.albumIds, albumId] }));
              setStatus(`Added to “${albumName}”.`);
            } else {
              await onMove([file.id], albumId);
              update((loaded) => ({ ...loaded, albumIds: albumId === null ? [] : [albumId] }));
              setStatus(albumName === undefined ? 'Taken out of its albums.' : `Moved to “${albumName}”.`);
            }
            setAlbumDialog(null);
          }}
          onCancel={() => setAlbumDialog(null)}
        />
      )}
    </div>
  );
}

/**
 * The server sends an original as an attachment; a preview is served for showing (the viewer's
 * image), so a link with `download` saves it instead of opening it, under the name the server
 * gives it (`…-preview.webp`).
 */
function saveDownload(variant: FileVariant, url: string): void {
  if (variant === 'original') {
    window.location.assign(url);
    return;
  }
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.click();
}

function Preview({ file, onRetry }: { file: FileView; onRetry: (() => void) | null }) {
  if (file.previewUrl !== null) {
    return (
      <img
        className="viewer-image"
        src={file.previewUrl}
        alt={file.name}
        width={file.width ?? undefined}
        height={file.height ?? undefined}
        data-testid="viewer-image"
      />
    );
  }
  return (
    <div className="viewer-placeholder">
      {file.status === 'failed' ? (
        <>
          <p>The preview couldn’t be made. The original is safe.</p>
          {onRetry !== null && (
            <button type="button" className="button button-secondary button-small" onClick={onRetry}>
              Try again
            </button>
          )}
        </>
      ) : (
        <p>Making the preview…</p>
      )}
    </div>
  );
}

function StepButton({ label, target, shortcut }: { label: string; target: FileView | null; shortcut: string }) {
  return (
    <button
      type="button"
      className="button button-secondary button-small"
      disabled={target === null}
      aria-keyshortcuts={shortcut}
      onClick={() => target && navigate(fileViewerPath(target.id), { replace: true })}
    >
      {label}
      {target && <span className="visually-hidden">: {target.name}</span>}
    </button>
  );
}

/** ← and → go to the previous and next photo, unless a field or a dialog has the keys. */
function useArrowKeys(previous: FileView | null, next: FileView | null): void {
  useEffect(() => {
    function step(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (event.target instanceof Element && event.target.closest('input, select, textarea, dialog')) return;
      const target = event.key === 'ArrowLeft' ? previous : event.key === 'ArrowRight' ? next : null;
      if (target === null) return;
      event.preventDefault();
      navigate(fileViewerPath(target.id), { replace: true });
    }
    document.addEventListener('keydown', step);
    return () => document.removeEventListener('keydown', step);
  }, [previous, next]);
}
