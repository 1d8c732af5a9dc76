import { constantTimeEqual, hmacSha256Hex } from '../crypto/hashing.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { generateId } from '../crypto/tokens.ts';
import { AUDIT_SEAL_KEY_ID, auditSealKey, auditSealKeyExists } from '../keys/peppers.ts';
import { type Db, inTransaction, withinTransaction } from '../db/database.ts';
import { AppError, UnknownKeyVersionError } from '../errors.ts';
import { GENESIS_HASH, entryHash } from './chain-hash.ts';
import {
  type AuditEventRow,
  type AuditSealRow,
  deleteEventsUpTo,
  findChainHead,
  findLastEventBefore,
  findLastSeal,
  findLatestSeal,
  insertSeal,
  selectChainPage,
  selectSeals,
} from './repo.ts';

/**
 * Sealing, verifying and pruning the audit chain (docs/security/audit-chain.md). A seal is an
 * HMAC over a chain position, the hash of the entry there, its own place in the chain of seals
 * and the previous seal's MAC, under the audit seal key (a random key wrapped by the master key,
 * keys/peppers.ts): whoever can edit the database but does not hold the master key can rewrite
 * the chain's hashes, but cannot make a seal that vouches for the rewrite, nor remove a seal
 * from the middle of the seal chain without breaking the next one's link. Removing the newest
 * seals shows as a stale newest seal (`maxSealAgeMs`): the server seals at least hourly.
 */

/** Format 1 (read only): a seal made before seals were chained, under a master-derived key. */
export const SEAL_KEY_PURPOSE = 'audit seal v1';
const FORMAT_MASTER_DERIVED = 1;
const FORMAT_CHAINED = 2;
/** The `prev_mac` the first chained seal follows when no seal came before it. */
const GENESIS_MAC = '0'.repeat(64);
/** The server seals at least this often even when nothing was appended, so a stale newest seal means removed seals. */
export const SEAL_HEARTBEAT_MS = 60 * 60_000;

type SealFields = Pick<AuditSealRow, 'kind' | 'seq' | 'entry_hash' | 'sealed_at' | 'chain_index' | 'prev_mac' | 'format'>;

function sealMessage(seal: SealFields): string {
  if (seal.format === FORMAT_MASTER_DERIVED) return `shutterlock audit seal v1\n${seal.kind}\n${seal.seq}\n${seal.entry_hash}\n${seal.sealed_at}`;
  return `shutterlock audit seal v2\n${seal.kind}\n${seal.chain_index}\n${seal.seq}\n${seal.entry_hash}\n${seal.sealed_at}\n${seal.prev_mac ?? GENESIS_MAC}`;
}

/** The keys that check seals: the wrapped seal key (format 2) and, per master version, the derived key of format 1. */
function sealVerifier(db: Db, keys: MasterKeyProvider): (seal: AuditSealRow) => Promise<boolean> {
  let chained: Promise<Buffer | undefined> | undefined;
  return async (seal) => {
    try {
      let key: Buffer | undefined;
      if (seal.format === FORMAT_CHAINED && seal.key_version === AUDIT_SEAL_KEY_ID) key = await (chained ??= auditSealKey(db, keys, { create: false }));
      else if (seal.format === FORMAT_MASTER_DERIVED) key = (await keys.deriveKey(SEAL_KEY_PURPOSE, seal.key_version)).key;
      return key !== undefined && constantTimeEqual(hmacSha256Hex(key, sealMessage(seal)), seal.mac);
    } catch (error) {
      if (error instanceof UnknownKeyVersionError) return false;
      throw error;
    }
  };
}

async function writeSeal(db: Db, keys: MasterKeyProvider, kind: AuditSealRow['kind'], position: { seq: number; entryHash: string }, now: number): Promise<AuditSealRow> {
  const key = await auditSealKey(db, keys, { create: true });
  if (!key) throw new UnknownKeyVersionError(AUDIT_SEAL_KEY_ID);
  const previous = await findLastSeal(db);
  const unsigned: SealFields = {
    kind,
    seq: position.seq,
    entry_hash: position.entryHash,
    sealed_at: now,
    chain_index: (previous?.chain_index ?? 0) + 1,
    prev_mac: previous?.mac ?? null,
    format: FORMAT_CHAINED,
  };
  const seal = { id: generateId(), ...unsigned, key_version: AUDIT_SEAL_KEY_ID, mac: hmacSha256Hex(key, sealMessage(unsigned)) };
  // chain_index is unique: two sealers racing make one seal, the other fails and seals next time.
  await insertSeal(db, seal);
  return seal;
}

/**
 * The entries after the newest seal must follow it before a seal vouches for them: a seal never
 * covers a chain that was already broken. Cheap (only the unsealed tail is read).
 */
async function assertTailFollows(db: Db, from: { seq: number; entryHash: string }, head: { seq: number; entryHash: string }): Promise<void> {
  let expected = { seq: from.seq + 1, prevHash: from.entryHash };
  for (let page = await selectChainPage(db, from.seq, pageSize); page.length > 0; page = await selectChainPage(db, expected.seq - 1, pageSize)) {
    for (const row of page) {
      const reason = entryProblem(row, expected);
      if (reason) throw new AppError('audit_chain_broken', `The audit chain does not verify at entry ${row.seq} (${reason}); nothing was sealed.`, 500);
      expected = { seq: row.seq + 1, prevHash: row.entry_hash };
    }
  }
  if (expected.seq - 1 !== head.seq || !constantTimeEqual(expected.prevHash, head.entryHash)) {
    throw new AppError('audit_chain_broken', `The audit chain does not end where its head says (${head.seq}); nothing was sealed.`, 500);
  }
}

/**
 * Seals the current head when it moved since the newest seal, or when that seal is older than
 * `SEAL_HEARTBEAT_MS` (so that removing seals shows); returns the position sealed, or null.
 * Refuses (audit_chain_broken) when the entries since the newest seal do not follow it.
 */
export async function sealChainHead(db: Db, keys: MasterKeyProvider, now = Date.now()): Promise<number | null> {
  return withinTransaction(db, async (trx) => {
    const head = await findChainHead(trx);
    const latest = await findLastSeal(trx);
    if (latest && latest.seq >= head.seq && now - latest.sealed_at < SEAL_HEARTBEAT_MS) return null;
    const from = latest && latest.kind === 'seal' && latest.seq <= head.seq ? { seq: latest.seq, entryHash: latest.entry_hash } : await lastVouchedPosition(trx);
    await assertTailFollows(trx, from, head);
    await writeSeal(trx, keys, 'seal', head, now);
    return head.seq;
  });
}

/** Where the tail check starts when the newest seal is not a plain seal: the newest checkpoint, or the start. */
async function lastVouchedPosition(db: Db): Promise<{ seq: number; entryHash: string }> {
  const checkpoint = await findLatestSeal(db, 'checkpoint');
  const seal = await findLatestSeal(db, 'seal');
  const best = [checkpoint, seal].filter((item): item is AuditSealRow => item !== undefined).sort((a, b) => b.seq - a.seq)[0];
  return best ? { seq: best.seq, entryHash: best.entry_hash } : { seq: 0, entryHash: GENESIS_HASH };
}

export interface ChainProblem {
  /** The first entry that is not what the chain says it should be (or the position a seal names). */
  seq: number;
  id: string | null;
  reason: string;
}

export interface ChainVerification {
  ok: boolean;
  /** Entries checked, from the checkpoint (or the start) to the head. */
  entries: number;
  seals: number;
  /** Where verification started: after the latest pruning checkpoint, or 1. */
  firstSeq: number;
  headSeq: number;
  /** Entries after the newest seal's position: not yet vouched for by a seal. */
  unsealed: number;
  problem: ChainProblem | null;
}

const pageSize = 1_000;

/** The entry's problem, if any, given the position and hash it must follow. */
function entryProblem(row: AuditEventRow, expected: { seq: number; prevHash: string }): string | null {
  if (row.seq > expected.seq) return `entries ${expected.seq}–${row.seq - 1} are missing (deleted)`;
  if (row.seq < expected.seq) return `position ${row.seq} appears out of order`;
  const recomputed = entryHash({
    seq: row.seq,
    id: row.id,
    at: row.at,
    action: row.action,
    actorUserId: row.actor_user_id,
    subjectUserId: row.subject_user_id,
    studioId: row.studio_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details,
    prevHash: row.prev_hash,
  });
  if (!constantTimeEqual(recomputed, row.entry_hash)) return 'its content or position does not match its hash (edited, or moved by an insertion, deletion or reordering)';
  if (!constantTimeEqual(row.prev_hash, expected.prevHash)) {
    return 'it does not follow the entry before it (an entry was inserted, replaced, reordered or deleted here, or the one before was edited and re-hashed)';
  }
  return null;
}

/** The first break in the chain of seals (ordered by `chain_index`), or null. */
function sealChainProblem(seals: readonly AuditSealRow[]): ChainProblem | null {
  let previous: AuditSealRow | undefined;
  for (const seal of seals) {
    const expectedIndex = (previous?.chain_index ?? 0) + 1;
    const at = (reason: string): ChainProblem => ({ seq: seal.seq, id: null, reason: `seal ${seal.chain_index} (position ${seal.seq}): ${reason}` });
    if (seal.chain_index !== expectedIndex) return at(`seal ${expectedIndex}${seal.chain_index > expectedIndex + 1 ? `–${seal.chain_index - 1}` : ''} is missing (seals were removed)`);
    if (seal.format === FORMAT_CHAINED && !constantTimeEqual(seal.prev_mac ?? GENESIS_MAC, previous?.mac ?? GENESIS_MAC)) {
      return at('it does not follow the seal before it (a seal was removed, replaced or reordered)');
    }
    if (seal.format !== FORMAT_CHAINED && previous?.format === FORMAT_CHAINED) return at('an unchained seal after chained ones');
    previous = seal;
  }
  return null;
}

export interface VerifyOptions {
  /**
   * Fails when the newest seal is older than this (removed seals, or a server that stopped
   * sealing). Unset: not checked. The CLI's default is twice the heartbeat plus the seal period.
   */
  maxSealAgeMs?: number;
  now?: number;
}

/**
 * Walks the chain from the latest checkpoint (or the first entry) to the head, and checks every
 * seal and the chain of seals: the first entry or seal that does not hold is named. Entries
 * with no seal at all fail; so does a stale newest seal when `maxSealAgeMs` is given. Tail
 * deletions show against the head row and the seals; an edit that re-hashes the rest of the
 * chain shows against the seals.
 */
export async function verifyChain(db: Db, keys: MasterKeyProvider, options: VerifyOptions = {}): Promise<ChainVerification> {
  const seals = await selectSeals(db);
  const fail = (partial: Omit<ChainVerification, 'ok' | 'problem'>, problem: ChainProblem): ChainVerification => ({ ok: false, ...partial, problem });
  const none = { entries: 0, seals: 0, firstSeq: 0, headSeq: 0, unsealed: 0 };
  const authentic = sealVerifier(db, keys);
  for (const seal of seals) {
    if (!(await authentic(seal))) {
      return fail(none, { seq: seal.seq, id: null, reason: `the ${seal.kind} at position ${seal.seq} is not authentic (forged, edited, or its key "${seal.key_version}" is not available)` });
    }
  }
  const sealProblem = sealChainProblem(seals);
  if (sealProblem) return fail(none, sealProblem);
  const newest = seals.at(-1);
  const now = options.now ?? Date.now();
  if (newest && options.maxSealAgeMs !== undefined && now - newest.sealed_at > options.maxSealAgeMs) {
    const minutes = Math.round((now - newest.sealed_at) / 60_000);
    return fail(none, { seq: newest.seq, id: null, reason: `the newest seal is ${minutes} minutes old, older than the ${Math.round(options.maxSealAgeMs / 60_000)} allowed: newer seals (and the entries they covered) may have been removed, or the server stopped sealing` });
  }
  const checkpoint = seals.filter((seal) => seal.kind === 'checkpoint').at(-1);
  const sealedHashes = new Map(seals.filter((seal) => seal.seq > 0 && (!checkpoint || seal.seq > checkpoint.seq)).map((seal) => [seal.seq, seal.entry_hash]));
  const firstSeq = checkpoint ? checkpoint.seq + 1 : 1;
  let expected = { seq: firstSeq, prevHash: checkpoint ? checkpoint.entry_hash : GENESIS_HASH };
  let entries = 0;
  const sealedUpTo = Math.max(0, ...seals.map((seal) => seal.seq));
  const progress = () => ({ entries, seals: seals.length, firstSeq, headSeq: expected.seq - 1, unsealed: Math.max(0, expected.seq - 1 - sealedUpTo) });
  for (let page = await selectChainPage(db, firstSeq - 1, pageSize); page.length > 0; page = await selectChainPage(db, expected.seq - 1, pageSize)) {
    for (const row of page) {
      const reason = entryProblem(row, expected);
      if (reason) return fail(progress(), { seq: row.seq, id: row.id, reason: `entry ${row.seq}: ${reason}` });
      const sealed = sealedHashes.get(row.seq);
      if (sealed !== undefined && !constantTimeEqual(sealed, row.entry_hash)) {
        return fail(progress(), { seq: row.seq, id: row.id, reason: `entry ${row.seq}: differs from the sealed chain (this entry or one before it was rewritten)` });
      }
      entries += 1;
      expected = { seq: row.seq + 1, prevHash: row.entry_hash };
    }
  }
  const last = expected.seq - 1;
  const latestSealed = Math.max(0, ...sealedHashes.keys());
  if (latestSealed > last) return fail(progress(), { seq: last + 1, id: null, reason: `entries ${last + 1}–${latestSealed} are missing: a seal covers them (deleted from the end)` });
  const head = await findChainHead(db);
  if (head.seq !== last || !constantTimeEqual(head.entryHash, expected.prevHash)) {
    return fail(progress(), { seq: Math.min(head.seq, last + 1), id: null, reason: `the chain ends at ${last} but its head says ${head.seq} (entries deleted from the end, or the head row edited)` });
  }
  if (seals.length === 0 && (await auditSealKeyExists(db))) {
    return fail(progress(), { seq: firstSeq, id: null, reason: 'there are no seals, yet the seal key exists, so seals were made: every seal was removed' });
  }
  if (seals.length === 0 && last > 0) {
    return fail(progress(), { seq: firstSeq, id: null, reason: `no seal covers entries ${firstSeq}–${last} (every seal was removed, or the chain was never sealed: run \`shutterlock audit seal\` only if you know why)` });
  }
  return { ok: true, ...progress(), problem: null };
}

/**
 * Retention: removes the entries written before `before`, after sealing a checkpoint at the
 * last one removed, so verification starts from an authenticated position instead of the
 * (now missing) first entry. Returns how many were removed.
 */
export async function pruneChain(db: Db, keys: MasterKeyProvider, before: number, now = Date.now()): Promise<number> {
  return inTransaction(db, async (trx) => {
    const cut = await findLastEventBefore(trx, before);
    if (!cut) return 0;
    await sealChainHead(trx, keys, now);
    const verification = await verifyChain(trx, keys);
    if (!verification.ok) throw new AppError('audit_chain_broken', `The audit chain does not verify (${verification.problem?.reason}); nothing was pruned.`, 500);
    await writeSeal(trx, keys, 'checkpoint', cut, now);
    return deleteEventsUpTo(trx, cut.seq);
  });
}
