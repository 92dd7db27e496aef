/**
 * Inline SVG line charts for reports: one line per series, with a shaded band for its spread.
 * Plain strings, no DOM; axes start at zero.
 */

/** One point of a series, with its spread where there are several runs. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  /** Spread around `y` (min/max or ± std); omitted for a single run. */
  readonly lo?: number;
  readonly hi?: number;
}

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly points: readonly ChartPoint[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly ChartSeries[];
  readonly yFormat: (v: number) => string;
  /** Upper end of the y axis (e.g. 1 for accuracies); else a round number above the data. */
  readonly yMax?: number;
  /** A point's tooltip (default `label, epoch x: value`). */
  readonly pointTitle?: (label: string, x: number, value: string) => string;
  readonly width?: number;
  readonly height?: number;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** About `count` round tick values from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** A line chart with spread bands, as an `<svg>` element string. */
export function lineChartSvg(o: LineChartOptions): string {
  const width = o.width ?? 520;
  const height = o.height ?? 280;
  const m = { left: 56, right: 14, top: 30, bottom: 42 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const all = o.series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.x));
  const xMin = Math.min(xMax, ...all.map((p) => p.x));
  const dataMax = Math.max(0, ...all.map((p) => Math.max(p.y, p.hi ?? p.y)).filter(Number.isFinite));
  const yTicks = o.yMax !== undefined ? niceTicks(o.yMax).filter((t) => t <= o.yMax! + 1e-9) : niceTicks(dataMax || 1);
  const yTop = o.yMax ?? yTicks[yTicks.length - 1];
  const span = xMax - xMin;
  const sx = (x: number) => m.left + (span === 0 ? pw / 2 : ((x - xMin) / span) * pw);
  const sy = (y: number) => m.top + ph - (Math.min(Math.max(y, 0), yTop) / yTop) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}" font-family="system-ui, sans-serif" font-size="11">`,
  );
  parts.push(`<text x="${m.left}" y="18" font-size="13" font-weight="600" fill="#111827">${escapeXml(o.title)}</text>`);
  for (const t of yTicks) {
    const y = r1(sy(t));
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y + 4}" text-anchor="end" fill="#4b5563">${escapeXml(o.yFormat(t))}</text>`);
  }
  const xStep = Math.max(1, Math.ceil(span / 10));
  for (let x = Math.ceil(xMin); x <= xMax; x += xStep) {
    const px = r1(sx(x));
    parts.push(`<line x1="${px}" x2="${px}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#6b7280"/>`);
    parts.push(`<text x="${px}" y="${m.top + ph + 16}" text-anchor="middle" fill="#4b5563">${x}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#6b7280"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#6b7280"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${height - 6}" text-anchor="middle" fill="#374151">${escapeXml(o.xLabel)}</text>`);
  for (const s of o.series) {
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    const banded = pts.filter((p) => p.lo !== undefined && p.hi !== undefined && Number.isFinite(p.lo) && Number.isFinite(p.hi));
    if (banded.length > 1 && banded.some((p) => p.hi! - p.lo! > 0)) {
      const upper = banded.map((p) => `${r1(sx(p.x))},${r1(sy(p.hi!))}`);
      const lower = [...banded].reverse().map((p) => `${r1(sx(p.x))},${r1(sy(p.lo!))}`);
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="0.14" stroke="none"/>`);
    }
    if (pts.length > 1) parts.push(`<polyline points="${pts.map((p) => `${r1(sx(p.x))},${r1(sy(p.y))}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${r1(sx(p.x))}" cy="${r1(sy(p.y))}" r="2.5" fill="${s.color}"><title>${escapeXml(o.pointTitle ? o.pointTitle(s.label, p.x, o.yFormat(p.y)) : `${s.label}, epoch ${p.x}: ${o.yFormat(p.y)}`)}</title></circle>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
