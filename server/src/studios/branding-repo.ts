import type { Kysely, Selectable } from 'kysely';
import type { Tables } from '../db/tables.ts';

/** Queries on `studio_branding`: what a studio shows its clients (branding.ts). */

export type BrandingRow = Selectable<Tables['studio_branding']>;

/** Without the logo's bytes: what every client page and email reads. */
export type BrandingSummaryRow = Omit<BrandingRow, 'logo_sealed'>;

export async function findBranding(db: Kysely<Tables>, studioId: string): Promise<BrandingSummaryRow | undefined> {
  return db
    .selectFrom('studio_branding')
    .select(['studio_id', 'details_sealed', 'logo_sha256', 'logo_width', 'logo_height', 'updated_at'])
    .where('studio_id', '=', studioId)
    .executeTakeFirst();
}

export async function findBrandingLogo(db: Kysely<Tables>, studioId: string): Promise<{ logo_sealed: string; logo_sha256: string } | undefined> {
  const row = await db.selectFrom('studio_branding').select(['logo_sealed', 'logo_sha256']).where('studio_id', '=', studioId).executeTakeFirst();
  return row?.logo_sealed && row.logo_sha256 ? { logo_sealed: row.logo_sealed, logo_sha256: row.logo_sha256 } : undefined;
}

/** Writes the details, creating the row the first time. */
export async function upsertBrandingDetails(db: Kysely<Tables>, studioId: string, detailsSealed: string, now: number): Promise<void> {
  await db
    .insertInto('studio_branding')
    .values({ studio_id: studioId, details_sealed: detailsSealed, logo_sealed: null, logo_sha256: null, logo_width: null, logo_height: null, updated_at: now })
    .onConflict((conflict) => conflict.column('studio_id').doUpdateSet({ details_sealed: detailsSealed, updated_at: now }))
    .execute();
}

export interface StoredLogo {
  sealed: string;
  sha256: string;
  width: number;
  height: number;
}

/** Sets (or with null, removes) the logo; the row must exist (the service writes the details first). */
export async function setBrandingLogo(db: Kysely<Tables>, studioId: string, logo: StoredLogo | null, now: number): Promise<void> {
  await db
    .updateTable('studio_branding')
    .set({
      logo_sealed: logo?.sealed ?? null,
      logo_sha256: logo?.sha256 ?? null,
      logo_width: logo?.width ?? null,
      logo_height: logo?.height ?? null,
      updated_at: now,
    })
    .where('studio_id', '=', studioId)
    .execute();
}
