import { Suspense, lazy } from 'react';
import { LABS_ADMIN_PATH } from '../pages/labs/paths';
import { AccountPage } from '../pages/account/AccountPage';
import { ACCOUNT_SECTIONS, isAccountSectionPath, TWO_FACTOR_PATH } from '../pages/account/paths';
import { parsePrintOrdersPath } from '../pages/print-orders/paths';
import { ClientDeliveryPage } from '../pages/client-delivery/ClientDeliveryPage';
import { parseClientDeliveryPath, parseDeliveriesPath } from '../pages/deliveries/paths';
import { ForgotPasswordPage } from '../pages/ForgotPasswordPage';
import { HomePage } from '../pages/HomePage';
import { parseImagesPath } from '../pages/images/paths';
import { parsePortfolioPath } from '../pages/portfolio/paths';
import { NotFoundPage } from '../pages/NotFoundPage';
import { NotMePage } from '../pages/NotMePage';
import { ResetPasswordPage } from '../pages/ResetPasswordPage';
import { SetupPage } from '../pages/SetupPage';
import { SignInPage } from '../pages/SignInPage';
import { ACCEPT_INVITATION_PATH, AcceptInvitationPage } from '../pages/teams/AcceptInvitationPage';
import { MEMBERS_PATH, MembersPage } from '../pages/teams/MembersPage';
import { LibraryPage } from '../pages/vault/LibraryPage';
import { parseLibraryPath } from '../pages/vault/paths';
import { AppShell } from './AppShell';
import { RoleGate } from './RoleGate';
import { Redirect, usePathname } from './router';
import { SessionProvider, useSession } from './session';

// Pages most visits never open (the admin console, labs, print orders, the image service) and
// the photographer's deliveries load on demand, so the first page stays small.
const AlertsPage = lazy(() => import('../pages/admin/AlertsPage').then((module) => ({ default: module.AlertsPage })));
const UsersPage = lazy(() => import('../pages/admin/UsersPage').then((module) => ({ default: module.UsersPage })));
const AuditPage = lazy(() => import('../pages/admin/AuditPage').then((module) => ({ default: module.AuditPage })));
const StudiosPage = lazy(() => import('../pages/admin/StudiosPage').then((module) => ({ default: module.StudiosPage })));
const SystemPage = lazy(() => import('../pages/admin/SystemPage').then((module) => ({ default: module.SystemPage })));
const LabPortalPage = lazy(() => import('../pages/lab-portal/LabPortalPage').then((module) => ({ default: module.LabPortalPage })));
const LabsAdminPage = lazy(() => import('../pages/labs/LabsAdminPage').then((module) => ({ default: module.LabsAdminPage })));
const DeliveriesPage = lazy(() => import('../pages/deliveries/DeliveriesPage').then((module) => ({ default: module.DeliveriesPage })));
const PrintOrdersPage = lazy(() => import('../pages/print-orders/PrintOrdersPage').then((module) => ({ default: module.PrintOrdersPage })));
const BrandingPage = lazy(() => import('../pages/branding/BrandingPage').then((module) => ({ default: module.BrandingPage })));
const ImagesPage = lazy(() => import('../pages/images/ImagesPage').then((module) => ({ default: module.ImagesPage })));
const PortfolioPage = lazy(() => import('../pages/portfolio/PortfolioPage').then((module) => ({ default: module.PortfolioPage })));

export function App() {
  // A client's delivery stands apart from the app: no sign-in, no header, no probe of who is signed in.
  const pathname = usePathname();
  const clientToken = parseClientDeliveryPath(pathname);
  if (clientToken !== null) return <ClientDeliveryPage key={clientToken} token={clientToken} />;
  // A print lab is not a user either: its portal has its own sign-in and session.
  if (pathname === '/lab') return <Suspense fallback={<PageLoading />}><LabPortalPage /></Suspense>;
  return (
    <SessionProvider>
      <AppShell>
        <Suspense fallback={<PageLoading />}>
          <CurrentPage />
        </Suspense>
      </AppShell>
    </SessionProvider>
  );
}

function PageLoading() {
  return (
    <p className="page-loading" role="status">
      Loading…
    </p>
  );
}

function CurrentPage() {
  const pathname = usePathname();
  const { session } = useSession();

  if (session.status === 'checking') {
    return <p className="page-loading" role="status">Loading…</p>;
  }
  const user = session.status === 'signed-in' ? session.user : null;
  // An admin without two-factor authentication may do nothing else until they set it up.
  if (user?.mustEnrollTotp && pathname !== TWO_FACTOR_PATH) return <Redirect to={TWO_FACTOR_PATH} />;

  switch (pathname) {
    case '/sign-in':
      return user ? <Redirect to="/" /> : <SignInPage />;
    case '/setup':
      return user ? <Redirect to="/" /> : <SetupPage />;
    case '/forgot-password':
      return <ForgotPasswordPage />;
    case '/reset-password':
      return <ResetPasswordPage />;
    case '/not-me':
      return <NotMePage />;
    case ACCEPT_INVITATION_PATH:
      return <AcceptInvitationPage />;
  }
  const libraryRoute = parseLibraryPath(pathname);
  const deliveriesRoute = parseDeliveriesPath(pathname);
  const printOrdersRoute = parsePrintOrdersPath(pathname);
  const imagesRoute = parseImagesPath(pathname);
  const portfolioRoute = parsePortfolioPath(pathname);
  if (!SIGNED_IN_PATHS.has(pathname) && libraryRoute === null && deliveriesRoute === null && printOrdersRoute === null && imagesRoute === null && portfolioRoute === null) return <NotFoundPage />;
  if (!user) return <Redirect to="/sign-in" />;
  if (pathname === '/') return <HomePage user={user} />;
  // The studio's pages open only to a role the server would let through (RoleGate).
  if (pathname === MEMBERS_PATH) {
    return (
      <RoleGate permission="members" title="Team">
        <MembersPage user={user} />
      </RoleGate>
    );
  }
  if (libraryRoute !== null) return <LibraryPage user={user} route={libraryRoute} />;
  if (deliveriesRoute !== null) {
    return (
      <RoleGate permission="deliveries" title="Deliveries">
        <DeliveriesPage user={user} route={deliveriesRoute} />
      </RoleGate>
    );
  }
  if (printOrdersRoute !== null) {
    return (
      <RoleGate permission="lab-orders" title="Prints">
        <PrintOrdersPage user={user} route={printOrdersRoute} />
      </RoleGate>
    );
  }
  if (imagesRoute !== null) {
    return (
      <RoleGate permission="images" title="Images" cannot="use the image service: its projects, API keys and published photos">
        <ImagesPage user={user} route={imagesRoute} />
      </RoleGate>
    );
  }
  if (portfolioRoute?.kind === 'manage') {
    return (
      <RoleGate permission="images" title="Portfolio" cannot="publish or manage the studio’s portfolio">
        <PortfolioPage user={user} route={portfolioRoute} />
      </RoleGate>
    );
  }
  if (portfolioRoute !== null) return <PortfolioPage user={user} route={portfolioRoute} />;
  // Changing the branding shapes what clients see, so the server files it under deliveries.
  if (pathname === '/branding') {
    return (
      <RoleGate permission="deliveries" title="Branding" cannot="change the studio’s branding">
        <BrandingPage user={user} />
      </RoleGate>
    );
  }
  if (pathname === '/account') return <Redirect to={ACCOUNT_SECTIONS[0].path} />;
  if (isAccountSectionPath(pathname)) return <AccountPage user={user} path={pathname} />;
  // Photographers see their own studio's audit trail (the server scopes it); admins the server's.
  if (pathname === '/admin/audit') {
    return user.role === 'admin' ? (
      <AuditPage />
    ) : (
      <RoleGate permission="audit" title="Audit trail">
        <AuditPage />
      </RoleGate>
    );
  }
  // Photographers get the same page as for any unknown address: there is nothing here for them.
  if (user.role !== 'admin') return <NotFoundPage />;
  switch (pathname) {
    case '/admin/alerts':
      return <AlertsPage />;
    case '/admin/system':
      return <SystemPage />;
    case '/admin/studios':
      return <StudiosPage />;
    case LABS_ADMIN_PATH:
      return <LabsAdminPage />;
    default:
      return <UsersPage user={user} />;
  }
}

const ADMIN_PATHS = ['/admin/users', '/admin/audit', '/admin/alerts', '/admin/system', '/admin/studios', LABS_ADMIN_PATH];

/** Addresses that need someone signed in, besides the library's, the deliveries', the print orders' and the image projects': a signed-out visitor is sent to sign in instead. */
const SIGNED_IN_PATHS: ReadonlySet<string> = new Set(['/', MEMBERS_PATH, '/account', '/branding', ...ACCOUNT_SECTIONS.map((section) => section.path), ...ADMIN_PATHS]);
