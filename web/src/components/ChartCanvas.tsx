import { BarController, BarElement, CategoryScale, Chart, type ChartConfiguration, type ChartDataset, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';

// Chart.js draws on a canvas and injects no stylesheet, so it runs under the strict CSP.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

/** Series colours, each at least 3:1 against the page's background (light and dark), in the order series are drawn. */
const LIGHT = ['#1f5fbf', '#b35900', '#2e7d32', '#7b3fa0', '#c0264b'] as const;
const DARK = ['#7fb2ff', '#ffb561', '#7fd67f', '#d2a6ff', '#ff8fa8'] as const;
/** Line patterns, so two series differ without colour too (the legend draws them as well). */
const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4]] as const;

/**
 * The look of the `index`th series: its own colour and, for a line, its own dash; bars
 * alternate filled and outlined, since Chart.js draws no dashes round a bar.
 */
export function seriesStyle(index: number, type: 'line' | 'bar'): Partial<ChartDataset<'line'>> & Partial<ChartDataset<'bar'>> {
  const palette = window.matchMedia('(prefers-color-scheme: dark)').matches ? DARK : LIGHT;
  const colour = palette[index % palette.length]!;
  if (type === 'line') return { borderColor: colour, backgroundColor: colour, borderDash: [...DASHES[index % DASHES.length]!], borderWidth: 2, pointRadius: 2 };
  return { borderColor: colour, backgroundColor: index % 2 === 0 ? colour : `${colour}33`, borderWidth: 2 };
}

/** A chart on a canvas, named for screen readers by its caption. */
export function ChartCanvas({ label, config }: { label: string; config: ChartConfiguration }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvasRef.current) return;
    const chart = new Chart(canvasRef.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <figure className="usage-chart">
      <figcaption>{label}</figcaption>
      <canvas ref={canvasRef} role="img" aria-label={label} />
    </figure>
  );
}
