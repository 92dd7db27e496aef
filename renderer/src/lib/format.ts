/**
 * Number and time formatting shared by the views.
 */

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
  if (Math.abs(x) < 0.01) return x.toExponential(1).replace(/\.0e/, 'e').replace('e-', 'e-');
  return String(Number(x.toPrecision(3)));
}

/** Seconds → "42 s", "3 min 5 s", "1 h 12 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Epoch milliseconds → a local date and time. */
export function when(ms: number | null | undefined): string {
  if (!ms) return '—';
  const d = new Date(ms);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === today.toDateString()) return `today ${time}`;
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? word : many}`;
}

/** An error's message, for showing where it happened. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
