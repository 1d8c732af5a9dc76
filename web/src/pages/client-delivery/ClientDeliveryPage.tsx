import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, messageForPeople, waitingTime } from '../../api/client';
import { type ClientBranding, getDeliveryBranding, resumeDelivery } from '../../api/branding';
import { listDeliveryFiles, openDelivery } from '../../api/deliveries';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { CheckboxField, CodeField, FormError, SubmitButton } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { ClientLayout } from './ClientLayout';
import { Gallery, type GalleryContent } from './Gallery';
import { ProofingPanel } from './ProofingPanel';
import { useProofing } from './useProofing';

const CODE_LENGTH = 8;
const CODE_ERROR_ID = 'delivery-code-error';

/** Where the page is: each view is its own component, so a new view mounts and takes focus. */
type ClientView =
  | { kind: 'loading' }
  | { kind: 'code'; notice: string | null }
  | { kind: 'gallery'; content: GalleryContent }
  | { kind: 'ended'; reason: string }
  | { kind: 'not-found' }
  | { kind: 'failed'; message: string };

/**
 * What a client sees at `/d/{token}`: the code form until the code opened the delivery,
 * then the photos. An ended delivery (410) and an unknown link (404) get a page that says
 * so in plain words, never the files. The token is only ever in the address and the API
 * paths that need it.
 */
export function ClientDeliveryPage({ token }: { token: string }) {
  const [view, setView] = useState<ClientView>({ kind: 'loading' });
  const [branding, setBranding] = useState<ClientBranding | null>(null);
  const [attempt, setAttempt] = useState(0);
  const studioName = branding?.name ?? null;

  /** Shows `next`; the studio's branding, once known, stays in the header (an ended page names the studio too). */
  const show = useCallback((next: ClientView) => {
    setView(next);
    if (next.kind === 'gallery') setBranding(next.content.delivery.branding);
  }, []);

  // The studio's name, logo and colours, before the code: the page looks like the photographer's.
  useEffect(() => {
    let cancelled = false;
    getDeliveryBranding(token).then(
      (found) => {
        if (!cancelled) setBranding((current) => current ?? found);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [token]);

  useEffect(() => {
    let cancelled = false;
    openRemembered(token).then(
      (content) => {
        if (!cancelled) show({ kind: 'gallery', content });
      },
      (error: unknown) => {
        if (cancelled) return;
        // The token is this call's only input: one the server refuses outright (too long) is a link that isn't valid.
        if (error instanceof ApiError && error.code === 'validation_failed') show({ kind: 'not-found' });
        else show(viewForFailure(error, null) ?? { kind: 'failed', message: messageForPeople(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [token, attempt, show]);

  /** Any call's failure that ends the gallery: back to the code, or a page saying it has ended. */
  const leaveGallery = useCallback(
    (error: unknown): boolean => {
      const next = viewForFailure(error, 'Please enter the code again. If it no longer works, your photographer may have sent you a new one.');
      if (next === null) return false;
      show(next);
      return true;
    },
    [show],
  );

  return (
    <ClientLayout token={token} branding={branding}>
      {view.kind === 'loading' && (
        <p className="page-loading" role="status">
          Loading…
        </p>
      )}
      {view.kind === 'code' && <CodeForm token={token} notice={view.notice} onOpened={show} />}
      {view.kind === 'gallery' && <ClientGallery token={token} content={view.content} onContentChanged={(content) => setView((current) => (current.kind === 'gallery' ? { ...current, content } : current))} onEnded={leaveGallery} />}
      {view.kind === 'ended' && <Ended reason={view.reason} studioName={studioName} />}
      {view.kind === 'not-found' && <NotFound />}
      {view.kind === 'failed' && (
        <Failed
          message={view.message}
          onRetry={() => {
            setView({ kind: 'loading' });
            setAttempt((count) => count + 1);
          }}
        />
      )}
    </ClientLayout>
  );
}

/** The photos and, when the delivery offers proofing, the hearts on them and the selection under them. */
function ClientGallery(props: { token: string; content: GalleryContent; onContentChanged: (content: GalleryContent) => void; onEnded: (error: unknown) => boolean }) {
  const proofing = useProofing(props.token);
  return (
    <>
      <Gallery {...props} hearts={proofing?.hearts ?? null} />
      {proofing !== null && <ProofingPanel proofing={proofing} files={props.content.files} />}
    </>
  );
}

/**
 * The delivery and its files: with the session, or — when there is none — through a
 * remembered device (resumeDelivery), so a family that ticked "Remember this device" is not
 * asked for the code again. Without either, the 401 asks for the code.
 */
async function openRemembered(token: string): Promise<GalleryContent> {
  try {
    return await listDeliveryFiles(token);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401 && error.code === 'delivery_code_required')) throw error;
    try {
      await resumeDelivery(token);
    } catch {
      throw error;
    }
    return listDeliveryFiles(token);
  }
}

/**
 * The view a failed call leads to, or `null` when the failure is the current view's to
 * explain: a session that is gone asks for the code again (with `codeNotice`), an ended
 * delivery and an unknown link get their own pages.
 */
function viewForFailure(error: unknown, codeNotice: string | null): ClientView | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 401 && error.code === 'delivery_code_required') return { kind: 'code', notice: codeNotice };
  if (error.status === 410) return { kind: 'ended', reason: error.code };
  // Not `route_not_found` (a server without deliveries) nor `file_not_found` (one file): the gallery explains those.
  if (error.status === 404 && error.code !== 'route_not_found' && error.code !== 'file_not_found') return { kind: 'not-found' };
  return null;
}

function CodeForm({ token, notice, onOpened }: { token: string; notice: string | null; onOpened: (view: ClientView) => void }) {
  usePageTitle('Enter your code');
  const [code, setCode] = useState('');
  const [remember, setRemember] = useState(true);
  const { busy, error, submit, fail } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (code.length !== CODE_LENGTH) {
      fail(`Enter the ${CODE_LENGTH}-digit code from the email.`);
      inputRef.current?.focus();
      return;
    }
    void submit(async () => {
      try {
        await openDelivery(token, code, remember);
        onOpened({ kind: 'gallery', content: await listDeliveryFiles(token) });
      } catch (failure) {
        const next = viewForFailure(failure, null);
        if (next !== null && next.kind !== 'code') {
          onOpened(next);
          return;
        }
        fail(codeFailureMessage(failure));
        inputRef.current?.select(); // ready to be typed over
      }
    });
  }

  return (
    <section className="card" aria-labelledby="delivery-code-heading">
      <form onSubmit={handleSubmit} aria-busy={busy} noValidate data-testid="delivery-code-form">
        <h1 id="delivery-code-heading" tabIndex={-1}>
          Enter the code you received by email
        </h1>
        <p className="card-lead" id="delivery-code-description">
          {notice ?? `Your photographer sent you this link and, in a separate email, an ${CODE_LENGTH}-digit code. Together they open your photos.`}
        </p>
        <CodeField
          id="delivery-code"
          label="Code"
          descriptionId="delivery-code-description"
          digits={CODE_LENGTH}
          value={code}
          onValueChange={setCode}
          ref={inputRef}
          errorId={error === null ? undefined : CODE_ERROR_ID}
          data-testid="delivery-code"
        />
        {error !== null && <FormError id={CODE_ERROR_ID} message={error} testId={CODE_ERROR_ID} />}
        <CheckboxField
          id="delivery-remember"
          label="Remember this device for 30 days"
          hint="You won’t be asked for the code again on this browser. Leave it unticked on a shared computer."
          checked={remember}
          onChange={(event) => setRemember(event.target.checked)}
          data-testid="delivery-remember"
        />
        <SubmitButton busy={busy} label="Open" busyLabel="Opening…" testId="delivery-open" />
      </form>
    </section>
  );
}

/** Why the code did not open the delivery, in a sentence: the server's words for a wrong code. */
function codeFailureMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return messageForPeople(error);
  if (error.status === 423) {
    return error.retryAfterSeconds === null
      ? error.hasServerMessage
        ? error.message
        : 'Too many wrong codes. Try again later.'
      : `Too many wrong codes. Try again in ${waitingTime(error.retryAfterSeconds)}.`;
  }
  if (error.status === 429 && error.retryAfterSeconds !== null) {
    return `Too many attempts from your network. Try again in ${waitingTime(error.retryAfterSeconds)}.`;
  }
  if (error.status === 401 && error.code === 'delivery_code_required') {
    return 'The code was accepted, but your browser didn’t keep the session. Allow cookies for this site and try again.';
  }
  return messageForPeople(error);
}

const ENDED_REASONS: Readonly<Record<string, string>> = {
  delivery_expired: 'It was available until a set date, and that date has passed.',
  delivery_revoked: 'The photographer has withdrawn it.',
  delivery_exhausted: 'Every download it allowed has been used.',
};

function Ended({ reason, studioName }: { reason: string; studioName: string | null }) {
  usePageTitle('No longer available');
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="card client-message" aria-labelledby="delivery-ended-heading" data-testid="delivery-ended" data-reason={reason}>
      <h1 id="delivery-ended-heading" tabIndex={-1} ref={headingRef}>
        This delivery is no longer available
      </h1>
      <p className="card-lead">{ENDED_REASONS[reason] ?? 'It has ended.'}</p>
      <p>
        If you still need your photos, please contact your photographer{studioName === null ? '' : ` at ${studioName}`}: they can send you
        a new delivery.
      </p>
    </section>
  );
}

function NotFound() {
  usePageTitle('Link not valid');
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="card client-message" aria-labelledby="delivery-not-found-heading" data-testid="delivery-not-found">
      <h1 id="delivery-not-found-heading" tabIndex={-1} ref={headingRef}>
        This link is not valid
      </h1>
      <p className="card-lead">
        Check that you opened the whole link from the email: it is long, and some email apps break it in two.
      </p>
      <p>If it still doesn’t work, your photographer may have sent a newer link, or can send you one.</p>
    </section>
  );
}

function Failed({ message, onRetry }: { message: string; onRetry: () => void }) {
  usePageTitle('Photo delivery');
  return (
    <section className="card client-message" aria-labelledby="delivery-failed-heading">
      <h1 id="delivery-failed-heading" tabIndex={-1}>
        Your photos couldn’t be loaded
      </h1>
      <LoadFailed message={message} onRetry={onRetry} />
    </section>
  );
}
