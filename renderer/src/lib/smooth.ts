/**
 * Smoothing for noisy per-batch curves.
 */

export type Point = readonly [number, number];

/** Weight of the past in the smoothed batch curves (TensorBoard's default is 0.6–0.9). */
export const SMOOTHING = 0.9;

/**
 * Exponential moving average of `points`, continued from `state` (TensorBoard's debiased form,
 * so the first points are not pulled towards zero). Returns the new points and the new state.
 */
export function smooth(points: readonly Point[], state: { value: number; n: number }, weight = SMOOTHING): { points: Point[]; state: { value: number; n: number } } {
  let { value, n } = state;
  const out: Point[] = [];
  for (const [x, y] of points) {
    if (!Number.isFinite(y)) continue;
    value = value * weight + (1 - weight) * y;
    n++;
    out.push([x, value / (1 - weight ** n)]);
  }
  return { points: out, state: { value, n } };
}
