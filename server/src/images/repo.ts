import type { Kysely, Selectable, Updateable } from 'kysely';
import { preparedQuery } from '../db/prepared.ts';
import type { ImageKeysTable, ImageProjectsTable, ImageUsageTable, ImageWebFilesTable, Tables } from '../db/tables.ts';

/**
 * The image service's queries: the only code that reads or writes its tables. Every query on a
 * studio's data carries the studio; the data plane finds a key by its public id and a published
 * file by its public id, then checks that everything else it touches belongs to the same studio.
 */

export type ProjectRow = Selectable<ImageProjectsTable>;
export type KeyRow = Selectable<ImageKeysTable>;
export type WebFileRow = Selectable<ImageWebFilesTable>;
export type UsageRow = Selectable<ImageUsageTable>;
export type ProjectPatch = Omit<Updateable<ImageProjectsTable>, 'id' | 'studio_id' | 'created_at'>;
export type KeyPatch = Omit<Updateable<ImageKeysTable>, 'id' | 'studio_id' | 'project_id' | 'public_id' | 'created_at'>;

export async function insertProject(db: Kysely<Tables>, row: ProjectRow): Promise<void> {
  await db.insertInto('image_projects').values(row).execute();
}

export async function listStudioProjects(db: Kysely<Tables>, studioId: string): Promise<ProjectRow[]> {
  return db.selectFrom('image_projects').selectAll().where('studio_id', '=', studioId).orderBy('created_at').orderBy('id').execute();
}

export async function findStudioProject(db: Kysely<Tables>, studioId: string, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('image_projects').selectAll().where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
}

export async function findStudioProjectBySlug(db: Kysely<Tables>, studioId: string, slug: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('image_projects').selectAll().where('studio_id', '=', studioId).where('slug', '=', slug).executeTakeFirst();
}

/** The data plane's imgproxy format names a project by slug alone: the projects of every studio with that slug and the format on. */
export async function findImgproxyProjectsBySlug(db: Kysely<Tables>, slug: string, limit: number): Promise<ProjectRow[]> {
  return db
    .selectFrom('image_projects')
    .selectAll()
    .where('slug', '=', slug)
    .where('imgproxy_key_sealed', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function updateStudioProject(db: Kysely<Tables>, studioId: string, id: string, patch: ProjectPatch): Promise<boolean> {
  const result = await db.updateTable('image_projects').set(patch).where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteStudioProject(db: Kysely<Tables>, studioId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('image_projects').where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function insertKey(db: Kysely<Tables>, row: KeyRow): Promise<void> {
  await db.insertInto('image_keys').values(row).execute();
}

export async function listProjectKeys(db: Kysely<Tables>, studioId: string, projectId: string): Promise<KeyRow[]> {
  return db
    .selectFrom('image_keys')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findStudioKey(db: Kysely<Tables>, studioId: string, projectId: string, id: string): Promise<KeyRow | undefined> {
  return db
    .selectFrom('image_keys')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Every signed request starts here: the key named by `key=pk_…`. */
export async function findKeyByPublicId(db: Kysely<Tables>, publicId: string): Promise<KeyRow | undefined> {
  return db.selectFrom('image_keys').selectAll().where('public_id', '=', publicId).executeTakeFirst();
}

export async function updateStudioKey(db: Kysely<Tables>, studioId: string, projectId: string, id: string, patch: KeyPatch): Promise<boolean> {
  const result = await db
    .updateTable('image_keys')
    .set(patch)
    .where('studio_id', '=', studioId)
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function touchKeyLastUsed(db: Kysely<Tables>, id: string, now: number): Promise<void> {
  await db.updateTable('image_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function findStudioWebFile(db: Kysely<Tables>, studioId: string, fileId: string): Promise<WebFileRow | undefined> {
  return db.selectFrom('image_web_files').selectAll().where('studio_id', '=', studioId).where('file_id', '=', fileId).executeTakeFirst();
}

/** The studio's published files, the latest first, at most `limit`. */
export async function listStudioWebFiles(db: Kysely<Tables>, studioId: string, limit: number): Promise<WebFileRow[]> {
  return db.selectFrom('image_web_files').selectAll().where('studio_id', '=', studioId).orderBy('created_at', 'desc').orderBy('file_id').limit(limit).execute();
}

const webFileByPublicId = preparedQuery((db, publicId: string) => db.selectFrom('image_web_files').selectAll().where('public_id', '=', publicId));

/** A published file as an image URL names it; the caller checks its studio is the key's. Compiled once (db/prepared.ts): every request for an own image asks it. */
export async function findWebFileByPublicId(db: Kysely<Tables>, publicId: string): Promise<WebFileRow | undefined> {
  const [row] = await webFileByPublicId(db, publicId);
  return row;
}

export async function insertWebFile(db: Kysely<Tables>, row: WebFileRow): Promise<void> {
  await db.insertInto('image_web_files').values(row).onConflict((conflict) => conflict.column('file_id').doNothing()).execute();
}

export async function deleteStudioWebFile(db: Kysely<Tables>, studioId: string, fileId: string): Promise<void> {
  await db.deleteFrom('image_web_files').where('studio_id', '=', studioId).where('file_id', '=', fileId).execute();
}

export type UsageCounts = Omit<UsageRow, 'studio_id' | 'project_id' | 'key_id' | 'minute'>;
export type UsageDelta = Pick<UsageRow, 'studio_id' | 'project_id' | 'key_id' | 'minute'> & UsageCounts;

/** Adds counted usage to its minute's row (created on first use). */
export async function addUsage(db: Kysely<Tables>, delta: UsageDelta): Promise<void> {
  await db
    .insertInto('image_usage')
    .values(delta)
    .onConflict((conflict) =>
      conflict.columns(['project_id', 'key_id', 'minute']).doUpdateSet((eb) => ({
        requests: eb('image_usage.requests', '+', delta.requests),
        bytes: eb('image_usage.bytes', '+', delta.bytes),
        cache_hits: eb('image_usage.cache_hits', '+', delta.cache_hits),
        refused_signature: eb('image_usage.refused_signature', '+', delta.refused_signature),
        refused_expired: eb('image_usage.refused_expired', '+', delta.refused_expired),
        refused_referer: eb('image_usage.refused_referer', '+', delta.refused_referer),
        refused_source: eb('image_usage.refused_source', '+', delta.refused_source),
        refused_rate_limit: eb('image_usage.refused_rate_limit', '+', delta.refused_rate_limit),
      })),
    )
    .execute();
}

export async function listProjectUsage(db: Kysely<Tables>, studioId: string, projectId: string, since: number): Promise<UsageRow[]> {
  return db
    .selectFrom('image_usage')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('project_id', '=', projectId)
    .where('minute', '>=', since)
    .orderBy('minute')
    .orderBy('key_id')
    .execute();
}
