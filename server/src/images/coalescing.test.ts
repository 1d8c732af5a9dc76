import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../storage/blob-store.ts';
import { createResultCache } from './result-cache.ts';

/** Identical requests share one transform; cache entries are named by an HMAC of their canonical form. */

describe('coalescing and cache names', () => {
  it('runs one transform for every identical request in flight', async () => {
    const cache = createResultCache({} as BlobStore, Buffer.alloc(32, 1), () => {});
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const work = async () => {
      runs += 1;
      await gate;
      return 'image';
    };
    const answers = Promise.all([cache.coalesce('k', work), cache.coalesce('k', work), cache.coalesce('k', work)]);
    release();
    expect(await answers).toEqual(['image', 'image', 'image']);
    expect(runs).toBe(1);
    await cache.coalesce('k', work);
    expect(runs).toBe(2);
  });

  it('keeps hot results in memory, encrypted in the store, and drops stale ones', async () => {
    const stored = new Map<string, Buffer>();
    const blobs = {
      async put(key: string, body: AsyncIterable<Uint8Array>) {
        const pieces: Buffer[] = [];
        for await (const piece of body) pieces.push(Buffer.from(piece));
        stored.set(key, Buffer.concat(pieces));
        return { size: 0 };
      },
      async get(key: string) {
        const found = stored.get(key);
        if (!found) throw new Error('blob_not_found');
        return Readable.from([found]);
      },
    } as unknown as BlobStore;
    const dataKey = Buffer.alloc(32, 7);
    const writer = createResultCache(blobs, Buffer.alloc(32, 1), () => {});
    const image = { data: Buffer.from('a webp image'), mediaType: 'image/webp', staleAt: 2_000 };
    await writer.put('studio-1', 'entry', dataKey, image);
    await writer.settled();
    expect([...stored.values()][0]!.includes(image.data)).toBe(false);
    expect((await writer.get('studio-1', 'entry', dataKey, 1_000))?.data.toString()).toBe('a webp image');
    // Another process (no memory of it) opens the stored entry with the studio's key only.
    const reader = createResultCache(blobs, Buffer.alloc(32, 1), () => {});
    expect((await reader.get('studio-1', 'entry', dataKey, 1_000))?.mediaType).toBe('image/webp');
    const foreign = createResultCache(blobs, Buffer.alloc(32, 1), () => {});
    expect(await foreign.get('studio-1', 'entry', Buffer.alloc(32, 8), 1_000)).toBeUndefined();
    expect(await writer.get('studio-1', 'entry', dataKey, 2_000)).toBeUndefined();
  });

  it('answers before the store write ends, from memory meanwhile, and reports a failed write without failing the request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const written: string[] = [];
    const blobs = {
      async put(key: string) {
        await gate;
        if (key.endsWith('/broken')) throw new Error('disk full');
        written.push(key);
        return { size: 0 };
      },
    } as unknown as BlobStore;
    const failures: Array<[string, string]> = [];
    const cache = createResultCache(blobs, Buffer.alloc(32, 1), (error, failure) => failures.push([(error as Error).message, failure]));
    const dataKey = Buffer.alloc(32, 7);
    const image = { data: Buffer.from('a webp image'), mediaType: 'image/webp', staleAt: null };
    await cache.put('studio-1', 'entry', dataKey, image);
    await cache.put('studio-1', 'broken', dataKey, image);
    expect(written).toEqual([]);
    expect((await cache.get('studio-1', 'entry', dataKey, 0))?.data.toString()).toBe('a webp image');
    const settled = cache.settled();
    release();
    await settled;
    expect(written).toEqual(['image-cache/studio-1/entry']);
    expect(failures).toEqual([['disk full', 'write']]);
  });

  it('names entries by HMAC of their canonical form', () => {
    const cache = createResultCache({} as BlobStore, Buffer.alloc(32, 1), () => {});
    const other = createResultCache({} as BlobStore, Buffer.alloc(32, 2), () => {});
    expect(cache.keyOf('v1|a')).toBe(cache.keyOf('v1|a'));
    expect(cache.keyOf('v1|a')).not.toBe(cache.keyOf('v1|b'));
    expect(cache.keyOf('v1|a')).not.toBe(other.keyOf('v1|a'));
    // A long canonical form (a long remote URL) is named the same way each time, only not remembered.
    const long = `v1|https://cdn.example/${'x'.repeat(4000)}`;
    expect(cache.keyOf(long)).toBe(cache.keyOf(long));
    expect(cache.keyOf(long)).toBe(createHmac('sha256', Buffer.alloc(32, 1)).update(long).digest('base64url'));
  });
});
