import { apiDelete, apiGet, apiPost, apiPut } from './client';

/** One signed-in browser or device; times are ISO 8601. */
export interface AccountSession {
  id: string;
  device: string;
  place: string;
  createdAt: string;
  lastSeenAt: string;
  /** The session making this request. */
  current: boolean;
}

export async function listSessions(): Promise<AccountSession[]> {
  const { sessions } = await apiGet<{ sessions: AccountSession[] }>('/api/account/sessions');
  return sessions;
}

export function endSession(id: string): Promise<void> {
  return apiDelete<void>(`/api/account/sessions/${encodeURIComponent(id)}`);
}

/** Ends every session but this one; resolves to how many were ended. */
export async function endOtherSessions(): Promise<number> {
  const { revoked } = await apiPost<{ revoked: number }>('/api/account/sessions/revoke-others');
  return revoked;
}

/** Sets a new password (ending the other sessions); `currentPassword` is required once the account has one. */
export function changePassword(newPassword: string, currentPassword?: string): Promise<void> {
  return apiPut<void>('/api/account/password', { currentPassword, newPassword });
}

export interface TotpEnrollment {
  /** The shared secret, base32, for typing into an authenticator app by hand. */
  secret: string;
  otpauthUrl: string;
  /** An SVG QR code of `otpauthUrl` as a `data:` URL, for an <img>. */
  qrCodeDataUrl: string;
}

export function startTotpEnrollment(): Promise<TotpEnrollment> {
  return apiPost<TotpEnrollment>('/api/account/totp/enrollment');
}

/** Turns two-factor authentication on; resolves to the recovery codes, shown this once. */
export async function confirmTotpEnrollment(code: string): Promise<string[]> {
  const { recoveryCodes } = await apiPost<{ recoveryCodes: string[] }>('/api/account/totp/enrollment/confirm', { code });
  return recoveryCodes;
}

/** How an account confirms it is its owner before a sensitive change (strongest kind it has). */
export type ReauthenticationMethod = 'email_code' | 'password' | 'totp';

/** Emails a 6-digit confirmation code, usable in this session only. */
export async function requestReauthenticationCode(): Promise<void> {
  await apiPost<{ status: 'sent' }>('/api/account/reauthenticate/code');
}

/** Proves it is you; sensitive changes are allowed for 10 minutes after. */
export async function reauthenticate(method: ReauthenticationMethod, secret: string): Promise<void> {
  await apiPost<{ reauthenticatedUntil: string }>('/api/account/reauthenticate', { method, secret });
}

/** Replaces the recovery codes; resolves to the new ones, shown this once. */
export async function regenerateRecoveryCodes(): Promise<string[]> {
  const { recoveryCodes } = await apiPost<{ recoveryCodes: string[] }>('/api/account/totp/recovery-codes');
  return recoveryCodes;
}

/** Turns two-factor authentication off, with its recovery codes (not for admins). */
export function disableTotp(): Promise<void> {
  return apiDelete<void>('/api/account/totp');
}
