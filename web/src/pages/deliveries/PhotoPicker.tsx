import { useId, useState } from 'react';
import { listAlbums } from '../../api/vault';
import { useLoader } from '../../app/useLoader';
import { SelectField, StatusMessage } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { pluralize } from '../../lib/format';
import { SearchField } from '../vault/LibraryToolbar';
import { useFileList } from '../vault/useFileList';
import './photo-picker.css';

/**
 * Choosing photos of the library for a delivery, newest capture first: every photo or one
 * album's, searched by name, picked one by one or all those shown at once. What is picked
 * stays picked while the album or the search changes. `exclude` are photos not to offer
 * (those a delivery holds already).
 */
export function PhotoPicker({
  picked,
  onChange,
  exclude,
  testIdPrefix,
}: {
  picked: ReadonlySet<string>;
  onChange: (picked: ReadonlySet<string>) => void;
  exclude?: ReadonlySet<string>;
  /** Each checkbox's test id is the prefix and the file's id. */
  testIdPrefix: string;
}) {
  const id = useId();
  const albums = useLoader(listAlbums);
  const [albumId, setAlbumId] = useState('');
  const [search, setSearch] = useState('');
  const list = useFileList(albumId === '' ? { kind: 'all' } : { kind: 'album', albumId }, 'captured', 'desc', search);
  const shown = (list.files ?? []).filter((file) => exclude?.has(file.id) !== true);
  const allShownPicked = shown.length > 0 && shown.every((file) => picked.has(file.id));

  function toggle(fileId: string) {
    const next = new Set(picked);
    if (next.has(fileId)) next.delete(fileId);
    else next.add(fileId);
    onChange(next);
  }

  function pickAllShown() {
    onChange(new Set([...picked, ...shown.map((file) => file.id)]));
  }

  return (
    <div className="photo-picker" data-testid="photo-picker">
      <div className="photo-picker-toolbar">
        <SelectField id={`${id}-album`} label="From" value={albumId} onChange={(event) => setAlbumId(event.target.value)} data-testid="photo-picker-album">
          <option value="">All photos</option>
          {albums.state.status === 'ready' &&
            albums.state.data.map((album) => (
              <option key={album.id} value={album.id}>
                {album.name} ({pluralize(album.fileCount, 'photo', 'photos')})
              </option>
            ))}
        </SelectField>
        <SearchField id={`${id}-search`} onSearch={setSearch} testId="photo-picker-search" />
      </div>
      <div className="photo-picker-actions">
        <StatusMessage message={`${pluralize(picked.size, 'photo', 'photos')} chosen`} testId="photo-picker-count" />
        <button
          type="button"
          className="button button-secondary button-small"
          aria-disabled={shown.length === 0 || allShownPicked}
          onClick={() => shown.length > 0 && !allShownPicked && pickAllShown()}
          data-testid="photo-picker-select-all"
        >
          {shown.length > 0 ? `Select all ${pluralize(shown.length, 'photo', 'photos')} shown` : 'Select all shown'}
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-disabled={picked.size === 0}
          onClick={() => picked.size > 0 && onChange(new Set())}
          data-testid="photo-picker-clear"
        >
          Clear
        </button>
      </div>
      {list.state.status === 'failed' && <LoadFailed message={list.state.message} onRetry={list.reload} />}
      {list.files === null && list.state.status !== 'failed' && <p className="muted">Loading photos…</p>}
      {list.files !== null &&
        (shown.length === 0 ? (
          <p className="muted" data-testid="photo-picker-empty">
            {search.trim() !== '' ? 'No photo’s name matches.' : exclude === undefined ? 'No photos here yet.' : 'Every photo here is already in this delivery.'}
          </p>
        ) : (
          <ul className="file-grid file-grid-small" aria-label="Photos to choose from" aria-busy={list.stale}>
            {shown.map((file) => (
              <li key={file.id} className="file-tile" data-selected={picked.has(file.id) || undefined}>
                <label className="tile-pick">
                  <input type="checkbox" checked={picked.has(file.id)} onChange={() => toggle(file.id)} data-testid={`${testIdPrefix}${file.id}`} />
                  <span className="file-tile-name">{file.name}</span>
                </label>
                <span className="file-tile-frame">
                  {file.thumbnailUrl !== null && <img className="file-tile-image" src={file.thumbnailUrl} alt="" loading="lazy" decoding="async" />}
                </span>
              </li>
            ))}
          </ul>
        ))}
      {list.hasMore && (
        <div className="load-more">
          <button type="button" className="button button-secondary button-auto" aria-disabled={list.loadingMore} onClick={() => void list.loadMore()}>
            {list.loadingMore ? 'Loading…' : 'Show more photos'}
          </button>
        </div>
      )}
      {list.loadMoreError !== null && <p className="form-error">{list.loadMoreError}</p>}
    </div>
  );
}
