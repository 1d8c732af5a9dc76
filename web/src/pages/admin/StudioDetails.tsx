import { useCallback } from 'react';
import { getStudio } from '../../api/admin-console';
import { useLoader } from '../../app/useLoader';
import { LoadFailed } from '../../components/LoadFailed';
import { formatBytes, formatDateTime } from '../../lib/format';

const storageRows = [
  ['originals', 'Originals (trash included)'],
  ['previews', 'Thumbnails and previews'],
  ['cache', 'Image service cache'],
  ['other', 'Uploads in progress and blobs awaiting the purge'],
] as const;

/** One studio's storage per variant and its members, loaded when the admin opens the row (the storage figures walk the blob store). */
export function StudioDetails({ studioId }: { studioId: string }) {
  const load = useCallback(() => getStudio(studioId), [studioId]);
  const { state, reload } = useLoader(load);
  if (state.status === 'loading') return <p className="muted">Loading the studio’s storage…</p>;
  if (state.status === 'failed') return <LoadFailed message={state.message} onRetry={reload} />;
  const { storage, memberList } = state.data;
  return (
    <div className="studio-details" data-testid="studio-details">
      <table className="table">
        <caption>Storage, as stored (encrypted)</caption>
        <tbody>
          {storageRows.map(([variant, label]) => (
            <tr key={variant}>
              <th scope="row">{label}</th>
              <td className="table-number" data-testid={`storage-${variant}`}>
                {formatBytes(storage[variant])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="table">
        <caption>Members</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Last sign-in</th>
          </tr>
        </thead>
        <tbody>
          {memberList.map((member) => (
            <tr key={member.userId}>
              <th scope="row">
                {member.email}
                {member.disabled && ' (disabled)'}
              </th>
              <td>{member.role}</td>
              <td>
                {member.lastSignInAt ? (
                  <time dateTime={member.lastSignInAt} data-testid="member-last-sign-in">
                    {formatDateTime(member.lastSignInAt)}
                  </time>
                ) : (
                  'never'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
