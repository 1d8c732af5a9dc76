import { unwrapDataKey, wrapDataKey } from '../crypto/data-keys.ts';
import { wrapFormats } from '../crypto/master-keys.ts';
import { type KeyProtectedData, rotationFailure, sealedColumn } from '../db/key-protected.ts';
import { brandingAssociatedData, brandingPurpose, logoAssociatedData, logoPurpose } from './branding.ts';
import { countStudioKeysByVersion, listStudioKeysNotAtVersion, replaceWrappedKey } from './repo.ts';
import { studioDataKey } from './service.ts';

/** The studios' data keys, wrapped by a master key version: counted by key status, rewrapped by rotation (keys/rotation.ts). */

const batchSize = 200;

export const studiosKeyProtected: KeyProtectedData = {
  // The branding is the studio's own: sealed under its data key, so erasing the studio erases it.
  sealedColumns: [
    sealedColumn({ table: 'studio_branding', idColumn: 'studio_id', column: 'details_sealed', studioColumn: 'studio_id', purpose: brandingPurpose, associatedData: brandingAssociatedData }),
    sealedColumn({ table: 'studio_branding', idColumn: 'studio_id', column: 'logo_sealed', studioColumn: 'studio_id', purpose: logoPurpose, associatedData: logoAssociatedData }),
  ],
  studioDataKeys: { unwrap: (deps, studioId) => studioDataKey(deps, studioId) },
  wrappedKeys: {
    countByVersion: (db) => countStudioKeysByVersion(db),
    async rewrapAll(deps, now, failures) {
      const active = deps.keys.activeVersion;
      let rewrapped = 0;
      let after = '';
      for (;;) {
        const page = await listStudioKeysNotAtVersion(deps.db, active, wrapFormats.wrappingSubkey, batchSize, after);
        if (page.length === 0) return rewrapped;
        for (const stored of page) {
          after = stored.studioId;
          let dataKey: Buffer | undefined;
          try {
            dataKey = await unwrapDataKey(deps.keys, stored.studioId, { keyVersion: stored.keyVersion, format: stored.wrapFormat, ciphertext: stored.wrappedKey });
            const next = await wrapDataKey(deps.keys, stored.studioId, dataKey);
            // A lost compare-and-set means someone else changed the row meanwhile; theirs stands.
            if (await replaceWrappedKey(deps.db, stored, { keyVersion: next.keyVersion, wrapFormat: next.format, wrappedKey: next.ciphertext, rewrappedAt: now() })) rewrapped += 1;
          } catch (error) {
            failures.push(rotationFailure(`studio_keys/${stored.studioId}`, error));
          } finally {
            dataKey?.fill(0);
          }
        }
      }
    },
  },
};
