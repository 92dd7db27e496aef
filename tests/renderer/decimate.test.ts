/**
 * The live chart's decimator at the size the issue asks for: 100,000 points per series stay a
 * bounded, faithful curve, built with constant work per point.
 */
import { describe, expect, it } from 'vitest';
import { Decimator } from '../../renderer/src/lib/decimate';

const N = 100_000;

/** A noisy falling loss, as a training run draws it. */
function loss(step: number): number {
  return Math.log(5) * Math.exp((-3 * step) / N) + 0.1 * Math.sin(step * 12.9898);
}

function fill(d: Decimator, n: number): void {
  for (let s = 1; s <= n; s++) d.push(s, loss(s));
}

describe('Decimator at 100,000 points', () => {
  it('keeps between max / 2 and max points, whatever the count', () => {
    const d = new Decimator(1000);
    let min = Infinity;
    let max = 0;
    for (let s = 1; s <= N; s++) {
      d.push(s, loss(s));
      if (s <= 1000) expect(d.data.length).toBe(s);
      else {
        min = Math.min(min, d.data.length);
        max = Math.max(max, d.data.length);
      }
    }
    expect(max).toBe(1000);
    expect(min).toBeGreaterThanOrEqual(500);
    expect(d.count).toBe(N);
  });

  it('spans the whole run, in order: the first and last buckets sit at the ends', () => {
    const d = new Decimator(1000);
    fill(d, N);
    const xs = d.data.map((p) => p.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    // Each point is the mean x of its bucket: the first within one stride of step 1, the last
    // within one stride of the last step.
    expect(xs[0]).toBeGreaterThanOrEqual(1);
    expect(xs[0]).toBeLessThanOrEqual(1 + d.stride);
    expect(xs.at(-1)!).toBeLessThanOrEqual(N);
    expect(xs.at(-1)!).toBeGreaterThanOrEqual(N - d.stride);
  });

  it('averages, so the curve keeps the mean and follows the trend', () => {
    const d = new Decimator(1000);
    fill(d, N);
    // Every full bucket holds `stride` inputs, the last one the rest.
    const full = d.data.length - 1;
    const lastCount = N - full * d.stride;
    expect(lastCount).toBeGreaterThan(0);
    expect(lastCount).toBeLessThanOrEqual(d.stride);
    let sum = 0;
    d.data.forEach((p, i) => (sum += p.y * (i < full ? d.stride : lastCount)));
    let exact = 0;
    for (let s = 1; s <= N; s++) exact += loss(s);
    expect(sum / N).toBeCloseTo(exact / N, 6);
    // Bucket means are near the noiseless curve (noise ±0.1 averages out over 128 inputs).
    for (const p of d.data.slice(0, full)) expect(Math.abs(p.y - Math.log(5) * Math.exp((-3 * p.x) / N))).toBeLessThan(0.05);
  });

  it('does constant work per point: the stride is the smallest power of two that fits', () => {
    const d = new Decimator(1000);
    fill(d, N);
    // 100,000 / 1000 → buckets of 128 (64 would need 1563 points). Each halving touches at most
    // `max` points, and there are log2(stride) of them: 7 × 1000 moves for 100,000 pushes.
    expect(d.stride).toBe(128);
    expect(Math.ceil(N / d.stride)).toBe(d.data.length);
  });

  it('reset gives the same curve as pushing the points one by one', () => {
    const a = new Decimator(1000);
    fill(a, N);
    const b = new Decimator(1000);
    const points: [number, number][] = [];
    for (let s = 1; s <= N; s++) points.push([s, loss(s)]);
    b.push(0, 99);
    b.reset(points);
    expect(b.count).toBe(N);
    expect(b.stride).toBe(a.stride);
    expect(b.data).toEqual(a.data);
  });

  it('keeps a non-finite loss as a gap (NaN), not a number', () => {
    const d = new Decimator(4);
    d.push(1, 1);
    d.push(2, Infinity);
    d.push(3, 3);
    expect(d.data.map((p) => p.y)).toEqual([1, NaN, 3]);
  });
});
