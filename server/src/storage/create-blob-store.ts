import type { BlobStore, BlobStoreConfig } from './blob-store.ts';

/**
 * The configured backend. Apart from the interface it implements (blob-store.ts), so that the
 * backends import the interface and nothing imports them back. Loaded on demand: the AWS SDK
 * costs ~100 ms and ~30 MB that local installs never need.
 */
export async function createBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  if (config.kind === 'local') {
    const { LocalBlobStore } = await import('./local-store.ts');
    return new LocalBlobStore(config.root);
  }
  const { S3BlobStore } = await import('./s3-store.ts');
  return new S3BlobStore(config);
}
