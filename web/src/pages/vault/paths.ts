/** The library's addresses: its lists (every photo, one album, the trash) and the file viewer. */

export type LibraryView = { kind: 'all' } | { kind: 'album'; albumId: string } | { kind: 'trash' };

export type LibraryRoute = { kind: 'list'; view: LibraryView } | { kind: 'file'; fileId: string };

export const LIBRARY_PATH = '/library';
export const TRASH_PATH = '/library/trash';

/** The library route at `pathname`, or `null` when it is not one. */
export function parseLibraryPath(pathname: string): LibraryRoute | null {
  if (pathname === LIBRARY_PATH) return { kind: 'list', view: { kind: 'all' } };
  if (pathname === TRASH_PATH) return { kind: 'list', view: { kind: 'trash' } };
  const match = /^\/library\/(albums|files)\/([^/]+)$/.exec(pathname);
  const id = match?.[2] === undefined ? null : decodeSegment(match[2]);
  if (id === null) return null;
  return match?.[1] === 'albums' ? { kind: 'list', view: { kind: 'album', albumId: id } } : { kind: 'file', fileId: id };
}

export function viewPath(view: LibraryView): string {
  if (view.kind === 'all') return LIBRARY_PATH;
  if (view.kind === 'trash') return TRASH_PATH;
  return `${LIBRARY_PATH}/albums/${encodeURIComponent(view.albumId)}`;
}

export function fileViewerPath(fileId: string): string {
  return `${LIBRARY_PATH}/files/${encodeURIComponent(fileId)}`;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // a malformed address is simply not one of ours
  }
}
