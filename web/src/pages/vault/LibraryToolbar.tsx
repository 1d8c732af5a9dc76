import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { FileSort, SortOrder } from '../../api/vault';
import { SelectField, TextField } from '../../components/form';
import { visibleFiles } from '../../lib/droppedFiles';

const SORT_NAMES: Record<FileSort, string> = { captured: 'Capture date', uploaded: 'Upload date', name: 'Name' };

const SEARCH_DELAY_MS = 300;

/** Sorting and searching the list, and the ways to upload besides dropping files on it. */
export function LibraryToolbar({
  sort,
  order,
  onSortChange,
  onOrderChange,
  onSearch,
  onUpload,
}: {
  sort: FileSort;
  order: SortOrder;
  onSortChange: (sort: FileSort) => void;
  onOrderChange: (order: SortOrder) => void;
  onSearch: (search: string) => void;
  /** `null` where nothing can be uploaded (the trash). */
  onUpload: ((files: File[]) => void) | null;
}) {
  const byName = sort === 'name';
  return (
    <div className="library-toolbar">
      <SelectField id="library-sort" label="Sort by" value={sort} onChange={(event) => onSortChange(event.target.value as FileSort)} data-testid="sort-select">
        {(Object.keys(SORT_NAMES) as FileSort[]).map((option) => (
          <option key={option} value={option}>
            {SORT_NAMES[option]}
          </option>
        ))}
      </SelectField>
      <SelectField id="library-order" label="Order" value={order} onChange={(event) => onOrderChange(event.target.value as SortOrder)} data-testid="order-select">
        <option value={byName ? 'asc' : 'desc'}>{byName ? 'A to Z' : 'Newest first'}</option>
        <option value={byName ? 'desc' : 'asc'}>{byName ? 'Z to A' : 'Oldest first'}</option>
      </SelectField>
      <SearchField id="library-search" onSearch={onSearch} testId="search-input" />
      {onUpload !== null && <UploadButtons onUpload={onUpload} />}
    </div>
  );
}

/** Searches file names as the person types, once they pause. */
export function SearchField({ id, onSearch, testId }: { id: string; onSearch: (search: string) => void; testId: string }) {
  const [text, setText] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => onSearch(text), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, onSearch]);
  return (
    <div className="library-search">
      <TextField
        id={id}
        label="Search by name"
        type="search"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(event) => setText(event.target.value)}
        data-testid={testId}
      />
    </div>
  );
}

function UploadButtons({ onUpload }: { onUpload: (files: File[]) => void }) {
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  // React does not know the attribute; the DOM property is standard in every browser we support.
  useEffect(() => {
    if (folderRef.current) folderRef.current.webkitdirectory = true;
  }, []);

  function take(event: ChangeEvent<HTMLInputElement>, fromFolder: boolean) {
    const files = [...(event.target.files ?? [])];
    event.target.value = ''; // choosing the same files again still counts as a change
    onUpload(fromFolder ? visibleFiles(files) : files);
  }

  return (
    <div className="upload-buttons">
      <button type="button" className="button button-primary button-auto" onClick={() => filesRef.current?.click()}>
        Upload photos
      </button>
      <button type="button" className="button button-secondary" onClick={() => folderRef.current?.click()}>
        Upload a folder
      </button>
      <input ref={filesRef} type="file" multiple hidden onChange={(event) => take(event, false)} data-testid="upload-input" />
      <input ref={folderRef} type="file" hidden onChange={(event) => take(event, true)} data-testid="upload-folder-input" />
    </div>
  );
}
