import type { User } from '../../api/auth';
import { Link } from '../../app/router';
import { usePageTitle } from '../../app/usePageTitle';
import { PasswordSection } from './PasswordSection';
import { ACCOUNT_SECTIONS, type AccountSectionPath } from './paths';
import { SessionsSection } from './SessionsSection';
import { StudiosSection } from './StudiosSection';
import { TwoFactorSection } from './TwoFactorSection';

/**
 * The account area: one section per address, with a navigation between them. An admin who
 * must set up two-factor authentication first sees only that section, and no way around it.
 */
export function AccountPage({ user, path }: { user: User; path: AccountSectionPath }) {
  const section = ACCOUNT_SECTIONS.find((candidate) => candidate.path === path) ?? ACCOUNT_SECTIONS[0];
  usePageTitle(section.label);

  return (
    <div className={user.mustEnrollTotp ? 'page' : 'page page-account'}>
      <h1 tabIndex={-1}>{user.mustEnrollTotp ? 'Secure your account' : 'Account'}</h1>
      <p className="page-lead">
        {user.mustEnrollTotp ? 'One more step before you start.' : 'How you sign in, where you are signed in, and the studios you belong to.'}
      </p>
      <div className={user.mustEnrollTotp ? undefined : 'account-with-nav'}>
        {!user.mustEnrollTotp && (
          <nav className="account-nav" aria-label="Account">
            <ul>
              {ACCOUNT_SECTIONS.map((candidate) => (
                <li key={candidate.path}>
                  <Link to={candidate.path} aria-current={candidate.path === path ? 'page' : undefined}>
                    {candidate.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div>
          {path === '/account/sessions' && <SessionsSection />}
          {path === '/account/password' && <PasswordSection user={user} />}
          {path === '/account/two-factor' && <TwoFactorSection user={user} />}
          {path === '/account/studios' && <StudiosSection />}
        </div>
      </div>
    </div>
  );
}
