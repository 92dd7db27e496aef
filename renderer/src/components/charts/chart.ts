/**
 * The chart.js setup every chart of the app shares: the pieces registered once, the options
 * they all start from, and their colours taken from the page's theme.
 */
import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartOptions } from 'chart.js';
import { cssVar } from '../../lib/palette';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Tooltip, Filler);

export { Chart };

/** Options every line chart starts from: drawn at once, filling its box, tooltips for the nearest x. */
export function baseLineOptions(): ChartOptions<'line'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
  };
}

/** Colours a chart's axes, grid lines and legend from the page's theme (call again when it changes). */
export function applyTheme<TData>(c: Chart<'line', TData>): void {
  const text = cssVar('--muted');
  const grid = cssVar('--grid');
  for (const axis of ['x', 'y'] as const) {
    const scale = c.options.scales?.[axis];
    if (!scale) continue;
    if (scale.ticks) scale.ticks.color = text;
    if (scale.grid) scale.grid.color = grid;
    if ('title' in scale && scale.title) scale.title.color = text;
  }
  const legend = c.options.plugins?.legend?.labels;
  if (legend) legend.color = text;
}

/** `#2563eb` → `rgba(37, 99, 235, a)`. */
export function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}
