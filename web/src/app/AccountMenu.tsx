import { signOut, type User } from '../api/auth';
import { DELIVERIES_PATH } from '../pages/deliveries/paths';
import { IMAGES_PATH } from '../pages/images/paths';
import { LABS_ADMIN_PATH } from '../pages/labs/paths';
import { PORTFOLIO_ANALYTICS_PATH, PORTFOLIO_PATH } from '../pages/portfolio/paths';
import { PRINT_ORDERS_PATH } from '../pages/print-orders/paths';
import { LIBRARY_PATH } from '../pages/vault/paths';
import { HeaderNav, type NavLink } from './HeaderNav';
import { useCan } from './permissions';
import { navigate, usePathname } from './router';
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
  const links: NavLink[] = user.mustEnrollTotp
    ? []
    : [
        ...(user.studioId === null
          ? []
          : [
              { to: LIBRARY_PATH, label: 'Library', current: pathname.startsWith(LIBRARY_PATH) },
              ...(canDeliver ? [{ to: DELIVERIES_PATH, label: 'Deliveries', current: pathname.startsWith(DELIVERIES_PATH) }] : []),
              ...(canOrderPrints ? [{ to: PRINT_ORDERS_PATH, label: 'Prints', current: pathname.startsWith(PRINT_ORDERS_PATH) }] : []),
              ...(canUseImages ? [{ to: IMAGES_PATH, label: 'Images', current: pathname.startsWith(IMAGES_PATH) }] : []),
              ...(canUseImages ? [{ to: PORTFOLIO_PATH, label: 'Portfolio', current: pathname === PORTFOLIO_PATH }] : []),
              ...(canDeliver ? [{ to: '/branding', label: 'Branding', current: pathname === '/branding' }] : []),
              ...(canManageMembers ? [{ to: '/studio/members', label: 'Team', current: pathname === '/studio/members' }] : []),
            ]),
        { to: '/account/sessions', label: 'Account', current: pathname.startsWith('/account') },
        // Photographers see their own studio's audit trail; an admin finds it in the Admin menu.
        ...(user.role !== 'admin' && canSeeAudit ? [{ to: '/admin/audit', label: 'Audit', current: pathname === '/admin/audit' }] : []),
      ];
  const adminLinks: NavLink[] =
    user.mustEnrollTotp || user.role !== 'admin'
      ? []
      : [
          { to: '/admin/users', label: 'Users', current: pathname === '/admin/users' },
          { to: '/admin/studios', label: 'Studios', current: pathname === '/admin/studios' },
          { to: LABS_ADMIN_PATH, label: 'Labs', current: pathname === LABS_ADMIN_PATH },
          { to: PORTFOLIO_ANALYTICS_PATH, label: 'Portfolio analytics', current: pathname === PORTFOLIO_ANALYTICS_PATH },
          { to: '/admin/audit', label: 'Audit', current: pathname === '/admin/audit' },
          { to: '/admin/alerts', label: 'Alerts', current: pathname === '/admin/alerts' },
          { to: '/admin/system', label: 'System', current: pathname === '/admin/system' },
        ];

  return (
    <div className="account-menu">
      <span className="account-menu-email" title={user.email} data-testid="header-email">
        {user.email}
      </span>
      {!user.mustEnrollTotp && (user.studioCount ?? 0) > 1 && <StudioSwitcher key={user.studioId ?? 'none'} />}
      {links.length + adminLinks.length > 0 && <HeaderNav links={links} adminLinks={adminLinks} />}
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
