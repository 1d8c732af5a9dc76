import { apiPost } from './client';
import type { User } from './auth';

/** First run: creates the first admin with the one-time setup token and signs them in. */
export function createFirstAdmin(token: string, email: string): Promise<{ user: User }> {
  return apiPost<{ user: User }>('/api/setup/first-admin', { token, email });
}
