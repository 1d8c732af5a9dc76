import { useCallback, useState } from 'react';
import type { StudioRole } from '../../api/auth';
import { ApiError } from '../../api/client';
import { acceptStudioInvitation, lookUpStudioInvitation, ROLE_DESCRIPTIONS, ROLE_LABELS } from '../../api/teams';
import { Link } from '../../app/router';
import { useFragmentToken } from '../../app/useFragmentToken';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError } from '../../components/form';
import { LinkProblem } from '../../components/LinkProblem';
import { formatDate } from '../../lib/format';

export const ACCEPT_INVITATION_PATH = '/invitations/accept';
const DAMAGED_LINK = 'This invitation link is incomplete or damaged. Open it again from the email (the whole link), or ask the studio for a new invitation.';

/** "a viewer", "an editor", "an owner". */
function roleWithArticle(role: StudioRole): string {
  const label = ROLE_LABELS[role].toLowerCase();
  return `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
}

/**
 * Where a studio invitation leads: `/invitations/accept#token=…`. The page first names the studio
 * and the role offered (the server's lookup); accepting is one click; then sign in with the
 * invited address.
 */
export function AcceptInvitationPage() {
  usePageTitle('Join a studio');
  const token = useFragmentToken();
  if (token === null) {
    return (
      <section className="card" aria-labelledby="invitation-heading">
        <LinkProblem headingId="invitation-heading" title="This invitation link is incomplete">
          Open the link from the email again, or ask the studio for a new invitation.
        </LinkProblem>
      </section>
    );
  }
  return <InvitationOffer token={token} />;
}

function InvitationOffer({ token }: { token: string }) {
  const load = useCallback(
    () =>
      lookUpStudioInvitation(token).catch((error: unknown) => {
        // A token cut short or run on (a mail client wrapping the link) fails the request's own
        // checks, whose wording is for developers: it is the same unusable link to a person.
        if (error instanceof ApiError && error.code === 'validation_failed') throw new ApiError(400, 'invitation_invalid', DAMAGED_LINK, true);
        throw error;
      }),
    [token],
  );
  const { state } = useLoader(load);
  const [joined, setJoined] = useState<{ studio: string; role: StudioRole; email: string } | null>(null);
  const { busy, error, submit } = useSubmission();

  if (state.status === 'loading') {
    return (
      <section className="card" aria-labelledby="invitation-heading" aria-busy="true">
        <h1 id="invitation-heading" tabIndex={-1}>
          Join a studio
        </h1>
        <p className="card-lead">Opening the invitation…</p>
      </section>
    );
  }
  if (state.status === 'failed') {
    return (
      <section className="card" aria-labelledby="invitation-heading" data-testid="invitation-unusable">
        <LinkProblem headingId="invitation-heading" title="This invitation cannot be used">
          {state.message}
        </LinkProblem>
      </section>
    );
  }
  const offer = state.data;
  if (joined !== null) {
    return (
      <section className="card" aria-labelledby="invitation-heading" data-testid="invitation-accepted">
        <h1 id="invitation-heading" tabIndex={-1}>
          You joined {joined.studio}
        </h1>
        <p className="card-lead">
          Your role: {ROLE_LABELS[joined.role]}. Sign in with {joined.email}: we will email you a one-time code. If you belong to several studios, switch between them from the
          header.
        </p>
        <Link to="/sign-in" className="button button-primary" data-testid="invitation-sign-in">
          Sign in
        </Link>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="invitation-heading">
      <h1 id="invitation-heading" tabIndex={-1} data-testid="invitation-offer">
        You’re invited to join {offer.studio.name} as {roleWithArticle(offer.role)}
      </h1>
      <p className="card-lead">
        {ROLE_LABELS[offer.role]}: {ROLE_DESCRIPTIONS[offer.role]} The link works once, until {formatDate(offer.expiresAt)}.
      </p>
      {error !== null && <FormError id="invitation-error" message={error} testId="invitation-error" />}
      <button
        type="button"
        className="button button-primary"
        aria-disabled={busy}
        onClick={() =>
          void submit(async () => {
            const answer = await acceptStudioInvitation(token);
            setJoined({ studio: answer.studio.name, role: answer.role, email: answer.email });
          })
        }
        data-testid="invitation-accept"
      >
        {busy ? 'Joining…' : 'Accept the invitation'}
      </button>
    </section>
  );
}
