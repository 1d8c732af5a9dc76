import type { Kysely, Selectable, Updateable } from 'kysely';
import type { LabSessionsTable, LabsTable, Tables } from '../db/tables.ts';

/**
 * The labs' own queries: labs, which studios may send to which lab, lab sessions, devices and
 * device codes. Print orders are in orders-repo.ts.
 */

export type LabRow = Selectable<LabsTable>;
export type LabSessionRow = Selectable<LabSessionsTable>;

export interface NewLab {
  id: string;
  code: string;
  name: string;
  contactEmails: string;
  catalogue: string;
  pin: { digest: string; keyVersion: string; length: number };
  requireDeviceCode: boolean;
  createdBy: string | null;
  now: number;
}

/** False when the lab ID is taken (the caller draws another). */
export async function insertLab(db: Kysely<Tables>, lab: NewLab): Promise<boolean> {
  const result = await db
    .insertInto('labs')
    .values({
      id: lab.id,
      code: lab.code,
      name: lab.name,
      contact_emails: lab.contactEmails,
      catalogue: lab.catalogue,
      pin_digest: lab.pin.digest,
      pin_key_version: lab.pin.keyVersion,
      pin_length: lab.pin.length,
      pin_set_at: lab.now,
      require_device_code: lab.requireDeviceCode ? 1 : 0,
      disabled_at: null,
      locked_until: null,
      blocked_at: null,
      created_by: lab.createdBy,
      created_at: lab.now,
      updated_at: lab.now,
    })
    .onConflict((conflict) => conflict.column('code').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function listLabRows(db: Kysely<Tables>): Promise<LabRow[]> {
  return db.selectFrom('labs').selectAll().orderBy('name').orderBy('id').execute();
}

export async function findLabById(db: Kysely<Tables>, id: string): Promise<LabRow | undefined> {
  return db.selectFrom('labs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findLabByCode(db: Kysely<Tables>, code: string): Promise<LabRow | undefined> {
  return db.selectFrom('labs').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function updateLabRow(db: Kysely<Tables>, id: string, changes: Updateable<LabsTable>): Promise<boolean> {
  const result = await db.updateTable('labs').set(changes).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteLabRow(db: Kysely<Tables>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('labs').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// ——— PIN attempts and lockout (lockout.ts) ———

/**
 * Counts one PIN attempt before the PIN is compared, so parallel guesses each take a place in
 * the count. The count has no time window — slow guessing still reaches the limit — and only a
 * lockout or a new PIN starts it again. Nothing is counted (undefined) while the lab is locked
 * or blocked.
 */
export async function countPinAttempt(db: Kysely<Tables>, id: string, now: number): Promise<{ attempts: number; lockouts: number } | undefined> {
  const row = await db
    .updateTable('labs')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('blocked_at', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['failed_attempts', 'lockouts'])
    .executeTakeFirst();
  return row ? { attempts: row.failed_attempts, lockouts: row.lockouts } : undefined;
}

/** A right PIN takes back the attempt it was counted as; the lockout history stays. */
export async function uncountPinAttempt(db: Kysely<Tables>, id: string): Promise<void> {
  await db
    .updateTable('labs')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '-', 1) }))
    .where('id', '=', id)
    .where('failed_attempts', '>', 0)
    .execute();
}

/**
 * Locks the lab until `until` (or blocks it, `until` null), once: only the request that still
 * sees the lockout count it read wins, so a burst of wrong PINs makes one lockout and one email.
 */
export async function lockLab(db: Kysely<Tables>, id: string, seenLockouts: number, until: number | null, now: number): Promise<boolean> {
  const result = await db
    .updateTable('labs')
    .set(
      until === null
        ? { blocked_at: now, lockouts: seenLockouts + 1, failed_attempts: 0 }
        : { locked_until: until, lockouts: seenLockouts + 1, failed_attempts: 0 },
    )
    .where('id', '=', id)
    .where('lockouts', '=', seenLockouts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ——— Studios and their labs ———

export async function isPortalEnabled(db: Kysely<Tables>, studioId: string): Promise<boolean> {
  const row = await db.selectFrom('lab_portal_studios').select('studio_id').where('studio_id', '=', studioId).executeTakeFirst();
  return row !== undefined;
}

/** The studios whose portal is on. */
export async function listPortalStudioIds(db: Kysely<Tables>): Promise<string[]> {
  const rows = await db.selectFrom('lab_portal_studios').select('studio_id').orderBy('studio_id').execute();
  return rows.map((row) => row.studio_id);
}

/** The portal on or off for the studio, and exactly these labs chosen for it. */
export async function replaceStudioLabs(db: Kysely<Tables>, studioId: string, portalEnabled: boolean, labIds: readonly string[], now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('lab_portal_studios').where('studio_id', '=', studioId).execute();
    if (portalEnabled) await trx.insertInto('lab_portal_studios').values({ studio_id: studioId, enabled_at: now }).execute();
    await trx.deleteFrom('studio_labs').where('studio_id', '=', studioId).execute();
    if (labIds.length > 0) await trx.insertInto('studio_labs').values(labIds.map((labId) => ({ studio_id: studioId, lab_id: labId, created_at: now }))).execute();
  });
}

/** The labs chosen for the studio, whether or not its portal is on. */
export async function listStudioLabIds(db: Kysely<Tables>, studioId: string): Promise<string[]> {
  const rows = await db.selectFrom('studio_labs').select('lab_id').where('studio_id', '=', studioId).orderBy('lab_id').execute();
  return rows.map((row) => row.lab_id);
}

/** The studios each lab was chosen for. */
export async function listLabStudioIds(db: Kysely<Tables>): Promise<Array<{ labId: string; studioId: string }>> {
  return db.selectFrom('studio_labs').select(['lab_id as labId', 'studio_id as studioId']).orderBy('lab_id').orderBy('studio_id').execute();
}

/** The labs a studio may send to now: its portal on, the lab chosen for it and not disabled. */
export async function listEnabledLabsOfStudio(db: Kysely<Tables>, studioId: string): Promise<LabRow[]> {
  return db
    .selectFrom('labs')
    .innerJoin('studio_labs', 'studio_labs.lab_id', 'labs.id')
    .innerJoin('lab_portal_studios', 'lab_portal_studios.studio_id', 'studio_labs.studio_id')
    .selectAll('labs')
    .where('studio_labs.studio_id', '=', studioId)
    .where('labs.disabled_at', 'is', null)
    .orderBy('labs.name')
    .orderBy('labs.id')
    .execute();
}

// ——— Lab sessions ———

export async function insertLabSession(
  db: Kysely<Tables>,
  session: { id: string; labId: string; tokenHash: string; now: number; expiresAt: number; ip: string; userAgent: string },
): Promise<void> {
  await db
    .insertInto('lab_sessions')
    .values({
      id: session.id,
      lab_id: session.labId,
      token_hash: session.tokenHash,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
      revoked_at: null,
      ip: session.ip,
      user_agent: session.userAgent,
    })
    .execute();
}

/** The session with this token hash, with the state of its lab. */
export async function findLabSession(db: Kysely<Tables>, tokenHash: string): Promise<(LabSessionRow & { labDisabledAt: number | null }) | undefined> {
  return db
    .selectFrom('lab_sessions')
    .innerJoin('labs', 'labs.id', 'lab_sessions.lab_id')
    .selectAll('lab_sessions')
    .select('labs.disabled_at as labDisabledAt')
    .where('lab_sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchLabSession(db: Kysely<Tables>, id: string, now: number): Promise<void> {
  await db.updateTable('lab_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function revokeLabSession(db: Kysely<Tables>, id: string, now: number): Promise<void> {
  await db.updateTable('lab_sessions').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Every live session of the lab ends (a new PIN, the lab disabled). */
export async function revokeLabSessions(db: Kysely<Tables>, labId: string, now: number): Promise<void> {
  await db.updateTable('lab_sessions').set({ revoked_at: now }).where('lab_id', '=', labId).where('revoked_at', 'is', null).execute();
}

// ——— Devices and their one-time codes ———

export async function isKnownDevice(db: Kysely<Tables>, labId: string, tokenHash: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('lab_devices')
    .select('token_hash')
    .where('token_hash', '=', tokenHash)
    .where('lab_id', '=', labId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertLabDevice(db: Kysely<Tables>, device: { labId: string; tokenHash: string; now: number; expiresAt: number }): Promise<void> {
  await db.insertInto('lab_devices').values({ token_hash: device.tokenHash, lab_id: device.labId, created_at: device.now, expires_at: device.expiresAt }).execute();
}

/** A new PIN forgets every device: each must confirm a code again. */
export async function deleteLabDevices(db: Kysely<Tables>, labId: string): Promise<void> {
  await db.deleteFrom('lab_devices').where('lab_id', '=', labId).execute();
  await db.deleteFrom('lab_device_codes').where('lab_id', '=', labId).execute();
}

export async function insertDeviceCode(db: Kysely<Tables>, code: { id: string; labId: string; digest: string; keyVersion: string; now: number; expiresAt: number }): Promise<void> {
  await db
    .insertInto('lab_device_codes')
    .values({ id: code.id, lab_id: code.labId, code_digest: code.digest, code_key_version: code.keyVersion, created_at: code.now, expires_at: code.expiresAt, consumed_at: null })
    .execute();
}

/** The lab's newest live device code, its attempt counted (undefined when none is left to try). */
export async function countDeviceCodeAttempt(
  db: Kysely<Tables>,
  labId: string,
  now: number,
  maxAttempts: number,
): Promise<{ id: string; codeDigest: string; codeKeyVersion: string } | undefined> {
  const newest = await db
    .selectFrom('lab_device_codes')
    .select('id')
    .where('lab_id', '=', labId)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!newest) return undefined;
  return db
    .updateTable('lab_device_codes')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', newest.id)
    .where('failed_attempts', '<', maxAttempts)
    .returning(['id', 'code_digest as codeDigest', 'code_key_version as codeKeyVersion'])
    .executeTakeFirst();
}

export async function consumeDeviceCode(db: Kysely<Tables>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('lab_device_codes').set({ consumed_at: now }).where('id', '=', id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
