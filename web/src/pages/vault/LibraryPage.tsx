import { useCallback, useRef, useState } from 'react';
import type { User } from '../../api/auth';
import {
  createAlbum,
  deleteAlbum,
  emptyTrash,
  getUsage,
  listAlbums,
  listFileUses,
  moveFiles,
  addAlbumFiles,
  removeAlbumFiles,
  renameAlbum,
  restoreFile,
  retryPreviews,
  trashFile,
  type Album,
  type FileSort,
  type FileUse,
  type FileView,
  type SortOrder,
} from '../../api/vault';
import { useCan } from '../../app/permissions';
import { RoleNote } from '../../app/RoleGate';
import { Link, navigate } from '../../app/router';
import { useFocusAfterRender } from '../../app/useFocusAfterRender';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { pluralize } from '../../lib/format';
import { AlbumSidebar } from './AlbumSidebar';
import { FileGrid } from './FileGrid';
import { FileViewer } from './FileViewer';
import { LibraryToolbar } from './LibraryToolbar';
import { MoveDialog } from './MoveDialog';
import { newDeliveryPath } from '../deliveries/paths';
import { newPrintOrderPath } from '../print-orders/paths';
import { LIBRARY_PATH, viewPath, type LibraryRoute, type LibraryView } from './paths';
import { SelectionBar } from './SelectionBar';
import { TrashDialog } from './TrashDialog';
import { UploadPanel } from './UploadPanel';
import { useFileDrop } from './useFileDrop';
import { useFileList } from './useFileList';
import { useSelection } from './useSelection';
import { useUploads } from './useUploads';
import { ViewHeader } from './ViewHeader';

/** The studio's photos: `/library`, an album, the trash, and one photo at `/library/files/:id`. */
export function LibraryPage({ user, route }: { user: User; route: LibraryRoute }) {
  return user.studioId === null ? <NoVault /> : <Library route={route} />;
}

function NoVault() {
  usePageTitle('Library');
  return (
    <section className="page" data-testid="no-vault">
      <h1 tabIndex={-1}>Library</h1>
      <p className="page-lead">
        The photo library belongs to a studio, and your account isn’t part of one. Each photographer’s photos are kept in
        their studio’s encrypted vault, which only they can open.
      </p>
      <Link to="/" className="button button-secondary">
        Go to the start page
      </Link>
    </section>
  );
}

/**
 * One component for the lists and the viewer, so what the lists loaded (and the uploads
 * under way) stay while a photo is open, and the viewer can step through the list.
 */
function Library({ route }: { route: LibraryRoute }) {
  // What the role may do here (app/permissions.ts); what it may not is not offered.
  const canEdit = useCan('library.edit');
  const canDelete = useCan('delete');
  const canDeliver = useCan('deliveries');
  const canOrderPrints = useCan('lab-orders');
  // A viewer has nothing to do with a selection: no checkboxes then.
  const canSelect = canEdit || canDelete || canDeliver || canOrderPrints;
  const albums = useLoader(listAlbums);
  const usage = useLoader(getUsage);
  const action = useSubmission();
  // The viewer keeps the list it was opened from.
  const [view, setView] = useState<LibraryView>(route.kind === 'list' ? route.view : { kind: 'all' });
  if (route.kind === 'list' && viewPath(route.view) !== viewPath(view)) {
    setView(route.view);
    action.fail(null); // a failure in another list is no news here
  }
  const [sort, setSort] = useState<FileSort>('captured');
  const [order, setOrder] = useState<SortOrder>('desc');
  const [search, setSearch] = useState('');
  const list = useFileList(view, sort, order, search);
  const files = list.files ?? [];
  const selection = useSelection(files, `${viewPath(view)} ${sort} ${order} ${search}`);
  // Which album dialog is open for the selected photos: move them, or add them to one more album.
  const [albumDialog, setAlbumDialog] = useState<'move' | 'add' | null>(null);
  // An outcome belongs to the list it happened in.
  const [status, setStatus] = useState<{ message: string; path: string; undo?: FileView[] } | null>(null);
  // Asked before anything goes to the trash: what, and which live deliveries show it.
  const [trashRequest, setTrashRequest] = useState<{ files: FileView[]; uses: FileUse[]; after: () => void } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const gridRef = useRef<HTMLUListElement>(null);
  const focusAfterRender = useFocusAfterRender();

  const { reload: reloadAlbums, update: updateAlbums } = albums;
  const { reload: reloadUsage } = usage;
  const afterUploads = useCallback(() => {
    reloadAlbums(); // their counts
    reloadUsage();
  }, [reloadAlbums, reloadUsage]);
  const uploads = useUploads({ onUploaded: list.insert, onIdle: afterUploads });
  const inTrash = view.kind === 'trash';
  const drop = useFileDrop({
    enabled: route.kind === 'list' && !inTrash && canEdit,
    onFiles: upload,
    onUnreadable: () => action.fail('Some of the dropped files couldn’t be read. Try Upload photos or Upload a folder instead.'),
  });

  const albumList = albums.state.status === 'ready' ? albums.state.data : null;
  const album = view.kind === 'album' ? (albumList?.find((candidate) => candidate.id === view.albumId) ?? null) : null;
  const missingAlbum = view.kind === 'album' && albumList !== null && album === null;
  const title = view.kind === 'all' ? 'All photos' : view.kind === 'trash' ? 'Trash' : (album?.name ?? (missingAlbum ? 'Album not found' : 'Album'));
  const selectedFiles = files.filter((file) => selection.has(file.id));

  function say(message: string, path = viewPath(view), undo?: FileView[]) {
    setStatus(undo === undefined ? { message, path } : { message, path, undo });
  }

  function upload(chosen: File[]) {
    if (chosen.length === 0) say('There were no files to upload in what you chose.');
    uploads.add(chosen, view.kind === 'album' ? view.albumId : null);
  }

  async function move(fileIds: string[], albumId: string | null): Promise<void> {
    const moved = await moveFiles(fileIds, albumId);
    const ids = new Set(fileIds);
    list.change((shown, query) =>
      query.albumId !== undefined && query.albumId !== albumId
        ? shown.filter((file) => !ids.has(file.id))
        : shown.map((file) => (ids.has(file.id) ? { ...file, albumIds: albumId === null ? [] : [albumId] } : file)),
    );
    reloadAlbums();
    const photos = pluralize(moved, 'photo', 'photos');
    const target = albumList?.find((candidate) => candidate.id === albumId);
    say(target === undefined ? `Took ${photos} out of their albums.` : `Moved ${photos} to “${target.name}”.`);
  }

  /** Into one more album: the photos stay in the others, and in this list. */
  async function addToAlbum(fileIds: string[], albumId: string): Promise<void> {
    const { album: counted, added } = await addAlbumFiles(albumId, fileIds);
    const ids = new Set(fileIds);
    list.change((shown) => shown.map((file) => (ids.has(file.id) && !file.albumIds.includes(albumId) ? { ...file, albumIds: [...file.albumIds, albumId] } : file)));
    updateAlbums((current) => current.map((candidate) => (candidate.id === counted.id ? counted : candidate)));
    say(added === 0 ? `They were in “${counted.name}” already.` : `Added ${pluralize(added, 'photo', 'photos')} to “${counted.name}”.`);
  }

  /** Out of the album shown: the photos stay in the library and their other albums. */
  async function removeFromAlbum(fileIds: string[], from: Album): Promise<void> {
    const { album: counted, removed } = await removeAlbumFiles(from.id, fileIds);
    const ids = new Set(fileIds);
    list.change((shown, query) => (query.albumId === from.id ? shown.filter((file) => !ids.has(file.id)) : shown));
    updateAlbums((current) => current.map((candidate) => (candidate.id === counted.id ? counted : candidate)));
    say(`Took ${pluralize(removed, 'photo', 'photos')} out of “${counted.name}”. They are still in All photos.`);
  }

  /** Opens the confirmation, having asked the server which live deliveries show the files. */
  async function askToTrash(chosen: FileView[], after: () => void = () => undefined): Promise<void> {
    const uses = await listFileUses(chosen.map((file) => file.id));
    setTrashRequest({ files: chosen, uses, after });
  }

  /** Moves files to the trash; those that could not go stay, and the first failure is thrown. Offers to undo. */
  async function trash(chosen: FileView[], confirmed: boolean): Promise<void> {
    const results = await Promise.allSettled(chosen.map((file) => trashFile(file.id, { confirmed })));
    const trashed = chosen.filter((_, index) => results[index]?.status === 'fulfilled');
    const trashedIds = new Set(trashed.map((file) => file.id));
    if (trashed.length > 0) {
      list.change((shown) => shown.filter((file) => !trashedIds.has(file.id)));
      reloadAlbums();
      const [only] = trashed;
      say(trashed.length === 1 && only ? `Moved “${only.name}” to the trash.` : `Moved ${pluralize(trashed.length, 'photo', 'photos')} to the trash.`, viewPath(view), trashed);
    }
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Brings back what the last trash took, where it was. */
  async function undoTrash(trashed: FileView[]): Promise<void> {
    await Promise.all(trashed.map((file) => restoreFile(file.id)));
    list.reload();
    reloadAlbums();
    const [only] = trashed;
    say(trashed.length === 1 && only ? `Brought “${only.name}” back from the trash.` : `Brought ${pluralize(trashed.length, 'photo', 'photos')} back from the trash.`);
    focusAfterRender(() => headingRef.current); // the Undo button is gone
  }

  async function restore(file: FileView): Promise<void> {
    await restoreFile(file.id);
    list.change((shown) => shown.filter((candidate) => candidate.id !== file.id));
    reloadAlbums();
    say(`Restored “${file.name}”.`);
    focusAfterRender(() => headingRef.current); // its Restore button is gone
  }

  async function retry(file: FileView): Promise<void> {
    await retryPreviews(file.id);
    list.change((shown) => shown.map((candidate) => (candidate.id === file.id ? { ...candidate, status: 'processing' } : candidate)));
  }

  async function emptyTheTrash(): Promise<void> {
    const purged = await emptyTrash();
    list.change(() => []);
    list.reload();
    reloadUsage();
    say(`Deleted ${pluralize(purged, 'photo', 'photos')} for good.`);
  }

  async function addAlbum(name: string): Promise<void> {
    const created = await createAlbum(name);
    updateAlbums((current) => [...current, created].toSorted(byName));
    say(`Created the album “${created.name}”.`);
  }

  async function rename(renamed: Album, name: string): Promise<void> {
    const saved = await renameAlbum(renamed.id, name);
    updateAlbums((current) => current.map((candidate) => (candidate.id === saved.id ? saved : candidate)).toSorted(byName));
    say(`Renamed the album to “${saved.name}”.`);
  }

  async function removeAlbum(removed: Album): Promise<void> {
    await deleteAlbum(removed.id);
    updateAlbums((current) => current.filter((candidate) => candidate.id !== removed.id));
    say(`Deleted the album “${removed.name}”. Its photos are still here.`, LIBRARY_PATH);
    navigate(LIBRARY_PATH);
  }

  function loadMore() {
    const shown = files.length;
    void list.loadMore().then(() => focusAfterRender(() => gridRef.current?.querySelectorAll<HTMLElement>('[data-tile-focus]')[shown]));
  }

  const trashDialog = trashRequest !== null && (
    <TrashDialog
      files={trashRequest.files}
      uses={trashRequest.uses}
      onConfirm={async () => {
        await trash(trashRequest.files, trashRequest.uses.length > 0);
        setTrashRequest(null);
        trashRequest.after();
      }}
      onCancel={() => setTrashRequest(null)}
    />
  );

  if (route.kind === 'file') {
    const index = list.stale ? -1 : files.findIndex((file) => file.id === route.fileId);
    return (
      <>
        <FileViewer
          key={route.fileId}
          fileId={route.fileId}
          listFile={files[index] ?? null}
          previous={index > 0 ? (files[index - 1] ?? null) : null}
          next={index === -1 ? null : (files[index + 1] ?? null)}
          backPath={viewPath(view)}
          backLabel={title}
          albums={albumList}
          onMove={canEdit ? move : null}
          onAddToAlbum={canEdit ? addToAlbum : null}
          onTrash={canDelete ? (chosen) => askToTrash(chosen, () => navigate(viewPath(view))) : null}
          onRetry={canEdit ? retry : null}
        />
        {trashDialog}
      </>
    );
  }

  return (
    <div className="page page-library" data-testid="library">
      <div className="library">
        <AlbumSidebar
          view={view}
          albums={albumList}
          albumsError={albums.state.status === 'failed' ? albums.state.message : null}
          onRetryAlbums={reloadAlbums}
          onCreateAlbum={canEdit ? addAlbum : null}
          usage={usage.state.status === 'ready' ? usage.state.data : null}
        />
        <section className="library-main" aria-labelledby="library-heading" data-dragging={drop.dragging || undefined} {...drop.handlers}>
          <ViewHeader
            key={viewPath(view)}
            view={view}
            title={title}
            album={album}
            headingRef={headingRef}
            canEmptyTrash={inTrash && files.length > 0 && canDelete}
            canDeliver={canDeliver}
            onRenameAlbum={canEdit ? rename : null}
            onDeleteAlbum={canDelete ? removeAlbum : null}
            onEmptyTrash={emptyTheTrash}
          />
          {missingAlbum ? (
            <p className="library-empty">
              This album doesn’t exist any more. <Link to={LIBRARY_PATH}>See all photos</Link>
            </p>
          ) : (
            <>
              <LibraryToolbar
                sort={sort}
                order={order}
                onSortChange={(next) => {
                  setSort(next);
                  setOrder(next === 'name' ? 'asc' : 'desc');
                }}
                onOrderChange={setOrder}
                onSearch={setSearch}
                onUpload={inTrash || !canEdit ? null : upload}
              />
              <RoleNote permissions={['library.edit']} testId="library-role-note" />
              <UploadPanel queue={uploads} focusWhenEmpty={headingRef} />
              <StatusMessage message={status?.path === viewPath(view) ? status.message : null} testId="library-status" />
              {status?.path === viewPath(view) && status.undo !== undefined && (
                <p className="status-undo">
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-disabled={action.busy}
                    onClick={() => {
                      const undo = status.undo ?? [];
                      void action.submit(() => undoTrash(undo));
                    }}
                    data-testid="undo-trash"
                  >
                    Undo
                  </button>
                </p>
              )}
              {action.error !== null && <FormError id="library-error" message={action.error} testId="library-error" />}
              {selectedFiles.length > 0 && (
                <SelectionBar
                  count={selectedFiles.length}
                  total={files.length}
                  busy={action.busy}
                  onMove={canEdit ? () => setAlbumDialog('move') : null}
                  onAddToAlbum={canEdit ? () => setAlbumDialog('add') : null}
                  onRemoveFromAlbum={
                    album === null || !canEdit
                      ? null
                      : () =>
                          void action.submit(async () => {
                            await removeFromAlbum(
                              selectedFiles.map((file) => file.id),
                              album,
                            );
                            selection.clear();
                            focusAfterRender(() => headingRef.current); // the bar is gone
                          })
                  }
                  albumName={album?.name ?? null}
                  onTrash={
                    canDelete
                      ? () =>
                          void action.submit(() =>
                            askToTrash(selectedFiles, () => focusAfterRender(() => headingRef.current)), // the bar is gone
                          )
                      : null
                  }
                  onDeliver={canDeliver ? () => navigate(newDeliveryPath({ fileIds: selectedFiles.map((file) => file.id) })) : null}
                  onOrderPrints={canOrderPrints ? () => navigate(newPrintOrderPath(selectedFiles.map((file) => file.id))) : null}
                  onSelectAll={selection.selectAll}
                  onClear={selection.clear}
                />
              )}
              {list.state.status === 'loading' && <p className="muted">Loading photos…</p>}
              {list.state.status === 'failed' && <LoadFailed message={list.state.message} onRetry={list.reload} />}
              {list.files !== null &&
                (files.length === 0 ? (
                  <p className="library-empty" data-testid="library-empty">
                    {emptyMessage(view, search, canEdit)}
                  </p>
                ) : (
                  <FileGrid
                    ref={gridRef}
                    files={files}
                    inTrash={inTrash}
                    stale={list.stale}
                    isSelected={selection.has}
                    onToggle={canSelect ? selection.toggle : null}
                    onRetry={canEdit ? (file) => void action.submit(() => retry(file)) : null}
                    onRestore={canEdit ? (file) => void action.submit(() => restore(file)) : null}
                  />
                ))}
              {list.hasMore && (
                <div className="load-more">
                  <button type="button" className="button button-secondary" aria-disabled={list.loadingMore} onClick={loadMore} data-testid="load-more">
                    {list.loadingMore ? 'Loading…' : 'Load more photos'}
                  </button>
                </div>
              )}
              {list.loadMoreError !== null && <FormError id="load-more-error" message={list.loadMoreError} testId="load-more-error" />}
            </>
          )}
          {drop.dragging && (
            <div className="drop-overlay" aria-hidden="true">
              <p>Drop photos or folders to upload them to {album === null ? 'your library' : `“${album.name}”`}</p>
            </div>
          )}
        </section>
      </div>
      {albumDialog !== null && albumList !== null && (
        <MoveDialog
          mode={albumDialog}
          count={selectedFiles.length}
          albums={albumList}
          currentAlbumIds={albumList.filter((candidate) => selectedFiles.every((file) => file.albumIds.includes(candidate.id))).map((candidate) => candidate.id)}
          onConfirm={async (albumId) => {
            const fileIds = selectedFiles.map((file) => file.id);
            if (albumDialog === 'add' && albumId !== null) await addToAlbum(fileIds, albumId);
            else await move(fileIds, albumId);
            setAlbumDialog(null);
            selection.clear();
            focusAfterRender(() => headingRef.current); // the bar is gone
          }}
          onCancel={() => setAlbumDialog(null)}
        />
      )}
      {trashDialog}
    </div>
  );
}

function emptyMessage(view: LibraryView, search: string, canUpload: boolean): string {
  if (search.trim() !== '') return `No photos have “${search.trim()}” in their name.`;
  if (view.kind === 'trash') return 'The trash is empty.';
  if (view.kind === 'album') return canUpload ? 'This album is empty. Drop photos here to upload them into it, or move photos here from All photos.' : 'This album is empty.';
  return canUpload ? 'No photos yet. Drop photos or whole folders here, or use Upload photos.' : 'No photos yet.';
}

function byName(a: Album, b: Album): number {
  return a.name.localeCompare(b.name);
}
