import type { User } from '../api/auth';
import { Link } from '../app/router';
import { usePageTitle } from '../app/usePageTitle';

export function HomePage({ user }: { user: User }) {
  usePageTitle('Home');
  return (
    <section className="page">
      <h1 tabIndex={-1}>Welcome back</h1>
      <p className="page-lead">Galleries and deliveries will live here. For now, you can look after your account.</p>
      <ul className="link-cards">
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
              <span className="link-card-text">Invite photographers and admins, change roles, disable accounts.</span>
            </Link>
          </li>
        )}
      </ul>
    </section>
  );
}
