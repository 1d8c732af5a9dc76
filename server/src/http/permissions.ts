import type { StudioRole } from '../db/tables.ts';
import { AppError } from '../errors.ts';

/**
 * What a studio member may do, by role: the one table every studio-scoped route is checked
 * against (docs/security/teams.md). A route declares the permission it needs in
 * `config.permission`; the access hook (access.ts) refuses a member whose role lacks it before
 * the body is read, and `requireStudioActor` refuses to hand a studio actor to a route that
 * declared none, so a new route cannot forget. A service that needs more than its route's
 * permission for one input (an original rather than a preview) asks `requireStudioPermission`.
 *
 * - owner: everything.
 * - editor: everything except the members and deletion.
 * - viewer: browse the library and download previews; no originals, no deliveries, no print
 *   orders, no image service, no audit trail.
 */
export const studioPermissions = [
  /** Browse files and albums, see previews and thumbnails, the storage used. */
  'library.view',
  /** Download originals. */
  'library.originals',
  /** Upload, organise, rename, restore from the trash, retry previews, make albums. */
  'library.edit',
  /**
   * Deletion, the editor's one exception beside members (issue 17: "everything except members
   * and deletion"): move to the trash, empty it, delete albums, delivery sets, portfolio
   * collections and image projects. Taking files out of an album, a delivery or a collection
   * is not deletion (the files stay): that is editing.
   */
  'delete',
  /** Client deliveries and their proofing. */
  'deliveries',
  /** Print orders to labs. */
  'lab-orders',
  /** The image service: projects, keys, files published for the web, usage. */
  'images',
  /** The studio's audit trail. */
  'audit',
  /** Invite, change and remove members. */
  'members',
] as const;

export type StudioPermission = (typeof studioPermissions)[number];

const everything: readonly StudioPermission[] = studioPermissions;

export const rolePermissions: Readonly<Record<StudioRole, readonly StudioPermission[]>> = {
  owner: everything,
  editor: everything.filter((permission) => permission !== 'members' && permission !== 'delete'),
  viewer: ['library.view'],
};

export const studioRoles: readonly StudioRole[] = ['owner', 'editor', 'viewer'];

export function roleAllows(role: StudioRole | null | undefined, permission: StudioPermission): boolean {
  if (!role || !Object.hasOwn(rolePermissions, role)) return false;
  return rolePermissions[role].includes(permission);
}

/** Throws 403 `studio_role_forbidden` unless the role grants the permission. */
export function assertRoleAllows(role: StudioRole | null | undefined, permission: StudioPermission): void {
  if (!roleAllows(role, permission)) {
    throw new AppError('studio_role_forbidden', 'Your role in this studio does not allow this.', 403);
  }
}
