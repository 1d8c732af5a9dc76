import { HomePage } from '../pages/HomePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { SignInPage } from '../pages/SignInPage';
import { AppShell } from './AppShell';
import { Redirect, usePathname } from './router';
import { SessionProvider, useSession } from './session';

export function App() {
  return (
    <SessionProvider>
      <AppShell>
        <CurrentPage />
      </AppShell>
    </SessionProvider>
  );
}

function CurrentPage() {
  const pathname = usePathname();
  const { session } = useSession();

  if (session.status === 'checking') {
    return <p className="page-loading" role="status">Loading…</p>;
  }
  switch (pathname) {
    case '/':
      return session.status === 'signed-in' ? <HomePage user={session.user} /> : <Redirect to="/sign-in" />;
    case '/sign-in':
      return session.status === 'signed-in' ? <Redirect to="/" /> : <SignInPage />;
    default:
      return <NotFoundPage />;
  }
}
