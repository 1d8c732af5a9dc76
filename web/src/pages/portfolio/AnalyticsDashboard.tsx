import type { ChartConfiguration } from 'chart.js';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { type Analytics, analyticsQuery, getAnalytics } from '../../api/portfolio';
import { Link } from '../../app/router';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { SelectField } from '../../components/form';
import { ChartCanvas, seriesStyle } from '../../components/ChartCanvas';
import { LoadFailed } from '../../components/LoadFailed';
import { PORTFOLIO_PATH } from './paths';
import './portfolio.css';

function charts(analytics: Analytics): Array<[string, ChartConfiguration]> {
  const labels = analytics.series.map((point) => point.date.slice(5));
  const animation = false as const;
  return [
    [
      'Views and impressions per day',
      {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'Impressions', ...seriesStyle(0, 'line'), data: analytics.series.map((point) => point.impressions) },
            { label: 'Views', ...seriesStyle(1, 'line'), data: analytics.series.map((point) => point.views) },
          ],
        },
        options: { animation },
      },
    ],
    [
      'Page views and visitors per day',
      {
        type: 'bar',
        data: {
          labels,
          datasets: [
            { label: 'Page views', ...seriesStyle(0, 'bar'), data: analytics.series.map((point) => point.pageViews) },
            { label: 'Visitors', ...seriesStyle(1, 'bar'), data: analytics.series.map((point) => point.visitors) },
          ],
        },
        options: { animation },
      },
    ],
  ];
}

/** Totals, trends, top photos and collections, referrers; an admin sees every photographer, or one. */
export function AnalyticsDashboard({ isAdmin }: { isAdmin: boolean }) {
  usePageTitle('Portfolio analytics');
  const [days, setDays] = useState(30);
  const [portfolioId, setPortfolioId] = useState<string>('');
  const load = useCallback(() => getAnalytics(days, portfolioId || undefined), [days, portfolioId]);
  const { state, reload } = useLoader(load);
  const configs = useMemo(() => (state.status === 'ready' ? charts(state.data) : []), [state]);
  const [photographers, setPhotographers] = useState<Analytics['photographers']>([]);
  useEffect(() => {
    if (state.status === 'ready' && portfolioId === '') setPhotographers(state.data.photographers);
  }, [state, portfolioId]);
  return (
    <section className="page">
      {!isAdmin && (
        <p>
          <Link to={PORTFOLIO_PATH}>Portfolio</Link>
        </p>
      )}
      <h1 tabIndex={-1}>Portfolio analytics</h1>
      <p className="page-lead" data-testid="analytics-not-counted">
        Counted without cookies and without keeping addresses. Not counted: visits from bots, and from browsers that ask not to be tracked (Do Not Track or Global
        Privacy Control, <code>DNT</code> / <code>Sec-GPC</code>).
      </p>
      <div className="panel-actions">
        <SelectField id="analytics-days" label="Period" value={String(days)} onChange={(event) => setDays(Number(event.target.value))}>
          <option value="7">Last 7 days</option>
          <option value="30">Last 30 days</option>
          <option value="90">Last 90 days</option>
        </SelectField>
        {isAdmin && (
          <SelectField id="analytics-photographer" label="Photographer" value={portfolioId} onChange={(event) => setPortfolioId(event.target.value)}>
            <option value="">Everyone</option>
            {photographers.map((entry) => (
              <option key={entry.portfolioId} value={entry.portfolioId}>
                {entry.displayName} ({entry.slug})
              </option>
            ))}
          </SelectField>
        )}
        <button type="button" className="button button-secondary" onClick={reload}>
          Refresh
        </button>
        <a className="button button-secondary" href={`/api/portfolio/analytics.csv?${analyticsQuery(days, portfolioId || undefined)}`} download data-testid="analytics-csv">
          Download CSV
        </a>
      </div>
      {state.status === 'loading' && <p role="status">Loading…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && (
        <>
          <ul className="portfolio-totals" data-testid="analytics-totals">
            <li>
              <strong data-testid="total-impressions">{state.data.totals.impressions}</strong> impressions
            </li>
            <li>
              <strong data-testid="total-views">{state.data.totals.views}</strong> views
            </li>
            <li>
              <strong data-testid="total-page-views">{state.data.totals.pageViews}</strong> page views
            </li>
            <li>
              <strong data-testid="total-visitors">{state.data.totals.visitors}</strong> visitors
            </li>
            <li>
              <strong>{state.data.totals.clicks}</strong> link clicks
            </li>
          </ul>
          <div className="usage-charts">
            {configs.map(([label, config]) => (
              <ChartCanvas key={label} label={label} config={config} />
            ))}
          </div>
          <h2>Top photos</h2>
          {state.data.topPhotos.length === 0 ? (
            <p>No views yet.</p>
          ) : (
            <table className="portfolio-table">
              <thead>
                <tr>
                  <th scope="col">Photo</th>
                  <th scope="col">Views</th>
                  <th scope="col">Impressions</th>
                </tr>
              </thead>
              <tbody>
                {state.data.topPhotos.map((photo) => (
                  <tr key={photo.photoId}>
                    <td>{photo.thumbnailUrl ? <img src={photo.thumbnailUrl} alt="" /> : '(unpublished)'}</td>
                    <td>{photo.views}</td>
                    <td>{photo.impressions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Top collections</h2>
          <table className="portfolio-table">
            <thead>
              <tr>
                <th scope="col">Collection</th>
                <th scope="col">Page views</th>
                <th scope="col">Photo views</th>
              </tr>
            </thead>
            <tbody>
              {state.data.topCollections.map((collection) => (
                <tr key={collection.collectionId}>
                  <td>{collection.title}</td>
                  <td>{collection.pageViews}</td>
                  <td>{collection.views}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Referrers</h2>
          {state.data.referrers.length === 0 ? (
            <p>No referring sites yet.</p>
          ) : (
            <ul>
              {state.data.referrers.map((entry) => (
                <li key={entry.referrer}>
                  {entry.referrer}: {entry.pageViews}
                </li>
              ))}
            </ul>
          )}
          {isAdmin && (
            <>
              <h2>Per photographer</h2>
              <table className="portfolio-table">
                <thead>
                  <tr>
                    <th scope="col">Photographer</th>
                    <th scope="col">Page views</th>
                    <th scope="col">Views</th>
                    <th scope="col">Visitors</th>
                  </tr>
                </thead>
                <tbody>
                  {state.data.photographers.map((entry) => (
                    <tr key={entry.portfolioId}>
                      <td>{entry.displayName}</td>
                      <td>{entry.totals.pageViews}</td>
                      <td>{entry.totals.views}</td>
                      <td>{entry.totals.visitors}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
