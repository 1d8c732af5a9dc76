import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { fetchCurrentUser, type User } from '../api/auth';

export type Session =
  | { status: 'checking' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User };

interface SessionContextValue {
  session: Session;
  signedIn: (user: User) => void;
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

  const value: SessionContextValue = {
    session,
    signedIn: (user) => setSession({ status: 'signed-in', user }),
  };
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>.');
  return value;
}
