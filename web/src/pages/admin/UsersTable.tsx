import { useState } from 'react';
import type { ManagedUser } from '../../api/admin';
import { useSubmission } from '../../app/useSubmission';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormError } from '../../components/form';
import { TimeAgo } from '../../components/TimeAgo';
import { deleteUser } from '../../api/admin-console';
import { ROLE_NAMES, STATUS_NAMES } from './labels';
import { TypedDeletionDialog } from './TypedDeletionDialog';
import { userActions, type UserAction } from './userActions';

export function UsersTable({
  users,
  currentUserId,
  onChanged,
  onDeleted,
}: {
  users: ManagedUser[];
  currentUserId: string;
  onChanged: (user: ManagedUser, message: string) => void;
  onDeleted: (user: ManagedUser) => void;
}) {
  const [pending, setPending] = useState<UserAction | null>(null);
  const [deleting, setDeleting] = useState<ManagedUser | null>(null);
  const { error, submit } = useSubmission();

  async function perform(action: UserAction): Promise<void> {
    const { user, message } = await action.run();
    onChanged(user, message);
  }

  function choose(action: UserAction) {
    if (action.confirm) setPending(action);
    else void submit(() => perform(action));
  }

  return (
    <>
      {error !== null && <FormError id="users-error" message={error} testId="users-error" />}
      <div className="table-scroll" role="region" aria-labelledby="users-heading" tabIndex={0}>
        <table className="table" data-testid="admin-users-table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Two-factor</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Sessions</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <UserRow key={user.id} user={user} isYou={user.id === currentUserId} onChoose={choose} onDelete={() => setDeleting(user)} />
            ))}
          </tbody>
        </table>
      </div>
      {pending?.confirm && (
        <ConfirmDialog
          title={pending.confirm.title}
          confirmLabel={pending.confirm.confirmLabel}
          busyLabel={pending.confirm.busyLabel}
          onConfirm={async () => {
            await perform(pending);
            setPending(null);
          }}
          onCancel={() => setPending(null)}
        >
          <p>{pending.confirm.body}</p>
        </ConfirmDialog>
      )}
      {deleting && (
        <TypedDeletionDialog
          title={`Delete ${deleting.email}?`}
          what="email address"
          expected={deleting.email}
          body="The account is deleted for good. If it owns a studio alone, that studio is crypto-erased: its photos become unreadable, also in old backups. The last owner of a studio with other members cannot be deleted: another member is made owner first, or the studio is deleted."
          onDelete={async (confirm, code) => {
            await deleteUser(deleting.id, confirm, code);
            onDeleted(deleting);
            setDeleting(null);
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </>
  );
}

function UserRow({ user, isYou, onChoose, onDelete }: { user: ManagedUser; isYou: boolean; onChoose: (action: UserAction) => void; onDelete: () => void }) {
  return (
    <tr data-testid={`user-row-${user.email}`}>
      <th scope="row" className="table-email">
        {user.email}
        {isYou && <span className="badge">You</span>}
      </th>
      <td>{ROLE_NAMES[user.role]}</td>
      <td>
        <span className={`badge badge-${user.status}`}>{STATUS_NAMES[user.status]}</span>
        {user.deliveriesSuspended && (
          <span className="muted" data-testid="deliveries-suspended">
            {' '}
            Deliveries paused
          </span>
        )}
      </td>
      <td>{user.totpEnabled ? 'On' : 'Off'}</td>
      <td>
        <TimeAgo at={user.lastSignInAt} none="Never" />
      </td>
      <td className="table-number">{user.activeSessions}</td>
      <td>
        {isYou ? (
          // Demoting, disabling or signing out yourself belongs on your own Account page.
          <span className="muted">
            <span aria-hidden="true">—</span>
            <span className="visually-hidden">None for your own account</span>
          </span>
        ) : (
          <div className="row-actions">
            {userActions(user).map((action) => (
              <button
                key={action.key}
                type="button"
                className="button button-secondary button-small"
                onClick={() => onChoose(action)}
                data-testid={`user-action-${action.key}`}
              >
                {action.label}
                <span className="visually-hidden"> {user.email}</span>
              </button>
            ))}
            <button type="button" className="button button-danger button-small" onClick={onDelete} data-testid="user-action-delete">
              Delete<span className="visually-hidden"> {user.email}</span>
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
