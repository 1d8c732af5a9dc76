import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, IntegrityError } from '../errors.ts';
import {
  CHUNK_SIZE,
  HEADER_SIZE,
  SALT_SIZE,
  SEALED_CHUNK_SIZE,
  TAG_SIZE,
  authenticatedPlaintextLength,
  ciphertextLength,
  createDecryptStream,
  createEncryptStream,
  decryptBuffer,
  decryptPieces,
  decryptRange,
  encryptBuffer,
  plaintextLength,
  type CiphertextSource,
} from './chunked.ts';
import { hex, loadWycheproof } from './test-vectors.ts';

// ——— Helpers ———

/** A test-only restatement of the spec's derivation and sealing, written independently of chunked.ts and checked against the vectors' aeadKey/baseNonce. */
const reference = {
  keys(inputKey: Buffer, salt: Buffer, context: Buffer) {
    const info = Buffer.concat([Buffer.from('c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM\0'), salt, context]);
    const first = createHmac('sha512', inputKey).update(info).update(Buffer.of(1)).digest();
    const second = createHmac('sha512', inputKey).update(first).update(info).update(Buffer.of(2)).digest();
    const okm = Buffer.concat([first, second]);
    return { aeadKey: okm.subarray(0, 32), baseNonce: okm.subarray(32, 44), commitment: okm.subarray(44, 76) };
  },
  seal(keys: { aeadKey: Buffer; baseNonce: Buffer }, index: number, plaintext: Buffer): Buffer {
    const nonce = BigInt(`0x${keys.baseNonce.toString('hex')}`) ^ BigInt(index);
    const cipher = createCipheriv('aes-256-gcm', keys.aeadKey, hex(nonce.toString(16).padStart(24, '0')));
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  },
  /** The whole ciphertext for a given salt. */
  encrypt(inputKey: Buffer, context: Buffer, salt: Buffer, plaintext: Buffer): Buffer {
    const keys = reference.keys(inputKey, salt, context);
    const parts = [salt, keys.commitment];
    for (let index = 0; index <= Math.floor(plaintext.length / CHUNK_SIZE); index++) {
      parts.push(reference.seal(keys, index, plaintext.subarray(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE)));
    }
    return Buffer.concat(parts);
  },
};

function sha512(data: Buffer): string {
  return createHash('sha512').update(data).digest('hex');
}

/** Deterministic bytes, so fast-check can shrink and replay failures. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(seed >>> 0);
  return createCipheriv('aes-128-ctr', Buffer.alloc(16), iv).update(Buffer.alloc(length));
}

/** Cuts `data` into consecutive pieces, cycling through `sizes`. */
function splitInto(data: Buffer, sizes: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0, turn = 0; offset < data.length; turn++) {
    const size = Math.max(1, sizes[turn % sizes.length] ?? data.length);
    pieces.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** Writes `input` through the transform in pieces; returns everything it emitted, and its error if it failed. */
async function streamThrough(transform: Transform, input: Buffer, pieceSizes: readonly number[] = [input.length]) {
  const emitted: Buffer[] = [];
  let error: unknown;
  try {
    await pipeline(Readable.from(splitInto(input, pieceSizes)), transform, async (source: AsyncIterable<Buffer>) => {
      for await (const piece of source) emitted.push(piece);
    });
  } catch (caught) {
    error = caught;
  }
  return { output: Buffer.concat(emitted), error };
}

async function* asReads(pieces: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* pieces;
}

/** The same through decryptPieces: the batches it yields, joined, and its error. */
async function piecesThrough(key: Buffer, context: Buffer, input: Buffer, pieceSizes: readonly number[] = [input.length]) {
  const emitted: Buffer[] = [];
  let error: unknown;
  try {
    for await (const batch of decryptPieces(key, context, asReads(splitInto(input, pieceSizes)))) emitted.push(...batch);
  } catch (caught) {
    error = caught;
  }
  return { output: Buffer.concat(emitted), error };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

/** An in-memory blob that records each range read and serves it in small pieces, like a network stream. */
function memorySource(ciphertext: Buffer, pieceSize = 7_000) {
  const reads: Array<[number, number]> = [];
  const source: CiphertextSource = {
    size: ciphertext.length,
    read: async (start, endInclusive) => {
      reads.push([start, endInclusive]);
      return Readable.from(splitInto(ciphertext.subarray(start, endInclusive + 1), [pieceSize]));
    },
  };
  return { source, reads };
}

const chunkOffset = (index: number): number => HEADER_SIZE + index * SEALED_CHUNK_SIZE;
const HEADER_READ: [number, number] = [0, HEADER_SIZE - 1];

// ——— Wycheproof ———

interface ChunkedVector {
  tcId: number;
  comment: string;
  key: string;
  ctx: string;
  ct: string;
  aeadKey?: string;
  baseNonce?: string;
  msgLength?: number;
  msgSha512?: string;
  result: 'valid' | 'invalid';
  flags: string[];
}

const vectorFile = loadWycheproof<{ aead: string; sha: string; tests: ChunkedVector[] }>('c2sp_chunked_encryption_aes_256_gcm_test.json');
const vectors = vectorFile.testGroups.flatMap((group) => group.tests);

function vectorInputs(vector: ChunkedVector) {
  return { key: hex(vector.key), context: hex(vector.ctx), ciphertext: inflateSync(hex(vector.ct)) };
}

describe('Wycheproof c2sp_chunked_encryption_aes_256_gcm_test.json', () => {
  it('is the Cobblestone-256 instantiation and includes the counter-rollover vectors', () => {
    expect(vectorFile.algorithm).toBe('Cobblestone-256');
    for (const group of vectorFile.testGroups) expect([group.aead, group.sha]).toEqual(['AEAD_AES_256_GCM', 'SHA-512']);
    expect(vectors.filter((vector) => vector.flags.includes('CounterRollover')).map((vector) => vector.msgLength)).toEqual([4194305, 4210689]);
  });

  describe('streaming decryption', () => {
    // Whole, byte-ragged, and aligned to the header and sealed chunks.
    const splits = [[Number.MAX_SAFE_INTEGER], [1, 7, 4096, SEALED_CHUNK_SIZE - 1, SEALED_CHUNK_SIZE + 1], [HEADER_SIZE, SEALED_CHUNK_SIZE]];
    for (const vector of vectors) {
      it(`tcId ${vector.tcId}: ${vector.comment} [${vector.result}; ${vector.flags.join(', ')}]`, async () => {
        const { key, context, ciphertext } = vectorInputs(vector);
        if (vector.flags.includes('InvalidKeySize')) {
          expect(() => createDecryptStream(key, context)).toThrow(expect.objectContaining({ code: 'invalid_key', statusCode: 500 }));
          expect(() => decryptBuffer(key, context, ciphertext)).toThrow(expect.objectContaining({ code: 'invalid_key' }));
          return;
        }
        const readers = splits.flatMap((sizes) => [
          () => streamThrough(createDecryptStream(key, context), ciphertext, sizes),
          () => piecesThrough(key, context, ciphertext, sizes),
        ]);
        for (const read of readers) {
          const { output, error } = await read();
          if (vector.result === 'valid') {
            expect(error).toBeUndefined();
            expect(output.length).toBe(vector.msgLength);
            expect(sha512(output)).toBe(vector.msgSha512);
            continue;
          }
          expect(error).toBeInstanceOf(IntegrityError);
          if (vector.flags.includes('HeaderFailure')) expect((error as Error).message).toMatch(/commitment|invalid length/);
          if (!vector.flags.includes('PartialPlaintext')) {
            expect(output.length).toBe(0);
          } else {
            // Only the authenticated prefix may come out, never anything beyond it.
            expect(output.length).toBeLessThanOrEqual(vector.msgLength ?? 0);
            expect(output.length % CHUNK_SIZE).toBe(0);
            if (output.length === vector.msgLength) expect(sha512(output)).toBe(vector.msgSha512);
          }
        }
        if (vector.result === 'valid') expect(sha512(decryptBuffer(key, context, ciphertext))).toBe(vector.msgSha512);
        else expect(() => decryptBuffer(key, context, ciphertext)).toThrow(IntegrityError);
      });
    }
  });

  describe('random-access decryption', () => {
    for (const vector of vectors) {
      it(`tcId ${vector.tcId}: ${vector.comment} [${vector.result}; ${vector.flags.join(', ')}]`, async () => {
        const { key, context, ciphertext } = vectorInputs(vector);
        const { source, reads } = memorySource(ciphertext);
        const readWhole = async (length: number): Promise<Buffer> => readAll(await decryptRange(source, key, context, 0, length - 1));

        if (vector.flags.includes('InvalidKeySize')) {
          await expect(authenticatedPlaintextLength(source, key, context)).rejects.toMatchObject({ code: 'invalid_key' });
          await expect(decryptRange(source, key, context, 0, 0)).rejects.toMatchObject({ code: 'invalid_key' });
          expect(reads).toEqual([]);
          return;
        }
        if (vector.result === 'valid') {
          const length = await authenticatedPlaintextLength(source, key, context);
          expect(length).toBe(vector.msgLength);
          const plaintext = length === 0 ? Buffer.alloc(0) : await readWhole(length);
          expect(sha512(plaintext)).toBe(vector.msgSha512);
          if (length === 0) await expect(decryptRange(source, key, context, 0, 0)).rejects.toMatchObject({ statusCode: 416 });
          return;
        }
        const lengthCheck = authenticatedPlaintextLength(source, key, context);
        if (vector.flags.includes('ValidFinalChunk')) {
          // The final chunk is genuine here, so the length may authenticate; reading everything must not.
          const length = await lengthCheck;
          await expect(readWhole(length)).rejects.toBeInstanceOf(IntegrityError);
        } else {
          await expect(lengthCheck).rejects.toBeInstanceOf(IntegrityError);
          await expect(readWhole(Math.max(vector.msgLength ?? 1, 1))).rejects.toBeInstanceOf(IntegrityError);
        }
        // A header failure is decided on the header alone: no chunk is even fetched.
        if (vector.flags.includes('HeaderFailure')) for (const read of reads) expect(read).toEqual(HEADER_READ);
      });
    }
  });

  it('the test reference derives the vectors’ aeadKey, baseNonce and commitment, and re-seals valid vectors byte for byte', () => {
    for (const vector of vectors.filter((candidate) => candidate.aeadKey !== undefined)) {
      const { key, context, ciphertext } = vectorInputs(vector);
      const keys = reference.keys(key, ciphertext.subarray(0, SALT_SIZE), context);
      expect(keys.aeadKey.toString('hex')).toBe(vector.aeadKey);
      expect(keys.baseNonce.toString('hex')).toBe(vector.baseNonce);
      expect(keys.commitment.equals(ciphertext.subarray(SALT_SIZE, HEADER_SIZE))).toBe(true);
      if (vector.result === 'valid') {
        const plaintext = decryptBuffer(key, context, ciphertext);
        expect(reference.encrypt(key, context, ciphertext.subarray(0, SALT_SIZE), plaintext).equals(ciphertext)).toBe(true);
      }
    }
  });
});

// ——— Our own encryption ———

const key = pseudoRandomBytes(32, 1);
const context = Buffer.from('file-1/original');

describe('encryption', () => {
  it.each([0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 257 * CHUNK_SIZE + 5])('matches the spec byte for byte at %i bytes', async (length) => {
    const plaintext = pseudoRandomBytes(length, length);
    const { output: ciphertext, error } = await streamThrough(createEncryptStream(key, context), plaintext, [5000, 1, 70_000]);
    expect(error).toBeUndefined();
    expect(ciphertext.length).toBe(ciphertextLength(length));
    expect(ciphertext.equals(reference.encrypt(key, context, ciphertext.subarray(0, SALT_SIZE), plaintext))).toBe(true);
    expect(decryptBuffer(key, context, encryptBuffer(key, context, plaintext)).equals(plaintext)).toBe(true);
  });

  it('draws a fresh salt for every message', () => {
    const salts = new Set(Array.from({ length: 20 }, () => encryptBuffer(key, context, Buffer.alloc(0)).subarray(0, SALT_SIZE).toString('hex')));
    expect(salts.size).toBe(20);
  });

  it('rejects keys that are not 32 bytes', () => {
    for (const badKey of [Buffer.alloc(16), Buffer.alloc(31), Buffer.alloc(33)]) {
      expect(() => createEncryptStream(badKey, context)).toThrow(expect.objectContaining({ code: 'invalid_key', statusCode: 500 }));
      expect(() => encryptBuffer(badKey, context, Buffer.alloc(1))).toThrow(AppError);
    }
  });
});

describe('lengths', () => {
  it('maps plaintext to ciphertext lengths and back', () => {
    expect([0, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1].map(ciphertextLength)).toEqual([72, 72 + CHUNK_SIZE - 1, 88 + CHUNK_SIZE, 89 + CHUNK_SIZE]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 52 - 1 }), (length) => plaintextLength(ciphertextLength(length)) === length));
    expect(() => ciphertextLength(-1)).toThrow(RangeError);
    expect(() => ciphertextLength(2 ** 52)).toThrow(RangeError);
  });

  it('rejects every impossible ciphertext length as an integrity failure', () => {
    for (const impossible of [0, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + TAG_SIZE - 1, chunkOffset(1), chunkOffset(1) + TAG_SIZE - 1, chunkOffset(3), 1.5, Number.NaN]) {
      expect(() => plaintextLength(impossible)).toThrow(IntegrityError);
    }
  });
});

describe('round trips (property-based)', () => {
  const chunkBoundaryLength = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -2, max: 2 })).map(([chunks, delta]) => Math.max(0, chunks * CHUNK_SIZE + delta)),
    fc.integer({ min: 0, max: 5 * CHUNK_SIZE }),
  );
  const writeSizes = fc.array(fc.integer({ min: 1, max: 3 * SEALED_CHUNK_SIZE }), { minLength: 1, maxLength: 8 });

  it('streams decrypt what streams encrypt, at any length and any write sizes', async () => {
    await fc.assert(
      fc.asyncProperty(chunkBoundaryLength, fc.integer(), writeSizes, writeSizes, async (length, seed, encryptWrites, decryptWrites) => {
        const plaintext = pseudoRandomBytes(length, seed);
        const encrypted = await streamThrough(createEncryptStream(key, context), plaintext, encryptWrites);
        expect(encrypted.error).toBeUndefined();
        expect(encrypted.output.length).toBe(ciphertextLength(length));
        const decrypted = await streamThrough(createDecryptStream(key, context), encrypted.output, decryptWrites);
        expect(decrypted.error).toBeUndefined();
        expect(decrypted.output.equals(plaintext)).toBe(true);
        expect(decryptBuffer(key, context, encrypted.output).equals(plaintext)).toBe(true);
        const pieces = await piecesThrough(key, context, encrypted.output, decryptWrites);
        expect(pieces.error).toBeUndefined();
        expect(pieces.output.equals(plaintext)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('round-trips several MiB through streams with random write sizes', async () => {
    const plaintext = randomBytes(6 * 1024 * 1024 + 3);
    const sizes = Array.from({ length: 50 }, () => 1 + Math.floor(Math.random() * 200_000));
    const encrypted = await streamThrough(createEncryptStream(key, context), plaintext, sizes);
    const decrypted = await streamThrough(createDecryptStream(key, context), encrypted.output, sizes.toReversed());
    expect(decrypted.error).toBeUndefined();
    expect(decrypted.output.equals(plaintext)).toBe(true);
  });

  it('decrypts any range to the plaintext slice, reading only the header, the final chunk and the chunks covering it', async () => {
    const plaintext = pseudoRandomBytes(5 * CHUNK_SIZE + 777, 7);
    const ciphertext = encryptBuffer(key, context, plaintext);
    const finalRead: [number, number] = [chunkOffset(5), ciphertext.length - 1];
    await fc.assert(
      fc.asyncProperty(fc.nat(plaintext.length - 1), fc.nat(plaintext.length - 1), fc.integer({ min: 1, max: 40_000 }), async (a, b, pieceSize) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const { source, reads } = memorySource(ciphertext, pieceSize);
        expect((await readAll(await decryptRange(source, key, context, start, end))).equals(plaintext.subarray(start, end + 1))).toBe(true);
        const [firstChunk, lastFullChunk] = [Math.floor(start / CHUNK_SIZE), Math.min(Math.floor(end / CHUNK_SIZE), 4)];
        const chunkReads: Array<[number, number]> = firstChunk <= lastFullChunk ? [[chunkOffset(firstChunk), chunkOffset(lastFullChunk + 1) - 1]] : [];
        expect(reads).toEqual([HEADER_READ, finalRead, ...chunkReads]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('random-access errors', () => {
  const plaintext = pseudoRandomBytes(2 * CHUNK_SIZE + 10, 3);
  const ciphertext = encryptBuffer(key, context, plaintext);

  it.each([
    [10, 9],
    [0, plaintext.length],
    [plaintext.length, plaintext.length + 5],
    [-1, 4],
    [0.5, 4],
  ])('rejects the range %s-%s with 416 and the authenticated length', async (start, end) => {
    const error = await decryptRange(memorySource(ciphertext).source, key, context, start, end).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'range_not_satisfiable', statusCode: 416, headers: { 'content-range': `bytes */${plaintext.length}` } });
  });

  it('fails closed, releasing only the requested bytes, when the storage serves more or less than asked', async () => {
    const misreads = [
      (start: number, end: number) => ciphertext.subarray(start, end), // one byte short
      (start: number, end: number) => ciphertext.subarray(start, end + 2), // one byte over
      (start: number) => ciphertext.subarray(start), // ignores the end: more genuine chunks follow
    ];
    for (const misread of misreads) {
      // Header and final-chunk reads are served faithfully; only the read of the covering chunks is off.
      const source: CiphertextSource = {
        size: ciphertext.length,
        read: async (start, end) => Readable.from([start === HEADER_SIZE ? misread(start, end) : ciphertext.subarray(start, end + 1)]),
      };
      const emitted: Buffer[] = [];
      const reading = (async () => {
        for await (const piece of await decryptRange(source, key, context, 0, 100)) emitted.push(piece as Buffer);
      })();
      await expect(reading).rejects.toBeInstanceOf(IntegrityError);
      const released = Buffer.concat(emitted);
      expect(released.equals(plaintext.subarray(0, released.length))).toBe(true);
      expect(released.length).toBeLessThanOrEqual(101);
    }
  });
});

// ——— Tampering ———

describe('tampering', () => {
  const plaintext = pseudoRandomBytes(3 * CHUNK_SIZE + 100, 11);
  const ciphertext = encryptBuffer(key, context, plaintext);
  const keys = reference.keys(key, ciphertext.subarray(0, SALT_SIZE), context);

  const flipBit = (offset: number): Buffer => {
    const copy = Buffer.from(ciphertext);
    copy[offset] = (copy[offset] ?? 0) ^ 0x01;
    return copy;
  };
  const sealedChunk = (index: number): Buffer => ciphertext.subarray(chunkOffset(index), Math.min(chunkOffset(index + 1), ciphertext.length));
  const withChunks = (order: number[]): Buffer => Buffer.concat([ciphertext.subarray(0, HEADER_SIZE), ...order.map(sealedChunk)]);

  /** Every path must fail with IntegrityError; the stream may only have released a genuine prefix. */
  async function expectRejectedEverywhere(tampered: Buffer, options: { key?: Buffer; context?: Buffer; headerFailure?: boolean } = {}) {
    const [useKey, useContext] = [options.key ?? key, options.context ?? context];
    expect(() => decryptBuffer(useKey, useContext, tampered)).toThrow(IntegrityError);

    for (const { output, error } of [
      await streamThrough(createDecryptStream(useKey, useContext), tampered, [3000, SEALED_CHUNK_SIZE]),
      await piecesThrough(useKey, useContext, tampered, [3000, SEALED_CHUNK_SIZE]),
    ]) {
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).not.toContain(useKey.toString('hex'));
      expect(output.length).toBeLessThan(plaintext.length);
      expect(output.equals(plaintext.subarray(0, output.length))).toBe(true);
      if (options.headerFailure) expect(output.length).toBe(0);
    }

    const { source, reads } = memorySource(tampered);
    const readWhole = async (): Promise<Buffer> => readAll(await decryptRange(source, useKey, useContext, 0, plaintext.length - 1));
    await expect(readWhole()).rejects.toBeInstanceOf(IntegrityError);
    if (options.headerFailure) for (const read of reads) expect(read).toEqual(HEADER_READ);
  }

  it('rejects a flipped bit in the salt or the commitment before opening any chunk', async () => {
    await expectRejectedEverywhere(flipBit(3), { headerFailure: true });
    await expectRejectedEverywhere(flipBit(SALT_SIZE + 7), { headerFailure: true });
  });

  it('rejects a flipped bit in a chunk body or a tag', async () => {
    await expectRejectedEverywhere(flipBit(chunkOffset(1) + 100));
    await expectRejectedEverywhere(flipBit(chunkOffset(1) - 1));
    await expectRejectedEverywhere(flipBit(chunkOffset(3) + 5));
    await expectRejectedEverywhere(flipBit(ciphertext.length - 1));
  });

  it('rejects truncation anywhere', async () => {
    for (const length of [HEADER_SIZE - 1, HEADER_SIZE, chunkOffset(1), chunkOffset(2) + 500, chunkOffset(3), chunkOffset(3) + TAG_SIZE - 1, ciphertext.length - 1]) {
      await expectRejectedEverywhere(ciphertext.subarray(0, length));
    }
  });

  it('rejects garbage appended after the final chunk', async () => {
    for (const garbage of [Buffer.alloc(1), randomBytes(TAG_SIZE), randomBytes(SEALED_CHUNK_SIZE)]) {
      await expectRejectedEverywhere(Buffer.concat([ciphertext, garbage]));
    }
  });

  it('rejects an extra, validly sealed chunk after the final chunk', async () => {
    await expectRejectedEverywhere(Buffer.concat([ciphertext, reference.seal(keys, 4, randomBytes(100))]));
    await expectRejectedEverywhere(Buffer.concat([ciphertext, reference.seal(keys, 4, randomBytes(CHUNK_SIZE)), reference.seal(keys, 5, Buffer.alloc(0))]));
  });

  it('rejects swapped, duplicated and dropped chunks', async () => {
    await expectRejectedEverywhere(withChunks([1, 0, 2, 3]));
    await expectRejectedEverywhere(withChunks([0, 0, 2, 3]));
    await expectRejectedEverywhere(withChunks([0, 2, 3]));
  });

  it('rejects a blob swapped in from another record or variant, or decrypted with another key', async () => {
    const otherFile = encryptBuffer(key, Buffer.from('file-2/original'), plaintext);
    await expectRejectedEverywhere(otherFile, { headerFailure: true });
    await expectRejectedEverywhere(ciphertext, { context: Buffer.from('file-1/preview'), headerFailure: true });
    await expectRejectedEverywhere(ciphertext, { key: pseudoRandomBytes(32, 2), headerFailure: true });
  });
});

describe('decrypt stream release discipline', () => {
  const plaintext = pseudoRandomBytes(3 * CHUNK_SIZE + 100, 13);
  const ciphertext = encryptBuffer(key, context, plaintext);

  it('checks the commitment as soon as the header is complete', async () => {
    const stream = createDecryptStream(key, Buffer.from('another context'));
    const failure = once(stream, 'error');
    stream.write(ciphertext.subarray(0, HEADER_SIZE));
    const [error] = await failure;
    expect(error).toBeInstanceOf(IntegrityError);
  });

  it('holds back a full chunk until it knows the ciphertext goes on', async () => {
    const stream = createDecryptStream(key, context);
    const emitted: Buffer[] = [];
    stream.on('data', (piece: Buffer) => emitted.push(piece));
    const failure = once(stream, 'error');
    stream.write(ciphertext.subarray(0, chunkOffset(1)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(emitted).toEqual([]);
    stream.write(ciphertext.subarray(chunkOffset(1), chunkOffset(1) + 1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(emitted).equals(plaintext.subarray(0, CHUNK_SIZE))).toBe(true);
    stream.end();
    expect((await failure)[0]).toBeInstanceOf(IntegrityError);
  });

  it('releases nothing from a message truncated at a chunk boundary', async () => {
    const { output, error } = await streamThrough(createDecryptStream(key, context), ciphertext.subarray(0, chunkOffset(1)));
    expect(error).toBeInstanceOf(IntegrityError);
    expect(output.length).toBe(0);
  });

  it('yields a batch of pieces only once each of its chunks authenticated, and holds back a full chunk at the end of a read', async () => {
    const batches: Buffer[][] = [];
    const tampered = Buffer.from(ciphertext);
    tampered[chunkOffset(2) + 5] = (tampered[chunkOffset(2) + 5] ?? 0) ^ 0x80;
    const reads = [tampered.subarray(0, chunkOffset(1)), tampered.subarray(chunkOffset(1), chunkOffset(1) + 1), tampered.subarray(chunkOffset(1) + 1)];
    await expect(
      (async () => {
        for await (const batch of decryptPieces(key, context, asReads(reads))) batches.push(batch);
      })(),
    ).rejects.toBeInstanceOf(IntegrityError);
    // Chunk 0 waited for the byte after it; chunk 1 shared the last read with the forged chunk 2.
    expect(batches).toEqual([[plaintext.subarray(0, CHUNK_SIZE)]]);
  });

  it('keeps failing after a failure and never emits plaintext again', async () => {
    const tampered = Buffer.from(ciphertext);
    tampered[chunkOffset(1) + 5] = (tampered[chunkOffset(1) + 5] ?? 0) ^ 0x80;
    const stream = createDecryptStream(key, context);
    const emitted: Buffer[] = [];
    const errors: unknown[] = [];
    stream.on('data', (piece: Buffer) => emitted.push(piece));
    stream.on('error', (error) => errors.push(error));
    stream.write(tampered.subarray(0, chunkOffset(2) + 1));
    await new Promise((resolve) => stream.once('close', resolve));
    expect(errors).toEqual([expect.any(IntegrityError)]);
    // Chunk 0 was genuine but shared a batch with the forgery: nothing of the batch was released.
    expect(emitted).toEqual([]);

    const laterWrite = await new Promise<unknown>((resolve) => stream.write(ciphertext.subarray(chunkOffset(2) + 1), resolve));
    expect(laterWrite).toBeInstanceOf(Error);
    stream.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(emitted).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});
