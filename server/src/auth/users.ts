import { recordAudit } from '../audit/audit-log.ts';
import { generateId } from '../crypto/tokens.ts';
import type { UserRole } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { mustEnrollTotp } from '../http/access.ts';
import { createStudio } from '../studios/service.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import type { AuthDeps } from './context.ts';
import { revokeUserSessions } from './sessions.ts';
import { type UserListRow, type UserRow, findUserByEmail, findUserById, insertUser, listActiveAdminEmails, listUsersWithSessionCounts, ownedStudioId, updateUser } from './users-repo.ts';

/** Accounts: creation (with the photographer's own studio), the views the API returns, admin changes. */

const emailPattern = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,253}\.[^\s@<>()[\]\\,;:"]{2,63}$/u;

/** One spelling per address: NFC, trimmed, lower-cased. Refuses what is not a plausible address. */
export function normalizeEmail(input: string): string {
  const email = input.normalize('NFC').trim().toLowerCase();
  if (email.length > 254 || !emailPattern.test(email)) throw new AppError('email_invalid', 'Enter a valid email address.', 400);
  return email;
}

export interface UserView {
  id: string;
  email: string;
  role: UserRole;
  studioId: string | null;
  emailVerified: boolean;
  hasPassword: boolean;
  totpEnabled: boolean;
  mustEnrollTotp: boolean;
}

async function userView(deps: Pick<AuthDeps, 'db'>, user: UserRow): Promise<UserView> {
  const totpEnabled = user.totp_enabled_at !== null;
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    studioId: await ownedStudioId(deps.db, user.id),
    emailVerified: user.email_verified_at !== null,
    hasPassword: user.password_hash !== null,
    totpEnabled,
    mustEnrollTotp: mustEnrollTotp({ role: user.role, totpEnabled }),
  };
}

/** Where to tell a user of something: the address of an account that exists and is not disabled. */
export async function activeUserEmail(deps: Pick<AuthDeps, 'db'>, userId: string): Promise<string | undefined> {
  const user = await findUserById(deps.db, userId);
  return user && user.disabled_at === null ? user.email : undefined;
}

/** Where to tell the operators of something (a studio at a limit, …): the active admins' addresses. */
export async function activeAdminEmails(deps: Pick<AuthDeps, 'db'>): Promise<string[]> {
  return listActiveAdminEmails(deps.db);
}

export async function currentUserView(deps: Pick<AuthDeps, 'db'>, userId: string): Promise<UserView> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('not_signed_in', 'Sign in to continue.', 401);
  return userView(deps, user);
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
  };
}

export async function listUsersForAdmin(deps: AuthDeps): Promise<AdminUserView[]> {
  const rows = await listUsersWithSessionCounts(deps.db, deps.now());
  return rows.map(adminUserView);
}

async function adminUserViewById(deps: AuthDeps, userId: string): Promise<AdminUserView> {
  const [row] = await listUsersWithSessionCounts(deps.db, deps.now(), userId);
  if (!row) throw new NotFoundError('user_not_found', 'No such user.');
  return adminUserView(row);
}

/**
 * Creates an account; a photographer gets their own studio (the tenant their data and keys
 * belong to) as its owner. The invitation email points at the sign-in page: the first
 * sign-in with an emailed code verifies the address.
 */
export async function createUser(
  deps: AuthDeps,
  input: { email: string; role: UserRole },
  audit: { actorUserId: string | null } & Partial<RequestOrigin>,
  options: { sendInvitation?: boolean } = {},
): Promise<AdminUserView> {
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(deps.db, email)) throw new AppError('email_taken', 'An account with this email already exists.', 409);
  const now = deps.now();
  const id = generateId();
  const studio = input.role === 'photographer' ? await createStudio({ db: deps.db, keys: deps.keys }, email, now) : undefined;
  await insertUser(deps.db, { id, email, role: input.role, now }, studio && { studioId: studio.id });
  await recordAudit(deps.db, { action: 'user.created', subjectUserId: id, ...audit, details: { role: input.role } });
  if (options.sendInvitation ?? true) {
    await deps.mailer.send({
      to: email,
      subject: 'You have been invited to Shutterlock',
      text: [
        'An account has been created for you on Shutterlock.',
        '',
        `Sign in at ${deps.config.publicUrl}/sign-in with this email address: we will email you a one-time code.`,
        '',
        'If you did not expect this, you can ignore this message.',
      ].join('\n'),
    });
  }
  return adminUserViewById(deps, id);
}

/**
 * Admin changes to an account. Disabling ends every session at once; a role change ends them
 * too, so the new privileges only ever come with a fresh sign-in.
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
    if (changes.disabled) await revokeUserSessions(deps, userId, 'account_disabled');
    await recordAudit(deps.db, { action: changes.disabled ? 'user.disabled' : 'user.enabled', ...audit });
  }
  return adminUserViewById(deps, userId);
}

export async function revokeSessionsByAdmin(deps: AuthDeps, actor: { userId: string } & RequestOrigin, userId: string): Promise<number> {
  if (!(await findUserById(deps.db, userId))) throw new NotFoundError('user_not_found', 'No such user.');
  const revoked = await revokeUserSessions(deps, userId, 'ended_by_admin');
  await recordAudit(deps.db, { action: 'user.sessions_revoked', actorUserId: actor.userId, subjectUserId: userId, ip: actor.ip, userAgent: actor.userAgent, details: { revoked } });
  return revoked;
}
