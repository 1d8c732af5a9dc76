import { endUserSessions, resetSecondFactor, updateUser, type ManagedUser } from '../../api/admin';
import type { Role } from '../../api/auth';

export interface UserAction {
  /** Stable per row, for the button's key and test id. */
  key: 'role' | 'access' | 'sessions' | 'second-factor';
  label: string;
  /** What to ask first, for anything that takes something away; `null` to act at once. */
  confirm: { title: string; body: string; confirmLabel: string; busyLabel: string } | null;
  /** Does it; resolves to the user as the server now has them and a sentence saying what changed. */
  run: () => Promise<{ user: ManagedUser; message: string }>;
}

/** Turning off a second factor someone lost (or someone else enrolled): only for users who have one. */
function resetSecondFactorAction(user: ManagedUser): UserAction {
  const { email } = user;
  return {
    key: 'second-factor',
    label: 'Reset two-factor',
    confirm: {
      title: `Reset two-factor authentication for ${email}?`,
      body: 'Their authenticator app and recovery codes stop working and they are signed out everywhere. We email them; they sign in with an emailed code and set up two-factor authentication again. Do this only once you are sure who asked.',
      confirmLabel: 'Reset two-factor',
      busyLabel: 'Resetting…',
    },
    run: async () => ({ user: await resetSecondFactor(user.id), message: `Two-factor authentication of ${email} is reset.` }),
  };
}

/** What an admin can do to another user: change their role, disable or enable them, sign them out, reset their second factor. */
export function userActions(user: ManagedUser): UserAction[] {
  const { email } = user;
  const newRole: Role = user.role === 'admin' ? 'photographer' : 'admin';
  return [
    {
      key: 'role',
      label: newRole === 'admin' ? 'Make admin' : 'Make photographer',
      confirm:
        newRole === 'admin'
          ? {
              title: `Make ${email} an admin?`,
              body: 'Admins can add, change and disable every user. They will be signed out everywhere, and must set up two-factor authentication before anything else.',
              confirmLabel: 'Make admin',
              busyLabel: 'Saving…',
            }
          : {
              title: `Make ${email} a photographer?`,
              body: 'They will no longer be able to manage users or this server, and will be signed out everywhere.',
              confirmLabel: 'Make photographer',
              busyLabel: 'Saving…',
            },
      run: async () => ({
        user: await updateUser(user.id, { role: newRole }),
        message: `${email} is now ${newRole === 'admin' ? 'an admin' : 'a photographer'}.`,
      }),
    },
    user.status === 'disabled'
      ? {
          key: 'access',
          label: 'Enable',
          confirm: null,
          run: async () => ({ user: await updateUser(user.id, { disabled: false }), message: `${email} can sign in again.` }),
        }
      : {
          key: 'access',
          label: 'Disable',
          confirm: {
            title: `Disable ${email}?`,
            body: 'They are signed out everywhere and can’t sign in until you enable the account again. Their deliveries and shared links are paused meanwhile: clients are told the account is suspended. Their photos and settings stay as they are.',
            confirmLabel: 'Disable account',
            busyLabel: 'Disabling…',
          },
          run: async () => ({ user: await updateUser(user.id, { disabled: true }), message: `${email} is disabled.` }),
        },
    {
      key: 'sessions',
      label: 'End sessions',
      confirm: {
        title: `Sign ${email} out everywhere?`,
        body: 'Every browser and device they are signed in on will ask them to sign in again.',
        confirmLabel: 'End sessions',
        busyLabel: 'Ending…',
      },
      run: async () => {
        const ended = await endUserSessions(user.id);
        return {
          user: { ...user, activeSessions: 0 },
          message: `Ended ${ended} ${ended === 1 ? 'session' : 'sessions'} for ${email}.`,
        };
      },
    },
    ...(user.totpEnabled ? [resetSecondFactorAction(user)] : []),
  ];
}
