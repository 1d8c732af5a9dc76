import fs from 'node:fs/promises';
import path from 'node:path';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { format } from 'sql-formatter';
import { describe, expect, it } from 'vitest';
import * as alertsRepo from './admin/alerts-repo.ts';
import * as auditRepo from './audit/repo.ts';
import * as rateLimitsRepo from './http/rate-limits-repo.ts';
import * as codesRepo from './auth/codes-repo.ts';
import * as sessionsRepo from './auth/sessions-repo.ts';
import * as teamsRepo from './auth/teams-repo.ts';
import * as usersRepo from './auth/users-repo.ts';
import { capabilities } from './capabilities.ts';
import type { DatabaseKind, Db } from './db/database.ts';
import type { Tables } from './db/tables.ts';
import * as galleryRepo from './deliveries/gallery-repo.ts';
import * as mailRepo from './deliveries/mail-repo.ts';
import * as deliveriesRepo from './deliveries/repo.ts';
import * as proofingRepo from './deliveries/proofing-repo.ts';
import * as guardsRepo from './deliveries/guards-repo.ts';
import * as remindersRepo from './deliveries/reminders-repo.ts';
import * as imagesRepo from './images/repo.ts';
import * as portfolioRepo from './portfolio/repo.ts';
import * as jobsRepo from './jobs/repo.ts';
import * as jobsQueueRepo from './jobs/queue-repo.ts';
import * as labsOrdersRepo from './labs/orders-repo.ts';
import * as labsRepo from './labs/repo.ts';
import * as peppersRepo from './keys/peppers-repo.ts';
import * as versionUsageRepo from './keys/version-usage-repo.ts';
import * as brandingRepo from './studios/branding-repo.ts';
import * as studiosRepo from './studios/repo.ts';
import * as vaultRepo from './vault/repo.ts';
import * as resumableRepo from './vault/resumable-repo.ts';

/**
 * The SQL of every repository function, as both dialects compile it, committed under
 * server/queries/ (as immich commits its queries): a change to a query — a tenant filter gained
 * or lost, a different index lookup — shows in review as a diff of those files. Each function
 * runs here with example arguments against a driver that records the compiled queries and
 * answers nothing (so a function shows the queries of its path without results). Update the
 * files with `npm run sql:update`; a function without an example fails this test, and so does
 * a query on a table its capability does not own.
 */

const source = path.resolve(import.meta.dirname);
const snapshots = path.resolve(source, '..', 'queries');

/** A Driver that records what it is asked and returns no rows. */
class RecordingDriver implements Driver {
  readonly queries: CompiledQuery[] = [];

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return {
      executeQuery: async <R,>(query: CompiledQuery): Promise<QueryResult<R>> => {
        this.queries.push(query);
        return { rows: [] };
      },
      // eslint-disable-next-line require-yield
      streamQuery: async function* () {
        throw new Error('not recorded');
      },
    };
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

function recorder(kind: DatabaseKind): { db: Db; driver: RecordingDriver } {
  const driver = new RecordingDriver();
  const db = new Kysely<Tables>({
    dialect:
      kind === 'sqlite'
        ? { createAdapter: () => new SqliteAdapter(), createDriver: () => driver, createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() }
        : { createAdapter: () => new PostgresAdapter(), createDriver: () => driver, createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() },
  });
  return { db, driver };
}

const studio = 'studio-1';
const user = 'user-1';
const now = 1_700_000_000_000;
const files = ['file-1', 'file-2'];
const delivery = 'delivery-1';
const job = { id: 'vault.previews:file-1', kind: 'vault.previews', payload: { fileId: 'file-1' }, attempts: 1 };
const key = { studioId: studio, keyVersion: 'v1', wrapFormat: 1, wrappedKey: Buffer.from('wrapped') };
const pepper = { id: 'pepper.1', keyVersion: 'v1', wrapFormat: 2, wrappedKey: Buffer.from('wrapped') };

type Call = (db: Db, kind: DatabaseKind) => Promise<unknown>;
/** Each function's example calls: one per path through it that builds different SQL. */
type Examples<Module> = { [Name in keyof Module as Module[Name] extends (...args: never[]) => unknown ? Name : never]: Record<string, Call> };

const auditExamples: Examples<typeof auditRepo> = {
  advanceChainHead: { '': (db) => auditRepo.advanceChainHead(db) },
  setChainHeadHash: { '': (db) => auditRepo.setChainHeadHash(db, 7, 'hash-7') },
  findChainHead: { '': (db) => auditRepo.findChainHead(db) },
  insertAuditEvent: {
    '': (db) =>
      auditRepo.insertAuditEvent(db, {
        id: 'event-1',
        seq: 7,
        at: now,
        action: 'vault.file_trashed',
        actor_user_id: user,
        subject_user_id: user,
        studio_id: studio,
        ip: null,
        user_agent: null,
        details: '{}',
        prev_hash: 'hash-6',
        entry_hash: 'hash-7',
      }),
  },
  selectAuditEvents: {
    'every event': (db) => auditRepo.selectAuditEvents(db, { limit: 100 }),
    "one user's": (db) => auditRepo.selectAuditEvents(db, { subjectUserId: user, limit: 100 }),
    'every filter, next page': (db) => auditRepo.selectAuditEvents(db, { actorUserId: user, action: 'user.disabled', studioId: studio, from: now - 1, to: now, beforeSeq: 50, limit: 100 }),
  },
  selectChainPage: { '': (db) => auditRepo.selectChainPage(db, 1_000, 1_000) },
  selectRecentEvents: { '': (db) => auditRepo.selectRecentEvents(db, ['sign_in.password_failed', 'sign_in.code_failed'], now - 60_000, 1_000) },
  insertSeal: { '': (db) => auditRepo.insertSeal(db, { id: 'seal-1', kind: 'seal', seq: 7, entry_hash: 'hash-7', sealed_at: now, key_version: 'audit-seal.1', mac: 'mac', chain_index: 3, prev_mac: 'mac-2', format: 2 }) },
  findLatestSeal: { '': (db) => auditRepo.findLatestSeal(db, 'checkpoint') },
  findLastSeal: { '': (db) => auditRepo.findLastSeal(db) },
  selectSeals: { '': (db) => auditRepo.selectSeals(db) },
  findLastEventBefore: { '': (db) => auditRepo.findLastEventBefore(db, now) },
  deleteEventsUpTo: { '': (db) => auditRepo.deleteEventsUpTo(db, 7) },
};

const alertsExamples: Examples<typeof alertsRepo> = {
  findScanCursor: { '': (db) => alertsRepo.findScanCursor(db) },
  advanceScanCursor: { '': (db) => alertsRepo.advanceScanCursor(db, 10, 20) },
  insertAlert: {
    '': (db) =>
      alertsRepo.insertAlert(db, {
        id: 'alert-1',
        rule: 'delivery_locked',
        subject: 'delivery-1',
        studio_id: studio,
        summary: 'Delivery delivery-1 locked',
        event_count: 1,
        first_seq: 20,
        raised_at: now,
        status: 'open',
        acknowledged_at: null,
        acknowledged_by: null,
        emailed_at: null,
      }),
  },
  findRecentAlert: { '': (db) => alertsRepo.findRecentAlert(db, 'delivery_locked', 'delivery-1', now - 60_000) },
  selectAlerts: {
    'every alert': (db) => alertsRepo.selectAlerts(db, { limit: 50 }),
    'open ones': (db) => alertsRepo.selectAlerts(db, { status: 'open', limit: 50 }),
  },
  findAlert: { '': (db) => alertsRepo.findAlert(db, 'alert-1') },
  acknowledgeAlertRow: { '': (db) => alertsRepo.acknowledgeAlertRow(db, 'alert-1', user, now) },
  countEmailedSince: { '': (db) => alertsRepo.countEmailedSince(db, now - 3_600_000) },
  markAlertEmailed: { '': (db) => alertsRepo.markAlertEmailed(db, 'alert-1', now) },
};

const jobsQueueExamples: Examples<typeof jobsQueueRepo> = {
  countJobsByKindAndStatus: { '': (db) => jobsQueueRepo.countJobsByKindAndStatus(db) },
  selectJobs: {
    'every job': (db) => jobsQueueRepo.selectJobs(db, { limit: 100 }),
    'failed ones': (db) => jobsQueueRepo.selectJobs(db, { status: 'failed', limit: 100 }),
  },
  retryFailedJob: { '': (db) => jobsQueueRepo.retryFailedJob(db, 'vault.previews:file-1', now) },
};

const rateLimitsExamples: Examples<typeof rateLimitsRepo> = {
  countRateLimitPoint: { '': (db) => rateLimitsRepo.countRateLimitPoint(db, 'sl:auth:codeRequestPerIp:192.0.2.0', now, 60_000) },
  deleteRateLimitCounter: { '': (db) => rateLimitsRepo.deleteRateLimitCounter(db, 'sl:auth:codeRequestPerIp:192.0.2.0') },
  refundRateLimitPoint: { '': (db) => rateLimitsRepo.refundRateLimitPoint(db, 'sl:auth:invitationsPerStudioPerHour:studio-1', now) },
  deleteExpiredRateLimitCounters: { '': (db) => rateLimitsRepo.deleteExpiredRateLimitCounters(db, now) },
  currentRateLimitPoints: { '': (db) => rateLimitsRepo.currentRateLimitPoints(db, 'sl:images:perMinute:key-1', now) },
  findRateLimitCounter: { '': (db) => rateLimitsRepo.findRateLimitCounter(db, 'sl:images:perMinute:key-1', now) },
  saveRateLimitCounter: { '': (db) => rateLimitsRepo.saveRateLimitCounter(db, 'sl:images:perMinute:key-1', 3, now + 60_000) },
};

const codesExamples: Examples<typeof codesRepo> = {
  replaceSignInCode: {
    '': (db) =>
      codesRepo.replaceSignInCode(db, { id: 'code-1', userId: user, purpose: 'sign_in', browserHash: 'browser-hash', digest: 'digest', keyVersion: 'v1', now, expiresAt: now + 1 }),
  },
  replaceNoSignInCode: { '': (db) => codesRepo.replaceNoSignInCode(db, 'browser-hash', now) },
  findLatestSignInCode: { '': (db) => codesRepo.findLatestSignInCode(db, user, 'sign_in', 'browser-hash') },
  claimSignInCodeAttempt: { '': (db) => codesRepo.claimSignInCodeAttempt(db, 'code-1', 5) },
  consumeSignInCode: { '': (db) => codesRepo.consumeSignInCode(db, 'code-1', now) },
  findSignInGuard: { '': (db) => codesRepo.findSignInGuard(db, user) },
  swapSignInGuard: {
    'the first wrong code': (db) => codesRepo.swapSignInGuard(db, user, undefined, { failures: 1, last_failure_at: now, locked_until: null }),
    'a later one': (db) =>
      codesRepo.swapSignInGuard(db, user, { user_id: user, failures: 10, last_failure_at: now - 1, locked_until: null }, { failures: 11, last_failure_at: now, locked_until: now + 1 }),
    'after none counted': (db) =>
      codesRepo.swapSignInGuard(db, user, { user_id: user, failures: 0, last_failure_at: null, locked_until: null }, { failures: 1, last_failure_at: now, locked_until: null }),
  },
  deleteSignInGuard: { '': (db) => codesRepo.deleteSignInGuard(db, user) },
  insertCredentialChangeToken: { '': (db) => codesRepo.insertCredentialChangeToken(db, { tokenHash: 'token-hash', userId: user, change: 'password_set', now, expiresAt: now + 1 }) },
  claimCredentialChangeToken: { '': (db) => codesRepo.claimCredentialChangeToken(db, 'token-hash', now) },
  deleteRecoveryCodes: { '': (db) => codesRepo.deleteRecoveryCodes(db, user) },
  insertChallenge: { '': (db) => codesRepo.insertChallenge(db, { tokenHash: 'token-hash', userId: user, now, expiresAt: now + 1 }) },
  findChallenge: { '': (db) => codesRepo.findChallenge(db, 'token-hash') },
  countFailedChallenge: { '': (db) => codesRepo.countFailedChallenge(db, 'token-hash') },
  consumeChallenge: { '': (db) => codesRepo.consumeChallenge(db, 'token-hash', now) },
  listUnusedRecoveryCodes: { '': (db) => codesRepo.listUnusedRecoveryCodes(db, user) },
  useRecoveryCode: { '': (db) => codesRepo.useRecoveryCode(db, 'recovery-1', now) },
  replaceRecoveryCodes: {
    '': (db) =>
      codesRepo.replaceRecoveryCodes(db, user, [
        { id: 'recovery-1', user_id: user, code_digest: 'digest', key_version: 'v1', created_at: now, used_at: null },
        { id: 'recovery-2', user_id: user, code_digest: 'digest', key_version: 'v1', created_at: now, used_at: null },
      ]),
  },
  replaceResetToken: { '': (db) => codesRepo.replaceResetToken(db, { tokenHash: 'token-hash', userId: user, now, expiresAt: now + 1 }) },
  findResetToken: { '': (db) => codesRepo.findResetToken(db, 'token-hash') },
  claimResetToken: { '': (db) => codesRepo.claimResetToken(db, 'token-hash', now) },
  replaceSetupToken: { '': (db) => codesRepo.replaceSetupToken(db, { tokenHash: 'token-hash', now, expiresAt: now + 1 }) },
  claimSetupToken: { '': (db) => codesRepo.claimSetupToken(db, 'token-hash', now) },
};

const sessionsExamples: Examples<typeof sessionsRepo> = {
  insertSession: { '': (db) => sessionsRepo.insertSession(db, { id: 'session-1', tokenHash: 'token-hash', userId: user, now, authenticatedAt: now, expiresAt: now + 1, userAgent: 'agent', ip: '192.0.2.1' }) },
  findSessionWithUser: { '': (db) => sessionsRepo.findSessionWithUser(db, 'token-hash') },
  touchSession: { '': (db) => sessionsRepo.touchSession(db, 'session-1', now) },
  markSessionAuthenticated: { '': (db) => sessionsRepo.markSessionAuthenticated(db, 'session-1', now) },
  revokeSessionByTokenHash: { '': (db) => sessionsRepo.revokeSessionByTokenHash(db, 'token-hash', 'signed_in_again', now) },
  revokeUserSessionRows: {
    'every one': (db) => sessionsRepo.revokeUserSessionRows(db, user, 'password_reset', now),
    'all but one': (db) => sessionsRepo.revokeUserSessionRows(db, user, 'ended_by_user', now, 'session-1'),
  },
  revokeSessionRow: { '': (db) => sessionsRepo.revokeSessionRow(db, 'session-1', 'signed_out', now) },
  revokeUserSessionRow: { '': (db) => sessionsRepo.revokeUserSessionRow(db, user, 'session-1', 'ended_by_user', now) },
  listLiveSessions: { '': (db) => sessionsRepo.listLiveSessions(db, user, now, 60_000) },
  setSessionActiveStudio: { '': (db) => sessionsRepo.setSessionActiveStudio(db, 'session-1', user, studio) },
  findPreviousSessionStart: { '': (db) => sessionsRepo.findPreviousSessionStart(db, user) },
};

const proofingExamples: Examples<typeof proofingRepo> = {
  findProofing: { '': (db) => proofingRepo.findProofing(db, studio, 'delivery-1') },
  upsertProofing: { '': (db) => proofingRepo.upsertProofing(db, { studioId: studio, deliveryId: 'delivery-1', favouriteLimit: 40, now }) },
  deleteProofing: { '': (db) => proofingRepo.deleteProofing(db, studio, 'delivery-1') },
  insertProofingList: {
    '': (db) => proofingRepo.insertProofingList(db, { id: 'list-1', studioId: studio, deliveryId: 'delivery-1', nameKey: 'name-key', detailsSealed: 'sealed', tokenHash: 'token-hash', now }),
  },
  findProofingListByToken: { '': (db) => proofingRepo.findProofingListByToken(db, studio, 'delivery-1', 'token-hash') },
  findProofingList: { '': (db) => proofingRepo.findProofingList(db, studio, 'delivery-1', 'list-1') },
  listProofingLists: { '': (db) => proofingRepo.listProofingLists(db, studio, 'delivery-1') },
  claimOpenList: { '': (db) => proofingRepo.claimOpenList(db, studio, 'list-1', now) },
  updateListDetails: { '': (db) => proofingRepo.updateListDetails(db, studio, 'list-1', 'sealed', now) },
  setListSubmitted: {
    submit: (db) => proofingRepo.setListSubmitted(db, studio, 'list-1', now, now),
    reopen: (db) => proofingRepo.setListSubmitted(db, studio, 'list-1', null, now),
  },
  countFavourites: { '': (db) => proofingRepo.countFavourites(db, studio, 'list-1') },
  addFavourite: { '': (db) => proofingRepo.addFavourite(db, { studioId: studio, listId: 'list-1', fileId: 'file-1', now }) },
  removeFavourite: { '': (db) => proofingRepo.removeFavourite(db, studio, 'list-1', 'file-1') },
  listFavourites: {
    none: (db) => proofingRepo.listFavourites(db, studio, []),
    some: (db) => proofingRepo.listFavourites(db, studio, ['list-1', 'list-2']),
  },
};

const teamsExamples: Examples<typeof teamsRepo> = {
  listUserMemberships: { '': (db) => teamsRepo.listUserMemberships(db, user) },
  findMembership: { '': (db) => teamsRepo.findMembership(db, studio, user) },
  countOwners: { '': (db) => teamsRepo.countOwners(db, studio) },
  listOwnedStudioHeadcounts: { '': (db) => teamsRepo.listOwnedStudioHeadcounts(db, user) },
  insertMembership: { '': (db) => teamsRepo.insertMembership(db, { studioId: studio, userId: user, role: 'editor', now }) },
  updateMembershipRole: { '': (db) => teamsRepo.updateMembershipRole(db, studio, user, 'viewer') },
  deleteMembership: { '': (db) => teamsRepo.deleteMembership(db, studio, user) },
  insertInvitation: {
    '': (db) => teamsRepo.insertInvitation(db, { id: 'invitation-1', studioId: studio, email: 'someone@example.com', role: 'editor', tokenHash: 'token-hash', invitedBy: user, now, expiresAt: now + 1 }),
  },
  listPendingInvitations: { '': (db) => teamsRepo.listPendingInvitations(db, studio, now) },
  findInvitationByTokenHash: { '': (db) => teamsRepo.findInvitationByTokenHash(db, 'token-hash') },
  consumeInvitation: { '': (db) => teamsRepo.consumeInvitation(db, 'invitation-1', user, now) },
  revokeInvitations: {
    'by address': (db) => teamsRepo.revokeInvitations(db, studio, { email: 'someone@example.com' }, now),
    'by id': (db) => teamsRepo.revokeInvitations(db, studio, { id: 'invitation-1' }, now),
  },
};

const usersExamples: Examples<typeof usersRepo> = {
  findUserByEmail: { '': (db) => usersRepo.findUserByEmail(db, 'someone@example.com') },
  findUserById: { '': (db) => usersRepo.findUserById(db, user) },
  findUserBySkeleton: { '': (db) => usersRepo.findUserBySkeleton(db, 'someone@example.com') },
  insertUser: {
    'an admin': (db) => usersRepo.insertUser(db, { id: user, email: 'someone@example.com', emailSkeleton: 'someone@example.com', role: 'admin', now }),
    'a photographer with their studio': (db) => usersRepo.insertUser(db, { id: user, email: 'someone@example.com', emailSkeleton: 'someone@example.com', role: 'photographer', now }, { studioId: studio }),
  },
  updateUser: { '': (db) => usersRepo.updateUser(db, user, { disabled_at: now, updated_at: now }) },
  advanceTotpStep: { '': (db) => usersRepo.advanceTotpStep(db, user, 56_666_666) },
  ownedStudioId: { '': (db) => usersRepo.ownedStudioId(db, user) },
  adminExists: { '': (db) => usersRepo.adminExists(db) },
  listUserEmails: { '': (db) => usersRepo.listUserEmails(db, ['user-1', 'user-2']) },
  listActiveUserIds: { '': (db) => usersRepo.listActiveUserIds(db, ['user-1', 'user-2']), 'none': (db) => usersRepo.listActiveUserIds(db, []) },
  listActiveAdminEmails: { '': (db) => usersRepo.listActiveAdminEmails(db) },
  deleteUserRow: { '': (db) => usersRepo.deleteUserRow(db, user) },
  listStudioMembers: { '': (db) => usersRepo.listStudioMembers(db, [studio, 'studio-2']) },
  listUsersWithSessionCounts: {
    'every user': (db) => usersRepo.listUsersWithSessionCounts(db, now),
    'one user': (db) => usersRepo.listUsersWithSessionCounts(db, now, { userId: user }),
    'filtered': (db) =>
      usersRepo.listUsersWithSessionCounts(db, now, { role: 'photographer', status: 'active', emailContains: '50%_off', lastSignInAfter: now - 86_400_000, lastSignInBefore: now }),
  },
};

const mailExamples: Examples<typeof mailRepo> = {
  insertMailSend: {
    '': (db) =>
      mailRepo.insertMailSend(db, {
        sendId: 'send-1',
        studioId: studio,
        deliveryId: 'delivery-1',
        reason: 'resent',
        recipients: [{ digest: 'digest-1', emails: 2 }],
        at: now,
      }),
  },
  deleteMailSend: { '': (db) => mailRepo.deleteMailSend(db, studio, 'send-1') },
  pruneMailSends: { '': (db) => mailRepo.pruneMailSends(db, studio, now) },
  countStudioEmails: { '': (db) => mailRepo.countStudioEmails(db, studio, now) },
  countNewRecipients: { '': (db) => mailRepo.countNewRecipients(db, studio, now) },
  countDeliveryResends: { '': (db) => mailRepo.countDeliveryResends(db, studio, 'delivery-1', now) },
  claimMailAlert: { '': (db) => mailRepo.claimMailAlert(db, { studioId: studio, rule: 'emailsPerHour', windowStart: now, at: now }) },
};

const guardsExamples: Examples<typeof guardsRepo> = {
  countNetworkCodeAttempt: { '': (db) => guardsRepo.countNetworkCodeAttempt(db, delivery, 'source-key', now) },
  findCodeGuard: { '': (db) => guardsRepo.findCodeGuard(db, delivery, 'source-key') },
  lockCodeGuard: { '': (db) => guardsRepo.lockCodeGuard(db, delivery, 'source-key', 1, now + 900_000) },
  resetCodeGuard: { '': (db) => guardsRepo.resetCodeGuard(db, delivery, 'source-key', now) },
  clearCodeGuards: { '': (db) => guardsRepo.clearCodeGuards(db, delivery) },
};

const remindersExamples: Examples<typeof remindersRepo> = {
  listDueReminders: { '': (db) => remindersRepo.listDueReminders(db, { now, until: now + 3 * 86_400_000, madeBefore: now - 86_400_000 }, 100) },
  claimReminder: { '': (db) => remindersRepo.claimReminder(db, studio, delivery, now) },
};

const deliveriesExamples: Examples<typeof deliveriesRepo> = {
  insertDelivery: {
    '': (db) =>
      deliveriesRepo.insertDelivery(
        db,
        {
          id: delivery,
          studioId: studio,
          createdBy: user,
          detailsSealed: 'sealed',
          tokenHash: 'token-hash',
          code: { digest: 'digest', keyVersion: 'v1' },
          allowOriginals: true,
          allowZip: true,
          downloadLimit: null,
          expiresAt: now + 1,
          now,
        },
        files,
      ),
  },
  listStudioDeliveries: { '': (db) => deliveriesRepo.listStudioDeliveries(db, studio, 500) },
  findStudioDelivery: { '': (db) => deliveriesRepo.findStudioDelivery(db, studio, delivery) },
  findDeliveryByTokenHash: { '': (db) => deliveriesRepo.findDeliveryByTokenHash(db, 'token-hash') },
  findDeliveryById: { '': (db) => deliveriesRepo.findDeliveryById(db, delivery) },
  listDeliveryFileIds: { '': (db) => deliveriesRepo.listDeliveryFileIds(db, delivery) },
  listFileIdsOfDeliveries: { '': (db) => deliveriesRepo.listFileIdsOfDeliveries(db, [delivery, 'delivery-2']) },
  deliveryHasFile: { '': (db) => deliveriesRepo.deliveryHasFile(db, delivery, 'file-1') },
  listLiveDeliveriesWithFiles: { '': (db) => deliveriesRepo.listLiveDeliveriesWithFiles(db, studio, ['file-1', 'file-2'], now) },
  updateStudioDelivery: { '': (db) => deliveriesRepo.updateStudioDelivery(db, studio, delivery, { revoked_at: now, updated_at: now }) },
  countCodeAttempt: { '': (db) => deliveriesRepo.countCodeAttempt(db, delivery, now) },
  lockDelivery: { '': (db) => deliveriesRepo.lockDelivery(db, delivery, 0, now + 1) },
  recordSuccessfulOpen: { '': (db) => deliveriesRepo.recordSuccessfulOpen(db, delivery, now) },
  countDownload: { '': (db) => deliveriesRepo.countDownload(db, delivery, now) },
  markFirstDownload: { '': (db) => deliveriesRepo.markFirstDownload(db, delivery, now) },
  insertDeliverySession: {
    '': (db) => deliveriesRepo.insertDeliverySession(db, { deliveryId: delivery, tokenHash: 'token-hash', now, expiresAt: now + 1, ip: '192.0.2.1', userAgent: 'agent' }),
  },
  findDeliverySession: { '': (db) => deliveriesRepo.findDeliverySession(db, delivery, 'token-hash', now) },
  deleteDeliverySession: { '': (db) => deliveriesRepo.deleteDeliverySession(db, 'token-hash') },
  endDeliverySessions: { '': (db) => deliveriesRepo.endDeliverySessions(db, delivery, now) },
  insertDeliveryEvent: { '': (db) => deliveriesRepo.insertDeliveryEvent(db, { deliveryId: delivery, kind: 'opened', at: now, ip: '192.0.2.1', userAgent: 'agent' }) },
  listDeliveryEventRows: { '': (db) => deliveriesRepo.listDeliveryEventRows(db, delivery, 1000) },
};

const galleryExamples: Examples<typeof galleryRepo> = {
  listPlacements: { '': (db) => galleryRepo.listPlacements(db, delivery) },
  replacePlacements: {
    '': (db) =>
      galleryRepo.replacePlacements(db, delivery, [
        { fileId: 'file-1', setId: 'set-1' },
        { fileId: 'file-2', setId: null },
      ]),
  },
  listDeliverySets: { '': (db) => galleryRepo.listDeliverySets(db, delivery) },
  insertDeliverySet: { '': (db) => galleryRepo.insertDeliverySet(db, { id: 'set-1', deliveryId: delivery, nameSealed: 'sealed', position: 0, now }) },
  updateDeliverySetRow: { '': (db) => galleryRepo.updateDeliverySetRow(db, delivery, 'set-1', { name_sealed: 'sealed', position: 1, updated_at: now }) },
  deleteDeliverySetRow: { '': (db) => galleryRepo.deleteDeliverySetRow(db, delivery, 'set-1') },
  insertDeliveryEvents: {
    '': (db) => galleryRepo.insertDeliveryEvents(db, [{ deliveryId: delivery, kind: 'file_added', fileId: 'file-1', at: now, ip: '192.0.2.1', userAgent: 'agent' }]),
  },
};

const jobsExamples: Examples<typeof jobsRepo> = {
  upsertJob: { '': (db) => jobsRepo.upsertJob(db, { id: job.id, kind: job.kind, payload: job.payload, runAfter: now, createdAt: now }) },
  insertJobOnce: { '': (db) => jobsRepo.insertJobOnce(db, { id: 'vault.purge:schedule', kind: 'vault.purge', payload: null, runAfter: now, createdAt: now }) },
  claimDueJob: { '': (db) => jobsRepo.claimDueJob(db, ['vault.previews', 'vault.purge'], now, 60_000) },
  renewJobLease: { '': (db) => jobsRepo.renewJobLease(db, job, now + 60_000) },
  deleteFinishedJob: { '': (db) => jobsRepo.deleteFinishedJob(db, job) },
  rescheduleJob: { '': (db) => jobsRepo.rescheduleJob(db, job, now + 1, 'Error: retry') },
  releaseJob: { '': (db) => jobsRepo.releaseJob(db, job, now) },
  scheduleNextRun: { '': (db) => jobsRepo.scheduleNextRun(db, job, now + 1, null) },
  markJobFailed: { '': (db) => jobsRepo.markJobFailed(db, job, 'Error: gave up') },
};

const peppersExamples: Examples<typeof peppersRepo> = {
  findPepper: { '': (db) => peppersRepo.findPepper(db, 'pepper.1') },
  listPeppers: { '': (db) => peppersRepo.listPeppers(db) },
  insertPepperIfAbsent: { '': (db) => peppersRepo.insertPepperIfAbsent(db, { ...pepper, origin: 'random', createdAt: now }) },
  countPeppersByVersion: { '': (db) => peppersRepo.countPeppersByVersion(db) },
  replacePepperWrap: { '': (db) => peppersRepo.replacePepperWrap(db, pepper, { ...pepper, keyVersion: 'v2', wrappedKey: Buffer.from('rewrapped'), rewrappedAt: now }) },
};

const versionUsageExamples: Examples<typeof versionUsageRepo> = {
  listVersionUsage: { '': (db) => versionUsageRepo.listVersionUsage(db) },
  upsertVersionUsage: { '': (db) => versionUsageRepo.upsertVersionUsage(db, { version: 'v2', inUse: true, now }) },
};

const studiosExamples: Examples<typeof studiosRepo> = {
  insertStudioWithKey: { '': (db) => studiosRepo.insertStudioWithKey(db, { id: studio, name: 'Studio', createdAt: now }, { keyVersion: 'v1', wrapFormat: 2, wrappedKey: key.wrappedKey }) },
  findStudioKey: { '': (db) => studiosRepo.findStudioKey(db, studio) },
  deleteStudioAndKey: { '': (db) => studiosRepo.deleteStudioAndKey(db, studio) },
  countStudioKeysByVersion: { '': (db) => studiosRepo.countStudioKeysByVersion(db) },
  listStudioKeysNotAtVersion: { '': (db) => studiosRepo.listStudioKeysNotAtVersion(db, 'v2', 2, 200, studio) },
  replaceWrappedKey: { '': (db) => studiosRepo.replaceWrappedKey(db, key, { keyVersion: 'v2', wrapFormat: 2, wrappedKey: Buffer.from('rewrapped'), rewrappedAt: now }) },
  findStudioSettings: { '': (db) => studiosRepo.findStudioSettings(db, studio) },
  updateStudioSettings: { '': (db) => studiosRepo.updateStudioSettings(db, studio, { encryptionEnabled: false, quotaBytes: 1_000_000 }) },
  lockStudioRow: { '': (db, kind) => studiosRepo.lockStudioRow(db, kind, studio) },
  setStudioSuspendedAt: { suspend: (db) => studiosRepo.setStudioSuspendedAt(db, studio, now), resume: (db) => studiosRepo.setStudioSuspendedAt(db, studio, null) },
  findStudioSuspendedAt: { '': (db) => studiosRepo.findStudioSuspendedAt(db, studio) },
  findStudioStanding: { '': (db) => studiosRepo.findStudioStanding(db, studio) },
  listSuspendedStudioIds: { '': (db) => studiosRepo.listSuspendedStudioIds(db, [studio, 'studio-2']), 'none': (db) => studiosRepo.listSuspendedStudioIds(db, []) },
  findStudioName: { '': (db) => studiosRepo.findStudioName(db, studio) },
  deleteStudioKeys: { '': (db) => studiosRepo.deleteStudioKeys(db, [studio, 'studio-2']) },
  selectStudios: {
    'every studio': (db) => studiosRepo.selectStudios(db),
    'one studio': (db) => studiosRepo.selectStudios(db, studio),
  },
  listStudioNames: { '': (db) => studiosRepo.listStudioNames(db) },
};

const brandingExamples: Examples<typeof brandingRepo> = {
  findBranding: { '': (db) => brandingRepo.findBranding(db, studio) },
  findBrandingLogo: { '': (db) => brandingRepo.findBrandingLogo(db, studio) },
  upsertBrandingDetails: { '': (db) => brandingRepo.upsertBrandingDetails(db, studio, 'ss1.sealed', now) },
  setBrandingLogo: {
    set: (db) => brandingRepo.setBrandingLogo(db, studio, { sealed: 'ss1.logo', sha256: 'ab'.repeat(32), width: 400, height: 100 }, now),
    remove: (db) => brandingRepo.setBrandingLogo(db, studio, null, now),
  },
};

const everything = { studioId: studio, albumId: undefined, trash: false };
const upload = 'upload-1';
const resumableExamples: Examples<typeof resumableRepo> = {
  insertResumableUpload: {
    '': (db) =>
      resumableRepo.insertResumableUpload(db, {
        id: upload,
        studio_id: studio,
        user_id: user,
        album_id: null,
        name_sealed: 'sealed',
        length: 1024,
        upload_offset: 0,
        header: 'header',
        chunks: 0,
        segments: '[]',
        tail_sealed: null,
        lock_token: null,
        locked_until: null,
        file_id: null,
        on_duplicate: 'skip',
        duplicate_of: null,
        created_at: now,
        expires_at: now + 1,
      }),
  },
  findResumableUpload: { '': (db) => resumableRepo.findResumableUpload(db, { studioId: studio, userId: user }, upload) },
  lockResumableUpload: { '': (db) => resumableRepo.lockResumableUpload(db, studio, upload, { token: 'lock-1', until: now + 30_000, now }) },
  renewResumableLock: { '': (db) => resumableRepo.renewResumableLock(db, studio, upload, 'lock-1', now + 30_000) },
  advanceResumableUpload: {
    'and release': (db) => resumableRepo.advanceResumableUpload(db, studio, upload, 'lock-1', { offset: 100, chunks: 0, segments: '[]', tailSealed: 'sealed', expiresAt: now + 1 }),
    'completed, lock kept': (db) =>
      resumableRepo.advanceResumableUpload(db, studio, upload, 'lock-1', { offset: 1024, chunks: 0, segments: '[]', tailSealed: null, expiresAt: now + 1, fileId: 'file-1', duplicateOf: 'file-0', keepLock: true }),
  },
  unlockResumableUpload: { '': (db) => resumableRepo.unlockResumableUpload(db, studio, upload, 'lock-1') },
  deleteResumableUpload: { '': (db) => resumableRepo.deleteResumableUpload(db, studio, upload) },
  listExpiredResumableUploads: { '': (db) => resumableRepo.listExpiredResumableUploads(db, now, 100) },
  reservedUploadBytes: { '': (db) => resumableRepo.reservedUploadBytes(db, studio, now, 'upload-1') },
};

const vaultExamples: Examples<typeof vaultRepo> = {
  insertUploadingFile: { '': (db) => vaultRepo.insertUploadingFile(db, { id: 'file-1', studioId: studio, albumId: null, encrypted: true, blobKey: `studios/${studio}/blob-1`, now }) },
  completeUpload: {
    '': (db) => vaultRepo.completeUpload(db, 'file-1', { mediaType: 'image/jpeg', size: 1024, nameSealed: 'sealed', metadataSealed: 'sealed', contentDigest: 'digest', capturedDay: now, uploadedAt: now }),
  },
  insertPlainBlocks: { '': (db) => vaultRepo.insertPlainBlocks(db, 'file-1', 'sealed') },
  touchUpload: { '': (db) => vaultRepo.touchUpload(db, 'file-1', now) },
  claimStaleUploads: { '': (db) => vaultRepo.claimStaleUploads(db, now) },
  insertPendingBlobs: { '': (db) => vaultRepo.insertPendingBlobs(db, studio, [`studios/${studio}/blob-2`, `studios/${studio}/blob-3`], now) },
  releasePendingBlobs: { '': (db) => vaultRepo.releasePendingBlobs(db, [`studios/${studio}/blob-2`, `studios/${studio}/blob-3`]) },
  listStalePendingBlobs: { '': (db) => vaultRepo.listStalePendingBlobs(db, now, 100) },
  findPlainBlocks: { '': (db) => vaultRepo.findPlainBlocks(db, 'file-1') },
  deleteFileRow: { '': (db) => vaultRepo.deleteFileRow(db, 'file-1') },
  usedBytes: { '': (db) => vaultRepo.usedBytes(db, studio) },
  findStudioFiles: { '': (db) => vaultRepo.findStudioFiles(db, studio, files) },
  findStudioFile: { '': (db) => vaultRepo.findStudioFile(db, studio, 'file-1') },
  findVisibleFileSummary: { '': (db) => vaultRepo.findVisibleFileSummary(db, studio, 'file-1') },
  findStudioFileSizes: { '': (db) => vaultRepo.findStudioFileSizes(db, studio, files) },
  findNamedStudioFiles: { '': (db) => vaultRepo.findNamedStudioFiles(db, studio, files) },
  findFileById: { '': (db) => vaultRepo.findFileById(db, 'file-1') },
  listFilesPage: {
    'first page, newest uploads': (db) => vaultRepo.listFilesPage(db, everything, { columns: ['uploaded_at', 'id'], direction: 'desc' }, 51),
    'next page by capture day, in an album': (db) =>
      vaultRepo.listFilesPage(
        db,
        { studioId: studio, albumId: 'album-1', trash: false },
        { columns: ['captured_day', 'uploaded_at', 'id'], direction: 'asc', after: [['captured_day', now], ['uploaded_at', now], ['id', 'file-1']] },
        51,
      ),
    'the trash, files in no album': (db) => vaultRepo.listFilesPage(db, { studioId: studio, albumId: null, trash: true }, { columns: ['uploaded_at', 'id'], direction: 'desc' }, 51),
  },
  listSealedNames: { '': (db) => vaultRepo.listSealedNames(db, everything, 20_001) },
  moveStudioFiles: {
    'into one album': (db) => vaultRepo.moveStudioFiles(db, studio, files, 'album-1', now),
    'out of every album': (db) => vaultRepo.moveStudioFiles(db, studio, files, null, now),
  },
  insertAlbumFiles: { '': (db) => vaultRepo.insertAlbumFiles(db, studio, 'album-1', files, now) },
  deleteAlbumFiles: { '': (db) => vaultRepo.deleteAlbumFiles(db, studio, 'album-1', files) },
  listFileAlbumIds: { '': (db) => vaultRepo.listFileAlbumIds(db, files) },
  findFileWithContent: { '': (db) => vaultRepo.findFileWithContent(db, studio, 'digest', 'file-1') },
  listFilesWithoutContentDigest: { '': (db) => vaultRepo.listFilesWithoutContentDigest(db, 'file-0', 100) },
  setContentDigest: { '': (db) => vaultRepo.setContentDigest(db, studio, 'file-1', 'digest') },
  setDeletedAt: {
    'to the trash': (db) => vaultRepo.setDeletedAt(db, studio, 'file-1', now),
    'back from it': (db) => vaultRepo.setDeletedAt(db, studio, 'file-1', null),
  },
  markTrashPurging: {
    "a studio's trash": (db) => vaultRepo.markTrashPurging(db, { studioId: studio }),
    'trash past its retention': (db) => vaultRepo.markTrashPurging(db, { deletedBefore: now }),
  },
  listPurgeable: {
    "a studio's": (db) => vaultRepo.listPurgeable(db, { studioId: studio }, 100),
    'with abandoned uploads': (db) => vaultRepo.listPurgeable(db, { abandoned: true }, 100),
  },
  setPreviewsReady: { '': (db) => vaultRepo.setPreviewsReady(db, 'file-1', { thumbnailKey: `studios/${studio}/blob-2`, previewKey: `studios/${studio}/blob-3` }) },
  setPreviewsFailed: { '': (db) => vaultRepo.setPreviewsFailed(db, 'file-1', 'undecodable') },
  setProcessing: { '': (db) => vaultRepo.setProcessing(db, studio, 'file-1') },
  insertAlbum: { '': (db) => vaultRepo.insertAlbum(db, { id: 'album-1', studioId: studio, nameSealed: 'sealed', now }) },
  findStudioAlbum: { '': (db) => vaultRepo.findStudioAlbum(db, studio, 'album-1') },
  listStudioAlbums: {
    'every album': (db) => vaultRepo.listStudioAlbums(db, studio),
    'one album': (db) => vaultRepo.listStudioAlbums(db, studio, 'album-1'),
  },
  renameAlbum: { '': (db) => vaultRepo.renameAlbum(db, studio, 'album-1', 'sealed', now) },
  deleteAlbumRow: { '': (db) => vaultRepo.deleteAlbumRow(db, studio, 'album-1') },
  listAlbumFileIds: { '': (db) => vaultRepo.listAlbumFileIds(db, studio, 'album-1') },
  markStudioPurging: { '': (db) => vaultRepo.markStudioPurging(db, studio) },
  listStoredFilesPage: { '': (db) => vaultRepo.listStoredFilesPage(db, 'file-200', 200) },
  listStudioBlobKeys: { '': (db) => vaultRepo.listStudioBlobKeys(db, studio) },
};

const lab = 'lab-1';
const order = 'order-1';
const labsExamples: Examples<typeof labsRepo> = {
  insertLab: {
    '': (db) =>
      labsRepo.insertLab(db, {
        id: lab,
        code: 'LAB-7KQ3',
        name: 'Lab',
        contactEmails: '["lab@example.com"]',
        catalogue: '[]',
        pin: { digest: 'digest', keyVersion: 'v1', length: 6 },
        requireDeviceCode: false,
        createdBy: 'user-1',
        now,
      }),
  },
  listLabRows: { '': (db) => labsRepo.listLabRows(db) },
  findLabById: { '': (db) => labsRepo.findLabById(db, lab) },
  findLabByCode: { '': (db) => labsRepo.findLabByCode(db, 'LAB-7KQ3') },
  updateLabRow: { '': (db) => labsRepo.updateLabRow(db, lab, { name: 'Lab', updated_at: now }) },
  deleteLabRow: { '': (db) => labsRepo.deleteLabRow(db, lab) },
  countPinAttempt: { '': (db) => labsRepo.countPinAttempt(db, lab, now) },
  uncountPinAttempt: { '': (db) => labsRepo.uncountPinAttempt(db, lab) },
  lockLab: {
    'for a while': (db) => labsRepo.lockLab(db, lab, 0, now + 1, now),
    'blocked': (db) => labsRepo.lockLab(db, lab, 19, null, now),
  },
  isPortalEnabled: { '': (db) => labsRepo.isPortalEnabled(db, studio) },
  listPortalStudioIds: { '': (db) => labsRepo.listPortalStudioIds(db) },
  replaceStudioLabs: { '': (db) => labsRepo.replaceStudioLabs(db, studio, true, [lab], now) },
  listStudioLabIds: { '': (db) => labsRepo.listStudioLabIds(db, studio) },
  listLabStudioIds: { '': (db) => labsRepo.listLabStudioIds(db) },
  listEnabledLabsOfStudio: { '': (db) => labsRepo.listEnabledLabsOfStudio(db, studio) },
  insertLabSession: { '': (db) => labsRepo.insertLabSession(db, { id: 'session-1', labId: lab, tokenHash: 'token-hash', now, expiresAt: now + 1, ip: '192.0.2.1', userAgent: 'agent' }) },
  findLabSession: { '': (db) => labsRepo.findLabSession(db, 'token-hash') },
  touchLabSession: { '': (db) => labsRepo.touchLabSession(db, 'session-1', now) },
  revokeLabSession: { '': (db) => labsRepo.revokeLabSession(db, 'session-1', now) },
  revokeLabSessions: { '': (db) => labsRepo.revokeLabSessions(db, lab, now) },
  isKnownDevice: { '': (db) => labsRepo.isKnownDevice(db, lab, 'token-hash', now) },
  insertLabDevice: { '': (db) => labsRepo.insertLabDevice(db, { labId: lab, tokenHash: 'token-hash', now, expiresAt: now + 1 }) },
  deleteLabDevices: { '': (db) => labsRepo.deleteLabDevices(db, lab) },
  insertDeviceCode: { '': (db) => labsRepo.insertDeviceCode(db, { id: 'code-1', labId: lab, digest: 'digest', keyVersion: 'v1', now, expiresAt: now + 1 }) },
  countDeviceCodeAttempt: { '': (db) => labsRepo.countDeviceCodeAttempt(db, lab, now, 5) },
  consumeDeviceCode: { '': (db) => labsRepo.consumeDeviceCode(db, 'code-1', now) },
};

const orderLine = { fileId: 'file-1', sku: 'PRINT-8x10', finish: 'lustre', quantity: 2, crop: null, notes: null };
const labsOrdersExamples: Examples<typeof labsOrdersRepo> = {
  insertPrintOrder: {
    '': (db) => labsOrdersRepo.insertPrintOrder(db, { id: order, studioId: studio, labId: lab, createdBy: 'user-1', detailsSealed: 'sealed', dueDate: '2027-01-01', now }, [orderLine]),
  },
  updateDraftOrder: { '': (db) => labsOrdersRepo.updateDraftOrder(db, studio, order, { updated_at: now }, [orderLine]) },
  listStudioOrders: { '': (db) => labsOrdersRepo.listStudioOrders(db, studio, 500) },
  findStudioOrder: { '': (db) => labsOrdersRepo.findStudioOrder(db, studio, order) },
  listLabOrderRows: { '': (db) => labsOrdersRepo.listLabOrderRows(db, lab, 500) },
  findLabOrder: { '': (db) => labsOrdersRepo.findLabOrder(db, lab, order) },
  changeOrderStatus: { '': (db) => labsOrdersRepo.changeOrderStatus(db, order, 'submitted', { status: 'accepted', updated_at: now }) },
  listOrderLines: { '': (db) => labsOrdersRepo.listOrderLines(db, order) },
  countLinesOfOrders: { '': (db) => labsOrdersRepo.countLinesOfOrders(db, [order, 'order-2']) },
  insertOrderEvent: { '': (db) => labsOrdersRepo.insertOrderEvent(db, { orderId: order, kind: 'opened', byLab: true, at: now, ip: '192.0.2.1' }) },
  hasOrderEventSince: { '': (db) => labsOrdersRepo.hasOrderEventSince(db, order, 'opened', now - 1) },
  listOrderEvents: { '': (db) => labsOrdersRepo.listOrderEvents(db, order, 1000) },
};

const project = 'project-1';
const imageKey = 'key-1';
const projectRow = {
  id: project,
  studio_id: studio,
  name: 'Website',
  slug: 'site',
  description: '',
  referers: '[]',
  sources: '[]',
  require_expiry: 0,
  max_lifetime_seconds: null,
  allow_original: 0,
  imgproxy_key_sealed: null,
  imgproxy_salt_sealed: null,
  imgproxy_signature_size: 32,
  created_at: now,
  updated_at: now,
};
const keyRow = {
  id: imageKey,
  studio_id: studio,
  project_id: project,
  public_id: 'pk_public',
  name: 'Production',
  secret_sealed: 'sl1.v1.sealed',
  previous_secret_sealed: null,
  previous_valid_until: null,
  referers: null,
  sources: null,
  per_minute: 60,
  per_day: 10_000,
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
  rotated_at: null,
  created_at: now,
  updated_at: now,
};
const usageCounts = { requests: 1, bytes: 100, cache_hits: 1, refused_signature: 0, refused_expired: 0, refused_referer: 0, refused_source: 0, refused_rate_limit: 0 };

const imagesExamples: Examples<typeof imagesRepo> = {
  insertProject: { '': (db) => imagesRepo.insertProject(db, projectRow) },
  listStudioProjects: { '': (db) => imagesRepo.listStudioProjects(db, studio) },
  findStudioProject: { '': (db) => imagesRepo.findStudioProject(db, studio, project) },
  findStudioProjectBySlug: { '': (db) => imagesRepo.findStudioProjectBySlug(db, studio, 'site') },
  findImgproxyProjectsBySlug: { '': (db) => imagesRepo.findImgproxyProjectsBySlug(db, 'site', 20) },
  updateStudioProject: { '': (db) => imagesRepo.updateStudioProject(db, studio, project, { name: 'Portfolio', updated_at: now }) },
  deleteStudioProject: { '': (db) => imagesRepo.deleteStudioProject(db, studio, project) },
  insertKey: { '': (db) => imagesRepo.insertKey(db, keyRow) },
  listProjectKeys: { '': (db) => imagesRepo.listProjectKeys(db, studio, project) },
  findStudioKey: { '': (db) => imagesRepo.findStudioKey(db, studio, project, imageKey) },
  findKeyByPublicId: { '': (db) => imagesRepo.findKeyByPublicId(db, 'pk_public') },
  updateStudioKey: { '': (db) => imagesRepo.updateStudioKey(db, studio, project, imageKey, { revoked_at: now, updated_at: now }) },
  touchKeyLastUsed: { '': (db) => imagesRepo.touchKeyLastUsed(db, imageKey, now) },
  findStudioWebFile: { '': (db) => imagesRepo.findStudioWebFile(db, studio, 'file-1') },
  listStudioWebFiles: { '': (db) => imagesRepo.listStudioWebFiles(db, studio, 501) },
  findWebFileByPublicId: { '': (db) => imagesRepo.findWebFileByPublicId(db, 'public-1') },
  insertWebFile: { '': (db) => imagesRepo.insertWebFile(db, { file_id: 'file-1', studio_id: studio, public_id: 'public-1', created_at: now }) },
  deleteStudioWebFile: { '': (db) => imagesRepo.deleteStudioWebFile(db, studio, 'file-1') },
  addUsage: { '': (db) => imagesRepo.addUsage(db, { studio_id: studio, project_id: project, key_id: imageKey, minute: now, ...usageCounts }) },
  listProjectUsage: { '': (db) => imagesRepo.listProjectUsage(db, studio, project, now) },
};

const portfolioId = 'portfolio-1';
const collectionId = 'collection-1';
const portfolioRow = {
  id: portfolioId, studio_id: studio, user_id: user, slug: 'ana', display_name: 'Ana', bio: '', avatar_file_id: null, contact_url: null,
  social_links: '[]', hide_from_search: 0, custom_domain: null, created_at: now, updated_at: now,
};
const collectionRow = { id: collectionId, studio_id: studio, portfolio_id: portfolioId, slug: 'weddings', title: 'Weddings', description: '', cover_photo_id: null, watermark_json: null, position: 0, created_at: now, updated_at: now };
const photoRow = { id: 'photo-1', studio_id: studio, portfolio_id: portfolioId, collection_id: collectionId, file_id: 'file-1', position: 0, alt: '', width: 640, height: 480, published_at: now };
const siteTokenRow = { id: 'token-1', studio_id: studio, name: 'Site', token_hash: 'hash', origins: '[]', created_at: now, expires_at: null, revoked_at: null, last_used_at: null };
const portfolioExamples: Examples<typeof portfolioRepo> = {
  insertPortfolio: { '': (db) => portfolioRepo.insertPortfolio(db, portfolioRow) },
  findUserPortfolio: { '': (db) => portfolioRepo.findUserPortfolio(db, studio, user) },
  findPortfolioBySlug: { '': (db) => portfolioRepo.findPortfolioBySlug(db, 'ana') },
  findPortfolioById: { '': (db) => portfolioRepo.findPortfolioById(db, portfolioId) },
  findPortfolioByDomain: { '': (db) => portfolioRepo.findPortfolioByDomain(db, 'photos.example.com') },
  setPortfolioDomain: { '': (db) => portfolioRepo.setPortfolioDomain(db, studio, portfolioId, 'photos.example.com', now) },
  findStudioPortfolio: { '': (db) => portfolioRepo.findStudioPortfolio(db, studio, portfolioId) },
  listStudioPortfolios: { '': (db) => portfolioRepo.listStudioPortfolios(db, studio) },
  listAllPortfolios: { '': (db) => portfolioRepo.listAllPortfolios(db) },
  listCollectionsWithPhotos: { '': (db) => portfolioRepo.listCollectionsWithPhotos(db) },
  updateStudioPortfolio: { '': (db) => portfolioRepo.updateStudioPortfolio(db, studio, portfolioId, { bio: 'x', updated_at: now }) },
  deleteStudioPortfolio: { '': (db) => portfolioRepo.deleteStudioPortfolio(db, studio, portfolioId) },
  insertCollection: { '': (db) => portfolioRepo.insertCollection(db, collectionRow) },
  listPortfolioCollections: { '': (db) => portfolioRepo.listPortfolioCollections(db, studio, portfolioId) },
  listStudioCollections: { '': (db) => portfolioRepo.listStudioCollections(db, studio, 50, 0) },
  findPortfolioCollection: { '': (db) => portfolioRepo.findPortfolioCollection(db, studio, portfolioId, collectionId) },
  findStudioCollection: { '': (db) => portfolioRepo.findStudioCollection(db, studio, collectionId) },
  findCollectionBySlug: { '': (db) => portfolioRepo.findCollectionBySlug(db, studio, portfolioId, 'weddings') },
  nextCollectionPosition: { '': (db) => portfolioRepo.nextCollectionPosition(db, studio, portfolioId) },
  updatePortfolioCollection: { '': (db) => portfolioRepo.updatePortfolioCollection(db, studio, portfolioId, collectionId, { title: 'x', updated_at: now }) },
  deletePortfolioCollection: { '': (db) => portfolioRepo.deletePortfolioCollection(db, studio, portfolioId, collectionId) },
  insertPhotos: { '': (db) => portfolioRepo.insertPhotos(db, [photoRow]), 'none': (db) => portfolioRepo.insertPhotos(db, []) },
  listCollectionPhotos: { '': (db) => portfolioRepo.listCollectionPhotos(db, studio, [collectionId]), 'none': (db) => portfolioRepo.listCollectionPhotos(db, studio, []) },
  countCollectionPhotos: { '': (db) => portfolioRepo.countCollectionPhotos(db, studio, collectionId) },
  listCollectionPhotoPage: { '': (db) => portfolioRepo.listCollectionPhotoPage(db, studio, collectionId, 50, 0) },
  findPhoto: { '': (db) => portfolioRepo.findPhoto(db, 'photo-1') },
  findPortfolioPhotos: { '': (db) => portfolioRepo.findPortfolioPhotos(db, studio, portfolioId, ['photo-1']), 'none': (db) => portfolioRepo.findPortfolioPhotos(db, studio, portfolioId, []) },
  nextPhotoPosition: { '': (db) => portfolioRepo.nextPhotoPosition(db, studio, collectionId) },
  deleteCollectionPhotos: { '': (db) => portfolioRepo.deleteCollectionPhotos(db, studio, collectionId, ['photo-1']), 'none': (db) => portfolioRepo.deleteCollectionPhotos(db, studio, collectionId, []) },
  setPhotoPosition: { '': (db) => portfolioRepo.setPhotoPosition(db, studio, collectionId, 'photo-1', 2) },
  insertSiteToken: { '': (db) => portfolioRepo.insertSiteToken(db, siteTokenRow) },
  listStudioSiteTokens: { '': (db) => portfolioRepo.listStudioSiteTokens(db, studio) },
  findStudioSiteToken: { '': (db) => portfolioRepo.findStudioSiteToken(db, studio, 'token-1') },
  findSiteTokenByHash: { '': (db) => portfolioRepo.findSiteTokenByHash(db, 'hash') },
  listUsableSiteTokenOrigins: { '': (db) => portfolioRepo.listUsableSiteTokenOrigins(db, now) },
  updateStudioSiteToken: { '': (db) => portfolioRepo.updateStudioSiteToken(db, studio, 'token-1', { revoked_at: now }) },
  addDailyCount: { '': (db) => portfolioRepo.addDailyCount(db, { studio_id: studio, portfolio_id: portfolioId, day: 19_675, kind: 'view', photo_id: 'photo-1', collection_id: '', referrer: '', count: 1 }) },
  insertVisitor: { '': (db) => portfolioRepo.insertVisitor(db, { portfolio_id: portfolioId, day: 19_675, visitor_hash: 'hash' }) },
  findSalt: { '': (db) => portfolioRepo.findSalt(db, 19_675) },
  insertSalt: { '': (db) => portfolioRepo.insertSalt(db, 19_675, 'salt') },
  deleteSaltsBefore: { '': (db) => portfolioRepo.deleteSaltsBefore(db, 19_675) },
  listDailyCounts: { '': (db) => portfolioRepo.listDailyCounts(db, [portfolioId], 19_600), 'none': (db) => portfolioRepo.listDailyCounts(db, [], 19_600) },
  listDailyUniques: { '': (db) => portfolioRepo.listDailyUniques(db, [portfolioId], 19_600), 'none': (db) => portfolioRepo.listDailyUniques(db, [], 19_600) },
  rollUpVisitors: { '': (db) => portfolioRepo.rollUpVisitors(db, 19_674) },
};

/** What each repository may touch: the tables of the capability (or shared layer) it belongs to. */
const owners: Record<string, readonly string[]> = {
  audit: ['audit_events', 'audit_chain_head', 'audit_seals'],
  admin: ['alerts', 'alert_scan_cursor'],
  auth: [
    'users',
    'studio_members',
    'sessions',
    'studio_invitations',
    'sign_in_codes',
    'sign_in_guards',
    'credential_change_tokens',
    'second_factor_challenges',
    'recovery_codes',
    'password_reset_tokens',
    'setup_tokens',
  ],
  http: ['rate_limit_counters'],
  deliveries: ['deliveries', 'delivery_files', 'delivery_sets', 'delivery_proofing', 'delivery_proofing_lists', 'delivery_proofing_favourites', 'delivery_sessions', 'delivery_events', 'delivery_mail_sends', 'delivery_mail_alerts', 'delivery_code_guards'],
  images: ['image_projects', 'image_keys', 'image_web_files', 'image_usage'],
  portfolio: ['portfolios', 'portfolio_collections', 'portfolio_photos', 'portfolio_site_tokens', 'portfolio_daily_counts', 'portfolio_visitors', 'portfolio_daily_uniques', 'portfolio_salts'],
  jobs: ['jobs'],
  labs: ['labs', 'lab_portal_studios', 'studio_labs', 'lab_sessions', 'lab_devices', 'lab_device_codes', 'print_orders', 'print_order_lines', 'print_order_events'],
  keys: ['key_peppers', 'key_version_usage'],
  studios: ['studios', 'studio_keys', 'studio_branding'],
  vault: ['vault_files', 'vault_albums', 'vault_album_files', 'vault_plain_blocks', 'vault_pending_blobs', 'vault_resumable_uploads'],
};

interface Rendered {
  /** The snapshot file, under server/queries/<dialect>/. */
  file: string;
  owner: string;
  module: Record<string, unknown>;
  examples: Record<string, Record<string, Call>>;
}

const repositories: Rendered[] = [
  { file: 'admin.alerts-repo.sql', owner: 'admin', module: alertsRepo, examples: alertsExamples },
  { file: 'audit.repo.sql', owner: 'audit', module: auditRepo, examples: auditExamples },
  { file: 'auth.codes-repo.sql', owner: 'auth', module: codesRepo, examples: codesExamples },
  { file: 'auth.sessions-repo.sql', owner: 'auth', module: sessionsRepo, examples: sessionsExamples },
  { file: 'auth.teams-repo.sql', owner: 'auth', module: teamsRepo, examples: teamsExamples },
  { file: 'auth.users-repo.sql', owner: 'auth', module: usersRepo, examples: usersExamples },
  { file: 'deliveries.mail-repo.sql', owner: 'deliveries', module: mailRepo, examples: mailExamples },
  { file: 'deliveries.repo.sql', owner: 'deliveries', module: deliveriesRepo, examples: deliveriesExamples },
  { file: 'deliveries.proofing-repo.sql', owner: 'deliveries', module: proofingRepo, examples: proofingExamples },
  { file: 'deliveries.gallery-repo.sql', owner: 'deliveries', module: galleryRepo, examples: galleryExamples },
  { file: 'deliveries.guards-repo.sql', owner: 'deliveries', module: guardsRepo, examples: guardsExamples },
  { file: 'deliveries.reminders-repo.sql', owner: 'deliveries', module: remindersRepo, examples: remindersExamples },
  { file: 'images.repo.sql', owner: 'images', module: imagesRepo, examples: imagesExamples },
  { file: 'portfolio.repo.sql', owner: 'portfolio', module: portfolioRepo, examples: portfolioExamples },
  { file: 'http.rate-limits-repo.sql', owner: 'http', module: rateLimitsRepo, examples: rateLimitsExamples },
  { file: 'jobs.queue-repo.sql', owner: 'jobs', module: jobsQueueRepo, examples: jobsQueueExamples },
  { file: 'jobs.repo.sql', owner: 'jobs', module: jobsRepo, examples: jobsExamples },
  { file: 'labs.repo.sql', owner: 'labs', module: labsRepo, examples: labsExamples },
  { file: 'labs.orders-repo.sql', owner: 'labs', module: labsOrdersRepo, examples: labsOrdersExamples },
  { file: 'keys.peppers-repo.sql', owner: 'keys', module: peppersRepo, examples: peppersExamples },
  { file: 'keys.version-usage-repo.sql', owner: 'keys', module: versionUsageRepo, examples: versionUsageExamples },
  { file: 'studios.repo.sql', owner: 'studios', module: studiosRepo, examples: studiosExamples },
  { file: 'studios.branding-repo.sql', owner: 'studios', module: brandingRepo, examples: brandingExamples },
  { file: 'vault.repo.sql', owner: 'vault', module: vaultRepo, examples: vaultExamples },
  { file: 'vault.resumable-repo.sql', owner: 'vault', module: resumableRepo, examples: resumableExamples },
];

/** The generic queries over the columns each capability declares it keeps under the master keys (db/key-protected.ts). */
const keyProtected: Rendered[] = capabilities.flatMap((capability) => {
  const data = capability.keyProtected;
  if (!data?.sealedColumns && !data?.codeHashColumns) return [];
  const examples: Record<string, Record<string, Call>> = {};
  for (const column of data.sealedColumns ?? []) {
    examples[`sealed ${column.name}`] = {
      'first page': (db) => column.page(db, undefined, 200),
      'next page': (db) => column.page(db, 'id-200', 200),
      're-seal one value': (db) => column.replace(db, 'id-1', 'sl1.v1.old', 'sl2.v2.new'),
      ...(column.studioSealed && { 'still under the master key (studio-reseal.ts)': (db: Db) => column.page(db, 'id-200', 200, { underMasterKey: true }) }),
    };
  }
  for (const column of data.codeHashColumns ?? []) examples[`code hashes ${column.name}`] = { 'usable, per version': (db) => column.countUsable(db, now) };
  return [{ file: `${capability.name}.key-protected.sql`, owner: capability.name, module: {}, examples }];
});

const dialects = [
  { kind: 'sqlite', name: 'SQLite', language: 'sqlite' },
  { kind: 'postgres', name: 'PostgreSQL', language: 'postgresql' },
] as const;

/** The queries one call builds, in order; a call that fails on the empty answers still shows what it sent. */
async function queriesOf(call: Call, kind: DatabaseKind): Promise<CompiledQuery[]> {
  const { db, driver } = recorder(kind);
  await call(db, kind).catch(() => undefined);
  return driver.queries;
}

function tablesIn(sql: string): string[] {
  return [...sql.matchAll(/\b(?:from|join|into|update)\s+"([a-z_]+)"/gi)].map((match) => match[1] as string);
}

async function render(target: Rendered, dialect: (typeof dialects)[number]): Promise<{ text: string; tables: Set<string> }> {
  const sections = [`-- Rendered for ${dialect.name} by server/src/queries.test.ts from server/src/${target.file.replace(/^([^.]+)\.(.+)\.sql$/, '$1/$2.ts')}.`, '-- Do not edit: `npm run sql:update` writes this file.'];
  const tables = new Set<string>();
  for (const [name, calls] of Object.entries(target.examples)) {
    for (const [label, call] of Object.entries(calls)) {
      const queries = await queriesOf(call, dialect.kind);
      const formatted = queries.map((query) => `${format(query.sql, { language: dialect.language, tabWidth: 2, expressionWidth: 100 })};`);
      for (const query of queries) for (const table of tablesIn(query.sql)) tables.add(table);
      sections.push(`\n-- ${name}${label ? `: ${label}` : ''}\n${formatted.length > 0 ? formatted.join('\n\n') : '-- (no query on this database)'}`);
    }
  }
  return { text: `${sections.join('\n')}\n`, tables };
}

function functionsOf(module: Record<string, unknown>): string[] {
  return Object.entries(module)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
}

describe('the committed SQL of every repository function', () => {
  it('covers every repository module of server/src', async () => {
    const found = (await fs.readdir(source, { recursive: true }))
      .filter((file) => /(^|\/)([a-z-]+-)?repo\.ts$/.test(file))
      .map((file) => file.replace(/\//, '.').replace(/\.ts$/, '.sql'))
      .sort();
    expect(found).toEqual(repositories.map((repository) => repository.file).sort());
  });

  for (const repository of repositories) {
    it(`has an example call of every function of ${repository.file.replace('.sql', '')}`, () => {
      expect(Object.keys(repository.examples).sort()).toEqual(functionsOf(repository.module));
    });
  }

  it('gives every table one owner', async () => {
    const declared = await fs.readFile(path.join(source, 'db', 'tables.ts'), 'utf8');
    const tables = [...(/export interface Tables \{([^}]*)\}/.exec(declared)?.[1] ?? '').matchAll(/^\s*([a-z_]+):/gm)].map((match) => match[1]).sort();
    expect(Object.values(owners).flat().sort()).toEqual(tables);
  });

  for (const dialect of dialects) {
    for (const target of [...repositories, ...keyProtected]) {
      it(`${target.file} on ${dialect.name} matches server/queries/${dialect.kind}/${target.file}, and touches only its own tables`, async () => {
        const { text, tables } = await render(target, dialect);
        expect([...tables].filter((table) => !(owners[target.owner] ?? []).includes(table))).toEqual([]);
        await expect(text).toMatchFileSnapshot(path.join(snapshots, dialect.kind, target.file));
      });
    }
  }
});
