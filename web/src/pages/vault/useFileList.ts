import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { listFiles, type FileQuery, type FileSort, type FileView, type SortOrder } from '../../api/vault';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import type { LibraryView } from './paths';

const PAGE_SIZE = 60;
/** The most files one request may ask for. */
const MAX_PAGE_SIZE = 200;
const POLL_INTERVAL_MS = 3000;
/** How long after the last finished upload the list is put in its order again. */
const REORDER_AFTER_UPLOADS_MS = 1500;

interface FileList {
  /** The query these files answer: a newer one may be on its way. */
  query: FileQuery;
  files: FileView[];
  nextCursor: string | null;
}

/**
 * The files of one library view, a page at a time. While any loaded file's previews are
 * being made, the list is asked for again every few seconds and those files are refreshed.
 */
export function useFileList(view: LibraryView, sort: FileSort, order: SortOrder, search: string) {
  const albumId = view.kind === 'album' ? view.albumId : undefined;
  const trash = view.kind === 'trash';
  const query = useMemo<FileQuery>(() => ({ albumId, trash, sort, order, q: search.trim() }), [albumId, trash, sort, order, search]);
  const load = useCallback(async (): Promise<FileList> => ({ query, ...(await listFiles({ ...query, limit: PAGE_SIZE })) }), [query]);
  const { state, reload, update } = useLoader(load);
  const more = useSubmission();

  const loaded = state.status === 'ready' ? state.data : null;
  const files = loaded?.files ?? null;
  const pollQuery = loaded !== null && loaded.files.some((file) => file.status === 'processing') ? loaded.query : null;
  usePreviewPolling(pollQuery, files?.length ?? 0, update);

  /** Loads the next page; failing, says why in `loadMoreError`. */
  function loadMore(): Promise<void> {
    if (loaded?.nextCursor == null) return Promise.resolve();
    const { query: forQuery, nextCursor: cursor } = loaded;
    return more.submit(async () => {
      const page = await listFiles({ ...forQuery, cursor, limit: PAGE_SIZE });
      update((list) => {
        if (list.query !== forQuery || list.nextCursor !== cursor) return list;
        const known = new Set(list.files.map((file) => file.id)); // an upload may have put one first already
        return { ...list, files: [...list.files, ...page.files.filter((file) => !known.has(file.id))], nextCursor: page.nextCursor };
      });
    });
  }

  // A new file goes first at once; only the newest-upload order keeps it there. In any other
  // order its place is the server's to say (capture times are sealed, not in the view), so the
  // list is asked for again once the uploads pause.
  const reorder = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(reorder.current), []);
  const insert = useCallback(
    (file: FileView) => {
      update((list) =>
        belongsIn(list.query, file) && !list.files.some((known) => known.id === file.id) ? { ...list, files: [file, ...list.files] } : list,
      );
      if (sort === 'uploaded' && order === 'desc') return;
      clearTimeout(reorder.current);
      reorder.current = setTimeout(reload, REORDER_AFTER_UPLOADS_MS);
    },
    [update, reload, sort, order],
  );

  return {
    state,
    reload,
    /** The loaded files; `null` until the first page arrives. */
    files,
    /** Whether `files` still answer an earlier query (another album, sort or search). */
    stale: loaded !== null && loaded.query !== query,
    hasMore: loaded?.nextCursor != null,
    loadMore,
    loadingMore: more.busy,
    loadMoreError: more.error,
    insert,
    /** Applies a change the server confirmed to the files shown, unless they answer another query by then. */
    change: (change: (files: FileView[], query: FileQuery) => FileView[]) => {
      if (loaded === null) return;
      const forQuery = loaded.query;
      update((list) => (list.query === forQuery ? { ...list, files: change(list.files, forQuery) } : list));
    },
  };
}

function belongsIn(query: FileQuery, file: FileView): boolean {
  if (query.trash || (query.albumId !== undefined && !file.albumIds.includes(query.albumId))) return false;
  return !query.q || file.name.toLowerCase().includes(query.q.toLowerCase());
}

/**
 * Every few seconds while `query` is set, asks for the first files of the list again (as
 * many as are loaded, within one request) and takes the news about the files whose previews
 * were being made. Other files keep their signed URLs, so their thumbnails are not fetched again.
 */
function usePreviewPolling(query: FileQuery | null, loadedCount: number, update: (change: (list: FileList) => FileList) => void): void {
  const [polls, setPolls] = useState(0);
  // Read when a poll starts: files uploaded meanwhile must not keep putting the poll off.
  const latestCount = useRef(loadedCount);
  useEffect(() => {
    latestCount.current = loadedCount;
  });
  useEffect(() => {
    if (query === null) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      const limit = Math.min(Math.max(latestCount.current, PAGE_SIZE), MAX_PAGE_SIZE);
      listFiles({ ...query, limit })
        .then(
          ({ files: fresh }) => {
            if (cancelled) return;
            const byId = new Map(fresh.map((file) => [file.id, file]));
            update((list) =>
              list.query === query
                ? { ...list, files: list.files.map((file) => (file.status === 'processing' ? (byId.get(file.id) ?? file) : file)) }
                : list,
            );
          },
          () => undefined, // the next poll tries again
        )
        .finally(() => {
          if (!cancelled) setPolls((count) => count + 1);
        });
    }, POLL_INTERVAL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, polls, update]);
}
