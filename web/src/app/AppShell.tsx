import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { ApertureMark } from '../components/ApertureMark';
import { AccountMenu } from './AccountMenu';
import { StatusMessage } from '../components/form';
import { Link, useNavigationNotice, usePathname } from './router';
import { useSession } from './session';

export function AppShell({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const mainRef = useRef<HTMLElement>(null);
  const notice = useNavigationNotice();
  useFocusHeadingOnNavigation(mainRef);

  return (
    <div className="app-shell" data-testid="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="wordmark">
          <ApertureMark />
          <span>Shutterlock</span>
        </Link>
        {session.status === 'signed-in' && <AccountMenu user={session.user} />}
      </header>
      <main id="main" className="app-main" tabIndex={-1} ref={mainRef}>
        {/* In the page before any news arrives, so screen readers announce it (a live region). */}
        <div className="app-notice">
          <StatusMessage message={notice} testId="navigation-notice" />
        </div>
        {children}
      </main>
      <footer className="app-footer">
        <p>Shutterlock · self-hosted photo delivery</p>
      </footer>
    </div>
  );
}

/**
 * After an in-app navigation, moves focus to the new page's <h1> (which has tabIndex -1), so
 * keyboard and screen reader users start at the top of what changed. A page that focused
 * something of its own (a form's first field) keeps it, and so does a link inside the page
 * that is still there (e.g. the account section tabs).
 */
function useFocusHeadingOnNavigation(mainRef: RefObject<HTMLElement | null>): void {
  const pathname = usePathname();
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    const main = mainRef.current;
    if (main === null || main.contains(document.activeElement)) return;
    main.querySelector<HTMLElement>('h1')?.focus();
  }, [mainRef, pathname]);
}
