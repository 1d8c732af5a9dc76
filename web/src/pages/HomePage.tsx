import type { User } from '../api/auth';
import { useCan } from '../app/permissions';
import { Link } from '../app/router';
import { usePageTitle } from '../app/usePageTitle';
import { DELIVERIES_PATH } from './deliveries/paths';
import { IMAGES_PATH } from './images/paths';
import { PORTFOLIO_ANALYTICS_PATH, PORTFOLIO_PATH } from './portfolio/paths';
import { PRINT_ORDERS_PATH } from './print-orders/paths';
import { LIBRARY_PATH } from './vault/paths';

export function HomePage({ user }: { user: User }) {
  usePageTitle('Home');
  const hasLibrary = user.studioId !== null;
  // A card for what the role may do only (app/permissions.ts).
  const canEditLibrary = useCan('library.edit');
  const canDeliver = useCan('deliveries');
  const canOrderPrints = useCan('lab-orders');
  const canUseImages = useCan('images');
  const canManageMembers = useCan('members');
  return (
    <section className="page">
      <h1 tabIndex={-1}>{user.previousSignInAt === null ? 'Welcome' : 'Welcome back'}</h1>
      <p className="page-lead">
        {hasLibrary
          ? canDeliver
            ? 'Your photos are in your library; deliveries hand them to your clients as a private gallery, labs print them, and the image service puts them on your websites.'
            : 'The studio’s photos are in its library: browse its albums and download previews.'
          : user.role === 'admin'
            ? 'This account runs the server and has no photo library of its own. To deliver photos, invite a photographer under Users — yourself too, with another email address: each photographer gets their own encrypted studio.'
            : 'Your account isn’t part of a studio yet. You can look after your account here.'}
      </p>
      <ul className="link-cards">
        {hasLibrary && (
          <li className="link-cards-wide">
            <Link to={LIBRARY_PATH} className="link-card link-card-primary" data-testid="home-library">
              <span className="link-card-title">Library</span>
              <span className="link-card-text">
                {canEditLibrary
                  ? 'Upload a shoot, organise it into albums, and preview and download your photos. Stored encrypted.'
                  : 'Browse the studio’s photos and albums, and download previews. Stored encrypted.'}
              </span>
            </Link>
          </li>
        )}
        {canDeliver && (
          <li>
            <Link to={DELIVERIES_PATH} className="link-card" data-testid="home-deliveries">
              <span className="link-card-title">Deliveries</span>
              <span className="link-card-text">Hand finished work to a client: a link and, separately, a code. See every view and download.</span>
            </Link>
          </li>
        )}
        {canOrderPrints && (
          <li>
            <Link to={PRINT_ORDERS_PATH} className="link-card" data-testid="home-prints">
              <span className="link-card-title">Prints</span>
              <span className="link-card-text">Send photos to a print lab you work with, and follow each order until it ships.</span>
            </Link>
          </li>
        )}
        {canUseImages && (
          <li>
            <Link to={IMAGES_PATH} className="link-card" data-testid="home-images">
              <span className="link-card-title">Images for your websites</span>
              <span className="link-card-text">Signed, resized image URLs of your published work for your sites, with keys, allowlists and usage.</span>
            </Link>
          </li>
        )}
        {canUseImages && (
          <li>
            <Link to={PORTFOLIO_PATH} className="link-card" data-testid="home-portfolio">
              <span className="link-card-title">Portfolio</span>
              <span className="link-card-text">Your public site: collections of published photos, a data API for your website, and analytics without cookies.</span>
            </Link>
          </li>
        )}
        {user.role === 'admin' && (
          <li>
            <Link to={PORTFOLIO_ANALYTICS_PATH} className="link-card" data-testid="home-portfolio-analytics">
              <span className="link-card-title">Portfolio analytics</span>
              <span className="link-card-text">Every photographer’s portfolio: views, visitors, top photos and referrers.</span>
            </Link>
          </li>
        )}
        {canManageMembers && (
          <li>
            <Link to="/studio/members" className="link-card" data-testid="home-team">
              <span className="link-card-title">Team</span>
              <span className="link-card-text">Invite assistants as editors or viewers, change their roles, remove them.</span>
            </Link>
          </li>
        )}
        <li>
          <Link to="/account/sessions" className="link-card">
            <span className="link-card-title">Account</span>
            <span className="link-card-text">Password, two-factor authentication, and where you’re signed in.</span>
          </Link>
        </li>
        {user.role === 'admin' && (
          <li>
            <Link to="/admin/users" className="link-card">
              <span className="link-card-title">Users</span>
              <span className="link-card-text">Invite photographers (each gets a studio) and admins, change roles, disable accounts.</span>
            </Link>
          </li>
        )}
      </ul>
    </section>
  );
}
