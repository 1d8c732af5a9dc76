import type { StorageUsageSource } from '../capability.ts';
import type { VaultDeps } from './deps.ts';
import { listStudioBlobKeys } from './repo.ts';
import { studioUploadsPrefix } from './resumable.ts';
import { studioBlobPrefix } from './stored-blobs.ts';

/**
 * The vault's share of a studio's storage, as the blob store holds it (sizes as stored: sealed,
 * with the chunked format's overhead): originals, previews (thumbnail and preview), and the rest
 * — uploads in progress, resumable uploads' segments, blobs no file names any more (waiting for
 * the purge). One listing of the studio's prefixes (a request per 1000 blobs on S3) sorted by
 * the keys its file rows name; the keys are held while it runs, ~100 bytes a file.
 */
export function vaultStorageUsage(deps: VaultDeps): StorageUsageSource {
  return async (studioId) => {
    const variants = new Map<string, 'originals' | 'previews'>();
    for (const row of await listStudioBlobKeys(deps.db, studioId)) {
      variants.set(row.blob_key, 'originals');
      if (row.thumbnail_key) variants.set(row.thumbnail_key, 'previews');
      if (row.preview_key) variants.set(row.preview_key, 'previews');
    }
    const usage = { originals: 0, previews: 0, other: 0 };
    for await (const { key, size } of deps.blobs.listSizes(studioBlobPrefix(studioId))) usage[variants.get(key) ?? 'other'] += size;
    for await (const { size } of deps.blobs.listSizes(studioUploadsPrefix(studioId))) usage.other += size;
    return usage;
  };
}
