import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { generateHexSecret, generateId } from '../crypto/tokens.ts';
import type { StudioActor } from '../http/access.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { cleanText } from '../text.ts';
import { canonicalAllowlist } from './allowlists.ts';
import type { ImagesDeps } from './deps.ts';
import { type ProjectPatch, type ProjectRow, deleteStudioProject, findStudioProject, findStudioProjectBySlug, insertProject, listStudioProjects, updateStudioProject } from './repo.ts';
import { type ImgproxyCredentials, sealImgproxyCredentials } from './secrets.ts';

/** A studio's image projects (docs/imaging.md): what a website may ask of the image service. */

export const MAX_PROJECTS = 100;
export const MAX_LIFETIME_SECONDS = 365 * 24 * 3600;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const HEX = /^(?:[0-9a-fA-F]{2}){1,64}$/;
/**
 * The shortest imgproxy key and salt a project may be given: a key is an HMAC-SHA256 key, so
 * 32 random bytes (what generated ones are); a salt, 16. Credentials set before this rule keep
 * working (they are only checked when set).
 */
export const MIN_IMGPROXY_KEY_BYTES = 32;
export const MIN_IMGPROXY_SALT_BYTES = 16;

export interface ProjectView {
  id: string;
  name: string;
  slug: string;
  description: string;
  referers: string[];
  sources: string[];
  requireExpiry: boolean;
  maxLifetimeSeconds: number | null;
  allowOriginal: boolean;
  imgproxy: { enabled: boolean; signatureSize: number };
  createdAt: string;
  updatedAt: string;
}

export interface ImgproxyInput {
  /** Hex; generated when omitted. */
  key?: string;
  salt?: string;
  signatureSize?: number;
}

export interface ProjectInput {
  name: string;
  slug: string;
  description?: string;
  referers?: string[];
  sources?: string[];
  requireExpiry?: boolean;
  maxLifetimeSeconds?: number | null;
  allowOriginal?: boolean;
  /** null turns the imgproxy format off. */
  imgproxy?: ImgproxyInput | null;
}

/** A project's answer: imgproxy credentials only in the answer that set them, never again. */
export interface ProjectAnswer {
  project: ProjectView;
  imgproxyCredentials?: ImgproxyCredentials;
}

export function projectNotFound(): NotFoundError {
  return new NotFoundError('image_project_not_found', 'This image project does not exist.');
}

export function parseList(stored: string | null): string[] | null {
  return stored === null ? null : (JSON.parse(stored) as string[]);
}

export function projectView(row: ProjectRow): ProjectView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    referers: parseList(row.referers) ?? [],
    sources: parseList(row.sources) ?? [],
    requireExpiry: row.require_expiry === 1,
    maxLifetimeSeconds: row.max_lifetime_seconds,
    allowOriginal: row.allow_original === 1,
    imgproxy: { enabled: row.imgproxy_key_sealed !== null, signatureSize: row.imgproxy_signature_size },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function checkedName(name: string): string {
  const cleaned = cleanText(name).trim();
  if (cleaned.length === 0 || cleaned.length > 200) throw new AppError('image_project_name_invalid', 'A project name must be 1 to 200 characters.', 400);
  return cleaned;
}

function checkedSlug(slug: string): string {
  if (!SLUG.test(slug)) {
    throw new AppError('image_project_slug_invalid', 'A slug is 1 to 64 lower-case letters, digits and inner hyphens.', 400);
  }
  return slug;
}

async function ensureSlugFree(deps: ImagesDeps, studioId: string, slug: string, exceptId?: string): Promise<void> {
  const existing = await findStudioProjectBySlug(deps.db, studioId, slug);
  if (existing && existing.id !== exceptId) throw new AppError('image_project_slug_taken', 'Another project of this studio has this slug.', 409);
}

/** The sealed columns for an imgproxy setting, and the credentials to show once (null: the format off). */
async function imgproxyColumns(
  deps: ImagesDeps,
  projectId: string,
  input: ImgproxyInput | null,
): Promise<{ patch: Pick<ProjectRow, 'imgproxy_key_sealed' | 'imgproxy_salt_sealed' | 'imgproxy_signature_size'>; credentials?: ImgproxyCredentials }> {
  if (input === null) return { patch: { imgproxy_key_sealed: null, imgproxy_salt_sealed: null, imgproxy_signature_size: 32 } };
  for (const [name, value, minimum] of [['key', input.key, MIN_IMGPROXY_KEY_BYTES], ['salt', input.salt, MIN_IMGPROXY_SALT_BYTES]] as const) {
    if (value !== undefined && (!HEX.test(value) || value.length < minimum * 2)) {
      throw new AppError('imgproxy_credentials_invalid', `The imgproxy ${name} must be ${minimum} to 64 bytes in hex (e.g. \`openssl rand -hex 32\`).`, 400);
    }
  }
  const credentials = { key: (input.key ?? generateHexSecret(32)).toLowerCase(), salt: (input.salt ?? generateHexSecret(32)).toLowerCase() };
  const sealed = await sealImgproxyCredentials(deps.secrets, projectId, credentials);
  return {
    patch: { imgproxy_key_sealed: sealed.key, imgproxy_salt_sealed: sealed.salt, imgproxy_signature_size: input.signatureSize ?? 32 },
    credentials,
  };
}

export async function createProject(deps: ImagesDeps, actor: StudioActor, input: ProjectInput): Promise<ProjectAnswer> {
  const slug = checkedSlug(input.slug);
  if ((await listStudioProjects(deps.db, actor.studioId)).length >= MAX_PROJECTS) {
    throw new AppError('image_project_limit', `A studio has at most ${MAX_PROJECTS} image projects.`, 409);
  }
  await ensureSlugFree(deps, actor.studioId, slug);
  const id = generateId();
  const now = deps.now();
  const imgproxy = await imgproxyColumns(deps, id, input.imgproxy ?? null);
  const row: ProjectRow = {
    id,
    studio_id: actor.studioId,
    name: checkedName(input.name),
    slug,
    description: cleanText(input.description ?? '').trim(),
    referers: JSON.stringify(canonicalAllowlist(input.referers ?? [])),
    sources: JSON.stringify(canonicalAllowlist(input.sources ?? [])),
    require_expiry: input.requireExpiry ? 1 : 0,
    max_lifetime_seconds: input.maxLifetimeSeconds ?? null,
    allow_original: input.allowOriginal ? 1 : 0,
    ...imgproxy.patch,
    created_at: now,
    updated_at: now,
  };
  await insertProject(deps.db, row);
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.project_created', details: { projectId: id, slug } }, now);
  return { project: projectView(row), ...(imgproxy.credentials ? { imgproxyCredentials: imgproxy.credentials } : {}) };
}

export async function listProjects(deps: ImagesDeps, actor: StudioActor): Promise<ProjectView[]> {
  return (await listStudioProjects(deps.db, actor.studioId)).map(projectView);
}

export async function requireProject(deps: ImagesDeps, actor: StudioActor, projectId: string): Promise<ProjectRow> {
  const row = await findStudioProject(deps.db, actor.studioId, projectId);
  if (!row) throw projectNotFound();
  return row;
}

export async function getProject(deps: ImagesDeps, actor: StudioActor, projectId: string): Promise<ProjectView> {
  return projectView(await requireProject(deps, actor, projectId));
}

export async function updateProject(deps: ImagesDeps, actor: StudioActor, projectId: string, input: Partial<ProjectInput>): Promise<ProjectAnswer> {
  const current = await requireProject(deps, actor, projectId);
  const patch: ProjectPatch = { updated_at: deps.now() };
  if (input.name !== undefined) patch.name = checkedName(input.name);
  if (input.slug !== undefined) {
    patch.slug = checkedSlug(input.slug);
    await ensureSlugFree(deps, actor.studioId, patch.slug, projectId);
  }
  if (input.description !== undefined) patch.description = cleanText(input.description).trim();
  if (input.referers !== undefined) patch.referers = JSON.stringify(canonicalAllowlist(input.referers));
  if (input.sources !== undefined) patch.sources = JSON.stringify(canonicalAllowlist(input.sources));
  if (input.requireExpiry !== undefined) patch.require_expiry = input.requireExpiry ? 1 : 0;
  if (input.maxLifetimeSeconds !== undefined) patch.max_lifetime_seconds = input.maxLifetimeSeconds;
  if (input.allowOriginal !== undefined) patch.allow_original = input.allowOriginal ? 1 : 0;
  let credentials: ImgproxyCredentials | undefined;
  if (input.imgproxy !== undefined) {
    const imgproxy = await imgproxyColumns(deps, projectId, input.imgproxy);
    Object.assign(patch, imgproxy.patch);
    credentials = imgproxy.credentials;
  }
  if (!(await updateStudioProject(deps.db, actor.studioId, projectId, patch))) throw projectNotFound();
  deps.keyGrants.forget();
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.project_updated', details: { projectId, fields: Object.keys(input).sort().join(',') } });
  return { project: projectView({ ...current, ...patch } as ProjectRow), ...(credentials ? { imgproxyCredentials: credentials } : {}) };
}

/** Deleting a project deletes its keys and usage with it: its URLs stop working at once. */
export async function deleteProject(deps: ImagesDeps, actor: StudioActor, projectId: string): Promise<void> {
  if (!(await deleteStudioProject(deps.db, actor.studioId, projectId))) throw projectNotFound();
  deps.keyGrants.forget();
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.project_deleted', details: { projectId } });
}
