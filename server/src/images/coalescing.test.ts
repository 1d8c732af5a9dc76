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

  it('names entries by HMAC of their canonical form', () => {
    const cache = createResultCache({} as BlobStore, Buffer.alloc(32, 1), () => {});
    const other = createResultCache({} as BlobStore, Buffer.alloc(32, 2), () => {});
    expect(cache.keyOf('v1|a')).toBe(cache.keyOf('v1|a'));
    expect(cache.keyOf('v1|a')).not.toBe(cache.keyOf('v1|b'));
    expect(cache.keyOf('v1|a')).not.toBe(other.keyOf('v1|a'));
  });
});
