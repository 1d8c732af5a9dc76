import { useCallback, useState } from 'react';
import { signOut, type StudioRole } from '../../api/auth';
import { ApiError } from '../../api/client';
import { acceptStudioInvitation, lookUpStudioInvitation, ROLE_DESCRIPTIONS, ROLE_LABELS, switchStudio, type InvitationOffer } from '../../api/teams';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
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
 * Where a studio invitation leads: `/invitations/accept#token=…`. The page first names the studio,
 * the role offered and the invited address, masked (the server's lookup: the link may have been
 * forwarded, so whoever holds it does not learn the full address). What follows depends on who
 * is signed in in this browser: nobody — accept, then sign in with the invited address; that
 * address — accept, and the session moves into the studio joined; another account — the page
 * says so and offers to sign out; a member of the studio already — a way into it.
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
  const { state, reload } = useLoader(load);
  const { session } = useSession();
  const [joined, setJoined] = useState<{ studio: string; role: StudioRole; email: string; switched: boolean } | null>(null);

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
        {session.status === 'signed-out' && (
          <p>
            Accepted it already? <Link to="/sign-in">Sign in</Link> with the invited address to open the studio.
          </p>
        )}
      </section>
    );
  }
  const offer = state.data;
  if (joined !== null) return <Joined {...joined} />;
  if (offer.session === 'member') return <AlreadyMember offer={offer} />;
  return (
    <section className="card" aria-labelledby="invitation-heading">
      <h1 id="invitation-heading" tabIndex={-1} data-testid="invitation-offer">
        You’re invited to join {offer.studio.name} as {roleWithArticle(offer.role)}
      </h1>
      <p className="card-lead">
        {ROLE_LABELS[offer.role]}: {ROLE_DESCRIPTIONS[offer.role]} The link works once, until {formatDate(offer.expiresAt)}.
      </p>
      <p data-testid="invitation-address">
        {offer.session === 'invited' && session.status === 'signed-in' ? `The invitation is for your address, ${session.user.email}.` : `The invitation is for ${offer.email}.`}
      </p>
      {offer.session === 'other' ? (
        <SignOutFirst offer={offer} onSignedOut={reload} />
      ) : (
        <ActionButton
          label="Accept the invitation"
          busyLabel="Joining…"
          testId="invitation-accept"
          action={async () => {
            const answer = await acceptStudioInvitation(token);
            setJoined({ studio: answer.studio.name, role: answer.role, email: answer.email, switched: answer.switched });
          }}
        />
      )}
    </section>
  );
}

/** One button for one request, its failure shown above it: each of the page's ways on. */
function ActionButton({ label, busyLabel, testId, action }: { label: string; busyLabel: string; testId: string; action: () => Promise<void> }) {
  const { busy, error, submit } = useSubmission();
  return (
    <>
      {error !== null && <FormError id={`${testId}-error`} message={error} testId={`${testId}-error`} />}
      <button type="button" className="button button-primary" aria-disabled={busy} onClick={() => void submit(action)} data-testid={testId}>
        {busy ? busyLabel : label}
      </button>
    </>
  );
}

/** Another account is signed in here: accepting would not be for it, so the way on is signing out (the link stays open). */
function SignOutFirst({ offer, onSignedOut }: { offer: InvitationOffer; onSignedOut: () => void }) {
  const { session, signedOut } = useSession();
  const current = session.status === 'signed-in' ? session.user.email : 'another account';
  return (
    <div data-testid="invitation-other-account">
      <p>
        You are signed in as <strong>{current}</strong>, and this invitation is for another address. Sign out to accept it for {offer.email} (then sign in with that address), or
        open the link in a browser where that address is signed in.
      </p>
      <ActionButton
        label={`Sign out of ${current}`}
        busyLabel="Signing out…"
        testId="invitation-sign-out"
        action={async () => {
          await signOut();
          signedOut();
          onSignedOut();
        }}
      />
    </div>
  );
}

/** Opens the studio: the session acts in it (the switcher's request), and every page starts afresh there. */
function OpenStudioButton({ studioId, name }: { studioId: string; name: string }) {
  return (
    <ActionButton
      label={`Open ${name}`}
      busyLabel="Opening…"
      testId="invitation-open-studio"
      action={async () => {
        await switchStudio(studioId);
        window.location.assign('/');
      }}
    />
  );
}

function AlreadyMember({ offer }: { offer: InvitationOffer }) {
  return (
    <section className="card" aria-labelledby="invitation-heading" data-testid="invitation-already-member">
      <h1 id="invitation-heading" tabIndex={-1}>
        You are already a member of {offer.studio.name}
      </h1>
      <p className="card-lead">Your role there: {ROLE_LABELS[offer.role]}. This link has nothing more to do.</p>
      {offer.studio.id !== undefined && <OpenStudioButton studioId={offer.studio.id} name={offer.studio.name} />}
    </section>
  );
}

function Joined({ studio, role, email, switched }: { studio: string; role: StudioRole; email: string; switched: boolean }) {
  return (
    <section className="card" aria-labelledby="invitation-heading" data-testid="invitation-accepted">
      <h1 id="invitation-heading" tabIndex={-1}>
        You joined {studio}
      </h1>
      {switched ? (
        <>
          <p className="card-lead">Your role: {ROLE_LABELS[role]}. You are working in {studio} now; switch between your studios from the header.</p>
          {/* A whole page load: the header and every page's data belong to the studio now acted in. */}
          <a href="/" className="button button-primary" data-testid="invitation-open-joined">
            Open {studio}
          </a>
        </>
      ) : (
        <>
          <p className="card-lead">
            Your role: {ROLE_LABELS[role]}. Sign in with {email}: we will email you a one-time code. If you belong to several studios, switch between them from the header.
          </p>
          <Link to="/sign-in" className="button button-primary" data-testid="invitation-sign-in">
            Sign in
          </Link>
        </>
      )}
    </section>
  );
}
