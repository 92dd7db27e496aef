/**
 * Axis ticks in a display unit that differs from the data's (batch steps shown as epochs).
 */

const NICE = [1, 2, 2.5, 5];

/** The smallest "nice" step (1, 2, 2.5, 5 × 10ⁿ) that puts at most `maxTicks` ticks on `span`. */
export function niceStep(span: number, maxTicks: number, minStep = 0): number {
  if (!(span > 0) || maxTicks < 2) return Math.max(1, minStep);
  const rough = span / (maxTicks - 1);
  const mag = 10 ** Math.floor(Math.log10(rough));
  for (const m of NICE) {
    const step = m * mag;
    if (step >= rough && step >= minStep) return step;
  }
  return Math.max(10 * mag, minStep);
}

/**
 * Tick positions, in data units, for an axis from `min` to `max` labelled in units of `unit`
 * data units each (say 81 steps per epoch): 0, 0.5, 1, 1.5 epochs rather than 0, 40.5, 81.
 */
export function unitTicks(min: number, max: number, unit: number, maxTicks = 8, minStep = 0): { values: number[]; step: number } {
  const u = unit > 0 ? unit : 1;
  const lo = min / u;
  const hi = max / u;
  const step = niceStep(hi - lo, maxTicks, minStep);
  const values: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + 1e-9; k++) values.push(k * step * u);
  return { values, step };
}

/** A tick's label in display units, with as many decimals as the step needs (0.25 → 2). */
export function unitLabel(value: number, unit: number, step: number): string {
  const u = unit > 0 ? unit : 1;
  let decimals = 0;
  while (decimals < 4 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-9) decimals++;
  return (value / u).toFixed(decimals);
}
