import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZipArchive } from 'archiver';
import { type Entry, RandomAccessReader, fromBufferPromise, fromRandomAccessReaderPromise, type ZipFile } from 'yauzl';
import { AppError, IntegrityError } from '../errors.ts';
import { MANIFEST_NAME, type ZipEntrySource, createZipStream, uniqueEntryNames, zipByteLength } from './zip-stream.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
const UTF8_NAMES = 0x800;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Hands out `data` in 64 KiB pieces as they are asked for; with `failAt`, errors there instead. */
function pieces(data: Buffer, failAt?: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (failAt !== undefined && offset >= failAt) return void this.destroy(new Error('The disk is on fire.'));
      if (offset >= data.length) return void this.push(null);
      const end = Math.min(offset + 64 * KiB, data.length, failAt ?? Infinity);
      this.push(data.subarray(offset, end));
      offset = end;
    },
  });
}

interface Spec {
  name: string;
  data: Buffer;
  size?: number;
  /** The recorded hash: that of `data` when left out; null for an entry that has none (a preview). */
  sha256?: string | null;
  modifiedAt?: Date;
  failAt?: number;
  open?: () => Promise<Readable>;
}

/** Entries over `specs`; `opened` records every stream handed out, in order. */
function sources(specs: Spec[]): { entries: ZipEntrySource[]; opened: { name: string; stream: Readable }[] } {
  const opened: { name: string; stream: Readable }[] = [];
  const entries = specs.map((spec) => ({
    name: spec.name,
    size: spec.size ?? spec.data.length,
    sha256: spec.sha256 === undefined ? sha256(spec.data) : spec.sha256,
    modifiedAt: spec.modifiedAt ?? new Date('2024-05-06T07:08:10Z'),
    async open() {
      const stream = spec.open ? await spec.open() : pieces(spec.data, spec.failAt);
      opened.push({ name: spec.name, stream });
      return stream;
    },
  }));
  return { entries, opened };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function collectUntilError(stream: Readable): Promise<{ data: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    return { data: Buffer.concat(chunks), error };
  }
  return { data: Buffer.concat(chunks), error: undefined };
}

interface ReadEntry {
  name: string;
  entry: Entry;
  data: Buffer;
}

/** Reads every entry back through yauzl, which refuses absolute names, `..` and backslashes. */
async function readEntries(zip: ZipFile): Promise<ReadEntry[]> {
  const read: ReadEntry[] = [];
  for await (const entry of zip.eachEntry()) {
    read.push({ name: entry.fileName, entry, data: await collect(await zip.openReadStreamPromise(entry)) });
  }
  return read;
}

const readZip = async (archive: Buffer): Promise<ReadEntry[]> =>
  readEntries(await fromBufferPromise(archive, { strictFileNames: true, validateEntrySizes: true }));

/** The manifest the archive should end with, from what was actually extracted. */
function manifestOf(read: ReadEntry[]): string {
  return read.map(({ name, data }) => `${sha256(data)}  ${name}\n`).join('');
}

describe('createZipStream', () => {
  it('writes every file byte for byte, in order, then a manifest that matches what was extracted', async () => {
    const specs: Spec[] = [
      { name: 'IMG_0001.jpg', data: randomBytes(300 * KiB), modifiedAt: new Date('2023-12-24T18:30:42Z') },
      { name: 'Mariée à Zürich.jpg', data: randomBytes(1) },
      { name: 'empty.jpg', data: Buffer.alloc(0) },
      { name: '東京.jpg', data: randomBytes(2 * MiB + 17) },
    ];
    const { entries } = sources(specs);
    const done: number[] = [];
    const archive = await collect(createZipStream(entries, { onEntryDone: (index) => done.push(index) }));

    expect(archive.length).toBe(zipByteLength(entries));
    const read = await readZip(archive);
    expect(read.map(({ name }) => name)).toEqual([...specs.map(({ name }) => name), MANIFEST_NAME]);
    const files = read.slice(0, -1);
    files.forEach(({ name, entry, data }, index) => {
      const spec = specs[index]!;
      expect(data.equals(spec.data), name).toBe(true);
      expect(entry.compressionMethod, name).toBe(0);
      expect(entry.crc32, name).toBe(crc32(spec.data));
      expect(entry.generalPurposeBitFlag & UTF8_NAMES, name).toBe(/^[\x20-\x7e]*$/.test(name) ? 0 : UTF8_NAMES);
      expect(entry.getLastModDate({ forceDosFormat: true, timezone: 'UTC' }), name).toEqual(spec.modifiedAt ?? new Date('2024-05-06T07:08:10Z'));
    });
    expect(read.at(-1)!.data.toString('utf8')).toBe(manifestOf(files));
    expect(manifestOf(files)).toBe(specs.map((spec) => `${sha256(spec.data)}  ${spec.name}\n`).join(''));
    expect(done).toEqual([0, 1, 2, 3]);
  });

  it('hashes an entry without a recorded SHA-256 as it is sent, and lists that hash in the manifest', async () => {
    const upper = randomBytes(10);
    const specs: Spec[] = [
      { name: 'recorded.jpg', data: randomBytes(150 * KiB) },
      { name: 'preview.webp', data: randomBytes(300 * KiB + 3), sha256: null },
      { name: 'empty-preview.webp', data: Buffer.alloc(0), sha256: null },
      { name: 'Mariée-preview.webp', data: randomBytes(70 * KiB), sha256: null },
      // Recorded in capitals: listed in the manifest in lower case, like the computed ones.
      { name: 'RECORDED.JPG', data: upper, sha256: sha256(upper).toUpperCase() },
    ];
    const { entries } = sources(specs);
    const archive = await collect(createZipStream(entries));

    expect(archive.length).toBe(zipByteLength(entries));
    // The same length as for the same files with their hashes recorded.
    expect(zipByteLength(entries)).toBe(zipByteLength(sources(specs.map(({ sha256: _recorded, ...spec }) => spec)).entries));
    const read = await readZip(archive);
    expect(read.map(({ name }) => name)).toEqual(['recorded.jpg', 'preview.webp', 'empty-preview.webp', 'Mariée-preview.webp', 'RECORDED (2).JPG', MANIFEST_NAME]);
    const files = read.slice(0, -1);
    files.forEach(({ name, data }, index) => expect(data.equals(specs[index]!.data), name).toBe(true));
    const manifest = read.at(-1)!.data.toString('utf8');
    expect(manifest).toBe(manifestOf(files));
    expect(manifest.split('\n').slice(0, -1).map((line) => line.slice(0, 64))).toEqual(specs.map(({ data }) => sha256(data)));
  });

  it('still checks the length of an entry without a recorded SHA-256', async () => {
    for (const size of [10 * KiB - 1, 10 * KiB + 1]) {
      const { entries } = sources([
        { name: 'before.webp', data: randomBytes(KiB), sha256: null },
        { name: 'bad.webp', data: randomBytes(10 * KiB), size, sha256: null },
      ]);
      const { data, error } = await collectUntilError(createZipStream(entries));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(data.includes(CENTRAL_HEADER)).toBe(false);
    }
  });

  it('refuses a recorded SHA-256 that is not one, before opening anything', () => {
    const { entries, opened } = sources([{ name: 'a.jpg', data: randomBytes(10), sha256: 'not-a-hash' }]);
    expect(() => createZipStream(entries)).toThrow(TypeError);
    expect(() => zipByteLength(entries)).toThrow(TypeError);
    expect(opened).toHaveLength(0);
  });

  it('writes a valid archive, with an empty manifest, for no files', async () => {
    const archive = await collect(createZipStream([]));
    expect(archive.length).toBe(zipByteLength([]));
    const read = await readZip(archive);
    expect(read.map(({ name, data }) => [name, data.length])).toEqual([[MANIFEST_NAME, 0]]);
  });

  it('opens nothing before it is read, then each file only when its turn comes, one at a time', async () => {
    const specs = ['a.jpg', 'b.jpg', 'c.jpg'].map((name) => ({ name, data: randomBytes(200 * KiB) }));
    const { entries, opened } = sources(specs);
    const stillOpen: string[][] = [];
    const watched = entries.map((entry) => ({
      ...entry,
      open: async () => {
        stillOpen.push(opened.filter(({ stream }) => !stream.destroyed && !stream.readableEnded).map(({ name }) => name));
        return entry.open();
      },
    }));
    const zip = createZipStream(watched);
    await delay(20);
    expect(opened).toHaveLength(0);

    await collect(zip);
    expect(opened.map(({ name }) => name)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(stillOpen).toEqual([[], [], []]);
  });

  it('reads a file only as fast as the archive is read, and closes it when the reader goes away', async () => {
    let produced = 0;
    const source = new Readable({
      read() {
        produced += 64 * KiB;
        this.push(Buffer.alloc(64 * KiB, 0x61));
      },
    });
    const { entries, opened } = sources([
      { name: 'huge.tif', data: Buffer.alloc(0), size: 8 * GiB, sha256: '0'.repeat(64), open: async () => source },
      { name: 'never.jpg', data: Buffer.alloc(10) },
    ]);
    const zip = createZipStream(entries);
    let consumed = 0;
    await new Promise<void>((resolve) => {
      zip.on('data', (chunk: Buffer) => {
        consumed += chunk.length;
        if (consumed >= 2 * MiB) {
          zip.pause();
          resolve();
        }
      });
    });
    await delay(100);
    const stalledAt = produced;
    await delay(100);
    expect(produced).toBe(stalledAt);
    // What sits in the buffers between the file and the reader, whatever the file's size.
    expect(produced - consumed).toBeLessThan(4 * MiB);

    zip.destroy();
    if (!source.closed) await once(source, 'close');
    expect(source.destroyed).toBe(true);
    await delay(20);
    expect(opened.map(({ name }) => name)).toEqual(['huge.tif']);
  });

  it('closes a file that opens only after the reader went away', async () => {
    let release: (stream: Readable) => void = () => undefined;
    const late = pieces(randomBytes(10));
    const { entries } = sources([{ name: 'slow.jpg', data: Buffer.alloc(10), open: () => new Promise((resolve) => (release = resolve)) }]);
    const zip = createZipStream(entries);
    zip.resume();
    await delay(20);
    zip.destroy();
    release(late);
    await delay(20);
    expect(late.destroyed).toBe(true);
  });

  describe('fails the whole archive — the reader never gets a complete ZIP — when a file', () => {
    const before: Spec = { name: 'before.jpg', data: Buffer.alloc(100 * KiB, 0x61) };
    const after: Spec = { name: 'after.jpg', data: Buffer.alloc(100 * KiB, 0x63) };
    const data = Buffer.alloc(300 * KiB, 0x62);
    // The cause is logged: it names the entry by position, never by its file name.
    const integrityFailure = (error: unknown) => {
      expect(error).toBeInstanceOf(IntegrityError);
      expect(String((error as Error).cause)).toMatch(/ZIP entry 1:/);
      expect(String((error as Error).cause)).not.toContain('bad.jpg');
    };
    const cases: [string, Spec, (error: unknown) => void][] = [
      ['does not match its SHA-256', { name: 'bad.jpg', data, sha256: sha256(Buffer.alloc(300 * KiB, 0x78)) }, integrityFailure],
      ['is shorter than recorded', { name: 'bad.jpg', data, size: data.length + 1 }, integrityFailure],
      ['is longer than recorded', { name: 'bad.jpg', data, size: data.length - 1, sha256: sha256(data.subarray(1)) }, integrityFailure],
      ['fails while it is read', { name: 'bad.jpg', data, failAt: 100 * KiB }, (error) => expect(error).toHaveProperty('message', 'The disk is on fire.')],
      [
        'cannot be opened',
        { name: 'bad.jpg', data, open: () => Promise.reject(new IntegrityError('The stored file is missing.')) },
        (error) => expect(error).toHaveProperty('message', 'The stored file is missing.'),
      ],
    ];

    for (const [what, bad, checkError] of cases) {
      it(what, async () => {
        const { entries, opened } = sources([before, bad, after]);
        const done: number[] = [];
        const { data: received, error } = await collectUntilError(createZipStream(entries, { onEntryDone: (index) => done.push(index) }));

        checkError(error);
        expect(done).toEqual([0]);
        expect(opened.map(({ name }) => name)).not.toContain('after.jpg');
        expect(opened.every(({ stream }) => stream.destroyed || stream.readableEnded)).toBe(true);
        // No central directory was written, so no reader takes it for an archive.
        expect(received.includes(CENTRAL_HEADER)).toBe(false);
        await expect(readZip(received)).rejects.toThrow();
      });
    }
  });
});

describe('the announced length', () => {
  /** Runs `work` while archiver's output is bent by `bend` (a future archiver laying out differently). */
  async function withBentArchiver<T>(bend: (chunk: Buffer) => Buffer, work: () => Promise<T>): Promise<T> {
    const prototype = ZipArchive.prototype as unknown as { push(chunk: unknown, encoding?: unknown): boolean };
    const original = prototype.push;
    let bent = false;
    prototype.push = function (this: unknown, chunk: unknown, encoding?: unknown) {
      if (!bent && Buffer.isBuffer(chunk) && chunk.length > 1) {
        bent = true;
        return original.call(this, bend(chunk), encoding);
      }
      return original.call(this, chunk, encoding);
    };
    try {
      return await work();
    } finally {
      prototype.push = original;
    }
  }

  it('fails the stream when the writer emits more, or fewer, bytes than planned', async () => {
    const specs: Spec[] = [{ name: 'a.jpg', data: randomBytes(10 * KiB) }];
    for (const bend of [(chunk: Buffer) => Buffer.concat([chunk, Buffer.from([0])]), (chunk: Buffer) => chunk.subarray(1)]) {
      const { entries } = sources(specs);
      const { data, error } = await withBentArchiver(bend, () => collectUntilError(createZipStream(entries)));
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/layout changed/);
      expect(data.length).toBeLessThanOrEqual(zipByteLength(entries));
    }
    // Unbent, the same archive is exactly as long as announced.
    const { entries } = sources(specs);
    const { data, error } = await collectUntilError(createZipStream(entries));
    expect(error).toBeUndefined();
    expect(data.length).toBe(zipByteLength(entries));
  });
});

describe('entry names', () => {
  it('keeps one visible path segment of each name', () => {
    const cases: [string, string][] = [
      ['../x.jpg', 'x.jpg'],
      ['a/b\\c.jpg', 'c.jpg'],
      ['C:\\Users\\me\\d.jpg', 'd.jpg'],
      ['/etc/passwd', 'passwd'],
      ['.hidden.jpg', 'hidden.jpg'],
      ['', 'untitled'],
      ['..', 'untitled'],
      ['a/', 'untitled'],
      ['a:b.jpg', 'a_b.jpg'],
      ['what?*.jpg', 'what__.jpg'],
      ['CON.jpg', '_CON.jpg'],
      ['photo.jpg. ', 'photo.jpg'],
      ['Marie\u0301e.jpg', 'Mariée.jpg'],
      ['bad\ud800.jpg', 'bad\ufffd.jpg'],
    ];
    expect(cases.map(([input]) => uniqueEntryNames([input])[0])).toEqual(cases.map(([, name]) => name));
  });

  it('numbers later duplicates, ignoring case, and never takes the manifest’s name', () => {
    expect(uniqueEntryNames(['a.jpg', 'a.jpg', 'A.JPG', 'a (2).jpg', 'SHA256SUMS.txt', 'sha256sums.TXT', 'b', 'dir/b'])).toEqual([
      'a.jpg',
      'a (3).jpg',
      'A (4).JPG',
      'a (2).jpg',
      'SHA256SUMS (2).txt',
      'sha256sums (3).TXT',
      'b',
      'b (2)',
    ]);
  });

  it('keeps names, numbered or not, within 255 bytes of UTF-8 and their extension', () => {
    const long = `${'é'.repeat(300)}.jpg`;
    const [first, second] = uniqueEntryNames([long, long]);
    expect(Buffer.byteLength(first!)).toBeLessThanOrEqual(255);
    expect(Buffer.byteLength(second!)).toBeLessThanOrEqual(255);
    expect(first).toMatch(/^é+\.jpg$/);
    expect(second).toMatch(/^é+ \(2\)\.jpg$/);
  });

  it('writes them into an archive a strict reader accepts, with a manifest under the same names', async () => {
    const inputs = ['../x.jpg', 'a/b\\c.jpg', '.hidden.jpg', '', 'x.jpg', 'X.jpg', 'SHA256SUMS.txt', '/abs.jpg'];
    const { entries } = sources(inputs.map((name) => ({ name, data: randomBytes(1000) })));
    const archive = await collect(createZipStream(entries));
    const read = await readZip(archive);
    expect(read.map(({ name }) => name)).toEqual([...uniqueEntryNames(inputs), MANIFEST_NAME]);
    expect(read.map(({ name }) => name)).toEqual([
      'x.jpg',
      'c.jpg',
      'hidden.jpg',
      'untitled',
      'x (2).jpg',
      'X (3).jpg',
      'SHA256SUMS (2).txt',
      'abs.jpg',
      MANIFEST_NAME,
    ]);
    expect(read.at(-1)!.data.toString('utf8')).toBe(manifestOf(read.slice(0, -1)));
  });
});

describe('ZIP64', () => {
  // archiver switches to ZIP64 end records only past 0xFFFF entries; at exactly 0xFFFF its
  // count field would hold the ZIP64 marker with no ZIP64 record behind it.
  it('writes the ZIP64 end records for 65,535 entries (with the manifest), and readers take them', async () => {
    const one = Buffer.from('x');
    const entries: ZipEntrySource[] = Array.from({ length: 0xffff - 1 }, (_, index) => ({
      name: `p${index}.jpg`,
      size: 1,
      sha256: sha256(one),
      modifiedAt: new Date(),
      open: async () => pieces(one),
    }));
    const archive = Buffer.alloc(zipByteLength(entries));
    let length = 0;
    const zip64 = createZipStream(entries).on('data', (chunk: Buffer) => (length += chunk.copy(archive, length)));
    await once(zip64, 'end');
    expect(length).toBe(archive.length);

    // ZIP64 end record (56 bytes), its locator (20), then the classic end record (22).
    expect(archive.readUInt32LE(archive.length - 22 - 20 - 56)).toBe(0x06064b50);
    expect(archive.readUInt32LE(archive.length - 22 - 20)).toBe(0x07064b50);
    expect(archive.readUInt16LE(archive.length - 22 + 10)).toBe(0xffff);
    const zip = await fromBufferPromise(archive, { strictFileNames: true });
    expect(zip.entryCount).toBe(0xffff);
    const names: string[] = [];
    let manifest = '';
    for await (const entry of zip.eachEntry()) {
      names.push(entry.fileName);
      if (entry.fileName === MANIFEST_NAME) manifest = (await collect(await zip.openReadStreamPromise(entry))).toString('utf8');
    }
    expect(names).toEqual([...entries.map(({ name }) => name), MANIFEST_NAME]);
    expect(manifest).toBe(entries.map(({ name }) => `${sha256(one)}  ${name}\n`).join(''));
  }, 60_000);

  it('refuses, before opening anything, the two layouts archiver would write wrong', () => {
    const open = (): Promise<Readable> => Promise.reject(new Error('must not be opened'));
    const entry = (name: string, size: number): ZipEntrySource => ({ name, size, sha256: '0'.repeat(64), modifiedAt: new Date(), open });
    const refused = expect.objectContaining({ code: 'zip_layout_unsupported' });
    // A size of exactly 0xFFFFFFFF, and an entry starting exactly at offset 0xFFFFFFFF
    // (30-byte local header + "a.bin" + data + 16-byte data descriptor before it).
    expect(() => createZipStream([entry('a.bin', 0xffffffff)])).toThrow(AppError);
    expect(() => createZipStream([entry('a.bin', 0xffffffff)])).toThrow(refused);
    expect(() => createZipStream([entry('a.bin', 0xffffffff - 51), entry('b.bin', 1)])).toThrow(refused);
    expect(() => createZipStream([entry('a.bin', 0xffffffff - 52), entry('b.bin', 1)])).not.toThrow();
  });

  /**
   * The real thing: an entry over 4 GiB (64-bit data descriptor, ZIP64 extra field), entries
   * after offset 4 GiB, the central directory beyond it. Zeros, so that the test keeps only
   * the non-zero pieces of the 4.3 GB archive and serves the rest as zeros to yauzl. Made
   * cheap enough for CI (which sets CI=true; SHUTTERLOCK_ZIP64_TEST=1 runs it anywhere): the
   * big entry's bytes pass once, through the writer's own CRC-32 and SHA-256 (its hash is
   * not computed ahead: it is listed as sent, as for a preview), and the reader checks it
   * from the central directory instead of reading 4 GiB of zeros back; every entry after
   * it is read back whole, at its offset beyond 4 GiB.
   */
  it.runIf(process.env.CI === 'true' || process.env.SHUTTERLOCK_ZIP64_TEST === '1')(
    'streams an entry over 4 GiB and entries beyond 4 GiB that a reader takes back whole',
    async () => {
      const zeros = Buffer.alloc(MiB);
      const zeroStream = (size: number): Readable => {
        let left = size;
        return new Readable({
          read() {
            const length = Math.min(left, zeros.length);
            left -= length;
            this.push(length === 0 ? null : zeros.subarray(0, length));
          },
        });
      };
      const zeroHash = async (size: number): Promise<string> => {
        const hash = createHash('sha256');
        for await (const chunk of zeroStream(size)) hash.update(chunk as Buffer);
        return hash.digest('hex');
      };
      const bigSize = 4 * GiB + MiB;
      const sizes = [MiB, bigSize, MiB, 1000, 0];
      const entries: ZipEntrySource[] = await Promise.all(
        sizes.map(async (size, index) => ({
          name: `file-${index}.bin`,
          size,
          sha256: size === bigSize ? null : await zeroHash(size),
          modifiedAt: new Date(),
          open: async () => zeroStream(size),
        })),
      );

      class SparseArchive extends RandomAccessReader {
        readonly pieces: { offset: number; data: Buffer }[] = [];
        length = 0;
        record(chunk: Buffer): void {
          const zero = chunk.length <= zeros.length ? chunk.equals(zeros.subarray(0, chunk.length)) : chunk.every((byte) => byte === 0);
          if (!zero) this.pieces.push({ offset: this.length, data: Buffer.from(chunk) });
          this.length += chunk.length;
        }
        override _readStreamForRange(start: number, end: number): Readable {
          const { pieces: stored } = this;
          return Readable.from(
            (function* () {
              for (let at = start; at < end; at += MiB) {
                const block = Buffer.alloc(Math.min(MiB, end - at));
                for (const { offset, data } of stored) {
                  const from = Math.max(offset, at);
                  const to = Math.min(offset + data.length, at + block.length);
                  if (from < to) data.copy(block, from - at, from - offset, to - offset);
                }
                yield block;
              }
            })(),
          );
        }
      }
      const sparse = new SparseArchive();
      for await (const chunk of createZipStream(entries)) sparse.record(chunk as Buffer);
      expect(sparse.length).toBe(zipByteLength(entries));
      expect(sparse.length).toBeGreaterThan(4 * GiB);

      const zip = await fromRandomAccessReaderPromise(sparse, sparse.length, { strictFileNames: true, validateEntrySizes: true });
      const read: { name: string; size: number; sha256: string; offset: number; extraFields: number[] }[] = [];
      let manifest = '';
      for await (const entry of zip.eachEntry()) {
        const extraFields = entry.extraFields.map(({ id }) => id);
        const offset = entry.relativeOffsetOfLocalHeader;
        if (entry.uncompressedSize === bigSize) {
          read.push({ name: entry.fileName, size: entry.uncompressedSize, sha256: 'not read back', offset, extraFields });
          continue;
        }
        const hash = createHash('sha256');
        const bytes: Buffer[] = [];
        for await (const chunk of await zip.openReadStreamPromise(entry)) {
          hash.update(chunk as Buffer);
          bytes.push(chunk as Buffer);
        }
        if (entry.fileName === MANIFEST_NAME) manifest = Buffer.concat(bytes).toString('utf8');
        read.push({ name: entry.fileName, size: Buffer.concat(bytes).length, sha256: hash.digest('hex'), offset, extraFields });
      }
      expect(read.map(({ name, size, sha256: hash }) => [name, size, hash])).toEqual(
        entries.map((entry) => [entry.name, entry.size, entry.sha256 ?? 'not read back']).concat([[MANIFEST_NAME, expect.any(Number), expect.any(String)]]),
      );
      // The manifest lists the big entry with the digest of what was sent.
      expect(manifest).toMatch(/^[0-9a-f]{64} {2}file-1\.bin$/m);
      // The big entry and everything after it carry the ZIP64 extra field (id 1).
      expect(read.map(({ extraFields }) => extraFields.includes(1))).toEqual([false, true, true, true, true, true]);
      expect(read[2]!.offset).toBeGreaterThan(4 * GiB);
    },
    300_000,
  );
});
