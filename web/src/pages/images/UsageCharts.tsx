import type { ChartConfiguration } from 'chart.js';
import { useCallback, useMemo } from 'react';
import { type ImageUsage, getUsage } from '../../api/images';
import { useLoader } from '../../app/useLoader';
import { ChartCanvas, seriesStyle } from '../../components/ChartCanvas';
import { LoadFailed } from '../../components/LoadFailed';
import { formatBytes } from '../../lib/format';

const refusalReasons = [
  ['signature', 'Signature'],
  ['expired', 'Expired'],
  ['referer', 'Referer'],
  ['source', 'Source'],
  ['rateLimit', 'Rate limit'],
] as const;

const time = (iso: string, withDay: boolean) => (withDay ? iso.slice(5, 10) : iso.slice(11, 16));

function configs(usage: ImageUsage): Array<[string, ChartConfiguration]> {
  const minutes = usage.perMinute.map((point) => time(point.at, false));
  const days = usage.perDay.map((point) => time(point.at, true));
  const animation = false as const;
  // Counts start at zero: with no traffic yet, Chart.js would otherwise draw an axis from −1 to 1.
  const counts = { min: 0, suggestedMax: 1, ticks: { precision: 0 } };
  const amounts = { min: 0, suggestedMax: 1 };
  return [
    ['Requests per minute (last hour)', { type: 'line', data: { labels: minutes, datasets: [{ label: 'Requests', ...seriesStyle(0, 'line'), data: usage.perMinute.map((point) => point.requests) }] }, options: { animation, scales: { y: counts } } }],
    ['Requests per day (last 30 days)', { type: 'bar', data: { labels: days, datasets: [{ label: 'Requests', ...seriesStyle(0, 'bar'), data: usage.perDay.map((point) => point.requests) }] }, options: { animation, scales: { y: counts } } }],
    ['Megabytes served per day', { type: 'bar', data: { labels: days, datasets: [{ label: 'MB', ...seriesStyle(0, 'bar'), data: usage.perDay.map((point) => point.bytes / 1_000_000) }] }, options: { animation, scales: { y: amounts } } }],
    [
      'Cache hit ratio per day (%)',
      { type: 'line', data: { labels: days, datasets: [{ label: 'Hits %', ...seriesStyle(0, 'line'), data: usage.perDay.map((point) => (point.requests === 0 ? 0 : (100 * point.cacheHits) / point.requests)) }] }, options: { animation, scales: { y: { min: 0, max: 100 } } } },
    ],
    [
      'Refusals per day, by reason',
      {
        type: 'bar',
        data: { labels: days, datasets: refusalReasons.map(([reason, label], index) => ({ label, ...seriesStyle(index, 'bar'), data: usage.perDay.map((point) => point.refused[reason]) })) },
        options: { animation, scales: { x: { stacked: true }, y: { stacked: true, ...counts } } },
      },
    ],
  ];
}

/** A project's usage as charts, with the totals in words. */
export function UsageCharts({ projectId }: { projectId: string }) {
  const load = useCallback(() => getUsage(projectId), [projectId]);
  const { state, reload } = useLoader(load);
  const charts = useMemo(() => (state.status === 'ready' ? configs(state.data) : []), [state]);
  const totals =
    state.status === 'ready'
      ? state.data.perDay.reduce(
          (sum, point) => ({ requests: sum.requests + point.requests, bytes: sum.bytes + point.bytes, hits: sum.hits + point.cacheHits, refused: sum.refused + Object.values(point.refused).reduce((a, b) => a + b, 0) }),
          { requests: 0, bytes: 0, hits: 0, refused: 0 },
        )
      : null;
  return (
    <section className="panel" aria-labelledby="usage-heading">
      <h2 id="usage-heading">Usage</h2>
      <button type="button" className="button button-secondary button-small" onClick={reload}>
        Refresh
      </button>
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {totals && (
        <p data-testid="usage-totals">
          Last 30 days: {totals.requests} served ({formatBytes(totals.bytes)}), {totals.requests === 0 ? 0 : Math.round((100 * totals.hits) / totals.requests)}% from the cache, {totals.refused} refused.
        </p>
      )}
      <div className="usage-charts">{charts.map(([label, config]) => <ChartCanvas key={label} label={label} config={config} />)}</div>
    </section>
  );
}
