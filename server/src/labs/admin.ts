import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { normalizeEmail } from '../auth/email-address.ts';
import { generateId, generateNumericCode } from '../crypto/tokens.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { listStudios, studioName } from '../studios/service.ts';
import { cleanText } from '../text.ts';
import { type Product, normalizeCatalogue } from './catalogue.ts';
import type { LabsDeps } from './deps.ts';
import { generateLabCode } from './lab-ids.ts';
import {
  type LabRow,
  deleteLabDevices,
  deleteLabRow,
  findLabById,
  insertLab,
  isPortalEnabled,
  listLabRows,
  listPortalStudioIds,
  listLabStudioIds,
  listStudioLabIds,
  replaceStudioLabs,
  revokeLabSessions,
  updateLabRow,
} from './repo.ts';

/**
 * The admin's side of the portal: labs (name, contacts, catalogue, PIN, disabled, device codes)
 * and which labs each studio may send to. A PIN is drawn by the server, shown to the admin
 * once in the answer that made it, and kept only as a peppered HMAC.
 */

export const DEFAULT_PIN_DIGITS = 6;

export function pinPurpose(labId: string): string {
  return `lab-pin:${labId}`;
}

export interface LabView {
  id: string;
  labId: string;
  name: string;
  contactEmails: string[];
  catalogue: Product[];
  pinLength: number;
  pinSetAt: string;
  requireDeviceCode: boolean;
  disabled: boolean;
  lockedUntil: string | null;
  blocked: boolean;
  lockouts: number;
  studioIds: string[];
  createdAt: string;
}

export function parseCatalogue(row: Pick<LabRow, 'catalogue'>): Product[] {
  return JSON.parse(row.catalogue) as Product[];
}

export function parseContacts(row: Pick<LabRow, 'contact_emails'>): string[] {
  return JSON.parse(row.contact_emails) as string[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function labView(row: LabRow, studioIds: string[], now: number): LabView {
  return {
    id: row.id,
    labId: row.code,
    name: row.name,
    contactEmails: parseContacts(row),
    catalogue: parseCatalogue(row),
    pinLength: row.pin_length,
    pinSetAt: iso(row.pin_set_at),
    requireDeviceCode: row.require_device_code === 1,
    disabled: row.disabled_at !== null,
    lockedUntil: row.locked_until !== null && row.locked_until > now ? iso(row.locked_until) : null,
    blocked: row.blocked_at !== null,
    lockouts: row.lockouts,
    studioIds,
    createdAt: iso(row.created_at),
  };
}

function labNotFound(): NotFoundError {
  return new NotFoundError('lab_not_found', 'This lab does not exist.');
}

function labName(input: string): string {
  const name = cleanText(input);
  if (name.length === 0 || name.length > 200) throw new AppError('lab_name_invalid', 'A lab name must be 1 to 200 characters.', 400);
  return name;
}

function contacts(input: readonly string[]): string {
  return JSON.stringify([...new Set(input.map(normalizeEmail))]);
}

async function newPin(deps: LabsDeps, labId: string, digits: number): Promise<{ pin: string; hash: { digest: string; keyVersion: string; length: number } }> {
  const pin = generateNumericCode(digits);
  const { digest, keyVersion } = await deps.pepper.hash(pin, pinPurpose(labId));
  return { pin, hash: { digest, keyVersion, length: digits } };
}

export interface LabInput {
  name: string;
  contactEmails: string[];
  catalogue?: Product[];
  pinLength?: number;
  requireDeviceCode?: boolean;
}

/** A new lab: its readable lab ID and its PIN, which this answer shows for the only time. */
export async function createLab(deps: LabsDeps, audit: AuditContext, input: LabInput): Promise<{ lab: LabView; pin: string }> {
  const id = generateId();
  const now = deps.now();
  const { pin, hash } = await newPin(deps, id, input.pinLength ?? DEFAULT_PIN_DIGITS);
  const fields = {
    id,
    name: labName(input.name),
    contactEmails: contacts(input.contactEmails),
    catalogue: JSON.stringify(normalizeCatalogue(input.catalogue ?? [])),
    pin: hash,
    requireDeviceCode: input.requireDeviceCode ?? false,
    createdBy: audit.actorUserId ?? null,
    now,
  };
  // A drawn lab ID may be taken (31^4 of them): draw again.
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (await insertLab(deps.db, { ...fields, code: generateLabCode() })) {
      await recordAudit(deps.db, { action: 'lab.created', ...audit, details: { labId: id } }, now);
      return { lab: await getLab(deps, id), pin };
    }
  }
  throw new AppError('lab_ids_exhausted', 'No free lab ID could be drawn. Try again.', 503);
}

export async function listLabs(deps: LabsDeps): Promise<LabView[]> {
  const links = await listLabStudioIds(deps.db);
  const now = deps.now();
  return (await listLabRows(deps.db)).map((row) => labView(row, links.filter((link) => link.labId === row.id).map((link) => link.studioId), now));
}

export async function getLab(deps: LabsDeps, id: string): Promise<LabView> {
  const row = await findLabById(deps.db, id);
  if (!row) throw labNotFound();
  const links = await listLabStudioIds(deps.db);
  return labView(row, links.filter((link) => link.labId === id).map((link) => link.studioId), deps.now());
}

export interface LabChanges {
  name?: string;
  contactEmails?: string[];
  catalogue?: Product[];
  requireDeviceCode?: boolean;
  disabled?: boolean;
}

/** Disabling a lab ends its sessions at once; its orders wait for it to be enabled again. */
export async function updateLab(deps: LabsDeps, audit: AuditContext, id: string, changes: LabChanges): Promise<LabView> {
  const row = await findLabById(deps.db, id);
  if (!row) throw labNotFound();
  const now = deps.now();
  const updated = await updateLabRow(deps.db, id, {
    ...(changes.name !== undefined ? { name: labName(changes.name) } : {}),
    ...(changes.contactEmails !== undefined ? { contact_emails: contacts(changes.contactEmails) } : {}),
    ...(changes.catalogue !== undefined ? { catalogue: JSON.stringify(normalizeCatalogue(changes.catalogue)) } : {}),
    ...(changes.requireDeviceCode !== undefined ? { require_device_code: changes.requireDeviceCode ? 1 : 0 } : {}),
    ...(changes.disabled !== undefined ? { disabled_at: changes.disabled ? (row.disabled_at ?? now) : null } : {}),
    updated_at: now,
  });
  if (!updated) throw labNotFound();
  if (changes.disabled) await revokeLabSessions(deps.db, id, now);
  await recordAudit(deps.db, { action: 'lab.updated', ...audit, details: { labId: id, fields: Object.keys(changes).sort().join(',') } }, now);
  return getLab(deps, id);
}

/**
 * A new PIN, shown once: every session and remembered device of the lab ends, and the lockout
 * history starts again (it counted guesses against the old PIN).
 */
export async function resetLabPin(deps: LabsDeps, audit: AuditContext, id: string, pinLength: number | undefined): Promise<{ lab: LabView; pin: string }> {
  const row = await findLabById(deps.db, id);
  if (!row) throw labNotFound();
  const now = deps.now();
  const { pin, hash } = await newPin(deps, id, pinLength ?? row.pin_length);
  await updateLabRow(deps.db, id, {
    pin_digest: hash.digest,
    pin_key_version: hash.keyVersion,
    pin_length: hash.length,
    pin_set_at: now,
    failed_attempts: 0,
    locked_until: null,
    lockouts: 0,
    blocked_at: null,
    updated_at: now,
  });
  await revokeLabSessions(deps.db, id, now);
  await deleteLabDevices(deps.db, id);
  await recordAudit(deps.db, { action: 'lab.pin_reset', ...audit, details: { labId: id, pinLength: hash.length } }, now);
  return { lab: await getLab(deps, id), pin };
}

/** Deleting a lab deletes its sessions and the orders sent to it (the studios keep their files). */
export async function deleteLab(deps: LabsDeps, audit: AuditContext, id: string): Promise<void> {
  if (!(await deleteLabRow(deps.db, id))) throw labNotFound();
  await recordAudit(deps.db, { action: 'lab.deleted', ...audit, details: { labId: id } }, deps.now());
}

export interface StudioLabsView {
  studioId: string;
  portalEnabled: boolean;
  labIds: string[];
}

/** Lenzeye's `enable_lab_portal`, per studio, and the labs it may send to: replaced as a whole. */
export async function setStudioLabs(deps: LabsDeps, audit: AuditContext, studioId: string, input: { portalEnabled: boolean; labIds: string[] }): Promise<StudioLabsView> {
  if ((await studioName(deps, studioId)) === undefined) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  const labIds = [...new Set(input.labIds)];
  for (const labId of labIds) if (!(await findLabById(deps.db, labId))) throw labNotFound();
  const now = deps.now();
  await replaceStudioLabs(deps.db, studioId, input.portalEnabled, labIds, now);
  await recordAudit(deps.db, { action: 'lab.studio_labs_set', ...audit, details: { studioId, portalEnabled: input.portalEnabled, labIds: labIds.join(',') } }, now);
  return { studioId, portalEnabled: await isPortalEnabled(deps.db, studioId), labIds: await listStudioLabIds(deps.db, studioId) };
}

export interface PortalStudioView extends StudioLabsView {
  name: string;
}

/** Every studio with its portal setting and chosen labs: what the admin's labs page edits. */
export async function listPortalStudios(deps: LabsDeps): Promise<PortalStudioView[]> {
  const enabled = new Set(await listPortalStudioIds(deps.db));
  const links = await listLabStudioIds(deps.db);
  return (await listStudios(deps)).map((studio) => ({
    studioId: studio.id,
    name: studio.name,
    portalEnabled: enabled.has(studio.id),
    labIds: links.filter((link) => link.studioId === studio.id).map((link) => link.labId),
  }));
}
