/**
 * How numbers read, wherever a person reads them: the screen, the terminal, Markdown, CSV
 * notes and HTML reports all print a metric through these, so a loss has the same decimals
 * everywhere.
 */
import type { StudyMetricInfo } from './contract/studies';
import { INTL_TAGS, type Locale } from './i18n/locale';

/** The unit a metric is printed in. */
export type MetricUnit = StudyMetricInfo['unit'];

/** 11689512 → "11.7 M", 431080 → "431 k". */
export function compact(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (let i = 0; i < units.length; i++) {
    const [v, u] = units[i];
    if (abs < v) continue;
    const scaled = Number((n / v).toPrecision(digits));
    // 999.96 k rounds to 1000 k: say 1 M instead.
    if (Math.abs(scaled) >= 1000 && i > 0) return `${Number((n / units[i - 1][0]).toPrecision(digits))} ${units[i - 1][1]}`;
    return `${scaled} ${u}`;
  }
  return String(Math.round(n));
}

/** 0.8734 → "87.3%". */
export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}

/** A loss or another plain number at fixed decimals; NaN and infinities by name. */
export function fixed(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (Math.abs(x) >= 1e4) return x.toExponential(2);
  return x.toFixed(digits);
}

/** Learning rates and other small numbers: 0.001 → "1e-3", 0.05 → "0.05". */
export function small(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  if (Math.abs(x) < 0.01) return x.toExponential(1).replace(/\.0e/, 'e');
  return String(Number(x.toPrecision(3)));
}

/** A number of bytes as "44.7 MB" (weights files, downloads). */
export function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** The units a duration is written in, per language (Korean writes them without a space: 3분 5초). */
const DURATION_UNITS: Readonly<Record<Locale, { readonly h: string; readonly min: string; readonly s: string }>> = {
  en: { h: ' h', min: ' min', s: ' s' },
  ko: { h: '시간', min: '분', s: '초' },
};

/** Seconds → "42 s", "3 min 5 s", "1 h 12 min" (Korean: "42초", "3분 5초", "1시간 12분"). */
export function duration(seconds: number | null | undefined, locale: Locale = 'en'): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const u = DURATION_UNITS[locale];
  if (seconds < 9.95) return `${seconds.toFixed(1)}${u.s}`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}${u.s}`;
  if (s < 3600) return `${Math.floor(s / 60)}${u.min} ${s % 60}${u.s}`;
  return `${Math.floor(s / 3600)}${u.h} ${Math.floor((s % 3600) / 60)}${u.min}`;
}

/** An estimated duration: as `duration`, but "< 1 s" / "1초 미만" under a second (an estimate has no tenths). */
export function estimatedDuration(seconds: number | null | undefined, locale: Locale = 'en'): string {
  if (seconds !== null && seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 && seconds < 1) return locale === 'ko' ? `1${DURATION_UNITS.ko.s} 미만` : `< 1${DURATION_UNITS.en.s}`;
  return duration(seconds, locale);
}

/** A count with the locale's digit grouping: 12345 → "12,345". */
export function count(n: number | null | undefined, locale: Locale = 'en'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString(INTL_TAGS[locale]);
}

/** `3 epochs`, `1 epoch`, `2 classes` (with `many`). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? word : many}`;
}

/** Decimals of a loss in every table and report. */
const LOSS_DIGITS = 4;

/** A metric's unit, given as the unit or as the metric's info. */
type UnitOf = MetricUnit | Pick<StudyMetricInfo, 'unit'>;

function unitOf(u: UnitOf): MetricUnit {
  return typeof u === 'string' ? u : u.unit;
}

/** One metric value in its unit: `84.2%`, `0.4312`, `1 min 5 s`, `312/s`; `—` when there is none. */
export function formatValue(v: number | null | undefined, unit: UnitOf, locale: Locale = 'en'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unitOf(unit)) {
    case 'fraction':
      return percent(v);
    case 'loss':
      return v.toFixed(LOSS_DIGITS);
    case 'seconds':
      return duration(v, locale);
    case 'rate':
      return `${compact(v)}/s`;
  }
}

/** The spread beside a mean: percentage points for fractions, the metric's unit otherwise; null when there is none. */
export function formatSpread(std: number | null | undefined, unit: UnitOf, locale: Locale = 'en'): string | null {
  if (std === null || std === undefined || !Number.isFinite(std)) return null;
  switch (unitOf(unit)) {
    case 'fraction':
      return (std * 100).toFixed(1);
    case 'loss':
      return std.toFixed(LOSS_DIGITS);
    case 'seconds':
      return duration(std, locale);
    case 'rate':
      return compact(std);
  }
}

/** Mean ± std in a metric's unit: `84.2 ± 1.3%` (the mean alone for one run). */
export function formatMeanStd(s: { readonly mean: number | null; readonly std: number | null }, unit: UnitOf, locale: Locale = 'en'): string {
  if (s.mean === null || !Number.isFinite(s.mean)) return '—';
  const spread = formatSpread(s.std, unit, locale);
  if (spread === null) return formatValue(s.mean, unit, locale);
  switch (unitOf(unit)) {
    case 'fraction':
      return `${(100 * s.mean).toFixed(1)} ± ${spread}%`;
    case 'rate':
      return `${compact(s.mean)} ± ${spread}/s`;
    default:
      return `${formatValue(s.mean, unit, locale)} ± ${spread}`;
  }
}

/** A p-value: two significant digits, `< 0.001` below that. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p < 0.001) return '< 0.001';
  return String(Number(p.toPrecision(2)));
}

/** A 95% interval in a metric's unit, within the metric's bounds (0–100%, ≥ 0): `81.0–87.4%`, `0.4012–0.4410`. */
export function formatInterval(ci: { readonly lo: number; readonly hi: number } | null | undefined, unit: MetricUnit | Pick<StudyMetricInfo, 'unit'>, locale: Locale = 'en'): string | null {
  if (!ci) return null;
  const u = typeof unit === 'string' ? unit : unit.unit;
  // A t interval can pass the metric's bounds (two seeds far apart): it is shown within them.
  const lo = Math.max(0, ci.lo);
  if (u === 'fraction') return `${(100 * lo).toFixed(1)}–${(100 * Math.min(1, ci.hi)).toFixed(1)}%`;
  return `${formatValue(lo, u, locale)}–${formatValue(ci.hi, u, locale)}`;
}
