import { useCallback, useState } from 'react';
import { listUsers, type UserFilters as Filters } from '../../api/admin';
import type { User } from '../../api/auth';
import { usePageTitle } from '../../app/usePageTitle';
import { useLoader } from '../../app/useLoader';
import { StatusMessage } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { CreateUserForm } from './CreateUserForm';
import { UserFilters } from './UserFilters';
import { UsersTable } from './UsersTable';

/** Admins only: everyone who can sign in to this server, and adding more. */
export function UsersPage({ user }: { user: User }) {
  usePageTitle('Users');
  const [filters, setFilters] = useState<Filters>({});
  const load = useCallback(() => listUsers(filters), [filters]);
  const { state, reload, update } = useLoader(load);
  const [status, setStatus] = useState<string | null>(null);

  return (
    <div className="page page-wide">
      <h1 tabIndex={-1}>Users</h1>
      <p className="page-lead">Everyone who can sign in to this Shutterlock server.</p>
      <CreateUserForm onCreated={(created) => update((users) => [...users, created])} />
      <section className="panel" aria-labelledby="users-heading">
        <h2 id="users-heading">All users</h2>
        <UserFilters onChange={setFilters} />
        <StatusMessage message={status} testId="users-status" />
        {state.status === 'loading' && <p className="muted">Loading users…</p>}
        {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
        {state.status === 'ready' && state.data.length === 0 && <p className="muted">No user matches these filters.</p>}
        {state.status === 'ready' && state.data.length > 0 && (
          <UsersTable
            users={state.data}
            currentUserId={user.id}
            onChanged={(changed, message) => {
              update((users) => users.map((candidate) => (candidate.id === changed.id ? changed : candidate)));
              setStatus(message);
            }}
            onDeleted={(deleted) => {
              update((users) => users.filter((candidate) => candidate.id !== deleted.id));
              setStatus(`${deleted.email} was deleted.`);
            }}
          />
        )}
      </section>
    </div>
  );
}
