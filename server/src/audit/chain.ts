import { constantTimeEqual, hmacSha256Hex } from '../crypto/hashing.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { generateId } from '../crypto/tokens.ts';
import { type Db, inTransaction } from '../db/database.ts';
import { AppError, UnknownKeyVersionError } from '../errors.ts';
import { GENESIS_HASH, entryHash } from './chain-hash.ts';
import {
  type AuditEventRow,
  type AuditSealRow,
  deleteEventsUpTo,
  findChainHead,
  findLastEventBefore,
  findLatestSeal,
  insertSeal,
  selectChainPage,
  selectSeals,
} from './repo.ts';

/**
 * Sealing, verifying and pruning the audit chain (docs/security/audit-chain.md). A seal is an
 * HMAC over a chain position and the hash of the entry there, under a key derived from the
 * master key: whoever can edit the database but does not hold the master key can rewrite the
 * chain's hashes, but cannot make a seal that vouches for the rewrite.
 */

/**
 * The seal key of one master key version. The one place it is derived, so moving it to the
 * key hierarchy's purpose-specific subkeys changes only this function (and the info string
 * a verifier must know, kept in `SEAL_KEY_PURPOSE`).
 */
export const SEAL_KEY_PURPOSE = 'audit seal v1';
async function sealKey(keys: MasterKeyProvider, version?: string): Promise<{ keyVersion: string; key: Buffer }> {
  return keys.deriveKey(SEAL_KEY_PURPOSE, version);
}

function sealMessage(seal: Pick<AuditSealRow, 'kind' | 'seq' | 'entry_hash' | 'sealed_at'>): string {
  return `shutterlock audit seal v1\n${seal.kind}\n${seal.seq}\n${seal.entry_hash}\n${seal.sealed_at}`;
}

async function writeSeal(db: Db, keys: MasterKeyProvider, kind: AuditSealRow['kind'], position: { seq: number; entryHash: string }, now: number): Promise<AuditSealRow> {
  const { keyVersion, key } = await sealKey(keys);
  const unsigned = { kind, seq: position.seq, entry_hash: position.entryHash, sealed_at: now };
  const seal = { id: generateId(), ...unsigned, key_version: keyVersion, mac: hmacSha256Hex(key, sealMessage(unsigned)) };
  await insertSeal(db, seal);
  return seal;
}

/** Seals the current head unless it is sealed already; returns the position sealed, or null for an empty or unchanged chain. */
export async function sealChainHead(db: Db, keys: MasterKeyProvider, now = Date.now()): Promise<number | null> {
  const head = await findChainHead(db);
  if (head.seq === 0) return null;
  const latest = await findLatestSeal(db, 'seal');
  if (latest && latest.seq >= head.seq) return null;
  await writeSeal(db, keys, 'seal', head, now);
  return head.seq;
}

async function sealIsAuthentic(keys: MasterKeyProvider, seal: AuditSealRow): Promise<boolean> {
  try {
    const { key } = await sealKey(keys, seal.key_version);
    return constantTimeEqual(hmacSha256Hex(key, sealMessage(seal)), seal.mac);
  } catch (error) {
    if (error instanceof UnknownKeyVersionError) return false;
    throw error;
  }
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

/**
 * Walks the chain from the latest checkpoint (or the first entry) to the head, and checks every
 * seal: the first entry or seal that does not hold is named. Tail deletions show against the
 * head row and the seals; an edit that re-hashes the rest of the chain shows against the seals.
 */
export async function verifyChain(db: Db, keys: MasterKeyProvider): Promise<ChainVerification> {
  const seals = await selectSeals(db);
  const fail = (partial: Omit<ChainVerification, 'ok' | 'problem'>, problem: ChainProblem): ChainVerification => ({ ok: false, ...partial, problem });
  for (const seal of seals) {
    if (!(await sealIsAuthentic(keys, seal))) {
      return fail({ entries: 0, seals: 0, firstSeq: 0, headSeq: 0 }, { seq: seal.seq, id: null, reason: `the ${seal.kind} at position ${seal.seq} is not authentic (forged, edited, or its key version "${seal.key_version}" is not configured)` });
    }
  }
  const checkpoint = seals.filter((seal) => seal.kind === 'checkpoint').at(-1);
  const sealedHashes = new Map(seals.filter((seal) => !checkpoint || seal.seq > checkpoint.seq).map((seal) => [seal.seq, seal.entry_hash]));
  const firstSeq = checkpoint ? checkpoint.seq + 1 : 1;
  let expected = { seq: firstSeq, prevHash: checkpoint ? checkpoint.entry_hash : GENESIS_HASH };
  let entries = 0;
  const progress = () => ({ entries, seals: seals.length, firstSeq, headSeq: expected.seq - 1 });
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
    const verification = await verifyChain(trx, keys);
    if (!verification.ok) throw new AppError('audit_chain_broken', `The audit chain does not verify (${verification.problem?.reason}); nothing was pruned.`, 500);
    await writeSeal(trx, keys, 'checkpoint', cut, now);
    return deleteEventsUpTo(trx, cut.seq);
  });
}
