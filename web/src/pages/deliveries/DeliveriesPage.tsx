import { lazy } from 'react';
import type { User } from '../../api/auth';
import { listDeliveries, type Delivery } from '../../api/deliveries';
import { Link } from '../../app/router';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { LoadFailed } from '../../components/LoadFailed';
import { TimeAgo } from '../../components/TimeAgo';
import { formatBytes, formatDate, formatDateTime, pluralize } from '../../lib/format';
import { LIBRARY_PATH } from '../vault/paths';
import { DeliveryPage } from './DeliveryPage';
import { downloadsText, STATUS_NAMES, statusBadgeClass } from './labels';
import { deliveryPath, NEW_DELIVERY_PATH, type DeliveriesRoute } from './paths';

// Opened once per delivery made, the form loads on demand (App's Suspense shows "Loading…"), so the first page stays small.
const NewDeliveryPage = lazy(() => import('./NewDeliveryPage').then((module) => ({ default: module.NewDeliveryPage })));

/** The photographer's deliveries: `/deliveries`, `/deliveries/new` and `/deliveries/:id`. */
export function DeliveriesPage({ user, route }: { user: User; route: DeliveriesRoute }) {
  if (user.studioId === null) return <NoStudio />;
  if (route.kind === 'new') return <NewDeliveryPage />;
  if (route.kind === 'delivery') return <DeliveryPage key={route.deliveryId} deliveryId={route.deliveryId} />;
  return <DeliveryList />;
}

function NoStudio() {
  usePageTitle('Deliveries');
  return (
    <section className="page" data-testid="no-studio-deliveries">
      <h1 tabIndex={-1}>Deliveries</h1>
      <p className="page-lead">
        Deliveries hand a studio’s photos to its clients, and your account isn’t part of a studio.
      </p>
      <Link to="/" className="button button-secondary">
        Go to the start page
      </Link>
    </section>
  );
}

function DeliveryList() {
  usePageTitle('Deliveries');
  const { state, reload } = useLoader(listDeliveries);

  return (
    <div className="page page-wide" data-testid="deliveries">
      <header className="view-header">
        <div className="view-title">
          <h1 id="deliveries-heading" tabIndex={-1}>
            Deliveries
          </h1>
          <p className="view-lead">Finished work handed to clients: a link, and separately a code.</p>
        </div>
        <div className="view-actions">
          <Link to={NEW_DELIVERY_PATH} className="button button-primary button-auto" data-testid="new-delivery">
            New delivery
          </Link>
        </div>
      </header>
      {state.status === 'loading' && <p className="muted">Loading deliveries…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' &&
        (state.data.length === 0 ? (
          <p className="library-empty" data-testid="deliveries-empty">
            No deliveries yet. Select photos in the <Link to={LIBRARY_PATH}>library</Link> and choose Deliver…, or open an album and
            choose Deliver album.
          </p>
        ) : (
          <DeliveryTable deliveries={state.data} />
        ))}
    </div>
  );
}

function DeliveryTable({ deliveries }: { deliveries: Delivery[] }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby="deliveries-heading" tabIndex={0}>
      <table className="table" data-testid="deliveries-table">
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Expires</th>
            <th scope="col">Files</th>
            <th scope="col">Views</th>
            <th scope="col">Downloads</th>
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id} data-testid={`delivery-row-${delivery.id}`}>
              <th scope="row" className="table-title">
                <Link to={deliveryPath(delivery.id)}>{delivery.title}</Link>
              </th>
              <td>
                <span className={statusBadgeClass(delivery.status)}>{STATUS_NAMES[delivery.status]}</span>
              </td>
              <td className="nowrap">
                <time dateTime={delivery.expiresAt} title={formatDateTime(delivery.expiresAt)}>
                  {formatDate(delivery.expiresAt)}
                </time>
              </td>
              <td className="table-number nowrap">
                {pluralize(delivery.fileCount, 'file', 'files')}
                <span className="muted"> · {formatBytes(delivery.totalBytes)}</span>
              </td>
              <td className="table-number">{delivery.viewCount}</td>
              <td className="table-number nowrap">{downloadsText(delivery)}</td>
              <td className="nowrap">
                <TimeAgo at={delivery.lastActivityAt} none="None yet" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
