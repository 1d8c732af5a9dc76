import type { SecretBox } from '../crypto/secret-fields.ts';
import type { Db } from '../db/database.ts';
import { type KeyRow, type ProjectRow, findKeyByPublicId, findStudioProject } from './repo.ts';
import { openKeySecret } from './secrets.ts';

/**
 * What the data plane needs of an API key before it checks a signature: the key's row, its
 * project's row and the opened signing secrets. Every signed request used to read both rows and
 * open the secret (an AES-GCM open); the busiest route spent more on that than on sending the
 * image (docs/performance.md). They are now remembered for KEY_GRANT_TTL_MS at most:
 *   - on this instance every change to a key or project (update, rotate, revoke, delete,
 *     imgproxy credentials) forgets them all before it answers (`forget`), and a lookup that
 *     raced with a change is not remembered, so a revoked key is refused by the next request;
 *   - another instance sharing the database keeps what it read for at most KEY_GRANT_TTL_MS
 *     (docs/imaging.md, "Revocation across instances").
 * Only keys that exist are remembered: an unknown public id is read again every time, and counts
 * as a failed attempt for the address.
 */

export const KEY_GRANT_TTL_MS = 1_000;
/** Beyond this many remembered keys, ended entries are swept before another is added. */
const SWEEP_ABOVE = 1_000;

export interface KeyGrant {
  key: KeyRow;
  project: ProjectRow;
  current: string;
  /** The previous secret, opened while a rotation's grace period is open when read. */
  previous: string | null;
}

export interface KeyGrants {
  /** The key named `publicId` with its project and secrets; undefined when either row is gone. */
  find(publicId: string): Promise<KeyGrant | undefined>;
  /** Forgets every remembered key: called by each change to a key or a project, after it is written. */
  forget(): void;
}

export function createKeyGrants(db: Db, secrets: SecretBox, now: () => number, ttlMs = KEY_GRANT_TTL_MS): KeyGrants {
  const remembered = new Map<string, { grant: KeyGrant; until: number }>();
  // Bumped by `forget`: a lookup that began before a change does not store what it read.
  let generation = 0;
  const sweep = (at: number): void => {
    for (const [publicId, entry] of remembered) if (entry.until <= at) remembered.delete(publicId);
  };
  return {
    async find(publicId) {
      const at = now();
      const held = remembered.get(publicId);
      if (held && held.until > at) return held.grant;
      const started = generation;
      const key = await findKeyByPublicId(db, publicId);
      if (!key) return undefined;
      const project = await findStudioProject(db, key.studio_id, key.project_id);
      if (!project) return undefined;
      const inGrace = key.previous_secret_sealed !== null && key.previous_valid_until !== null && key.previous_valid_until > at;
      const grant: KeyGrant = {
        key,
        project,
        current: await openKeySecret(secrets, key.id, key.secret_sealed, 'current'),
        previous: inGrace ? await openKeySecret(secrets, key.id, key.previous_secret_sealed!, 'previous') : null,
      };
      if (generation === started) {
        if (remembered.size >= SWEEP_ABOVE) sweep(at);
        remembered.set(publicId, { grant, until: at + ttlMs });
      }
      return grant;
    },
    forget() {
      generation += 1;
      remembered.clear();
    },
  };
}

/** The secrets that sign for a key at `now`: its current one, and the previous one through a rotation's grace period. */
export function signingSecrets(grant: KeyGrant, now: number): string[] {
  const { key } = grant;
  const inGrace = grant.previous !== null && key.previous_valid_until !== null && key.previous_valid_until > now;
  return inGrace ? [grant.current, grant.previous!] : [grant.current];
}
