import { signOut, type User } from '../api/auth';
import { DELIVERIES_PATH } from '../pages/deliveries/paths';
import { IMAGES_PATH } from '../pages/images/paths';
import { LABS_ADMIN_PATH } from '../pages/labs/paths';
import { PRINT_ORDERS_PATH } from '../pages/print-orders/paths';
import { LIBRARY_PATH } from '../pages/vault/paths';
import { useCan } from './permissions';
import { Link, navigate, usePathname } from './router';
import { useSession } from './session';
import { useSubmission } from './useSubmission';
import { StudioSwitcher } from './StudioSwitcher';

/**
 * The signed-in part of the header: who is signed in, where to manage things, and signing
 * out. An admin who must set up two-factor authentication gets only the way out.
 */
export function AccountMenu({ user }: { user: User }) {
  const { signedOut } = useSession();
  const pathname = usePathname();
  const { busy, error, submit } = useSubmission();

  function handleSignOut() {
    void submit(async () => {
      await signOut();
      signedOut();
      navigate('/sign-in');
    });
  }

  // What the role may do, as the server answered (app/permissions.ts): no link to a page it would refuse.
  const canDeliver = useCan('deliveries');
  const canOrderPrints = useCan('lab-orders');
  const canUseImages = useCan('images');
  const canSeeAudit = useCan('audit');
  const canManageMembers = useCan('members');
  const links = user.mustEnrollTotp
    ? []
    : [
        ...(user.studioId === null
          ? []
          : [
              { to: LIBRARY_PATH, label: 'Library', current: pathname.startsWith(LIBRARY_PATH) },
              ...(canDeliver ? [{ to: DELIVERIES_PATH, label: 'Deliveries', current: pathname.startsWith(DELIVERIES_PATH) }] : []),
              ...(canOrderPrints ? [{ to: PRINT_ORDERS_PATH, label: 'Prints', current: pathname.startsWith(PRINT_ORDERS_PATH) }] : []),
              ...(canUseImages ? [{ to: IMAGES_PATH, label: 'Images', current: pathname.startsWith(IMAGES_PATH) }] : []),
              ...(canDeliver ? [{ to: '/branding', label: 'Branding', current: pathname === '/branding' }] : []),
              ...(canManageMembers ? [{ to: '/studio/members', label: 'Team', current: pathname === '/studio/members' }] : []),
            ]),
        { to: '/account/sessions', label: 'Account', current: pathname.startsWith('/account') },
        ...(user.role === 'admin'
          ? [
              { to: '/admin/users', label: 'Users', current: pathname === '/admin/users' },
              { to: '/admin/studios', label: 'Studios', current: pathname === '/admin/studios' },
              { to: LABS_ADMIN_PATH, label: 'Labs', current: pathname === LABS_ADMIN_PATH },
              { to: '/admin/audit', label: 'Audit', current: pathname === '/admin/audit' },
              { to: '/admin/alerts', label: 'Alerts', current: pathname === '/admin/alerts' },
              { to: '/admin/system', label: 'System', current: pathname === '/admin/system' },
            ]
          : canSeeAudit
            ? [{ to: '/admin/audit', label: 'Audit', current: pathname === '/admin/audit' }]
            : []),
      ];

  return (
    <div className="account-menu">
      <span className="account-menu-email" data-testid="header-email">
        {user.email}
      </span>
      {!user.mustEnrollTotp && (user.studioCount ?? 0) > 1 && <StudioSwitcher key={user.studioId ?? 'none'} />}
      {links.length > 0 && (
        <nav aria-label="Main">
          <ul className="header-nav">
            {links.map((link) => (
              <li key={link.to}>
                <Link to={link.to} aria-current={link.current ? 'page' : undefined}>
                  {link.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <button type="button" className="button button-secondary button-small" aria-disabled={busy} onClick={handleSignOut} data-testid="sign-out">
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {error !== null && (
        <p className="account-menu-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
