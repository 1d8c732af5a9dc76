import { apiPost } from './client';
import type { User } from './auth';

/** What the first admin can ask for besides the account: a studio of their own, for a solo photographer. */
export interface FirstAdminStudio {
  photographer: boolean;
  /** The studio's name (what clients see); the server's default when blank. */
  studioName?: string;
}

/** First run: creates the first admin with the one-time setup token and signs them in. */
export function createFirstAdmin(token: string, email: string, studio: FirstAdminStudio = { photographer: false }): Promise<{ user: User }> {
  const name = studio.studioName?.trim();
  return apiPost<{ user: User }>('/api/setup/first-admin', {
    token,
    email,
    ...(studio.photographer ? { photographer: true, ...(name ? { studioName: name } : {}) } : {}),
  });
}
