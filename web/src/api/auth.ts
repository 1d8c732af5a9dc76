import type { ReauthenticationMethod } from './account';
import { ApiError, apiGet, apiPost } from './client';

export type Role = 'admin' | 'photographer';
export type StudioRole = 'owner' | 'editor' | 'viewer';
/** The names of the server's studio permissions (server/src/http/permissions.ts); which role has which is the server's to say. */
export type StudioPermission = 'library.view' | 'library.originals' | 'library.edit' | 'delete' | 'deliveries' | 'lab-orders' | 'images' | 'audit' | 'members';

/** The signed-in account (`GET /api/me`). */
export interface User {
  id: string;
  email: string;
  role: Role;
  /** The studio this session acts in (the studio switcher). */
  studioId: string | null;
  /** The person's role in that studio. */
  studioRole: StudioRole | null;
  /** What that role may do there, as the server enforces it; empty without a studio (app/permissions.ts). */
  studioPermissions: StudioPermission[];
  /** How many studios the person belongs to (the switcher shows for more than one). */
  studioCount?: number;
  emailVerified: boolean;
  hasPassword: boolean;
  totpEnabled: boolean;
  /** An admin who must set up two-factor authentication before using anything else. */
  mustEnrollTotp: boolean;
  /** How this account confirms it is its owner before changing its password or second factor. */
  reauthenticationMethods: ReauthenticationMethod[];
  /** When the account signed in before this sign-in; `null` on its first (the start page says "Welcome", not "Welcome back"). */
  previousSignInAt: string | null;
}

/** A first sign-in step either signs in, or asks for the account's second factor. */
export type SignInResult = { user: User } | { secondFactorRequired: true };

/** Step 1: email a one-time sign-in code to `email`. The answer never says whether the account exists. */
export async function requestSignInCode(email: string): Promise<void> {
  await apiPost<{ status: 'sent' }>('/api/auth/sign-in/code', { email });
}

/** Step 2: check the emailed code. */
export function verifySignInCode(email: string, code: string): Promise<SignInResult> {
  return apiPost<SignInResult>('/api/auth/sign-in/verify', { email, code });
}

/** The alternative first step: email and password. */
export function signInWithPassword(email: string, password: string): Promise<SignInResult> {
  return apiPost<SignInResult>('/api/auth/sign-in/password', { email, password });
}

/** Step 3, when required: a 6-digit authenticator code or a recovery code. */
export function verifySecondFactor(code: string): Promise<{ user: User }> {
  return apiPost<{ user: User }>('/api/auth/sign-in/second-factor', { code });
}

/** Ends this session; a session that had already ended counts as signed out too. */
export async function signOut(): Promise<void> {
  try {
    await apiPost<void>('/api/auth/sign-out');
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
}

/** "This wasn't me", from a credential-change email: signs the account out everywhere and undoes the change. */
export async function disownCredentialChange(token: string): Promise<number> {
  const { sessionsEnded } = await apiPost<{ sessionsEnded: number }>('/api/auth/credential-change/disown', { token });
  return sessionsEnded;
}

/** Emails a reset link if the account exists; the answer is the same either way. */
export async function requestPasswordReset(email: string): Promise<void> {
  await apiPost<{ status: 'sent' }>('/api/auth/password-reset', { email });
}

export function completePasswordReset(token: string, newPassword: string): Promise<void> {
  return apiPost<void>('/api/auth/password-reset/complete', { token, newPassword });
}

/** The signed-in user, or `null` when nobody is signed in (the server answers 401). */
export async function fetchCurrentUser(): Promise<User | null> {
  try {
    const { user } = await apiGet<{ user: User }>('/api/me');
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
