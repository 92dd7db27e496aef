/**
 * The renderer's axis ticks and smoothing: what the user reads on charts.
 */
import { describe, expect, it } from 'vitest';
import { niceStep, unitLabel, unitTicks } from '../../renderer/src/lib/ticks';
import { smooth } from '../../renderer/src/lib/smooth';

describe('unit ticks', () => {
  it('labels batch steps as round epochs, never twice the same', () => {
    const { values, step } = unitTicks(0, 100, 81);
    const labels = values.map((v) => unitLabel(v, 81, step));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0', '1.2']);
  });
  it('uses whole epochs over a long run and respects a minimum step', () => {
    const { values, step } = unitTicks(0, 243, 81);
    expect(values.map((v) => unitLabel(v, 81, step))).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0', '2.5', '3.0']);
    const whole = unitTicks(1, 3, 1, 8, 1);
    expect(whole.values).toEqual([1, 2, 3]);
    expect(unitLabel(2, 1, whole.step)).toBe('2');
  });
  it('picks 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(1, 6)).toBe(0.2);
    expect(niceStep(30, 8)).toBe(5);
    expect(niceStep(0, 8)).toBe(1);
  });
});

describe('smooth', () => {
  it('starts at the first value (debiased) and continues across calls as if in one', () => {
    const pts: [number, number][] = [[1, 2], [2, 1], [3, 1], [4, 3]];
    const all = smooth(pts, { value: 0, n: 0 });
    expect(all.points[0][1]).toBeCloseTo(2);
    const a = smooth(pts.slice(0, 2), { value: 0, n: 0 });
    const b = smooth(pts.slice(2), a.state);
    expect([...a.points, ...b.points]).toEqual(all.points);
    expect(all.points.map((p) => p[0])).toEqual([1, 2, 3, 4]);
  });
  it('skips NaN rather than poisoning the curve', () => {
    const r = smooth([[1, 1], [2, NaN], [3, 1]], { value: 0, n: 0 });
    expect(r.points.map((p) => p[0])).toEqual([1, 3]);
    expect(r.points[1][1]).toBeCloseTo(1);
  });
});
