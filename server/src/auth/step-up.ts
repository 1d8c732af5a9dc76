import { AppError } from '../errors.ts';
import type { AuthDeps } from './context.ts';
import { matchTotp } from './totp.ts';
import { openTotpSeed } from './totp-seeds.ts';
import { advanceTotpStep, findUserById } from './users-repo.ts';

/**
 * A fresh second-factor check before an irreversible action (deleting an account or a studio):
 * the signed-in admin types a current TOTP code, which is then spent (the same step cannot be
 * used twice), so a stolen session alone cannot destroy data.
 */
export async function requireFreshTotp(deps: Pick<AuthDeps, 'db' | 'secrets'>, userId: string, code: string, now = Date.now()): Promise<void> {
  const user = await findUserById(deps.db, userId);
  if (!user?.totp_seed || user.totp_enabled_at === null) throw new AppError('second_factor_required', 'Set up two-factor authentication before deleting anything.', 403);
  const step = matchTotp(await openTotpSeed(deps.secrets, 'confirmed', userId, user.totp_seed), code, now);
  if (step === null || !(await advanceTotpStep(deps.db, userId, step))) {
    throw new AppError('second_factor_invalid', 'That authentication code is not right (or was used already). Enter the current one.', 403);
  }
}
