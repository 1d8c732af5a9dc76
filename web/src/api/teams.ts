import type { StudioRole } from './auth';
import { apiDelete, apiGet, apiPatch, apiPost, apiPut } from './client';

/** Studio teams: members and invitations of the studio the session acts in, and the studio switcher. */

export interface StudioMember {
  userId: string;
  email: string;
  role: StudioRole;
  status: 'active' | 'disabled';
  lastSignInAt: string | null;
  you: boolean;
}

export interface StudioInvitation {
  id: string;
  email: string;
  role: StudioRole;
  createdAt: string;
  expiresAt: string;
}

export interface MyStudio {
  id: string;
  name: string;
  role: StudioRole;
  active: boolean;
}

export const ROLE_LABELS: Record<StudioRole, string> = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer' };

export const ROLE_DESCRIPTIONS: Record<StudioRole, string> = {
  owner: 'Everything, members and deletion included.',
  editor: 'Everything except members and deletion.',
  viewer: 'Browse the library and download previews; no originals, no deliveries.',
};

export function listStudioMembers(): Promise<{ members: StudioMember[]; invitations: StudioInvitation[] }> {
  return apiGet('/api/studio/members');
}

export function inviteStudioMember(email: string, role: StudioRole): Promise<{ invitation: StudioInvitation }> {
  return apiPost('/api/studio/invitations', { email, role });
}

export async function revokeStudioInvitation(id: string): Promise<void> {
  await apiDelete(`/api/studio/invitations/${encodeURIComponent(id)}`);
}

/**
 * Who opened an invitation link: nobody signed in, the invited address's account, another
 * account, or a member of the invitation's studio already (then `studio.id` is given).
 */
export type InvitationSession = 'none' | 'invited' | 'other' | 'member';

export interface InvitationOffer {
  studio: { id?: string; name: string };
  role: StudioRole;
  expiresAt: string;
  /** The invited address, masked: `a•••@example.com`. */
  email: string;
  session: InvitationSession;
}

/** What an invitation link offers, before it is accepted; 400 `invitation_invalid` when it cannot be. */
export function lookUpStudioInvitation(token: string): Promise<InvitationOffer> {
  return apiPost('/api/invitations/lookup', { token });
}

/** `switched`: the browser was signed in with the invited address, and its session now acts in the studio joined. */
export function acceptStudioInvitation(token: string): Promise<{ studio: { id: string; name: string }; role: StudioRole; email: string; accountCreated: boolean; switched: boolean }> {
  return apiPost('/api/invitations/accept', { token });
}

export function updateStudioMember(userId: string, role: StudioRole): Promise<{ member: StudioMember }> {
  return apiPatch(`/api/studio/members/${encodeURIComponent(userId)}`, { role });
}

export async function removeStudioMember(userId: string): Promise<void> {
  await apiDelete(`/api/studio/members/${encodeURIComponent(userId)}`);
}

export function listMyStudios(): Promise<{ studios: MyStudio[] }> {
  return apiGet('/api/me/studios');
}

export function switchStudio(studioId: string): Promise<{ studios: MyStudio[] }> {
  return apiPut('/api/me/studio', { studioId });
}

/** Leaves the studio the session acts in, whatever the role (409 `last_owner` for its last owner). */
export async function leaveStudio(): Promise<void> {
  await apiPost('/api/studio/leave', {});
}
