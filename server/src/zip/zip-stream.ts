import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback, finished } from 'node:stream';
import type { ZipArchive } from 'archiver';
import { AppError, IntegrityError } from '../errors.ts';
import { cleanText } from '../text.ts';

/**
 * "Download all" of a delivery: one ZIP streamed straight from the vault, no temporary file,
 * memory flat whatever the sizes, entries STORED (photos are already compressed), then
 * `SHA256SUMS.txt` with the hashes recorded at upload.
 *
 * ZIP64, as archiver 8 (zip-stream 7, compress-commons 7) writes it — read from its source,
 * checked with 4.4 GB archives through Info-ZIP `unzip -t` and, in zip-stream.test.ts, yauzl
 * (`SHUTTERLOCK_ZIP64_TEST=1` runs that one: about 20 s):
 * - A streamed entry gets a data descriptor (flag bit 3) and zeros for CRC and sizes in its
 *   local header. Once its size is known: more than 0xFFFFFFFF bytes gives a 24-byte (64-bit)
 *   descriptor and a central header with the ZIP64 extra field (sizes and offset); an entry
 *   that starts beyond 0xFFFFFFFF gets that extra field too. There is no option to pass the
 *   size up front; readers that work from the central directory (Info-ZIP unzip, Python's
 *   zipfile and yauzl were checked) need none. The local header holds neither sizes nor a
 *   ZIP64 extra field, so a forward-only reader (Java's ZipInputStream takes no STORED entry
 *   with a data descriptor) cannot extract this archive as a stream.
 * - The ZIP64 end-of-central-directory record and locator are written when there are more
 *   than 0xFFFF entries or the central directory starts or spans beyond 0xFFFFFFFF bytes.
 *   `forceZip64` forces only those records — it changes no entry.
 * - Its tests are strict (`>`) where the format needs `>=`: a value of exactly 0xFFFFFFFF (or
 *   0xFFFF entries) is written as the ZIP64 marker with nothing behind it. Every size is known
 *   here before the first byte, so `planZip` lays the archive out in advance: it forces the
 *   ZIP64 end records when they could be needed, and refuses, before sending anything, the two
 *   layouts archiver cannot express (an entry of exactly 0xFFFFFFFF bytes, or one starting at
 *   exactly that offset). The same plan gives the exact length of the archive.
 *
 * The layout is archiver's, not ours, so the plan's length is a prediction: archiver is pinned
 * exactly (with zip-stream and compress-commons, root `overrides`) so that an upgrade is a
 * reviewed change that runs these tests, and the bytes actually emitted are counted — a
 * byte past the planned length, or an end short of it, fails the stream, which aborts the
 * response: a client never gets an archive that disagrees with its `Content-Length`.
 *
 * Integrity: each entry's bytes are hashed and counted as they pass. The central directory —
 * without which no reader accepts the archive — is only written after every entry matched its
 * recorded length and SHA-256; on a mismatch, a failing source or a consumer that went away,
 * the output is destroyed (never ended) and the current source with it.
 */

export interface ZipEntrySource {
  /** Display name (already cleaned of control chars by the vault); may contain '/' or '\\' or '..' from old data — made a safe single path segment here. */
  name: string;
  /** Exact plaintext byte length expected. */
  size: number;
  modifiedAt: Date;
  /** Hex SHA-256 recorded at upload (a preview's when it was made); null for previews of older releases, which have none: hashed as they stream, and listed as sent. */
  sha256: string | null;
  /** Opens the bytes only when this entry's turn comes (one file open at a time). */
  open(): Promise<Readable>;
}

export interface ZipStreamOptions {
  /** Entry `index` was read whole, matched its length and SHA-256, and was handed to the archive (the reader may not have all of it yet). */
  onEntryDone?(index: number): void;
}

export const MANIFEST_NAME = 'SHA256SUMS.txt';

const ZIP32_MAX = 0xffffffff;
const ZIP16_MAX = 0xffff;
const MAX_NAME_BYTES = 255;
/** What archiver may hold per archive, in each of its two internal buffers. */
const ARCHIVE_BUFFER_BYTES = 256 * 1024;

// Characters Windows refuses in a file name. ':' matters everywhere: archiver would cut
// `abc:` off the start of a name (as if it were a drive letter).
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
const SHA256_HEX = /^[0-9a-f]{64}$/i;
// A lone surrogate has no UTF-8 form: two different names could otherwise encode alike.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function splitExtension(name: string): [base: string, extension: string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.length - dot <= 16 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/** `base + suffix + extension` within MAX_NAME_BYTES of UTF-8 (what Linux file systems take), losing the end of the base. */
function fitName(base: string, suffix: string, extension: string): string {
  let codePoints = Array.from(base);
  while (codePoints.length > 1 && Buffer.byteLength(codePoints.join('') + suffix + extension) > MAX_NAME_BYTES) {
    codePoints = codePoints.slice(0, -1);
  }
  return codePoints.join('').trimEnd() + suffix + extension;
}

/** One visible path segment that extracts as a plain file on Windows, macOS and Linux. */
function entryName(input: string): string {
  const lastSegment = cleanText(input.replace(LONE_SURROGATE, '\uFFFD')).split(/[/\\]/).pop() ?? '';
  let name = lastSegment
    .replace(WINDOWS_FORBIDDEN, '_')
    // Leading dots would make a hidden file (or ".."); Windows drops trailing dots and spaces.
    .replace(/^[.\s]+/u, '')
    .replace(/[.\s]+$/u, '');
  if (name === '') name = 'untitled';
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  const [base, extension] = splitExtension(name);
  return fitName(base, '', extension);
}

const nameKey = (name: string): string => name.toLowerCase();

/**
 * The names as they appear in the archive, in order: each one a safe single segment, then made
 * unique ignoring case (`a.jpg`, `A.JPG` → `a.jpg`, `A (2).JPG`), never `SHA256SUMS.txt`. A
 * name that is unique as given keeps it; only the later duplicates are numbered.
 */
export function uniqueEntryNames(names: readonly string[]): string[] {
  const safe = names.map(entryName);
  const taken = new Set<string>([nameKey(MANIFEST_NAME)]);
  const keeps = safe.map((name) => {
    const key = nameKey(name);
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  });
  const nextCopy = new Map<string, number>();
  return safe.map((name, index) => {
    if (keeps[index]) return name;
    const [base, extension] = splitExtension(name);
    let copy = nextCopy.get(nameKey(name)) ?? 2;
    let candidate = fitName(base, ` (${copy})`, extension);
    while (taken.has(nameKey(candidate))) {
      copy += 1;
      candidate = fitName(base, ` (${copy})`, extension);
    }
    nextCopy.set(nameKey(name), copy + 1);
    taken.add(nameKey(candidate));
    return candidate;
  });
}

interface ZipPlan {
  names: string[];
  forceZip64: boolean;
  byteLength: number;
}

/** `SHA256SUMS.txt`: sha256sum's format; no name holds a backslash or a newline, so none needs its escaping. */
function manifestOf(digests: readonly string[], names: readonly string[]): Buffer {
  return Buffer.from(digests.map((digest, index) => `${digest}  ${names[index]}\n`).join(''), 'utf8');
}

/** What archiver will write, byte for byte in length (see the header comment). */
function planZip(entries: readonly ZipEntrySource[]): ZipPlan {
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new TypeError(`Invalid ZIP entry size: ${entry.size}`);
    if (entry.sha256 !== null && !SHA256_HEX.test(entry.sha256)) throw new TypeError('Invalid ZIP entry SHA-256.');
  }
  const names = uniqueEntryNames(entries.map((entry) => entry.name));
  // Its length is known before any hash is: every digest is 64 hex characters.
  const manifestLength = manifestOf(entries.map(() => '0'.repeat(64)), names).length;
  const files = [
    ...entries.map((entry, index) => ({ name: names[index] ?? '', size: entry.size, descriptor: true })),
    { name: MANIFEST_NAME, size: manifestLength, descriptor: false },
  ];
  let offset = 0;
  let centralLength = 0;
  for (const file of files) {
    if (file.size === ZIP32_MAX || offset === ZIP32_MAX) {
      throw new AppError('zip_layout_unsupported', 'These files cannot be put in one ZIP; download them one by one.', 500);
    }
    const nameBytes = Buffer.byteLength(file.name);
    const zip64 = file.size > ZIP32_MAX || offset > ZIP32_MAX;
    centralLength += 46 + nameBytes + (zip64 ? 28 : 0);
    offset += 30 + nameBytes + file.size + (file.descriptor ? (file.size > ZIP32_MAX ? 24 : 16) : 0);
  }
  const forceZip64 = files.length >= ZIP16_MAX || offset >= ZIP32_MAX || centralLength >= ZIP32_MAX;
  return { names, forceZip64, byteLength: offset + centralLength + (forceZip64 ? 56 + 20 : 0) + 22 };
}

/** The exact length of the archive `createZipStream(entries)` writes (for `Content-Length`). */
export function zipByteLength(entries: readonly ZipEntrySource[]): number {
  return planZip(entries).byteLength;
}

/** DOS times cover 1980–2107; archiver clamps, but an invalid date would give garbage. */
function entryDate(date: Date): Date {
  return Number.isNaN(date.getTime()) ? new Date(0) : date;
}

/**
 * Passes the bytes on while counting and hashing them; fails on a byte too many or at the end.
 * Hands the digest on once the entry matched (for an entry without a recorded hash, it is the
 * digest of what was sent). The error's cause, which is logged, names the entry by its position,
 * never by its (decrypted) file name.
 */
function verifying(entry: ZipEntrySource, index: number, onDigest: (digest: string) => void): Transform {
  const hash = createHash('sha256');
  const expected = entry.sha256?.toLowerCase() ?? null;
  let length = 0;
  const mismatch = (what: string) =>
    new IntegrityError('A file in this ZIP does not match the one uploaded.', new Error(`ZIP entry ${index}: ${what}`));
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      length += chunk.length;
      if (length > entry.size) return callback(mismatch(`more than the recorded ${entry.size} bytes`));
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (length !== entry.size) return callback(mismatch(`${length} bytes instead of the recorded ${entry.size}`));
      const digest = hash.digest('hex');
      if (expected !== null && digest !== expected) return callback(mismatch('SHA-256 differs from the one recorded at upload'));
      onDigest(digest);
      callback();
    },
  });
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Streams a ZIP of the entries in order (STORE), then `SHA256SUMS.txt` (`<hex>  <name>\n` per
 * entry, names as stored in the archive). Nothing is opened before the first read; each
 * source is opened when its turn comes and read only as fast as the output is. The output
 * errors — and never ends — if a source fails or does not match its size and SHA-256; throws
 * up front (AppError `zip_layout_unsupported`) for the layouts archiver cannot write.
 */
/**
 * archiver (with its dependencies, 1–3 MiB at rest) is loaded by the first archive that is read,
 * not with the server: few processes ever build one (docs/performance.md, 4 December 2026).
 */
let archiver: Promise<typeof import('archiver')> | undefined;

export function createZipStream(entries: readonly ZipEntrySource[], options: ZipStreamOptions = {}): Readable {
  const { names, forceZip64, byteLength } = planZip(entries);
  let emitted = 0;
  const digests = entries.map((entry) => entry.sha256?.toLowerCase() ?? '');
  let archive: ZipArchive | undefined;
  let started = false;
  let stopped = false;
  let index = 0;
  let source: Readable | undefined;
  let verified: Transform | undefined;

  const output = new Readable({
    read() {
      if (!started) {
        started = true;
        (archiver ??= import('archiver')).then(({ ZipArchive: Archive }) => {
          if (!stopped) start(new Archive({ store: true, forceZip64, highWaterMark: ARCHIVE_BUFFER_BYTES }));
        }, fail);
      }
      archive?.resume();
    },
    destroy(error, callback) {
      // Whoever destroyed the output (a failure below, or a consumer that went away), the
      // current source is closed and the archive dropped; nothing else is open.
      stopped = true;
      source?.destroy();
      verified?.destroy();
      archive?.abort();
      archive?.destroy();
      callback(error);
    },
  });
  const fail = (error: unknown): void => {
    if (!output.destroyed) output.destroy(asError(error));
  };

  function start(zip: ZipArchive): void {
    archive = zip;
    const layoutChanged = (what: string) => new Error(`The ZIP writer ${what} than the ${byteLength} bytes planned: its layout changed (see zip-stream.ts).`);
    zip.on('data', (chunk: Buffer) => {
      emitted += chunk.length;
      if (emitted > byteLength) return fail(layoutChanged('wrote more'));
      if (!output.destroyed && !output.push(chunk)) zip.pause();
    });
    zip.on('end', () => {
      if (emitted !== byteLength) return fail(layoutChanged('wrote less'));
      if (!output.destroyed) output.push(null);
    });
    // archiver reports a failed entry here but would go on to the next one: stop instead.
    zip.on('error', fail);
    zip.on('warning', fail);
    zip.on('entry', () => {
      if (stopped || index >= entries.length) return;
      source = undefined;
      verified = undefined;
      try {
        options.onEntryDone?.(index);
      } catch (error) {
        fail(error);
        return;
      }
      index += 1;
      next(zip);
    });
    next(zip);
  }

  function next(zip: ZipArchive): void {
    if (stopped) return;
    const entry = entries[index];
    if (entry === undefined) {
      zip.append(manifestOf(digests, names), { name: MANIFEST_NAME, date: new Date(), store: true });
      // The central directory is written now, after every entry was verified.
      zip.finalize().catch(fail);
      return;
    }
    const at = index;
    const name = names[at] ?? '';
    Promise.resolve()
      .then(() => entry.open())
      .then((opened) => {
        if (stopped) {
          opened.destroy();
          return;
        }
        source = opened;
        verified = verifying(entry, at, (digest) => {
          digests[at] = digest;
        });
        // Before archiver's own listener, which would carry on with the next entry.
        verified.on('error', fail);
        // A source that fails or closes early fails the archive (destroy() then closes it).
        // Not stream.pipeline: its AbortController costs more than the rest of a small entry.
        finished(opened, { writable: false }, (error) => {
          if (error) fail(error);
        });
        opened.pipe(verified);
        zip.append(verified, { name, date: entryDate(entry.modifiedAt), store: true });
      })
      .catch(fail);
  }

  return output;
}
