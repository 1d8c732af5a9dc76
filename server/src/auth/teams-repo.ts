import type { Kysely, Selectable } from 'kysely';
import type { StudioInvitationsTable, StudioRole, Tables } from '../db/tables.ts';

/** Queries on `studio_invitations` and on the membership rows of `studio_members` (auth/teams.ts). Tokens arrive here as their SHA-256 only. */

export type InvitationRow = Selectable<StudioInvitationsTable>;

export interface MembershipRow {
  studio_id: string;
  role: StudioRole;
  created_at: number;
}

/** Every studio a user belongs to, oldest membership first. */
export async function listUserMemberships(db: Kysely<Tables>, userId: string): Promise<MembershipRow[]> {
  return db.selectFrom('studio_members').select(['studio_id', 'role', 'created_at']).where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function findMembership(db: Kysely<Tables>, studioId: string, userId: string): Promise<MembershipRow | undefined> {
  return db.selectFrom('studio_members').select(['studio_id', 'role', 'created_at']).where('studio_id', '=', studioId).where('user_id', '=', userId).executeTakeFirst();
}

export async function countOwners(db: Kysely<Tables>, studioId: string): Promise<number> {
  const row = await db.selectFrom('studio_members').select((eb) => eb.fn.countAll<number>().as('count')).where('studio_id', '=', studioId).where('role', '=', 'owner').executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** Each studio the user owns, with how many owners and members it has: what deleting the account would leave behind. */
export async function listOwnedStudioHeadcounts(db: Kysely<Tables>, userId: string): Promise<Array<{ studio_id: string; owners: number; members: number }>> {
  const rows = await db
    .selectFrom('studio_members as mine')
    .where('mine.user_id', '=', userId)
    .where('mine.role', '=', 'owner')
    .select((eb) => [
      'mine.studio_id',
      eb.selectFrom('studio_members as owner').whereRef('owner.studio_id', '=', 'mine.studio_id').where('owner.role', '=', 'owner').select(eb.fn.countAll<number>().as('count')).as('owners'),
      eb.selectFrom('studio_members as member').whereRef('member.studio_id', '=', 'mine.studio_id').select(eb.fn.countAll<number>().as('count')).as('members'),
    ])
    .orderBy('mine.studio_id')
    .execute();
  return rows.map((row) => ({ studio_id: row.studio_id, owners: Number(row.owners ?? 0), members: Number(row.members ?? 0) }));
}

export async function insertMembership(db: Kysely<Tables>, membership: { studioId: string; userId: string; role: StudioRole; now: number }): Promise<void> {
  await db
    .insertInto('studio_members')
    .values({ studio_id: membership.studioId, user_id: membership.userId, role: membership.role, created_at: membership.now })
    .onConflict((oc) => oc.columns(['studio_id', 'user_id']).doNothing())
    .execute();
}

export async function updateMembershipRole(db: Kysely<Tables>, studioId: string, userId: string, role: StudioRole): Promise<boolean> {
  const result = await db.updateTable('studio_members').set({ role }).where('studio_id', '=', studioId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteMembership(db: Kysely<Tables>, studioId: string, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('studio_members').where('studio_id', '=', studioId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function insertInvitation(
  db: Kysely<Tables>,
  invitation: { id: string; studioId: string; email: string; role: StudioRole; tokenHash: string; invitedBy: string; now: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('studio_invitations')
    .values({
      id: invitation.id,
      studio_id: invitation.studioId,
      email: invitation.email,
      role: invitation.role,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy,
      created_at: invitation.now,
      expires_at: invitation.expiresAt,
      accepted_at: null,
      accepted_by: null,
      revoked_at: null,
    })
    .execute();
}

/** A studio's invitations still waiting for an answer, newest first. */
export async function listPendingInvitations(db: Kysely<Tables>, studioId: string, now: number): Promise<InvitationRow[]> {
  return db
    .selectFrom('studio_invitations')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function findInvitationByTokenHash(db: Kysely<Tables>, tokenHash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('studio_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks the invitation used, once: false when it was accepted, revoked or expired in the meantime. */
export async function consumeInvitation(db: Kysely<Tables>, id: string, userId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('studio_invitations')
    .set({ accepted_at: now, accepted_by: userId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Withdraws earlier pending invitations of one address to one studio (a new one replaces them), or one invitation by id. */
export async function revokeInvitations(db: Kysely<Tables>, studioId: string, target: { email: string } | { id: string }, now: number): Promise<number> {
  let query = db.updateTable('studio_invitations').set({ revoked_at: now }).where('studio_id', '=', studioId).where('accepted_at', 'is', null).where('revoked_at', 'is', null);
  query = 'email' in target ? query.where('email', '=', target.email) : query.where('id', '=', target.id);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
