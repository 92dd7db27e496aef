/**
 * A reliability diagram as an inline SVG string for the HTML report: per confidence bin, the
 * accuracy as a bar and the gap to the bin's mean confidence shaded; the diagonal is perfect
 * calibration (Guo et al., ICML 2017, figure 1).
 */
import type { Calibration } from '../../shared/calibration';
import { escapeXml as esc } from './svg';

const r1 = (v: number) => Math.round(v * 10) / 10;

/** The diagram of one run's calibration, `size` pixels square (plus the axis labels). */
export function reliabilitySvg(c: Calibration, title: string, size = 240): string {
  const m = { left: 44, right: 10, top: 26, bottom: 38 };
  const w = size + m.left + m.right;
  const h = size + m.top + m.bottom;
  const x = (v: number) => r1(m.left + v * size);
  const y = (v: number) => r1(m.top + (1 - v) * size);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif" font-size="11">`);
  parts.push(`<text x="${m.left}" y="16" font-size="13" font-weight="600" fill="#111827">${esc(title)}</text>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${x(0)}" x2="${x(1)}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${x(0) - 6}" y="${y(t) + 4}" text-anchor="end" fill="#6b7280">${t * 100}%</text>`);
    parts.push(`<text x="${x(t)}" y="${y(0) + 15}" text-anchor="middle" fill="#6b7280">${t * 100}%</text>`);
  }
  for (const b of c.bins) {
    if (!b.count || b.accuracy === null || b.confidence === null) continue;
    const left = x(b.lo) + 1;
    const width = r1(x(b.hi) - x(b.lo) - 2);
    const tip = `${(100 * b.lo).toFixed(0)}–${(100 * b.hi).toFixed(0)}%: ${b.count} image${b.count === 1 ? '' : 's'}, accuracy ${(100 * b.accuracy).toFixed(1)}%, mean confidence ${(100 * b.confidence).toFixed(1)}%`;
    parts.push(`<g><title>${esc(tip)}</title>`);
    parts.push(`<rect x="${left}" y="${y(b.accuracy)}" width="${width}" height="${r1(y(0) - y(b.accuracy))}" fill="#2563eb" fill-opacity="0.8"/>`);
    const top = Math.max(b.accuracy, b.confidence);
    const bottom = Math.min(b.accuracy, b.confidence);
    if (top - bottom > 1e-9) parts.push(`<rect x="${left}" y="${y(top)}" width="${width}" height="${r1(y(bottom) - y(top))}" fill="#e11d48" fill-opacity="0.28" stroke="#e11d48" stroke-width="1"/>`);
    parts.push('</g>');
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#111827" stroke-dasharray="4 3"/>`);
  parts.push(`<rect x="${x(0)}" y="${y(1)}" width="${size}" height="${size}" fill="none" stroke="#9ca3af"/>`);
  parts.push(`<text x="${x(0.5)}" y="${h - 6}" text-anchor="middle" fill="#374151">confidence</text>`);
  parts.push(`<text transform="translate(11 ${y(0.5)}) rotate(-90)" text-anchor="middle" fill="#374151">accuracy</text>`);
  parts.push('</svg>');
  return parts.join('');
}
