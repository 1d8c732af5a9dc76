import { useCallback, useRef, useState, type Ref } from 'react';
import { ProofingSection } from './ProofingSection';
import { ApiError } from '../../api/client';
import {
  getDelivery,
  listDeliveryEvents,
  regenerateDeliveryCode,
  resendDelivery,
  revokeDelivery,
  type Delivery,
  type DeliveryAccess,
  type DeliveryEvent,
  type DeliveryGallery,
  type DeliverySet,
} from '../../api/deliveries';
import type { FileView } from '../../api/vault';
import { Link } from '../../app/router';
import { useFocusAfterRender } from '../../app/useFocusAfterRender';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Fact } from '../../components/Fact';
import { CheckboxField, FormError, StatusMessage } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { TimeAgo } from '../../components/TimeAgo';
import { formatBytes, formatDateTime, listOfPeople, pluralize } from '../../lib/format';
import { EditForm, ExtendForm } from './DeliveryForms';
import { GalleryEditor } from './GalleryEditor';
import { describeEvent, downloadsText, STATUS_NAMES, statusBadgeClass } from './labels';
import { DELIVERIES_PATH } from './paths';
import { AccessPanel } from './AccessPanel';
import { ShownOnce } from './ShownOnce';

/** A secret just made: shown once, then gone. */
type Secret = { kind: 'code'; code: string; emailedTo: string[] } | { kind: 'access'; access: DeliveryAccess; emailedTo: string[] };

type Panel = 'edit' | 'extend' | null;
type Dialog = 'revoke' | 'code' | 'resend' | null;

/** One delivery: what it holds, its state, what can be done to it, and what happened to it. */
export function DeliveryPage({ deliveryId }: { deliveryId: string }) {
  const load = useCallback(() => getDelivery(deliveryId).catch(notFoundAsNull), [deliveryId]);
  const { state, reload, update } = useLoader(load);
  const data = state.status === 'ready' ? state.data : null;
  usePageTitle(data !== null ? data.delivery.title : state.status === 'ready' ? 'Delivery not found' : 'Delivery');

  return (
    <div className="page page-wide" data-testid="delivery-page">
      <nav className="viewer-bar" aria-label="Deliveries">
        <Link to={DELIVERIES_PATH} className="viewer-back">
          <span aria-hidden="true">← </span>
          All deliveries
        </Link>
      </nav>
      {state.status === 'loading' && (
        <p className="page-loading" role="status">
          Loading…
        </p>
      )}
      {state.status === 'failed' && (
        <>
          <h1 tabIndex={-1}>Delivery</h1>
          <LoadFailed message={state.message} onRetry={reload} />
        </>
      )}
      {state.status === 'ready' && state.data === null && (
        <>
          <h1 tabIndex={-1}>Delivery not found</h1>
          <p className="page-lead">It may have been deleted, or the address may have a typo.</p>
        </>
      )}
      {data !== null && (
        <DeliveryDetails
          delivery={data.delivery}
          files={data.files}
          sets={data.sets}
          onChanged={(delivery) => update((current) => (current === null ? current : { ...current, delivery }))}
          onGalleryChanged={(gallery) => update(() => gallery)}
          onReload={reload}
        />
      )}
    </div>
  );
}

/** Another studio's delivery, or one that is gone, answers 404: the page says so instead of failing. */
/** An unknown delivery, and an address whose id is not even well-formed, are the same "not found" page. */
function notFoundAsNull(error: unknown): null {
  if (error instanceof ApiError && ((error.status === 404 && error.code !== 'route_not_found') || error.code === 'validation_failed')) return null;
  throw error;
}

function DeliveryDetails({
  delivery,
  files,
  sets,
  onChanged,
  onGalleryChanged,
  onReload,
}: {
  delivery: Delivery;
  files: FileView[];
  sets: DeliverySet[];
  onChanged: (delivery: Delivery) => void;
  onGalleryChanged: (gallery: DeliveryGallery) => void;
  onReload: () => void;
}) {
  const loadEvents = useCallback(() => listDeliveryEvents(delivery.id), [delivery.id]);
  const events = useLoader(loadEvents);
  const refresh = useSubmission();
  const [panel, setPanel] = useState<Panel>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const extendRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const revoked = delivery.status === 'revoked';
  const hasRecipients = delivery.recipients.length > 0;

  /** The server changed the delivery: show it, and what that added to the activity. */
  function changed(next: Delivery | null, message: string) {
    if (next === null) onReload();
    else onChanged(next);
    setStatus(message);
    events.reload();
  }

  function open(next: Panel) {
    setPanel(next);
    setStatus(null);
  }

  function closePanel(focusOn: HTMLElement | null) {
    setPanel(null);
    focusAfterRender(() => focusOn ?? headingRef.current);
  }

  function refreshAll() {
    void refresh.submit(async () => {
      const [fresh, freshEvents] = await Promise.all([getDelivery(delivery.id), listDeliveryEvents(delivery.id)]);
      onChanged(fresh.delivery); // the files keep their signed URLs: no thumbnail is fetched again
      if (events.state.status === 'ready') events.update(() => freshEvents);
      else events.reload();
    });
  }

  return (
    <>
      <header className="view-header">
        <div className="view-title">
          <p className="page-eyebrow">Delivery</p>
          <h1 id="delivery-heading" tabIndex={-1} ref={headingRef}>
            {delivery.title}
          </h1>
          <p className="view-lead" data-testid="delivery-status">
            <span className={statusBadgeClass(delivery.status)}>{STATUS_NAMES[delivery.status]}</span> {statusExplanation(delivery)}
          </p>
        </div>
        {!revoked && (
          <div className="view-actions" role="group" aria-label="Delivery actions">
            <PanelButton label="Edit" expanded={panel === 'edit'} onClick={() => open('edit')} ref={editRef} testId="delivery-edit" />
            <PanelButton label="Extend" expanded={panel === 'extend'} onClick={() => open('extend')} ref={extendRef} testId="delivery-extend" />
            <button type="button" className="button button-secondary button-small" onClick={() => setDialog('code')} data-testid="delivery-new-code">
              New code
            </button>
            {hasRecipients && (
              <button type="button" className="button button-secondary button-small" onClick={() => setDialog('resend')} data-testid="delivery-resend">
                Resend
              </button>
            )}
            <button type="button" className="button button-danger button-small" onClick={() => setDialog('revoke')} data-testid="delivery-revoke">
              Revoke
            </button>
          </div>
        )}
      </header>
      <StatusMessage message={status} testId="delivery-status-message" />
      {secret !== null && (
        <SecretPanel
          secret={secret}
          onDone={() => {
            setSecret(null);
            focusAfterRender(() => headingRef.current);
          }}
        />
      )}
      {panel === 'edit' && (
        <EditForm
          delivery={delivery}
          onSaved={(next) => {
            changed(next, 'Saved your changes.');
            closePanel(editRef.current);
          }}
          onCancel={() => closePanel(editRef.current)}
        />
      )}
      {panel === 'extend' && (
        <ExtendForm
          delivery={delivery}
          onSaved={(next) => {
            changed(next, `Extended: it can be opened until ${formatDateTime(next.expiresAt)}.`);
            closePanel(extendRef.current);
          }}
          onCancel={() => closePanel(extendRef.current)}
        />
      )}
      {!revoked && <AccessPanel deliveryId={delivery.id} />}
      <section className="panel" aria-labelledby="delivery-details-heading">
        <h2 id="delivery-details-heading">Details</h2>
        <DeliveryFacts delivery={delivery} />
      </section>
      <section className="panel" aria-labelledby="delivery-files-heading">
        <h2 id="delivery-files-heading">
          {pluralize(delivery.fileCount, 'file', 'files')}
          <span className="muted heading-aside"> · {formatBytes(delivery.totalBytes)}</span>
        </h2>
        <GalleryEditor
          delivery={delivery}
          files={files}
          sets={sets}
          onChanged={(gallery) => {
            onGalleryChanged(gallery);
            events.reload();
          }}
        />
      </section>
      <ProofingSection deliveryId={delivery.id} />
      <section className="panel" aria-labelledby="activity-heading" aria-busy={refresh.busy}>
        <div className="panel-heading-row">
          <h2 id="activity-heading">Activity</h2>
          <button type="button" className="button button-secondary button-small" aria-disabled={refresh.busy} onClick={refreshAll} data-testid="activity-refresh">
            {refresh.busy ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
        {refresh.error !== null && <FormError id="activity-refresh-error" message={refresh.error} testId="activity-refresh-error" />}
        {events.state.status === 'loading' && <p className="muted">Loading activity…</p>}
        {events.state.status === 'failed' && <LoadFailed message={events.state.message} onRetry={events.reload} />}
        {events.state.status === 'ready' && <EventTable events={events.state.data} />}
      </section>
      {dialog === 'revoke' && (
        <ConfirmDialog
          title={`Revoke “${delivery.title}”?`}
          confirmLabel="Revoke delivery"
          busyLabel="Revoking…"
          onConfirm={async () => {
            const next = await revokeDelivery(delivery.id);
            setDialog(null);
            setPanel(null);
            setSecret(null);
            changed(next, 'Revoked. The link and the code no longer open anything.');
            focusAfterRender(() => headingRef.current); // the actions are gone
          }}
          onCancel={() => setDialog(null)}
        >
          <p>The link and the code stop working at once, also for a client who has the delivery open right now. This can’t be undone.</p>
        </ConfirmDialog>
      )}
      {dialog === 'code' && (
        <NewCodeDialog
          delivery={delivery}
          onIssued={(next, code, emailed) => {
            setDialog(null);
            setSecret({ kind: 'code', code, emailedTo: emailed ? next.recipients : [] });
            changed(next, 'A new code was issued. The old one no longer works.');
          }}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog === 'resend' && (
        <ConfirmDialog
          title="Send a new link and code?"
          confirmLabel="Send new link and code"
          busyLabel="Sending…"
          tone="primary"
          onConfirm={async () => {
            const { delivery: next, access } = await resendDelivery(delivery.id);
            setDialog(null);
            setSecret({ kind: 'access', access, emailedTo: next.recipients });
            changed(next, 'A new link and a new code were sent.');
          }}
          onCancel={() => setDialog(null)}
        >
          <p>
            Shutterlock keeps neither the link nor the code, so it can’t send the old ones again. Instead it makes a new link and
            a new code and emails them to {listOfPeople(delivery.recipients)}, in two separate emails.
          </p>
          <p className="dialog-note">The old link stops working, and so does the old code.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** A button that opens one of the page's inline forms, and says whether it is open. */
function PanelButton({
  label,
  expanded,
  onClick,
  ref,
  testId,
}: {
  label: string;
  expanded: boolean;
  onClick: () => void;
  ref: Ref<HTMLButtonElement>;
  testId: string;
}) {
  return (
    <button type="button" className="button button-secondary button-small" onClick={onClick} aria-expanded={expanded} ref={ref} data-testid={testId}>
      {label}
    </button>
  );
}

function statusExplanation(delivery: Delivery): string {
  switch (delivery.status) {
    case 'active':
      return `Your client can open it until ${formatDateTime(delivery.expiresAt)}.`;
    case 'expired':
      return `It expired on ${formatDateTime(delivery.expiresAt)}. Extend it to open it again.`;
    case 'revoked':
      return delivery.revokedAt === null ? 'It can’t be opened any more.' : `Revoked on ${formatDateTime(delivery.revokedAt)}: it can’t be opened any more.`;
    case 'locked':
      return `Too many wrong codes were entered${delivery.lockedUntil === null ? '' : `, so it is locked until ${formatDateTime(delivery.lockedUntil)}`}. A new code lifts the lock.`;
    case 'exhausted':
      return 'Every allowed download has been used. Raise the download limit (Edit) to allow more.';
  }
}

function NewCodeDialog({
  delivery,
  onIssued,
  onCancel,
}: {
  delivery: Delivery;
  onIssued: (delivery: Delivery, code: string, emailed: boolean) => void;
  onCancel: () => void;
}) {
  const hasRecipients = delivery.recipients.length > 0;
  const [sendToRecipients, setSendToRecipients] = useState(hasRecipients);
  return (
    <ConfirmDialog
      title="Issue a new code?"
      confirmLabel="Issue new code"
      busyLabel="Issuing…"
      tone="primary"
      onConfirm={async () => {
        const send = hasRecipients && sendToRecipients;
        const { delivery: next, code } = await regenerateDeliveryCode(delivery.id, send);
        onIssued(next, code, send);
      }}
      onCancel={onCancel}
    >
      <p>
        The current code stops working, and every client who has the delivery open must enter the new one.
        {delivery.status === 'locked' && ' It also lifts the lock.'} The link stays the same.
      </p>
      {hasRecipients ? (
        <CheckboxField
          id="new-code-send"
          label="Email it to the recipients"
          hint={listOfPeople(delivery.recipients)}
          checked={sendToRecipients}
          onChange={(event) => setSendToRecipients(event.target.checked)}
          data-testid="new-code-send"
        />
      ) : (
        <p className="dialog-note">There are no recipients to email it to: you’ll give it to your client yourself.</p>
      )}
    </ConfirmDialog>
  );
}

/** A new code, or a new link and code, this once. */
function SecretPanel({ secret, onDone }: { secret: Secret; onDone: () => void }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const emailed = secret.emailedTo.length > 0 ? listOfPeople(secret.emailedTo) : null;
  return (
    <section className="panel panel-important" aria-labelledby="secret-heading" data-testid="delivery-secret">
      <h2 id="secret-heading" tabIndex={-1} ref={headingRef}>
        {secret.kind === 'code' ? 'New code' : 'Link and code, sent again'}
      </h2>
      <ShownOnce link={secret.kind === 'access' ? secret.access.url : null} code={secret.kind === 'code' ? secret.code : secret.access.code}>
        <p className="notice" data-testid="delivery-emailed">
          {secret.kind === 'code'
            ? emailed === null
              ? 'The new code was not emailed: give it to your client yourself.'
              : `We emailed the new code to ${emailed}.`
            : `We emailed the link and the code to ${emailed ?? 'the recipients'} again, in two separate emails.`}
        </p>
      </ShownOnce>
      <div className="panel-actions">
        <button type="button" className="button button-secondary" onClick={onDone} data-testid="delivery-secret-done">
          Done
        </button>
      </div>
    </section>
  );
}

function DeliveryFacts({ delivery }: { delivery: Delivery }) {
  return (
    <dl className="facts" data-testid="delivery-facts">
      <Fact label="Expires">
        <time dateTime={delivery.expiresAt}>{formatDateTime(delivery.expiresAt)}</time>
      </Fact>
      <Fact label="Created">
        <time dateTime={delivery.createdAt}>{formatDateTime(delivery.createdAt)}</time>
      </Fact>
      <Fact label="Recipients">{delivery.recipients.length === 0 ? <span className="muted">None</span> : delivery.recipients.join(', ')}</Fact>
      <Fact label="Message">{delivery.message === '' ? <span className="muted">None</span> : <span className="preserve-lines">{delivery.message}</span>}</Fact>
      <Fact label="Downloads">
        {downloadsText(delivery)}
        {delivery.downloadLimit === null && <span className="muted"> (no limit)</span>}
      </Fact>
      <Fact label="Views">{delivery.viewCount}</Fact>
      <Fact label="Client gets">{delivery.allowOriginals ? 'The originals' : 'The large previews only'}</Fact>
      <Fact label="Download all">{zipText(delivery)}</Fact>
      <Fact label="Last activity">
        <TimeAgo at={delivery.lastActivityAt} none="None yet" />
      </Fact>
    </dl>
  );
}

/** The server gives a watermarked delivery without originals no ZIP: its stored previews carry no watermark. */
function zipText(delivery: Delivery): string {
  if (!delivery.allowZip) return 'Not offered';
  return delivery.watermark !== null && !delivery.allowOriginals ? 'Not offered while the previews are watermarked' : 'Offered, as a ZIP';
}

function EventTable({ events }: { events: DeliveryEvent[] }) {
  if (events.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    // Its own name: the section around it is already the "Activity" region (landmarks' names must differ).
    <div className="table-scroll" role="region" aria-label="Activity table" tabIndex={0}>
      <table className="table" aria-labelledby="activity-heading" data-testid="activity-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">What happened</th>
            <th scope="col">Client</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-kind={event.kind}>
              <td className="nowrap">
                <time dateTime={event.at}>{formatDateTime(event.at)}</time>
              </td>
              <td className={event.kind === 'code_failed' || event.kind === 'locked' ? 'event-warning' : undefined}>{describeEvent(event)}</td>
              <td>
                {event.client === null ? (
                  <span className="muted">
                    <span aria-hidden="true">—</span>
                    <span className="visually-hidden">None</span>
                  </span>
                ) : (
                  <>
                    {event.client.device}
                    <span className="muted event-place"> · {event.client.place}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
