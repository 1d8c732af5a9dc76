import { useRef, useState } from 'react';
import type { Album, VaultUsage } from '../../api/vault';
import { Link } from '../../app/router';
import { useCan } from '../../app/permissions';
import { useFocusAfterRender } from '../../app/useFocusAfterRender';
import { LoadFailed } from '../../components/LoadFailed';
import { AlbumNameForm } from './AlbumNameForm';
import { LIBRARY_PATH, TRASH_PATH, viewPath, type LibraryView } from './paths';
import { UsageMeter } from './UsageMeter';

/** Where the library's lists are (every photo, each album, the trash), and how full it is. */
export function AlbumSidebar({
  view,
  albums,
  albumsError,
  onRetryAlbums,
  onCreateAlbum,
  usage,
}: {
  view: LibraryView;
  /** `null` while loading. */
  albums: Album[] | null;
  albumsError: string | null;
  onRetryAlbums: () => void;
  /** `null` for a role that may not make albums. */
  onCreateAlbum: ((name: string) => Promise<void>) | null;
  usage: VaultUsage | null;
}) {
  const canRestore = useCan('library.edit');
  return (
    <aside className="library-sidebar">
      <nav aria-labelledby="albums-heading">
        <h2 id="albums-heading" className="sidebar-heading">
          Albums
        </h2>
        <ul className="album-list" data-testid="album-list">
          <li>
            <Link to={LIBRARY_PATH} aria-current={view.kind === 'all' ? 'page' : undefined}>
              All photos
            </Link>
          </li>
          {albums?.map((album) => (
            <li key={album.id}>
              <Link
                to={viewPath({ kind: 'album', albumId: album.id })}
                aria-current={view.kind === 'album' && view.albumId === album.id ? 'page' : undefined}
                data-testid={`album-${album.id}`}
              >
                <span className="album-list-name">{album.name}</span>
                <span className="album-list-count">
                  {album.fileCount}
                  <span className="visually-hidden"> {album.fileCount === 1 ? 'photo' : 'photos'}</span>
                </span>
              </Link>
            </li>
          ))}
          {/* Nothing in the trash is a viewer's to restore or delete (app/permissions.ts). */}
          {canRestore && (
            <li className="album-list-trash">
              <Link to={TRASH_PATH} aria-current={view.kind === 'trash' ? 'page' : undefined} data-testid="trash-link">
                Trash
              </Link>
            </li>
          )}
        </ul>
        {albums === null && albumsError === null && <p className="muted sidebar-note">Loading albums…</p>}
        {albumsError !== null && <LoadFailed message={albumsError} onRetry={onRetryAlbums} />}
      </nav>
      {onCreateAlbum !== null && <NewAlbum onCreate={onCreateAlbum} />}
      <UsageMeter usage={usage} />
    </aside>
  );
}

function NewAlbum({ onCreate }: { onCreate: (name: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();

  function close() {
    setOpen(false);
    focusAfterRender(() => buttonRef.current);
  }

  if (open) {
    return (
      <AlbumNameForm
        idPrefix="new-album"
        label="New album"
        initialName=""
        submitLabel="Create"
        busyLabel="Creating…"
        testIds={{ name: 'album-name', submit: 'album-create-submit' }}
        onSave={async (name) => {
          await onCreate(name);
          close();
        }}
        onCancel={close}
      />
    );
  }
  return (
    <button type="button" className="button button-secondary button-small new-album" onClick={() => setOpen(true)} ref={buttonRef} data-testid="album-create">
      New album
    </button>
  );
}
