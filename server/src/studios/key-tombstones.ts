import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { recordAudit } from '../audit/audit-log.ts';
import type { Db } from '../db/database.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { deleteStudioKeys } from './repo.ts';

/**
 * Crypto-erase that outlives a database restore (docs/security/crypto-erase.md). Destroying a
 * studio's data key writes a tombstone to the blob store first, then deletes the wrapped key
 * row. A database restored from a backup made before the deletion still holds the wrapped key;
 * at start-up (and after `backup restore`) every key with a tombstone is deleted again before
 * the server serves anything, so the restored rows cannot decrypt the studio's blobs — in the
 * store or in any backup of it.
 */

const tombstonePrefix = 'tombstones/studio-keys/';

export interface TombstoneDeps {
  db: Db;
  blobs: BlobStore;
}

export async function destroyStudioKey(deps: TombstoneDeps, studioId: string, audit: { actorUserId: string | null; ip?: string; userAgent?: string }, now = Date.now()): Promise<void> {
  await deps.blobs.put(`${tombstonePrefix}${studioId}`, Readable.from([Buffer.from(JSON.stringify({ studioId, destroyedAt: new Date(now).toISOString() }))]));
  await deleteStudioKeys(deps.db, [studioId]);
  await recordAudit(deps.db, { action: 'studio.key_destroyed', ...audit, studioId, details: { studioId } }, now);
}

/** The studios whose keys were destroyed, as the tombstones in the blob store record them. */
export async function destroyedStudioIds(blobs: BlobStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const key of blobs.list(tombstonePrefix)) {
    const tombstone = JSON.parse(await text(await blobs.get(key))) as { studioId: string };
    ids.push(tombstone.studioId);
  }
  return ids;
}

/** Deletes every wrapped key a tombstone names (a no-op unless a pre-deletion database was restored); returns how many it found. */
export async function applyKeyTombstones(deps: TombstoneDeps): Promise<number> {
  const ids = await destroyedStudioIds(deps.blobs);
  let removed = 0;
  for (let start = 0; start < ids.length; start += 500) removed += await deleteStudioKeys(deps.db, ids.slice(start, start + 500));
  return removed;
}
