import { ApiError, apiGet, apiPost } from './client';

/** The signed-in account, as far as the shell needs it. */
export interface User {
  id: string;
  email: string;
}

export type VerifyCodeResult = { user: User } | { secondFactorRequired: true };

/** Step 1: email a one-time sign-in code to `email`. */
export function requestSignInCode(email: string): Promise<void> {
  return apiPost<void>('/api/auth/sign-in/code', { email });
}

/** Step 2: check the emailed code; the account may still need its second factor. */
export function verifySignInCode(email: string, code: string): Promise<VerifyCodeResult> {
  return apiPost<VerifyCodeResult>('/api/auth/sign-in/verify', { email, code });
}

/** Step 3, when required: check the second-factor code. */
export function verifySecondFactor(code: string): Promise<{ user: User }> {
  return apiPost<{ user: User }>('/api/auth/sign-in/second-factor', { code });
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
