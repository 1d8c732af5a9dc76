import { sha256Hex } from '../crypto/hashing.ts';

/**
 * The audit chain's canonical form (docs/security/audit-chain.md). Each entry's hash is the
 * SHA-256 of this text; the next entry stores it as `prev_hash`. Kept free of the database so
 * the migration that chained the entries written before the chain existed uses the same code.
 */

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEntry {
  seq: number;
  id: string;
  at: number;
  action: string;
  actorUserId: string | null;
  subjectUserId: string | null;
  studioId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The details exactly as stored (a JSON text), so re-serialising can never change the hash. */
  details: string;
  prevHash: string;
}

/**
 * JSON of every field with the keys in lexicographic (code point) order, no whitespace,
 * absent values as `null`; strings escaped as JSON.stringify does, integers in decimal.
 * Written out key by key (rather than a generic key sort) so the form is visible here.
 */
export function canonicalForm(entry: ChainedEntry): string {
  return JSON.stringify({
    action: entry.action,
    actorUserId: entry.actorUserId,
    at: entry.at,
    details: entry.details,
    id: entry.id,
    ip: entry.ip,
    prevHash: entry.prevHash,
    seq: entry.seq,
    studioId: entry.studioId,
    subjectUserId: entry.subjectUserId,
    userAgent: entry.userAgent,
  });
}

export function entryHash(entry: ChainedEntry): string {
  return sha256Hex(canonicalForm(entry));
}
