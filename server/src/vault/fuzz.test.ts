import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { dngVersionTag, heic, photo, tiffRaw } from '../../test/images.ts';
import { previewJobsDone, upload } from '../../test/vault.ts';

/**
 * Mutation fuzz of every format the vault accepts: a valid sample with bytes flipped,
 * zeroed, inserted, duplicated or cut off is uploaded, and the answer must be a 201 or a
 * 4xx with a code — never a 5xx, a hang, or a crash of the server — and its previews must end
 * ready or failed. Seeded, a few hundred cases, so it runs the same in CI every time.
 */

const RUNS = 300;
const SEED = 20_261_202;

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'zero'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number };

/** Where in the file, as a fraction: unbiased, as fast-check's bias towards 0 would break the magic bytes nearly every time. */
const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((millionths) => millionths / 1_000_000);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('zero' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
);

/** Mutations land in the first 4 KiB half of the time: headers and metadata, where parsers branch. */
function offset(sample: Buffer, at: number, nearHead: boolean): number {
  return Math.floor(at * (nearHead ? Math.min(sample.length, 4096) : sample.length));
}

function mutate(sample: Buffer, mutations: Mutation[], nearHead: boolean): Buffer {
  let bytes = Buffer.from(sample);
  for (const change of mutations) {
    const at = offset(bytes, change.at, nearHead);
    if (change.kind === 'flip') bytes[at] = (bytes[at] as number) ^ (1 << change.bit);
    else if (change.kind === 'zero') bytes.fill(0, at, Math.min(bytes.length, at + change.length));
    else if (change.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    else if (change.kind === 'duplicate') bytes = Buffer.concat([bytes.subarray(0, at + change.length), bytes.subarray(at)]);
    else bytes = bytes.subarray(0, Math.max(1, at));
  }
  return bytes;
}

function box(kind: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(kind, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A minimal CR3 (ISO-BMFF, brand `crx `): its preview JPEG in the media data, as Canon's are. */
function canonCr3(jpeg: Buffer): Buffer {
  return Buffer.concat([box('ftyp', Buffer.from('crx \0\0\0\x01crx isom', 'latin1')), box('moov', box('uuid', Buffer.alloc(16))), box('mdat', jpeg)]);
}

describe('mutation fuzz of every accepted format', () => {
  let server: TestServer;
  let client: TestClient;
  let samples: Array<[name: string, bytes: Buffer]>;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: 'true', IMAGING_TASK_SECONDS: '20' } });
    client = (await signedInClient(server, 'photographer')).client;
    const small = { width: 96, height: 64, exif: true };
    const jpeg = await photo('jpeg', small);
    samples = [
      ['photo.jpg', jpeg],
      ['photo.png', await photo('png', small)],
      ['photo.webp', await photo('webp', small)],
      ['photo.avif', await photo('avif', small)],
      ['photo.tif', await photo('tiff', small)],
      ['photo.gif', await photo('gif', small)],
      ['photo.heic', heic],
      ['IMG.DNG', tiffRaw(jpeg, { extraTags: [dngVersionTag], width: 96, height: 64 })],
      ['IMG.CR2', tiffRaw(jpeg, { signature: Buffer.from('CR\x02\x00\x00\x00\x00\x00', 'latin1'), width: 96, height: 64 })],
      ['DSC.NEF', tiffRaw(jpeg, { width: 96, height: 64 })],
      ['IMG.CR3', canonCr3(jpeg)],
    ];
  });
  afterAll(async () => server?.close());

  it(`answers ${RUNS} mutated uploads with 201 or a 4xx, and the server stays up`, async () => {
    for (const [name, sample] of samples) expect((await upload(client, sample, { name })).status, name).toBe(201);
    const answers = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 10 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (which, mutations, nearHead) => {
        const [name, sample] = samples[which] as [string, Buffer];
        const result = await upload(client, mutate(sample, mutations, nearHead), { name });
        const answer = `${result.status} ${result.error?.code ?? ''}`;
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
        expect(result.status === 201 || (result.status >= 400 && result.status < 500 && typeof result.error?.code === 'string'), `${name}: ${answer}`).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Every kind of answer showed up, not just one refusal: the fuzz reaches past the sniffer.
    expect(answers.get('201 ')).toBeGreaterThan(RUNS / 10);
    expect(answers.get('422 file_corrupt')).toBeGreaterThan(RUNS / 10);
    await previewJobsDone(server, 120_000);
    const statuses = await server.runtime.database.db.selectFrom('vault_files').select('status').groupBy('status').execute();
    expect(statuses.map((row) => row.status).every((status) => status === 'ready' || status === 'failed')).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
