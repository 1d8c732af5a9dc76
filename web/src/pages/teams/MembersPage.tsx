import { useState, type FormEvent } from 'react';
import type { StudioRole, User } from '../../api/auth';
import {
  inviteStudioMember,
  listMyStudios,
  listStudioMembers,
  removeStudioMember,
  revokeStudioInvitation,
  ROLE_DESCRIPTIONS,
  ROLE_LABELS,
  updateStudioMember,
  type StudioInvitation,
  type StudioMember,
} from '../../api/teams';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { ConfirmDialog } from '../../components/ConfirmDialog';
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

/** The team, and the studio's name for the confirmations that name it. */
async function loadTeam() {
  const [team, mine] = await Promise.all([listStudioMembers(), listMyStudios()]);
  return { ...team, studioName: mine.studios.find((studio) => studio.active)?.name ?? 'this studio' };
}

function OwnerView() {
  const loaded = useLoader(loadTeam);
  const team = loaded.state.status === 'ready' ? loaded.state.data : null;
  return (
    <div className="page-stack">
      <h1 id="members-heading" tabIndex={-1}>
        Team
      </h1>
      <p className="page-lead" data-testid="team-intro">
        Everyone here works in this studio with one role.{' '}
        {ROLES.map((role) => (
          <span key={role}>
            <strong>{ROLE_LABELS[role]}</strong>: {ROLE_DESCRIPTIONS[role].toLowerCase()}{' '}
          </span>
        ))}
      </p>
      <InviteForm onInvited={loaded.reload} />
      <section className="panel" aria-labelledby="members-list-heading">
        <h2 id="members-list-heading">Members</h2>
        {loaded.state.status === 'loading' && <p className="muted">Loading members…</p>}
        {loaded.state.status === 'failed' && <LoadFailed message={loaded.state.message} onRetry={loaded.reload} />}
        {team !== null && (
          <>
            <ul className="proofing-items" data-testid="members-list">
              {team.members.map((member) => (
                <MemberRow key={member.userId} member={member} studioName={team.studioName} onChanged={loaded.reload} />
              ))}
            </ul>
            {team.invitations.length > 0 && (
              <>
                <h3>Pending invitations</h3>
                <ul className="proofing-items" data-testid="invitations-list">
                  {team.invitations.map((invitation) => (
                    <InvitationRow key={invitation.id} invitation={invitation} onWithdrawn={loaded.reload} />
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

/** A pending invitation, and withdrawing it once asked (its link stops working; a refusal is said in the dialog). */
function InvitationRow({ invitation, onWithdrawn }: { invitation: StudioInvitation; onWithdrawn: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <li>
      {invitation.email} · {ROLE_LABELS[invitation.role]} · until {formatDate(invitation.expiresAt)}{' '}
      <button type="button" className="button button-secondary button-small" aria-haspopup="dialog" onClick={() => setConfirming(true)} data-testid="invitation-revoke">
        Withdraw<span className="visually-hidden"> the invitation to {invitation.email}</span>
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Withdraw the invitation to ${invitation.email}?`}
          confirmLabel="Withdraw"
          busyLabel="Withdrawing…"
          onConfirm={async () => {
            await revokeStudioInvitation(invitation.id);
            setConfirming(false);
            onWithdrawn();
          }}
          onCancel={() => setConfirming(false)}
        >
          <p>The link in their email stops working at once. You can invite them again later.</p>
        </ConfirmDialog>
      )}
    </li>
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

function MemberRow({ member, studioName, onChanged }: { member: StudioMember; studioName: string; onChanged: () => void }) {
  const { busy, error, submit } = useSubmission();
  const [confirming, setConfirming] = useState(false);
  const [promoting, setPromoting] = useState(false);
  const [changed, setChanged] = useState<string | null>(null);
  const roleId = `member-role-${member.userId}`;
  async function changeRole(role: StudioRole) {
    await updateStudioMember(member.userId, role);
    setChanged(`${member.you ? 'You are' : `${member.email} is`} now ${role === 'owner' ? 'an owner' : `${role === 'editor' ? 'an' : 'a'} ${ROLE_LABELS[role].toLowerCase()}`}.`);
    onChanged();
  }
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
            setChanged(null);
            // An owner can do everything, deleting the studio's photos and its members included: asked first.
            if (role === 'owner') setPromoting(true);
            else void submit(() => changeRole(role));
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
          aria-haspopup="dialog"
          onClick={() => setConfirming(true)}
          data-testid="member-remove"
        >
          {member.you ? 'Leave' : 'Remove'}
        </button>
      </div>
      {error !== null && <FormError id={`member-error-${member.userId}`} message={error} testId="member-error" />}
      <StatusMessage message={changed} testId="member-role-changed" />
      {confirming && <RemovalDialog member={member} studioName={studioName} onDone={onChanged} onCancel={() => setConfirming(false)} />}
      {promoting && (
        <ConfirmDialog
          title={`Make ${member.email} an owner of ${studioName}?`}
          confirmLabel="Make an owner"
          busyLabel="Saving…"
          onConfirm={async () => {
            await changeRole('owner');
            setPromoting(false);
          }}
          onCancel={() => setPromoting(false)}
        >
          <p>Owners can do everything here: invite and remove members, change roles, and delete the studio’s photos and deliveries.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

/** Removing a member, or leaving: named, and said what it does, before it is done. */
function RemovalDialog({ member, studioName, onDone, onCancel }: { member: StudioMember; studioName: string; onDone: () => void; onCancel: () => void }) {
  if (member.you) {
    return (
      <ConfirmDialog
        title={`Leave ${studioName}?`}
        confirmLabel="Leave the studio"
        busyLabel="Leaving…"
        onConfirm={async () => {
          await removeStudioMember(member.userId);
          // Every page's data belonged to the studio just left: start afresh where the account still belongs.
          window.location.assign('/');
        }}
        onCancel={onCancel}
      >
        <p>You lose access to {studioName} at once. Coming back takes a new invitation from one of its owners.</p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      title={`Remove ${member.email} from ${studioName}?`}
      confirmLabel="Remove"
      busyLabel="Removing…"
      onConfirm={async () => {
        await removeStudioMember(member.userId);
        onDone();
      }}
      onCancel={onCancel}
    >
      <p>
        They lose access to the studio at once ({ROLE_LABELS[member.role].toLowerCase()} until now). Their account stays theirs; you can invite them again later.
      </p>
    </ConfirmDialog>
  );
}
