import { apiGet, apiPatch, apiPost } from './client';
import type { Role } from './auth';

export type UserStatus = 'invited' | 'active' | 'disabled';

/** A user as the admin user list shows it; times are ISO 8601. */
export interface ManagedUser {
  id: string;
  email: string;
  role: Role;
  status: UserStatus;
  emailVerified: boolean;
  totpEnabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
  activeSessions: number;
  /** A disabled photographer's deliveries and signed links are paused until the account is enabled. */
  deliveriesSuspended: boolean;
}

/** What the users list narrows to (`listUsers`); empty fields are left out. */
export interface UserFilters {
  role?: 'admin' | 'photographer';
  status?: 'invited' | 'active' | 'disabled';
  email?: string;
  lastSignInAfter?: string;
  lastSignInBefore?: string;
}

export async function listUsers(filters: UserFilters = {}): Promise<ManagedUser[]> {
  const query = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
  const { users } = await apiGet<{ users: ManagedUser[] }>(`/api/admin/users${query.size > 0 ? `?${query}` : ''}`);
  return users;
}

/** Creates the account and emails the person an invitation; a photographer's studio gets `studioName` (what clients see). */
export async function createUser(email: string, role: Role, studioName?: string): Promise<ManagedUser> {
  const { user } = await apiPost<{ user: ManagedUser }>('/api/admin/users', { email, role, studioName });
  return user;
}

export async function updateUser(id: string, changes: { role?: Role; disabled?: boolean }): Promise<ManagedUser> {
  const { user } = await apiPatch<{ user: ManagedUser }>(`/api/admin/users/${encodeURIComponent(id)}`, changes);
  return user;
}

/** Signs the user out everywhere; resolves to how many sessions were ended. */
export async function endUserSessions(id: string): Promise<number> {
  const { revoked } = await apiPost<{ revoked: number }>(`/api/admin/users/${encodeURIComponent(id)}/sessions/revoke`);
  return revoked;
}

/** Turns off the user's two-factor authentication and recovery codes, signs them out everywhere, and emails them. */
export async function resetSecondFactor(id: string): Promise<ManagedUser> {
  const { user } = await apiPost<{ user: ManagedUser }>(`/api/admin/users/${encodeURIComponent(id)}/second-factor/reset`);
  return user;
}
