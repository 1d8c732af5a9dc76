import type { User } from '../api/auth';
import { usePageTitle } from '../app/usePageTitle';

export function HomePage({ user }: { user: User }) {
  usePageTitle('Home');
  return (
    <section className="page">
      <h1>Welcome back</h1>
      <p className="page-lead">
        Signed in as <strong>{user.email}</strong>.
      </p>
    </section>
  );
}
