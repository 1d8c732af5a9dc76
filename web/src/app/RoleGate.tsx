import type { ReactNode } from 'react';
import type { StudioPermission } from '../api/auth';
import { useRoleRefusal } from './permissions';
import { Link } from './router';
import { usePageTitle } from './usePageTitle';

/**
 * A page the member's role does not open: a direct visit says so plainly ("Your role (viewer)
 * cannot …") instead of loading and failing on the server's 403. Without a studio the page is
 * shown, and says that itself.
 */
export function RoleGate({ permission, title, cannot, children }: { permission: StudioPermission; title: string; cannot?: string; children: ReactNode }) {
  const refusal = useRoleRefusal([permission], cannot);
  return refusal === null ? children : <RoleRefused title={title} refusal={refusal} />;
}

function RoleRefused({ title, refusal }: { title: string; refusal: string }) {
  usePageTitle(title);
  return (
    <section className="page" data-testid="role-refused">
      <h1 tabIndex={-1}>{title}</h1>
      <p className="page-lead" data-testid="role-refusal">
        {refusal}
      </p>
      <Link to="/" className="button button-secondary">
        Go to the start page
      </Link>
    </section>
  );
}

/**
 * Where controls are hidden because of the member's role, one line that says why: the first of
 * `permissions` the role lacks. Nothing when it lacks none.
 */
export function RoleNote({ permissions, cannot, testId = 'role-note' }: { permissions: readonly StudioPermission[]; cannot?: string; testId?: string }) {
  const refusal = useRoleRefusal(permissions, cannot);
  if (refusal === null) return null;
  return (
    <p className="role-note muted" data-testid={testId}>
      {refusal}
    </p>
  );
}
