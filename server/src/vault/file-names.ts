import { type PhotoType, extensionOf, photoTypes } from '../imaging/file-types.ts';
import { cleanText } from '../text.ts';

/**
 * Display names as people see them in lists and in the downloaded file's name. Whatever a
 * client sends, the stored name is one line of visible text without path parts, at most
 * 255 characters, ending in an extension that matches the content, never empty.
 */

export const MAX_NAME_LENGTH = 255;

const photoExtensions = new Set(Object.values(photoTypes).flatMap((type) => type.extensions));

function truncateCodePoints(text: string, length: number): string {
  const codePoints = Array.from(text);
  return codePoints.length <= length ? text : codePoints.slice(0, length).join('');
}

/**
 * `../../etc/photo.png` with JPEG content becomes `photo.jpg`, `notes.html` becomes
 * `notes.html.jpg` (only a photo extension is replaced; anything else stays part of the
 * name), a name without a usable base becomes `untitled.<ext>`, and a long name keeps its
 * extension and loses the end of its base.
 */
export function safeFileName(input: string | undefined, type: PhotoType): string {
  const cleaned = cleanText(input ?? '');
  // Both separators, whatever the client's platform: only the last segment is a name.
  const lastSegment = cleaned.split(/[/\\]/).pop() ?? '';
  const claimed = extensionOf(lastSegment);
  const keepsExtension = claimed !== undefined && type.extensions.includes(claimed);
  const extension = keepsExtension ? lastSegment.slice(lastSegment.lastIndexOf('.') + 1) : type.extension;
  const base = claimed !== undefined && photoExtensions.has(claimed) ? lastSegment.slice(0, lastSegment.lastIndexOf('.')) : lastSegment;
  // Leading dots would make a hidden file (or "..") on the photographer's disk.
  const visibleBase = base.replace(/^[.\s]+/u, '').trim();
  const boundedBase = truncateCodePoints(visibleBase, MAX_NAME_LENGTH - 1 - extension.length).trim();
  return `${boundedBase || 'untitled'}.${extension}`;
}
