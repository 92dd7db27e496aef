/**
 * A reliability diagram as an inline SVG string for the HTML report: per confidence bin, the
 * accuracy as a bar and the gap to the bin's mean confidence shaded (red over-confident, green
 * under-confident); the diagonal is perfect calibration (Guo et al., ICML 2017, figure 1).
 */
import type { Calibration } from '../../shared/calibration';
import { escapeXml as esc } from './svg';

const r1 = (v: number) => Math.round(v * 10) / 10;

/** The diagram's words: its axes and a bin's tooltip. */
export interface ReliabilityWords {
  readonly confidence: string;
  readonly accuracy: string;
  /** `lo`–`hi` are percentages; `accuracy` and `confidence` percentages with one decimal. */
  readonly bin: (b: { readonly lo: string; readonly hi: string; readonly count: number; readonly accuracy: string; readonly confidence: string }) => string;
}

const ENGLISH: ReliabilityWords = {
  confidence: 'confidence',
  accuracy: 'accuracy',
  bin: (b) => `${b.lo}–${b.hi}%: ${b.count} image${b.count === 1 ? '' : 's'}, accuracy ${b.accuracy}%, mean confidence ${b.confidence}%`,
};

/** The diagram of one run's calibration, `size` pixels square (plus the axis labels). */
export function reliabilitySvg(c: Calibration, title: string, size = 240, words: ReliabilityWords = ENGLISH): string {
  const m = { left: 44, right: 20, top: 26, bottom: 38 };
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
    const tip = words.bin({ lo: (100 * b.lo).toFixed(0), hi: (100 * b.hi).toFixed(0), count: b.count, accuracy: (100 * b.accuracy).toFixed(1), confidence: (100 * b.confidence).toFixed(1) });
    parts.push(`<g><title>${esc(tip)}</title>`);
    parts.push(`<rect x="${left}" y="${y(b.accuracy)}" width="${width}" height="${r1(y(0) - y(b.accuracy))}" fill="#2563eb" fill-opacity="0.8"/>`);
    const top = Math.max(b.accuracy, b.confidence);
    const bottom = Math.min(b.accuracy, b.confidence);
    // Red: more confident than right (over-confident); green: less.
    const tone = b.confidence > b.accuracy ? '#e11d48' : '#059669';
    if (top - bottom > 1e-9) parts.push(`<rect x="${left}" y="${y(top)}" width="${width}" height="${r1(y(bottom) - y(top))}" fill="${tone}" fill-opacity="0.28" stroke="${tone}" stroke-width="1"/>`);
    parts.push('</g>');
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#111827" stroke-dasharray="4 3"/>`);
  parts.push(`<rect x="${x(0)}" y="${y(1)}" width="${size}" height="${size}" fill="none" stroke="#9ca3af"/>`);
  parts.push(`<text x="${x(0.5)}" y="${h - 6}" text-anchor="middle" fill="#374151">${esc(words.confidence)}</text>`);
  parts.push(`<text transform="translate(11 ${y(0.5)}) rotate(-90)" text-anchor="middle" fill="#374151">${esc(words.accuracy)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}
