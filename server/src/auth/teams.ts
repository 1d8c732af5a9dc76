import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateId, generateToken } from '../crypto/tokens.ts';
import { inTransaction } from '../db/database.ts';
import type { StudioRole } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { Principal, StudioActor } from '../http/access.ts';
import { type StudioPermission, roleAllows } from '../http/permissions.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import { runInBackground } from '../jobs/background.ts';
import { lockStudio, studioName } from '../studios/service.ts';
import { type AuthDeps, authRateLimitRules } from './context.ts';
import { maskEmail, normalizeEmail } from './email-address.ts';
import { setSessionActiveStudio } from './sessions-repo.ts';
import {
  type InvitationRow,
  countOwners,
  consumeInvitation,
  deleteMembership,
  findInvitationByTokenHash,
  findMembership,
  insertInvitation,
  insertMembership,
  listPendingInvitations,
  listUserMemberships,
  revokeInvitations,
  updateMembershipRole,
} from './teams-repo.ts';
import { activeUserEmail, createUser } from './users.ts';
import { findUserByEmail, findUserById, listStudioMembers as listMemberRows, updateUser } from './users-repo.ts';

/**
 * Studio teams (docs/security/teams.md): members with a role (owner, editor, viewer), one-time
 * invitations by email, role changes and removal by an owner — never leaving a studio without
 * an owner — and the studio switcher of a person who belongs to several. What each role may do
 * is http/permissions.ts; every request reads the person's membership afresh, so a removal or a
 * role change applies to their very next request. The other capabilities' consequences of a
 * change (context.ts, MembershipChanges) commit with it.
 */

/** How long an invitation link works. */
export const invitationLifetimeMs = 7 * 24 * 60 * 60 * 1000;
/** Pending invitations a studio may have at once (each one is an email sent in its name). */
export const maxPendingInvitations = 50;

export interface StudioMemberView {
  userId: string;
  email: string;
  role: StudioRole;
  status: 'active' | 'disabled';
  lastSignInAt: string | null;
  you: boolean;
}

export interface StudioInvitationView {
  id: string;
  email: string;
  role: StudioRole;
  createdAt: string;
  expiresAt: string;
}

export interface MyStudioView {
  id: string;
  name: string;
  role: StudioRole;
  active: boolean;
}

const iso = (at: number) => new Date(at).toISOString();
const memberNotFound = () => new NotFoundError('member_not_found', 'No such member in this studio.');
const lastOwner = () => new AppError('last_owner', 'A studio keeps at least one owner: make someone else owner first.', 409);
const invitationInvalid = () => new AppError('invitation_invalid', 'This invitation link is not valid: it may have been used, withdrawn or expired. Ask for a new one.', 400);

function invitationView(row: { id: string; email: string; role: StudioRole; created_at: number; expires_at: number }): StudioInvitationView {
  return { id: row.id, email: row.email, role: row.role, createdAt: iso(row.created_at), expiresAt: iso(row.expires_at) };
}

/** Every studio the signed-in person belongs to, and which one this session acts in. */
export async function listMyStudios(deps: AuthDeps, principal: Principal): Promise<MyStudioView[]> {
  const memberships = await listUserMemberships(deps.db, principal.userId);
  return Promise.all(
    memberships.map(async (membership) => ({
      id: membership.studio_id,
      name: (await studioName(deps, membership.studio_id)) ?? 'Studio',
      role: membership.role,
      active: membership.studio_id === principal.studioId,
    })),
  );
}

/** The studio switcher: this session acts in `studioId` from its next request on; only a studio the person belongs to. */
export async function switchStudio(deps: AuthDeps, principal: Principal, studioId: string, origin: RequestOrigin): Promise<MyStudioView[]> {
  if (!(await findMembership(deps.db, studioId, principal.userId))) throw new NotFoundError('studio_not_found', 'You are not a member of this studio.');
  await setSessionActiveStudio(deps.db, principal.sessionId, principal.userId, studioId);
  await recordAudit(deps.db, { action: 'studio.switched', actorUserId: principal.userId, subjectUserId: principal.userId, studioId, ...origin });
  return listMyStudios(deps, { ...principal, studioId });
}

export async function listStudioMembers(deps: AuthDeps, actor: StudioActor): Promise<{ members: StudioMemberView[]; invitations: StudioInvitationView[] }> {
  const rows = (await listMemberRows(deps.db, [actor.studioId])).filter((row) => row.studio_id === actor.studioId);
  return {
    members: rows.map((row) => ({
      userId: row.user_id,
      email: row.email,
      role: row.role,
      status: row.disabled_at === null ? 'active' : 'disabled',
      lastSignInAt: row.last_sign_in_at === null ? null : iso(row.last_sign_in_at),
      you: row.user_id === actor.userId,
    })),
    invitations: (await listPendingInvitations(deps.db, actor.studioId, deps.now())).map(invitationView),
  };
}

/**
 * Counts one invitation email against the studio's hourly and daily ceilings (checked before
 * anything is written or sent), so withdrawing and inviting again cannot make the studio a mail
 * relay: 429 `invitation_limit_reached` with Retry-After once one is spent. Counted against
 * both only when both allow it: a refusal by one gives back what the others counted, so a day
 * spent does not eat into the hour's allowance.
 */
const invitationCeilings = [
  ['invitationsPerStudioPerHour', 'an hour'],
  ['invitationsPerStudioPerDay', 'a day'],
] as const;

async function consumeInvitationMail(deps: AuthDeps, studioId: string): Promise<void> {
  const counted: Array<(typeof invitationCeilings)[number][0]> = [];
  for (const [rule, window] of invitationCeilings) {
    try {
      await deps.limits.consume(rule, studioId);
      counted.push(rule);
    } catch (error) {
      for (const earlier of counted) await deps.limits.refund(earlier, studioId);
      if (!(error instanceof AppError) || error.code !== 'rate_limited') throw error;
      throw new AppError('invitation_limit_reached', `Your studio may send at most ${authRateLimitRules[rule].points} invitations ${window}. Try again later.`, 429, { headers: error.headers });
    }
  }
}

/** "an editor", "a viewer", "an owner". */
const roleWithArticle = (role: StudioRole) => `${role === 'viewer' ? 'a' : 'an'} ${role}`;

/** The invitation email: the studio, who invites (an owner's address), the role and the one-time link. */
export function studioInvitationMail(mail: { studio: string; inviter: string | undefined; role: StudioRole; link: string }): { subject: string; text: string } {
  const who = mail.inviter ?? 'An owner of the studio';
  return {
    subject: `${who} invited you to join ${mail.studio} on Shutterlock`,
    text: [
      `${who} invited you to join the studio “${mail.studio}” on Shutterlock as ${roleWithArticle(mail.role)}.`,
      '',
      `Accept the invitation here (the link works once, for seven days): ${mail.link}`,
      '',
      `If you did not expect this, you can ignore this message${mail.inviter === undefined ? '' : `, or ask ${mail.inviter}`}.`,
    ].join('\n'),
  };
}

/**
 * Invites an address to the studio with a role: a one-time link (token in the URL fragment,
 * stored as its SHA-256) emailed to it, valid for seven days. A new invitation to the same
 * address replaces a pending one. Whether the address has an account is not revealed.
 */
export async function inviteStudioMember(deps: AuthDeps, actor: StudioActor, input: { email: string; role: StudioRole }): Promise<StudioInvitationView> {
  const email = normalizeEmail(input.email);
  const existing = await findUserByEmail(deps.db, email);
  if (existing && (await findMembership(deps.db, actor.studioId, existing.id))) {
    throw new AppError('already_member', 'This person is already a member of the studio.', 409);
  }
  const now = deps.now();
  const pending = await listPendingInvitations(deps.db, actor.studioId, now);
  if (pending.filter((row) => row.email !== email).length >= maxPendingInvitations) {
    throw new AppError('too_many_invitations', `A studio can have ${maxPendingInvitations} pending invitations; withdraw some first.`, 409);
  }
  await consumeInvitationMail(deps, actor.studioId);
  const token = generateToken();
  const id = generateId();
  const expiresAt = now + invitationLifetimeMs;
  await inTransaction(deps.db, async (trx) => {
    await revokeInvitations(trx, actor.studioId, { email }, now);
    await insertInvitation(trx, { id, studioId: actor.studioId, email, role: input.role, tokenHash: hashToken(token), invitedBy: actor.userId, now, expiresAt });
    await recordAudit(trx, { action: 'studio.member_invited', ...auditContext(actor), details: { invitationId: id, role: input.role, studioId: actor.studioId } }, now);
  });
  const studio = (await studioName(deps, actor.studioId)) ?? 'a studio';
  const inviter = await activeUserEmail(deps, actor.userId);
  // The token travels in the URL fragment, which browsers never send to a server or a Referer.
  const link = `${deps.config.publicUrl}/invitations/accept#token=${token}`;
  runInBackground(deps.logger, 'studio-invitation-email', () => deps.mailer.send({ to: email, ...studioInvitationMail({ studio, inviter, role: input.role, link }) }));
  return invitationView({ id, email, role: input.role, created_at: now, expires_at: expiresAt });
}

/** Withdraws a pending invitation: its link stops working. */
export async function revokeStudioInvitation(deps: AuthDeps, actor: StudioActor, invitationId: string): Promise<void> {
  const now = deps.now();
  if ((await revokeInvitations(deps.db, actor.studioId, { id: invitationId }, now)) === 0) {
    throw new NotFoundError('invitation_not_found', 'No such pending invitation.');
  }
  await recordAudit(deps.db, { action: 'studio.invitation_revoked', ...auditContext(actor), details: { invitationId, studioId: actor.studioId } }, now);
}

/** The invitation of a link's token while it can be accepted: 400 `invitation_invalid` for every other (unknown, used, withdrawn, expired). */
async function usableInvitation(deps: AuthDeps, token: string, now: number): Promise<InvitationRow> {
  const invitation = await findInvitationByTokenHash(deps.db, hashToken(token));
  if (!invitation || !isUsable(invitation, now)) throw invitationInvalid();
  return invitation;
}

function isUsable(invitation: InvitationRow, now: number): boolean {
  return invitation.accepted_at === null && invitation.revoked_at === null && invitation.expires_at > now;
}

/** Accepting is refused to an existing account that is disabled or an admin's, with the same answer as an unusable link. */
function acceptableAccount(user: { disabled_at: number | null; role: string } | undefined): boolean {
  return user !== undefined && user.disabled_at === null && user.role === 'photographer';
}

/**
 * Who opened an invitation link, as far as it concerns the invitation: nobody signed in; the
 * invited address's account; another account; or a member of the invitation's studio already
 * (their own link again, or one someone used) — who needs the studio, not the offer.
 */
export type InvitationSession = 'none' | 'invited' | 'other' | 'member';

export interface InvitationOfferView {
  /** The studio's id only for `session: 'member'`, who may switch to it. */
  studio: { id?: string; name: string };
  role: StudioRole;
  expiresAt: string;
  /** The invited address, masked (maskEmail): the link may have reached someone else. */
  email: string;
  session: InvitationSession;
}

const forAnotherAddress = (email: string) =>
  new AppError('invitation_for_another_address', `This invitation is for ${maskEmail(email)}, not for the account signed in here. Sign out, then open the link again.`, 409);

/**
 * What the acceptance page shows before the click: the studio's name, the role, when the link
 * expires and the invited address masked — not who sent it (accounts carry no name, only an
 * address). A link that could not be accepted answers as accepting it would: 400
 * `invitation_invalid`, whatever the reason — except to a signed-in member of its studio, who
 * hears they are one (a link for their own address, or any their studio's people used).
 * Rate-limited per network.
 */
export async function lookUpStudioInvitation(deps: AuthDeps, token: string, origin: RequestOrigin, principal: Principal | null): Promise<InvitationOfferView> {
  await deps.limits.consume('invitationLookupPerIp', rateLimitNetwork(origin.ip));
  const now = deps.now();
  const invitation = await findInvitationByTokenHash(deps.db, hashToken(token));
  const user = invitation && (await findUserByEmail(deps.db, invitation.email));
  if (invitation && principal) {
    const membership = await findMembership(deps.db, invitation.studio_id, principal.userId);
    if (membership && (!isUsable(invitation, now) || user?.id === principal.userId)) {
      const name = (await studioName(deps, invitation.studio_id)) ?? 'Studio';
      return { studio: { id: invitation.studio_id, name }, role: membership.role, expiresAt: iso(invitation.expires_at), email: maskEmail(invitation.email), session: 'member' };
    }
  }
  if (!invitation || !isUsable(invitation, now)) throw invitationInvalid();
  if (user && !acceptableAccount(user)) throw invitationInvalid();
  const session: InvitationSession = principal === null ? 'none' : user?.id === principal.userId ? 'invited' : 'other';
  return { studio: { name: (await studioName(deps, invitation.studio_id)) ?? 'Studio' }, role: invitation.role, expiresAt: iso(invitation.expires_at), email: maskEmail(invitation.email), session };
}

/**
 * Accepts an invitation with the token from its link. The link was emailed to the address, so
 * holding it proves the address: the membership goes to the account of that address (made
 * now, without a studio of its own, when there is none; verified either way). Works once; an
 * expired, withdrawn or used link answers `invitation_invalid`. Opened where that account is
 * signed in, the session acts in the studio joined from now on (`switched`); where another
 * account is signed in, it is refused (409 `invitation_for_another_address`) rather than giving
 * a membership to someone the page does not show. Signed out, the person then signs in with
 * that address as usual.
 */
export async function acceptStudioInvitation(
  deps: AuthDeps,
  token: string,
  origin: RequestOrigin,
  principal: Principal | null,
): Promise<{ studio: { id: string; name: string }; role: StudioRole; email: string; accountCreated: boolean; switched: boolean }> {
  await deps.limits.consume('invitationAcceptPerIp', rateLimitNetwork(origin.ip));
  const now = deps.now();
  const invitation = await usableInvitation(deps, token, now);
  let user = await findUserByEmail(deps.db, invitation.email);
  if (principal && user?.id !== principal.userId) throw forAnotherAddress(invitation.email);
  let accountCreated = false;
  if (!user) {
    const created = await createUser(deps, { email: invitation.email, role: 'photographer' }, { actorUserId: null, ...origin }, { sendInvitation: false, ownStudio: false });
    user = await findUserById(deps.db, created.id);
    accountCreated = true;
  }
  if (!user || !acceptableAccount(user)) throw invitationInvalid();
  const userId = user.id;
  const studioId = invitation.studio_id;
  await inTransaction(deps.db, async (trx) => {
    if (!(await consumeInvitation(trx, invitation.id, userId, now))) throw invitationInvalid();
    await insertMembership(trx, { studioId, userId, role: invitation.role, now });
    if (user.email_verified_at === null) await updateUser(trx, userId, { email_verified_at: now, updated_at: now });
    await recordAudit(trx, { action: 'studio.invitation_accepted', actorUserId: userId, subjectUserId: userId, studioId, ...origin, details: { invitationId: invitation.id, role: invitation.role } }, now);
    if (principal) {
      await setSessionActiveStudio(trx, principal.sessionId, userId, studioId);
      await recordAudit(trx, { action: 'studio.switched', actorUserId: userId, subjectUserId: userId, studioId, ...origin }, now);
    }
  });
  // Signed out, whoever holds the link accepts (a forwarded link joins the invited address, not
  // them): the address is masked as the lookup masks it, or accepting would hand it over.
  const email = principal === null ? maskEmail(invitation.email) : invitation.email;
  return { studio: { id: studioId, name: (await studioName(deps, studioId)) ?? 'Studio' }, role: invitation.role, email, accountCreated, switched: principal !== null };
}

/**
 * Where the studio's email about something `userId` started (their delivery, their print order)
 * goes, read when it is sent: to them while they are an active member whose role has
 * `permission`; otherwise — they left, were demoted, or their account is disabled — to the
 * studio's active owners, so the studio still hears of it but a former member never does.
 */
export async function studioNotificationEmails(deps: Pick<AuthDeps, 'db'>, studioId: string, userId: string | null, permission: StudioPermission): Promise<string[]> {
  const active = (await listMemberRows(deps.db, [studioId])).filter((row) => row.studio_id === studioId && row.disabled_at === null);
  const starter = active.find((row) => row.user_id === userId && roleAllows(row.role, permission));
  if (starter) return [starter.email];
  return active.filter((row) => row.role === 'owner').map((row) => row.email);
}

/** Runs a change of the studio's owners under the studio's lock, so two owners demoting each other at once still leave one. */
async function underStudioLock<T>(deps: AuthDeps, studioId: string, work: (trx: AuthDeps['db']) => Promise<T>): Promise<T> {
  return inTransaction(deps.db, async (trx) => {
    if (deps.databaseKind) await lockStudio(trx, deps.databaseKind, studioId);
    return work(trx);
  });
}

export async function updateStudioMember(deps: AuthDeps, actor: StudioActor, userId: string, role: StudioRole): Promise<StudioMemberView> {
  await underStudioLock(deps, actor.studioId, async (trx) => {
    const membership = await findMembership(trx, actor.studioId, userId);
    if (!membership) throw memberNotFound();
    if (membership.role === role) return;
    if (membership.role === 'owner' && (await countOwners(trx, actor.studioId)) <= 1) throw lastOwner();
    await updateMembershipRole(trx, actor.studioId, userId, role);
    await recordAudit(trx, { ...auditContext(actor), action: 'studio.member_role_changed', subjectUserId: userId, details: { from: membership.role, to: role, studioId: actor.studioId } });
    await deps.membershipChanges.apply(trx, { actor, studioId: actor.studioId, userId, role });
  });
  const view = (await listStudioMembers(deps, actor)).members.find((member) => member.userId === userId);
  if (!view) throw memberNotFound();
  return view;
}

/** Removes a member (an owner may remove themselves — leave — unless they are the last owner). */
export async function removeStudioMember(deps: AuthDeps, actor: StudioActor, userId: string): Promise<void> {
  await underStudioLock(deps, actor.studioId, async (trx) => {
    const membership = await findMembership(trx, actor.studioId, userId);
    if (!membership) throw memberNotFound();
    if (membership.role === 'owner' && (await countOwners(trx, actor.studioId)) <= 1) throw lastOwner();
    await deleteMembership(trx, actor.studioId, userId);
    await recordAudit(trx, { ...auditContext(actor), action: 'studio.member_removed', subjectUserId: userId, details: { role: membership.role, studioId: actor.studioId } });
    await deps.membershipChanges.apply(trx, { actor, studioId: actor.studioId, userId, role: null });
  });
}

/** A member leaves the studio this session acts in (any role; the last owner cannot). */
export async function leaveStudio(deps: AuthDeps, actor: StudioActor): Promise<void> {
  await removeStudioMember(deps, actor, actor.userId);
}
