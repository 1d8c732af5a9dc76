import { useState } from 'react';
import { disownCredentialChange } from '../api/auth';
import { Link } from '../app/router';
import { useSession } from '../app/session';
import { useFocusOnMount } from '../app/useFocusOnMount';
import { useFragmentToken } from '../app/useFragmentToken';
import { usePageTitle } from '../app/usePageTitle';
import { useSubmission } from '../app/useSubmission';
import { FormError } from '../components/form';
import { LinkProblem } from '../components/LinkProblem';

/**
 * Where the "this wasn't me" link of a credential-change email leads: `/not-me#token=…`. One
 * button press signs the account out everywhere and undoes the change. It waits for the press
 * rather than acting on load, because mail scanners open links (some run their scripts) and
 * must not undo a change the owner did make.
 */
export function NotMePage() {
  usePageTitle('This wasn’t me');
  const token = useFragmentToken();
  const { signedOut } = useSession();
  const [ended, setEnded] = useState<number | null>(null);
  const { busy, error, submit } = useSubmission();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();

  if (token === null) {
    return (
      <section className="card" aria-labelledby="not-me-heading">
        <LinkProblem headingId="not-me-heading" title="This link is incomplete">
          Open the link from the email again.
        </LinkProblem>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="not-me-heading">
      <h1 id="not-me-heading" tabIndex={-1} ref={headingRef}>
        {ended === null ? 'Secure your account' : 'Your account is signed out everywhere'}
      </h1>
      {ended === null ? (
        <>
          <p className="card-lead">
            If you did not make the change the email told you about, secure your account now: every session ends (this
            browser’s too) and the change is undone.
          </p>
          {error !== null && <FormError id="not-me-error" message={error} testId="not-me-error" />}
          <button
            type="button"
            className="button button-primary"
            aria-disabled={busy}
            onClick={() =>
              void submit(async () => {
                setEnded(await disownCredentialChange(token));
                signedOut();
              })
            }
            data-testid="not-me-submit"
          >
            {busy ? 'Securing…' : 'Sign out everywhere and undo the change'}
          </button>
        </>
      ) : (
        <p className="card-lead" data-testid="not-me-done">
          {ended === 1 ? '1 session was ended' : `${ended} sessions were ended`}. <Link to="/sign-in">Sign in</Link> with a
          code we email you, then check your password and two-factor settings. Tell your administrator, too.
        </p>
      )}
    </section>
  );
}
