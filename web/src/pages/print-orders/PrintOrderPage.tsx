import { useCallback } from 'react';
import { cancelPrintOrder, getPrintOrder, submitPrintOrder, type PrintOrder } from '../../api/labs';
import { Link } from '../../app/router';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDateTime } from '../../lib/format';
import { eventText, lineText, STATUS_NAMES } from './labels';
import { ShippingAddressView } from './ShippingAddressView';
import { PRINT_ORDERS_PATH } from './paths';

const CANCELLABLE = new Set(['draft', 'submitted', 'accepted', 'in_production']);

/** One print order: its lines, where it ships, and its timeline of status changes and the lab's actions. */
export function PrintOrderPage({ orderId }: { orderId: string }) {
  usePageTitle('Print order');
  const load = useCallback(() => getPrintOrder(orderId), [orderId]);
  const { state, reload, update } = useLoader(load);
  const { busy, error, submit } = useSubmission();
  const act = (action: (id: string) => Promise<PrintOrder>) => void submit(async () => {
    const changed = await action(orderId);
    update(() => changed);
  });

  if (state.status === 'loading') return <p className="page-loading">Loading the order…</p>;
  if (state.status === 'failed') return <LoadFailed message={state.message} onRetry={reload} />;
  const order = state.data;
  return (
    <div className="page page-wide" data-testid="print-order">
      <p>
        <Link to={PRINT_ORDERS_PATH}>← Print orders</Link>
      </p>
      <h1 tabIndex={-1}>Print order to {order.lab.name}</h1>
      <p className="page-lead">
        Status: <strong data-testid="print-order-status">{STATUS_NAMES[order.status]}</strong>
        {order.dueDate !== null && <> · due {order.dueDate}</>}
        {order.trackingNumber !== null && (
          <>
            {' '}
            · {order.carrier} <span data-testid="print-order-tracking">{order.trackingNumber}</span>
          </>
        )}
      </p>
      <div className="view-actions">
        {order.status === 'draft' && (
          <button type="button" className="button button-primary" aria-disabled={busy} onClick={() => act(submitPrintOrder)} data-testid="print-order-submit">
            Send to the lab
          </button>
        )}
        {CANCELLABLE.has(order.status) && (
          <button type="button" className="button button-secondary" aria-disabled={busy} onClick={() => act(cancelPrintOrder)} data-testid="print-order-cancel">
            Cancel order
          </button>
        )}
        <button type="button" className="button button-secondary" onClick={reload} data-testid="print-order-refresh">
          Refresh
        </button>
      </div>
      {error !== null && <FormError id="print-order-error" message={error} testId="print-order-error" />}
      {order.rejectReason !== null && <p className="notice">Rejected: {order.rejectReason}</p>}
      <section className="panel" aria-labelledby="lines-heading">
        <h2 id="lines-heading">Prints</h2>
        <ul data-testid="print-order-lines">
          {order.lines.map((line) => (
            <li key={line.id}>{lineText(line)}</li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="shipping-heading">
        <h2 id="shipping-heading">Ship to</h2>
        <ShippingAddressView address={order.shipping} />
        {order.notes !== '' && <p>{order.notes}</p>}
      </section>
      <section className="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol className="timeline" aria-label="Timeline" data-testid="print-order-timeline">
          {order.events.map((event, index) => (
            <li key={index} data-kind={event.kind}>
              <time dateTime={event.at}>{formatDateTime(event.at)}</time> — {eventText(event)}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
