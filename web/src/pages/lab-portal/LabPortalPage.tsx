import { useCallback, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { getLabOrder, labDownloadUrl, labSignIn, labSignOut, labZipUrl, listLabOrders, updateLabOrderStatus, type LabOrder, type LabStatus } from '../../api/labs';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { ApertureMark } from '../../components/ApertureMark';
import { FormError, StatusMessage, SubmitButton, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatBytes, formatDateTime } from '../../lib/format';
import { lineText, STATUS_NAMES } from '../print-orders/labels';
import { ShippingAddressView } from '../print-orders/ShippingAddressView';

/**
 * The print lab's portal at /lab: apart from the app (a lab is not a user), signed in with the
 * lab ID and PIN. The lab sees its queue, opens an order, downloads its originals and moves
 * it on.
 */
export function LabPortalPage() {
  usePageTitle('Lab portal');
  const { state, reload } = useLoader(labQueueOrNull);
  const [openOrder, setOpenOrder] = useState<string | null>(null);

  return (
    <div className="app-shell lab-portal" data-testid="lab-portal">
      <header className="app-header">
        <span className="wordmark">
          <ApertureMark />
          <span>Shutterlock lab portal</span>
        </span>
        {state.status === 'ready' && state.data !== null && (
          <SignOut
            lab={state.data.lab}
            onSignedOut={() => {
              setOpenOrder(null);
              reload();
            }}
          />
        )}
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {state.status === 'loading' && <p className="page-loading">Loading…</p>}
        {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
        {state.status === 'ready' && state.data === null && <LabSignIn onSignedIn={reload} />}
        {state.status === 'ready' && state.data !== null && openOrder === null && (
          <div className="page page-wide">
            <h1 tabIndex={-1}>Orders for {state.data.lab.name}</h1>
            <button type="button" className="button button-secondary button-small" onClick={reload}>
              Refresh
            </button>
            {state.data.orders.length === 0 ? (
              <p className="library-empty">No orders yet.</p>
            ) : (
              <div className="table-scroll" role="region" aria-label="Orders" tabIndex={0}>
                <table className="table" data-testid="lab-queue">
                  <thead>
                    <tr>
                      <th scope="col">From</th>
                      <th scope="col">Status</th>
                      <th scope="col">Due</th>
                      <th scope="col">Sent</th>
                    </tr>
                  </thead>
                  <tbody>
                    {state.data.orders.map((order) => (
                      <tr key={order.id}>
                        <th scope="row">
                          <button type="button" className="button button-link" onClick={() => setOpenOrder(order.id)} data-testid={`lab-open-${order.id}`}>
                            {order.studioName}
                          </button>
                        </th>
                        <td>{STATUS_NAMES[order.status]}</td>
                        <td>{order.dueDate ?? '—'}</td>
                        <td className="nowrap">{order.submittedAt === null ? '' : formatDateTime(order.submittedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        )}
        {state.status === 'ready' && state.data !== null && openOrder !== null && (
          <LabOrderView
            key={openOrder}
            orderId={openOrder}
            onBack={() => {
              setOpenOrder(null);
              reload();
            }}
          />
        )}
      </main>
    </div>
  );
}

/** The lab's queue, or null when no lab is signed in here. */
async function labQueueOrNull(): Promise<Awaited<ReturnType<typeof listLabOrders>> | null> {
  try {
    return await listLabOrders();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

function SignOut({ lab, onSignedOut }: { lab: { labId: string; name: string }; onSignedOut: () => void }) {
  const { busy, submit } = useSubmission();
  return (
    <div className="account-menu">
      <span className="account-menu-email">
        {lab.name} ({lab.labId})
      </span>
      <button
        type="button"
        className="button button-secondary button-small"
        aria-disabled={busy}
        onClick={() =>
          void submit(async () => {
            await labSignOut();
            onSignedOut();
          })
        }
      >
        Sign out
      </button>
    </div>
  );
}

function LabSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [labId, setLabId] = useState('');
  const [pin, setPin] = useState('');
  const [deviceCode, setDeviceCode] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const answer = await labSignIn(labId.trim(), pin.trim(), deviceCode ?? undefined);
      if (answer.status === 'device_code_sent') setDeviceCode('');
      else onSignedIn();
    });
  }

  return (
    <section className="page">
      <h1 tabIndex={-1}>Lab sign-in</h1>
      <p className="page-lead">Enter the lab ID and PIN your administrator gave you.</p>
      <form className="form" onSubmit={handleSubmit} aria-busy={busy}>
        <TextField id="lab-sign-in-id" label="Lab ID" autoComplete="username" required value={labId} onChange={(event) => setLabId(event.target.value)} data-testid="lab-sign-in-id" />
        <TextField
          id="lab-sign-in-pin"
          label="PIN"
          type="password"
          inputMode="numeric"
          autoComplete="current-password"
          required
          value={pin}
          onChange={(event) => setPin(event.target.value)}
          data-testid="lab-sign-in-pin"
        />
        {deviceCode !== null && (
          <>
            <p className="notice">This device is new: we emailed a code to the lab’s contacts.</p>
            <TextField id="lab-sign-in-code" label="Code from the email" inputMode="numeric" autoComplete="one-time-code" required value={deviceCode} onChange={(event) => setDeviceCode(event.target.value)} />
          </>
        )}
        <SubmitButton busy={busy} label="Sign in" busyLabel="Signing in…" testId="lab-sign-in-submit" />
      </form>
      {error !== null && <FormError id="lab-sign-in-error" message={error} testId="lab-sign-in-error" />}
    </section>
  );
}

const NEXT_STEPS: Partial<Record<LabOrder['status'], Array<{ status: LabStatus; label: string }>>> = {
  submitted: [{ status: 'accepted', label: 'Accept' }],
  accepted: [{ status: 'in_production', label: 'Start production' }],
  in_production: [{ status: 'shipped', label: 'Mark shipped' }],
  shipped: [{ status: 'completed', label: 'Mark completed' }],
};

const REJECTABLE = new Set(['submitted', 'accepted', 'in_production']);

function LabOrderView({ orderId, onBack }: { orderId: string; onBack: () => void }) {
  const load = useCallback(() => getLabOrder(orderId), [orderId]);
  const { state, reload } = useLoader(load);
  const { busy, error, submit } = useSubmission();
  const [status, setStatus] = useState<string | null>(null);
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [reason, setReason] = useState('');

  if (state.status === 'loading') return <p className="page-loading">Loading the order…</p>;
  if (state.status === 'failed') return <LoadFailed message={state.message} onRetry={reload} />;
  const order = state.data;
  const move = (next: LabStatus) =>
    void submit(async () => {
      await updateLabOrderStatus(order.id, { status: next, ...(next === 'shipped' ? { carrier, trackingNumber: tracking } : {}), ...(next === 'rejected' ? { reason } : {}) });
      setStatus(`Order ${STATUS_NAMES[next].toLowerCase()}.`);
      reload();
    });

  return (
    <div className="page page-wide" data-testid="lab-order">
      <button type="button" className="button button-link" onClick={onBack}>
        ← All orders
      </button>
      <h1 tabIndex={-1}>Order from {order.studioName}</h1>
      <p className="page-lead">
        Status: <strong data-testid="lab-order-status">{STATUS_NAMES[order.status]}</strong>
        {order.dueDate !== null && <> · due {order.dueDate}</>}
      </p>
      <StatusMessage message={status} testId="lab-order-message" />
      {error !== null && <FormError id="lab-order-error" message={error} testId="lab-order-error" />}
      <section className="panel" aria-labelledby="lab-lines-heading">
        <h2 id="lab-lines-heading">Prints</h2>
        <ul>
          {order.lines.map((line) => (
            <li key={line.id}>{lineText(line)}</li>
          ))}
        </ul>
        {order.notes !== '' && <p>{order.notes}</p>}
      </section>
      <section className="panel" aria-labelledby="lab-files-heading">
        <h2 id="lab-files-heading">Originals</h2>
        {!order.filesAvailable && <p className="muted">The files of this order are no longer available.</p>}
        {order.filesAvailable && (
          <>
            <a className="button button-secondary button-small" href={labZipUrl(order.id)} download data-testid="lab-download-zip">
              Download all (ZIP)
            </a>
            <ul>
              {order.files.map((file) => (
                <li key={file.id}>
                  {file.name} · {formatBytes(file.size)}{' '}
                  <button
                    type="button"
                    className="button button-link button-small"
                    aria-disabled={busy}
                    aria-label={`Download ${file.name}`}
                    onClick={() => void submit(async () => window.location.assign((await labDownloadUrl(order.id, file.id)).url))}
                  >
                    Download
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="lab-shipping-heading">
        <h2 id="lab-shipping-heading">Ship to</h2>
        <ShippingAddressView address={order.shipping} />
        {order.trackingNumber !== null && (
          <p>
            Shipped with {order.carrier}: {order.trackingNumber}
          </p>
        )}
      </section>
      <section className="panel" aria-labelledby="lab-status-heading">
        <h2 id="lab-status-heading">Status</h2>
        {order.status === 'in_production' && (
          <div className="form form-inline">
            <TextField id="lab-carrier" label="Carrier" value={carrier} onChange={(event) => setCarrier(event.target.value)} data-testid="lab-carrier" />
            <TextField id="lab-tracking" label="Tracking number" value={tracking} onChange={(event) => setTracking(event.target.value)} data-testid="lab-tracking" />
          </div>
        )}
        <div className="view-actions">
          {(NEXT_STEPS[order.status] ?? []).map((step) => (
            <button key={step.status} type="button" className="button button-primary" aria-disabled={busy} onClick={() => move(step.status)} data-testid={`lab-status-${step.status}`}>
              {step.label}
            </button>
          ))}
        </div>
        {REJECTABLE.has(order.status) && (
          <div className="form form-inline">
            <TextField id="lab-reason" label="Reason to reject" value={reason} onChange={(event) => setReason(event.target.value)} />
            <button type="button" className="button button-secondary" aria-disabled={busy} onClick={() => move('rejected')}>
              Reject
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
