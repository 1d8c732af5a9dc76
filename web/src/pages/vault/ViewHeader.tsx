import { useRef, useState, type RefObject } from 'react';
import type { Album } from '../../api/vault';
import { useFocusAfterRender } from '../../app/useFocusAfterRender';
import { Link } from '../../app/router';
import { usePageTitle } from '../../app/usePageTitle';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { RoleNote } from '../../app/RoleGate';
import { AlbumNameForm } from './AlbumNameForm';
import { newDeliveryPath } from '../deliveries/paths';
import type { LibraryView } from './paths';

/** The list's heading, with what can be done to the list itself: an album's name, the trash. */
export function ViewHeader({
  view,
  title,
  album,
  headingRef,
  canEmptyTrash,
  canDeliver,
  onRenameAlbum,
  onDeleteAlbum,
  onEmptyTrash,
}: {
  view: LibraryView;
  title: string;
  /** The album shown, once albums are loaded. */
  album: Album | null;
  headingRef: RefObject<HTMLHeadingElement | null>;
  canEmptyTrash: boolean;
  /** The member's role may start a delivery. */
  canDeliver: boolean;
  /** `null` where the member's role may not rename or delete an album. */
  onRenameAlbum: ((album: Album, name: string) => Promise<void>) | null;
  onDeleteAlbum: ((album: Album) => Promise<void>) | null;
  onEmptyTrash: () => Promise<void>;
}) {
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState<'delete-album' | 'empty-trash' | null>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  usePageTitle(title);

  function stopRenaming() {
    setRenaming(false);
    focusAfterRender(() => renameRef.current);
  }

  return (
    <header className="view-header">
      <div className="view-title">
        <p className="page-eyebrow">Library</p>
        <h1 id="library-heading" tabIndex={-1} ref={headingRef}>
          {title}
        </h1>
        {view.kind === 'trash' && <p className="view-lead">Photos stay in the trash for 30 days, then are deleted for good.</p>}
        {view.kind === 'trash' && <RoleNote permissions={['delete']} cannot="empty the trash" testId="trash-role-note" />}
      </div>
      {album !== null && !renaming && (canDeliver || onRenameAlbum !== null || onDeleteAlbum !== null) && (
        <div className="view-actions">
          {canDeliver && (
            <Link to={newDeliveryPath({ albumId: album.id })} className="button button-secondary button-small" data-testid="album-deliver">
              Deliver album
            </Link>
          )}
          {onRenameAlbum !== null && (
            <button type="button" className="button button-secondary button-small" onClick={() => setRenaming(true)} ref={renameRef} data-testid="album-rename">
              Rename
            </button>
          )}
          {onDeleteAlbum !== null && (
            <button type="button" className="button button-secondary button-small" onClick={() => setConfirming('delete-album')} data-testid="album-delete">
              Delete album
            </button>
          )}
        </div>
      )}
      {view.kind === 'trash' && canEmptyTrash && (
        <div className="view-actions">
          <button type="button" className="button button-danger button-small" onClick={() => setConfirming('empty-trash')} data-testid="empty-trash">
            Empty trash
          </button>
        </div>
      )}
      {album !== null && renaming && onRenameAlbum !== null && (
        <AlbumNameForm
          idPrefix="rename-album"
          label="Album name"
          initialName={album.name}
          submitLabel="Save"
          busyLabel="Saving…"
          testIds={{ name: 'album-rename-name', submit: 'album-rename-submit' }}
          onSave={async (name) => {
            await onRenameAlbum(album, name);
            stopRenaming();
          }}
          onCancel={stopRenaming}
        />
      )}
      {album !== null && confirming === 'delete-album' && onDeleteAlbum !== null && (
        <ConfirmDialog
          title={`Delete the album “${album.name}”?`}
          confirmLabel="Delete album"
          busyLabel="Deleting…"
          onConfirm={async () => {
            await onDeleteAlbum(album);
            setConfirming(null);
          }}
          onCancel={() => setConfirming(null)}
        >
          <p>Photos in it are kept: you’ll still find them in All photos.</p>
        </ConfirmDialog>
      )}
      {confirming === 'empty-trash' && (
        <ConfirmDialog
          title="Empty the trash?"
          confirmLabel="Delete for good"
          busyLabel="Deleting…"
          onConfirm={async () => {
            await onEmptyTrash();
            setConfirming(null);
            focusAfterRender(() => headingRef.current);
          }}
          onCancel={() => setConfirming(null)}
        >
          <p>Every photo in the trash is deleted for good, original and previews. This can’t be undone.</p>
        </ConfirmDialog>
      )}
    </header>
  );
}
