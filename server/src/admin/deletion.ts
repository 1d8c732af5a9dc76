import { recordAudit } from '../audit/audit-log.ts';
import type { AuthDeps } from '../auth/context.ts';
import { requireFreshTotp } from '../auth/step-up.ts';
import { deleteUserByAdmin } from '../auth/users.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import type { Db } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import { jobQueue } from '../jobs/runner.ts';
import type { JobHandler } from '../jobs/runner.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { destroyStudioKey } from '../studios/key-tombstones.ts';
import { deleteStudio, listStudioSummaries } from '../studios/service.ts';

/**
 * Deleting an account or a studio (docs/security/crypto-erase.md): after a typed confirmation
 * and a fresh TOTP code, the studio's data key is destroyed at once (a tombstone first, then
 * the wrapped key), which makes every blob of it — and every copy in a backup — unreadable;
 * the blobs and rows are then deleted by a background job that retries until none is left.
 */

export const ERASE_STUDIO_JOB = 'studio.erase';

export interface DeletionDeps {
  db: Db;
  keys: MasterKeyProvider;
  blobs: BlobStore;
  auth: AuthDeps;
  eraseStudioFiles(studioId: string): Promise<number>;
  /** Start the job runner looking now. */
  wake(): void;
}

type Actor = { userId: string } & RequestOrigin;

export interface Confirmation {
  /** The studio's name, or the account's email, typed again. */
  confirm: string;
  totpCode: string;
}

async function eraseStudio(deps: DeletionDeps, actor: Actor, studioId: string): Promise<void> {
  const audit = { actorUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent };
  await destroyStudioKey(deps, studioId, audit);
  await jobQueue().enqueue(deps.db, { kind: ERASE_STUDIO_JOB, key: studioId, payload: { studioId } });
  await recordAudit(deps.db, { action: 'studio.deleted', ...audit, studioId, details: { studioId } });
  deps.wake();
}

export async function deleteStudioByAdmin(deps: DeletionDeps, actor: Actor, studioId: string, confirmation: Confirmation): Promise<void> {
  const [studio] = await listStudioSummaries(deps, studioId);
  if (!studio) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  if (confirmation.confirm.normalize('NFC').trim() !== studio.name) throw new AppError('confirmation_mismatch', 'Type the studio’s name to confirm.', 400);
  await requireFreshTotp(deps.auth, actor.userId, confirmation.totpCode);
  await eraseStudio(deps, actor, studioId);
}

/** Deletes an account; a studio it owned alone is erased with it. Returns that studio's id. */
export async function deleteAccountByAdmin(deps: DeletionDeps, actor: Actor, userId: string, confirmation: Confirmation): Promise<string | null> {
  await requireFreshTotp(deps.auth, actor.userId, confirmation.totpCode);
  const { soleStudioId } = await deleteUserByAdmin(deps.auth, actor, userId, confirmation.confirm);
  if (soleStudioId) await eraseStudio(deps, actor, soleStudioId);
  return soleStudioId;
}

export function eraseStudioJobHandler(deps: DeletionDeps): JobHandler {
  return {
    kind: ERASE_STUDIO_JOB,
    async run(payload) {
      const { studioId } = payload as { studioId: string };
      const files = await deps.eraseStudioFiles(studioId);
      await deleteStudio(deps, studioId).catch((error: unknown) => {
        if (!(error instanceof NotFoundError)) throw error;
      });
      await recordAudit(deps.db, { action: 'studio.erased', studioId, details: { studioId, files } });
    },
  };
}
