import { recordAudit } from '../audit/audit-log.ts';
import { generateId } from '../crypto/tokens.ts';
import type { StudioRole, UserRole } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { mustEnrollTotp } from '../http/access.ts';
import { type StudioPermission, rolePermissions } from '../http/permissions.ts';
import { createStudio, defaultStudioName, lockStudio, setStudioSuspended, studioName } from '../studios/service.ts';
import { inTransaction, isUniqueViolation } from '../db/database.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import type { AuthDeps } from './context.ts';
import { deleteSignInGuard } from './codes-repo.ts';
import { clearSecondFactor, notifyCredentialChange } from './credential-changes.ts';
import { type ReauthenticationMethod, reauthenticationMethods } from './reauthentication.ts';
import { revokeUserSessions } from './sessions.ts';
import { findPreviousSessionStart } from './sessions-repo.ts';
import { emailSkeleton, normalizeEmail } from './email-address.ts';
import {
  type UserListRow,
  type UserRow,
  findUserByEmail,
  findUserById,
  deleteUserRow,
  findUserBySkeleton,
  insertUser,
  listActiveAdminEmails,
  listStudioMembers,
  listUsersWithSessionCounts,
  ownedStudioId,
  type UserListFilter,
  updateUser,
  listActiveUserIds,
  listUserEmails,
} from './users-repo.ts';
import { listOwnedStudioHeadcounts, listUserMemberships } from './teams-repo.ts';

export type { UserListFilter } from './users-repo.ts';

/** Accounts: creation (with the photographer's own studio), the views the API returns, admin changes. */

export interface UserView {
  id: string;
  email: string;
  role: UserRole;
  /** The studio the session acts in (by default the oldest owned, else the oldest joined). */
  studioId: string | null;
  /** The person's role in that studio. */
  studioRole: StudioRole | null;
  /** What that role may do there: the same table the access hook enforces, so the web app shows only what will be allowed. */
  studioPermissions: StudioPermission[];
  /** How many studios the person belongs to: the web app offers the studio switcher when more than one. */
  studioCount: number;
  emailVerified: boolean;
  hasPassword: boolean;
  totpEnabled: boolean;
  mustEnrollTotp: boolean;
  /** How this account confirms a sensitive change (re-authentication). */
  reauthenticationMethods: ReauthenticationMethod[];
  /** When the sign-in before the newest one began (ISO 8601); `null` until the account has signed in twice. */
  previousSignInAt: string | null;
}

/** The studio a new session acts in: the oldest one owned, else the oldest one joined (as sessions-repo.ts chooses). */
function defaultStudio(memberships: ReadonlyArray<{ studio_id: string; role: StudioRole }>): { studioId: string; studioRole: StudioRole } | null {
  const chosen = memberships.find((membership) => membership.role === 'owner') ?? memberships[0];
  return chosen ? { studioId: chosen.studio_id, studioRole: chosen.role } : null;
}

async function userView(deps: Pick<AuthDeps, 'db'>, user: UserRow, active?: { studioId: string | null; studioRole: StudioRole | null }): Promise<UserView> {
  const totpEnabled = user.totp_enabled_at !== null;
  const memberships = await listUserMemberships(deps.db, user.id);
  const studio = active ?? defaultStudio(memberships) ?? { studioId: null, studioRole: null };
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    studioId: studio.studioId,
    studioRole: studio.studioRole,
    studioPermissions: studio.studioRole === null ? [] : [...rolePermissions[studio.studioRole]],
    studioCount: memberships.length,
    emailVerified: user.email_verified_at !== null,
    hasPassword: user.password_hash !== null,
    totpEnabled,
    mustEnrollTotp: mustEnrollTotp({ role: user.role, totpEnabled }),
    reauthenticationMethods: reauthenticationMethods(user),
    previousSignInAt: toIsoOrNull(await findPreviousSessionStart(deps.db, user.id)),
  };
}

function toIsoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

/** Where to tell a user of something: the address of an account that exists and is not disabled. */
export async function activeUserEmail(deps: Pick<AuthDeps, 'db'>, userId: string): Promise<string | undefined> {
  const user = await findUserById(deps.db, userId);
  return user && user.disabled_at === null ? user.email : undefined;
}

/** Whether the account exists and is not disabled: what public pages of a photographer depend on. */
export async function accountActive(deps: Pick<AuthDeps, 'db'>, userId: string): Promise<boolean> {
  return (await activeUserEmail(deps, userId)) !== undefined;
}

/** Which of these accounts are active: accountActive for many at once (a bounded number of queries). */
export async function activeAccounts(deps: Pick<AuthDeps, 'db'>, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const found: string[] = [];
  for (let start = 0; start < unique.length; start += 500) found.push(...(await listActiveUserIds(deps.db, unique.slice(start, start + 500))));
  return new Set(found);
}

/** The email addresses of these accounts, by id (disabled included; a deleted account is absent): who did what, in the audit trail. */
export async function userEmails(deps: Pick<AuthDeps, 'db'>, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const found: Array<{ id: string; email: string }> = [];
  for (let start = 0; start < unique.length; start += 500) found.push(...(await listUserEmails(deps.db, unique.slice(start, start + 500))));
  return new Map(found.map((row) => [row.id, row.email]));
}

/** Where to tell the operators of something (a studio at a limit, …): the active admins' addresses. */
export async function activeAdminEmails(deps: Pick<AuthDeps, 'db'>): Promise<string[]> {
  return listActiveAdminEmails(deps.db);
}

/** The signed-in person; `active` is the studio their session acts in (from the principal), else the default. */
export async function currentUserView(deps: Pick<AuthDeps, 'db'>, userId: string, active?: { studioId: string | null; studioRole: StudioRole | null }): Promise<UserView> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('not_signed_in', 'Sign in to continue.', 401);
  return userView(deps, user, active);
}

export interface AdminUserView {
  id: string;
  email: string;
  role: UserRole;
  status: 'invited' | 'active' | 'disabled';
  emailVerified: boolean;
  totpEnabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
  activeSessions: number;
  /** A disabled photographer's deliveries and links are suspended until the account is enabled. */
  deliveriesSuspended: boolean;
}

function adminUserView(user: UserListRow): AdminUserView {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    status: user.disabled_at !== null ? 'disabled' : user.email_verified_at === null ? 'invited' : 'active',
    emailVerified: user.email_verified_at !== null,
    totpEnabled: user.totp_enabled_at !== null,
    createdAt: new Date(user.created_at).toISOString(),
    lastSignInAt: user.last_sign_in_at === null ? null : new Date(user.last_sign_in_at).toISOString(),
    activeSessions: user.active_sessions,
    deliveriesSuspended: user.role === 'photographer' && user.disabled_at !== null,
  };
}

export async function listUsersForAdmin(deps: AuthDeps, filter: UserListFilter = {}): Promise<AdminUserView[]> {
  const rows = await listUsersWithSessionCounts(deps.db, deps.now(), filter);
  return rows.map(adminUserView);
}

async function adminUserViewById(deps: AuthDeps, userId: string): Promise<AdminUserView> {
  const [row] = await listUsersWithSessionCounts(deps.db, deps.now(), { userId });
  if (!row) throw new NotFoundError('user_not_found', 'No such user.');
  return adminUserView(row);
}

const emailTaken = () => new AppError('email_taken', 'An account with this email already exists.', 409);
const lookAlike = () => new AppError('email_confusable', 'An account with an address that looks the same already exists.', 409);

/**
 * The email of a new account: who made it (the admin's address; the CLI and first-run setup
 * have none to give, so "the administrator of this Shutterlock server"), which studio is theirs,
 * and where to sign in. Naming both is what tells an expected invitation from a phishing one.
 */
export function accountInvitationMail(mail: { inviter: string | undefined; studio: string | undefined; role: UserRole; signInUrl: string }): { subject: string; text: string } {
  const inviter = mail.inviter ?? 'The administrator of this Shutterlock server';
  const what =
    mail.studio !== undefined
      ? `an account on Shutterlock for you, with your own studio, “${mail.studio}”: your photo library, client deliveries and team live there`
      : `an ${mail.role === 'admin' ? 'administrator ' : ''}account on Shutterlock for you`;
  return {
    subject: 'You have been invited to Shutterlock',
    text: [
      `${inviter} has made ${what}.`,
      '',
      `Sign in at ${mail.signInUrl} with this email address: we will email you a one-time code.`,
      '',
      `If you did not expect this, you can ignore this message${mail.inviter === undefined ? '' : `, or ask ${mail.inviter}`}.`,
    ].join('\n'),
  };
}

/**
 * Creates an account; a photographer gets their own studio (the tenant their data and keys
 * belong to) as its owner, named as the admin says — never after the owner's sign-in email,
 * which delivery clients would see. Account and studio are made in one transaction: two
 * requests racing for one address give one account and a 409, never an orphan studio. The
 * invitation email (accountInvitationMail) names who made the account and the studio, and
 * points at the sign-in page: the first sign-in with an emailed code verifies the address.
 */
export async function createUser(
  deps: AuthDeps,
  /** A photographer always gets a studio; an admin only with `withStudio` (the first admin who photographs too, setup.ts). */
  input: { email: string; role: UserRole; studioName?: string; withStudio?: boolean },
  audit: { actorUserId: string | null } & Partial<RequestOrigin>,
  options: { sendInvitation?: boolean; ownStudio?: boolean } = {},
): Promise<AdminUserView> {
  const email = normalizeEmail(input.email);
  const skeleton = emailSkeleton(email);
  const refusal = async () => ((await findUserByEmail(deps.db, email)) ? emailTaken() : lookAlike());
  if (await findUserBySkeleton(deps.db, skeleton)) throw await refusal();
  const now = deps.now();
  const id = generateId();
  let ownStudioId: string | undefined;
  try {
    await inTransaction(deps.db, async (trx) => {
      // A person joining through a studio invitation (auth/teams.ts) starts without a studio of their own;
      // an admin gets one only with `withStudio` (the first admin who photographs too, setup.ts).
      const ownsStudio = (input.role === 'photographer' && (options.ownStudio ?? true)) || input.withStudio === true;
      const studio = ownsStudio ? await createStudio({ db: trx, keys: deps.keys }, input.studioName ?? defaultStudioName, now) : undefined;
      await insertUser(trx, { id, email, emailSkeleton: skeleton, role: input.role, now }, studio && { studioId: studio.id });
      ownStudioId = studio?.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw await refusal();
    throw error;
  }
  await recordAudit(deps.db, { action: 'user.created', subjectUserId: id, ...audit, details: { role: input.role } });
  if (options.sendInvitation ?? true) {
    const inviter = audit.actorUserId === null ? undefined : await activeUserEmail(deps, audit.actorUserId);
    const studio = ownStudioId === undefined ? undefined : await studioName(deps, ownStudioId);
    await deps.mailer.send({ to: email, ...accountInvitationMail({ inviter, studio, role: input.role, signInUrl: `${deps.config.publicUrl}/sign-in` }) });
  }
  return adminUserViewById(deps, id);
}

/**
 * Admin changes to an account. Disabling ends every session at once and suspends the studio
 * the account owns (deliveries and signed links paused until it is enabled again); a role
 * change ends the sessions too, so the new privileges only ever come with a fresh sign-in.
 */
export async function updateUserByAdmin(
  deps: AuthDeps,
  actor: { userId: string } & RequestOrigin,
  userId: string,
  changes: { role?: UserRole; disabled?: boolean },
): Promise<AdminUserView> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new NotFoundError('user_not_found', 'No such user.');
  if (userId === actor.userId && (changes.disabled === true || (changes.role && changes.role !== user.role))) {
    throw new AppError('cannot_change_own_account', 'You cannot disable yourself or change your own role.', 409);
  }
  const now = deps.now();
  const audit = { actorUserId: actor.userId, subjectUserId: userId, ip: actor.ip, userAgent: actor.userAgent };
  if (changes.role && changes.role !== user.role) {
    if (changes.role === 'photographer' && !(await ownedStudioId(deps.db, userId))) {
      throw new AppError('role_change_unsupported', 'An administrator without a studio cannot become a photographer yet.', 409);
    }
    await updateUser(deps.db, userId, { role: changes.role, updated_at: now });
    await revokeUserSessions(deps, userId, 'role_changed');
    await recordAudit(deps.db, { action: 'user.role_changed', ...audit, details: { from: user.role, to: changes.role } });
  }
  if (changes.disabled !== undefined && changes.disabled !== (user.disabled_at !== null)) {
    await updateUser(deps.db, userId, { disabled_at: changes.disabled ? now : null, updated_at: now });
    // A disabled photographer's deliveries and links stop too, and resume with the account.
    const studioId = await ownedStudioId(deps.db, userId);
    if (studioId) await setStudioSuspended(deps, studioId, changes.disabled, now);
    if (changes.disabled) await revokeUserSessions(deps, userId, 'account_disabled');
    await recordAudit(deps.db, { action: changes.disabled ? 'user.disabled' : 'user.enabled', ...audit });
  }
  return adminUserViewById(deps, userId);
}

/**
 * An administrator's reset of a second factor, for an owner who lost their authenticator and
 * recovery codes (or whose account someone else enrolled): TOTP and recovery codes go, every
 * session ends, and the owner signs in again with an emailed code. Audited and emailed.
 */
export async function resetSecondFactorByAdmin(deps: AuthDeps, actor: { userId: string } & RequestOrigin, userId: string): Promise<AdminUserView> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new NotFoundError('user_not_found', 'No such user.');
  if (userId === actor.userId) throw new AppError('cannot_change_own_account', 'Another administrator must reset your second factor.', 409);
  if (user.totp_enabled_at === null && user.totp_pending_seed === null) throw new AppError('totp_not_enabled', 'This account has no second factor to reset.', 409);
  const now = deps.now();
  await clearSecondFactor(deps, userId, now);
  await deleteSignInGuard(deps.db, userId);
  const revoked = await revokeUserSessions(deps, userId, 'second_factor_reset');
  await recordAudit(deps.db, {
    action: 'auth.second_factor_reset',
    actorUserId: actor.userId,
    subjectUserId: userId,
    ip: actor.ip,
    userAgent: actor.userAgent,
    details: { sessionsEnded: revoked },
  });
  // No network in this email: it would be the administrator's.
  await notifyCredentialChange(deps, user, 'second_factor_reset_by_admin', {});
  return adminUserViewById(deps, userId);
}

export async function revokeSessionsByAdmin(deps: AuthDeps, actor: { userId: string } & RequestOrigin, userId: string): Promise<number> {
  if (!(await findUserById(deps.db, userId))) throw new NotFoundError('user_not_found', 'No such user.');
  const revoked = await revokeUserSessions(deps, userId, 'ended_by_admin');
  await recordAudit(deps.db, { action: 'user.sessions_revoked', actorUserId: actor.userId, subjectUserId: userId, ip: actor.ip, userAgent: actor.userAgent, details: { revoked } });
  return revoked;
}

export interface StudioMemberView {
  userId: string;
  email: string;
  role: StudioRole;
  disabled: boolean;
  lastSignInAt: string | null;
}

/** The members of each studio asked for, oldest membership first, for the admin console. */
export async function studioMembers(deps: Pick<AuthDeps, 'db'>, studioIds: readonly string[]): Promise<Map<string, StudioMemberView[]>> {
  const members = new Map<string, StudioMemberView[]>(studioIds.map((id) => [id, []]));
  for (const row of await listStudioMembers(deps.db, studioIds)) {
    members.get(row.studio_id)?.push({
      userId: row.user_id,
      email: row.email,
      role: row.role,
      disabled: row.disabled_at !== null,
      lastSignInAt: row.last_sign_in_at === null ? null : new Date(row.last_sign_in_at).toISOString(),
    });
  }
  return members;
}

/**
 * Deletes an account for good (its sessions, codes and memberships go with it); `confirmEmail`
 * must repeat its address. Returns the studio it owned alone, which the caller erases. A studio
 * always keeps an owner (docs/security/teams.md): when the account is the last owner of a studio
 * that has other members, or of more than one studio it is alone in, the deletion is refused
 * with 409 `last_owner` until an owner is named there or the studio is deleted. The check runs
 * under those studios' locks, so a concurrent demotion cannot slip between check and deletion.
 */
export async function deleteUserByAdmin(
  deps: AuthDeps,
  actor: { userId: string } & RequestOrigin,
  userId: string,
  confirmEmail: string,
): Promise<{ soleStudioId: string | null }> {
  if (actor.userId === userId) throw new AppError('cannot_change_own_account', 'You cannot delete your own account.', 400);
  const user = await findUserById(deps.db, userId);
  if (!user) throw new NotFoundError('user_not_found', 'No such user.');
  if (confirmEmail.normalize('NFC').trim().toLowerCase() !== user.email) throw new AppError('confirmation_mismatch', 'Type the account’s email address to confirm.', 400);
  return inTransaction(deps.db, async (trx) => {
    if (deps.databaseKind) {
      for (const owned of await listOwnedStudioHeadcounts(trx, userId)) await lockStudio(trx, deps.databaseKind, owned.studio_id);
    }
    const lastOwned = (await listOwnedStudioHeadcounts(trx, userId)).filter((owned) => owned.owners <= 1);
    const alone = lastOwned.filter((owned) => owned.members <= 1);
    if (alone.length < lastOwned.length || alone.length > 1) {
      const names = await Promise.all(lastOwned.map(async (owned) => `“${(await studioName({ db: trx }, owned.studio_id)) ?? 'Studio'}”`));
      throw new AppError(
        'last_owner',
        `This account is the last owner of ${names.join(', ')}: a studio keeps an owner. Signed in as this account, make another member an owner on the Team page, or delete the studio first.`,
        409,
      );
    }
    const soleStudioId = alone[0]?.studio_id ?? null;
    await deleteUserRow(trx, userId);
    await recordAudit(trx, { action: 'user.deleted', actorUserId: actor.userId, subjectUserId: userId, ip: actor.ip, userAgent: actor.userAgent, details: { role: user.role, soleStudioId } });
    return { soleStudioId };
  });
}
