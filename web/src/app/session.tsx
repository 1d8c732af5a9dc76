import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { fetchCurrentUser, type User } from '../api/auth';
import { subscribeToApiErrors } from '../api/client';

export type Session =
  | { status: 'checking' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User };

interface SessionContextValue {
  session: Session;
  signedIn: (user: User) => void;
  signedOut: () => void;
  /** Merges what an account action changed (e.g. `{ hasPassword: true }`) into the signed-in user. */
  updateUser: (changes: Partial<User>) => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Asks the server once who is signed in (`GET /api/me`) and shares the answer. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'checking' });

  useEffect(() => {
    let cancelled = false;
    fetchCurrentUser().then(
      (user) => {
        if (!cancelled) setSession(user ? { status: 'signed-in', user } : { status: 'signed-out' });
      },
      // Any other failure also means nobody can be shown as signed in; the sign-in page
      // reports the server's state if it is still unreachable when the person tries.
      () => {
        if (!cancelled) setSession({ status: 'signed-out' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  // An admin without two-factor authentication gets 403 `totp_enrollment_required` from any
  // call; marking the session sends them to the two-factor page (see App's guard).
  // A refusal by role, or for want of a studio, means what this page knows of the role is out of
  // date (an owner changed it, or another tab switched studio: the session holds the choice), so
  // it asks again and the pages show what the role now allows (app/permissions.ts).
  useEffect(
    () =>
      subscribeToApiErrors((error) => {
        if (error.code === 'totp_enrollment_required') {
          setSession((current) => mergeUser(current, { mustEnrollTotp: true }));
        }
        if (error.code === 'studio_role_forbidden' || error.code === 'studio_required') {
          fetchCurrentUser().then(
            (user) => setSession((current) => (current.status === 'signed-in' && user ? { status: 'signed-in', user } : current)),
            () => undefined, // the failure shown where it happened is the news
          );
        }
      }),
    [],
  );

  const value: SessionContextValue = {
    session,
    signedIn: (user) => setSession({ status: 'signed-in', user }),
    signedOut: () => setSession({ status: 'signed-out' }),
    updateUser: (changes) => setSession((current) => mergeUser(current, changes)),
  };
  return <SessionContext value={value}>{children}</SessionContext>;
}

function mergeUser(session: Session, changes: Partial<User>): Session {
  return session.status === 'signed-in' ? { status: 'signed-in', user: { ...session.user, ...changes } } : session;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>.');
  return value;
}

