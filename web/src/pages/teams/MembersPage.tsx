import { useCallback, useState, type FormEvent } from 'react';
import type { StudioRole, User } from '../../api/auth';
import {
  inviteStudioMember,
  listStudioMembers,
  removeStudioMember,
  revokeStudioInvitation,
  ROLE_DESCRIPTIONS,
  ROLE_LABELS,
  updateStudioMember,
  type StudioMember,
} from '../../api/teams';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { EmailField, FormError, SelectField, StatusMessage, SubmitButton } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDate } from '../../lib/format';

export const MEMBERS_PATH = '/studio/members';

const ROLES: StudioRole[] = ['owner', 'editor', 'viewer'];

/** The studio's team: members and their roles, pending invitations, inviting someone. Only owners open it (App's RoleGate). */
export function MembersPage({ user }: { user: User }) {
  usePageTitle('Team');
  if (user.studioId === null) {
    return (
      <section className="card" aria-labelledby="members-heading">
        <h1 id="members-heading" tabIndex={-1}>
          Team
        </h1>
        <p className="card-lead">Your account isn’t part of a studio, so there is no team to manage.</p>
      </section>
    );
  }
  return <OwnerView />;
}

function OwnerView() {
  const load = useCallback(() => listStudioMembers(), []);
  const loaded = useLoader(load);
  return (
    <div className="page-stack">
      <h1 id="members-heading" tabIndex={-1}>
        Team
      </h1>
      <InviteForm onInvited={loaded.reload} />
      <section className="panel" aria-labelledby="members-list-heading">
        <h2 id="members-list-heading">Members</h2>
        {loaded.state.status === 'loading' && <p className="muted">Loading members…</p>}
        {loaded.state.status === 'failed' && <LoadFailed message={loaded.state.message} onRetry={loaded.reload} />}
        {loaded.state.status === 'ready' && (
          <>
            <ul className="proofing-items" data-testid="members-list">
              {loaded.state.data.members.map((member) => (
                <MemberRow key={member.userId} member={member} onChanged={loaded.reload} />
              ))}
            </ul>
            {loaded.state.data.invitations.length > 0 && (
              <>
                <h3>Pending invitations</h3>
                <ul className="proofing-items" data-testid="invitations-list">
                  {loaded.state.data.invitations.map((invitation) => (
                    <li key={invitation.id}>
                      {invitation.email} · {ROLE_LABELS[invitation.role]} · until {formatDate(invitation.expiresAt)}{' '}
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        onClick={() => void revokeStudioInvitation(invitation.id).then(loaded.reload, loaded.reload)}
                        data-testid="invitation-revoke"
                      >
                        Withdraw
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </section>
    </div>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StudioRole>('editor');
  const [news, setNews] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNews(null);
    void submit(async () => {
      const { invitation } = await inviteStudioMember(email, role);
      setNews(`Invitation sent to ${invitation.email}: the link works once, for seven days.`);
      setEmail('');
      onInvited();
    });
  }

  return (
    <section className="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <form onSubmit={handleSubmit} aria-busy={busy}>
        <EmailField id="invite-email" label="Email address" value={email} onChange={(event) => setEmail(event.target.value)} data-testid="invite-email" />
        <SelectField id="invite-role" label="Role" value={role} onChange={(event) => setRole(event.target.value as StudioRole)} data-testid="invite-role">
          {ROLES.map((option) => (
            <option key={option} value={option}>
              {ROLE_LABELS[option]} — {ROLE_DESCRIPTIONS[option]}
            </option>
          ))}
        </SelectField>
        {error !== null && <FormError id="invite-error" message={error} testId="invite-error" />}
        <SubmitButton busy={busy} label="Send invitation" busyLabel="Sending…" testId="invite-submit" />
        <StatusMessage message={news} testId="invite-news" />
      </form>
    </section>
  );
}

function MemberRow({ member, onChanged }: { member: StudioMember; onChanged: () => void }) {
  const { busy, error, submit } = useSubmission();
  const roleId = `member-role-${member.userId}`;
  return (
    <li className="proofing-selection" data-testid="member-row">
      <p>
        <strong>{member.email}</strong>
        {member.you ? ' (you)' : ''}
        {member.status === 'disabled' ? ' · disabled' : ''}
      </p>
      <div className="proofing-card-row">
        <SelectField
          id={roleId}
          label="Role"
          value={member.role}
          aria-disabled={busy}
          onChange={(event) => {
            const role = event.target.value as StudioRole;
            void submit(async () => {
              await updateStudioMember(member.userId, role);
              onChanged();
            });
          }}
          data-testid="member-role"
        >
          {ROLES.map((option) => (
            <option key={option} value={option}>
              {ROLE_LABELS[option]}
            </option>
          ))}
        </SelectField>
        <button
          type="button"
          className="button button-secondary"
          aria-disabled={busy}
          onClick={() =>
            void submit(async () => {
              await removeStudioMember(member.userId);
              onChanged();
            })
          }
          data-testid="member-remove"
        >
          {member.you ? 'Leave' : 'Remove'}
        </button>
      </div>
      {error !== null && <FormError id={`member-error-${member.userId}`} message={error} testId="member-error" />}
    </li>
  );
}
