import type { SecretBox } from '../crypto/secret-fields.ts';
import { AppError } from '../errors.ts';

/**
 * Pagination cursors: the sort key of the last file on a page. A key may hold a file name,
 * so the cursor is sealed (bound to the studio) rather than merely encoded: opaque in URLs
 * and logs, and useless to anyone else or for another listing.
 */

export type SortKeyValue = string | number;

export interface CursorPosition {
  /** The listing it belongs to: sort, order and search. */
  listing: string;
  key: SortKeyValue[];
}

const PURPOSE = 'vault-list-cursor';
const associatedData = (studioId: string) => `studios/${studioId}/file-list`;

export function cursorInvalid(): AppError {
  return new AppError('cursor_invalid', 'The page cursor is not valid for this listing; start from the first page.', 400);
}

export async function sealCursor(secrets: SecretBox, studioId: string, position: CursorPosition): Promise<string> {
  return Buffer.from(await secrets.seal(JSON.stringify(position), PURPOSE, associatedData(studioId))).toString('base64url');
}

export async function openCursor(secrets: SecretBox, studioId: string, cursor: string, listing: string): Promise<SortKeyValue[]> {
  let position: CursorPosition;
  try {
    const opened = await secrets.open(Buffer.from(cursor, 'base64url').toString('utf8'), PURPOSE, associatedData(studioId));
    position = JSON.parse(opened.toString('utf8')) as CursorPosition;
  } catch {
    throw cursorInvalid();
  }
  if (position.listing !== listing || !Array.isArray(position.key)) throw cursorInvalid();
  return position.key;
}
