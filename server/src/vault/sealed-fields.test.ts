import { describe, expect, it } from 'vitest';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { sealedAssociatedData, sealedPurposes } from './sealed-fields.ts';

describe('vault sealed columns', () => {
  it('are registered for rotation with the purposes and associated data they are sealed with', () => {
    const registered = (table: string, column: string) => keyProtectedData(capabilities).sealedColumns.find((entry) => entry.name === `${table}.${column}`);
    const id = '6b1d4a4e-3f0a-4c55-9d36-5c3c0b0e6d8a';
    const expected = [
      ['vault_files', 'name_sealed', sealedPurposes.fileName, sealedAssociatedData.fileName(id)],
      ['vault_files', 'metadata_sealed', sealedPurposes.fileMetadata, sealedAssociatedData.fileMetadata(id)],
      ['vault_albums', 'name_sealed', sealedPurposes.albumName, sealedAssociatedData.albumName(id)],
    ] as const;
    for (const [table, column, purpose, associatedData] of expected) {
      const entry = registered(table, column);
      expect(entry, `${table}.${column}`).toBeDefined();
      expect(entry?.purpose).toBe(purpose);
      expect(entry?.associatedData(id)).toBe(associatedData);
    }
  });
});
