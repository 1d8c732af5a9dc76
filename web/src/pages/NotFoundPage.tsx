import { Link } from '../app/router';
import { usePageTitle } from '../app/usePageTitle';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <section className="page page-centered" data-testid="not-found">
      <p className="page-eyebrow">404</p>
      <h1 tabIndex={-1}>We couldn’t find that page</h1>
      <p className="page-lead">The link may be old, or the address may have a typo.</p>
      <Link to="/" className="button button-secondary">
        Go to the start page
      </Link>
    </section>
  );
}
