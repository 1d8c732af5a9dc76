import type { User } from '../../api/auth';
import { listPrintOrders } from '../../api/labs';
import { Link } from '../../app/router';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDateTime } from '../../lib/format';
import { STATUS_NAMES } from './labels';
import { NewPrintOrderPage } from './NewPrintOrderPage';
import { type PrintOrdersRoute, printOrderPath } from './paths';
import { PrintOrderPage } from './PrintOrderPage';

/** The studio's print orders: the list, a new order, one order with its timeline. */
export function PrintOrdersPage({ user, route }: { user: User; route: PrintOrdersRoute }) {
  if (user.studioId === null) {
    return (
      <section className="page">
        <h1 tabIndex={-1}>Print orders</h1>
        <p className="page-lead">Print orders belong to a studio, and this account has none.</p>
      </section>
    );
  }
  if (route.kind === 'new') return <NewPrintOrderPage />;
  if (route.kind === 'order') return <PrintOrderPage key={route.orderId} orderId={route.orderId} />;
  return <PrintOrderList />;
}

function PrintOrderList() {
  usePageTitle('Print orders');
  const { state, reload } = useLoader(listPrintOrders);
  return (
    <div className="page page-wide" data-testid="print-orders">
      <h1 tabIndex={-1}>Print orders</h1>
      <p className="page-lead">Select photos in the library and choose “Order prints…” to send them to a lab.</p>
      {state.status === 'loading' && <p className="muted">Loading orders…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && state.data.length === 0 && <p className="library-empty">No print orders yet.</p>}
      {state.status === 'ready' && state.data.length > 0 && (
        <div className="table-scroll" role="region" aria-label="Print orders" tabIndex={0}>
          <table className="table" data-testid="print-orders-table">
            <thead>
              <tr>
                <th scope="col">Lab</th>
                <th scope="col">Status</th>
                <th scope="col">Lines</th>
                <th scope="col">Due</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((order) => (
                <tr key={order.id}>
                  <th scope="row">
                    <Link to={printOrderPath(order.id)}>{order.lab.name}</Link>
                  </th>
                  <td>{STATUS_NAMES[order.status]}</td>
                  <td className="table-number">{order.lineCount}</td>
                  <td>{order.dueDate ?? '—'}</td>
                  <td className="nowrap">{formatDateTime(order.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
