import type { StudioPermission, StudioRole, User } from '../api/auth';
import { useSession } from './session';

/**
 * What the signed-in member may do in the studio the session acts in. The list is the server's
 * (`studioPermissions` of `GET /api/me`, from the role table its access hook enforces), so the web
 * app holds no table of its own: it only hides what the server would refuse, and the server still
 * checks every request (docs/security/teams.md).
 */

/** What each permission lets a member do, as the end of "Your role (viewer) cannot …". */
const WHAT_IT_ALLOWS: Record<StudioPermission, string> = {
  'library.view': 'browse this studio’s library',
  'library.originals': 'download originals, only previews',
  'library.edit': 'upload, organise or restore photos',
  delete: 'delete: move photos to the trash, empty it, or delete albums, sets and collections',
  deliveries: 'work on client deliveries and their proofing',
  'lab-orders': 'order prints from labs',
  images: 'use the image service or publish a portfolio',
  audit: 'see the studio’s audit trail',
  members: 'manage the studio’s team',
};

function useSignedInUser(): User | null {
  const { session } = useSession();
  return session.status === 'signed-in' ? session.user : null;
}

/** Whether the member's role grants `permission` in the active studio (never without a studio). */
export function useCan(permission: StudioPermission): boolean {
  return useSignedInUser()?.studioPermissions.includes(permission) ?? false;
}

/** The explanation for a member whose role lacks `permission`: "Your role (viewer) cannot …". */
export function roleRefusal(role: StudioRole, permission: StudioPermission, cannot: string = WHAT_IT_ALLOWS[permission]): string {
  return `Your role (${role}) cannot ${cannot}. An owner of the studio can change your role.`;
}

/**
 * Why the member cannot do the first of `permissions` their role lacks, or `null` when it lacks
 * none, or when there is no studio to have a role in (the pages say that themselves). `cannot`
 * words the refusal for the place it is shown in, instead of the permission's general phrase.
 */
export function useRoleRefusal(permissions: readonly StudioPermission[], cannot?: string): string | null {
  const user = useSignedInUser();
  if (user === null || user.studioRole === null) return null;
  const refused = permissions.find((permission) => !user.studioPermissions.includes(permission));
  return refused === undefined ? null : roleRefusal(user.studioRole, refused, cannot);
}
