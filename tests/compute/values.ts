/**
 * Shared helpers of the kernel tests: deterministic inputs and the error measure they compare by.
 */
import { expect } from 'vitest';

/** Deterministic values in [-1, 1) (a linear congruential sequence from `seed`). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** max |reference − actual| / max(floor, max |reference|); checks lengths and finiteness. */
export function relError(reference: ArrayLike<number>, actual: ArrayLike<number>, floor = 0): number {
  expect(actual.length).toBe(reference.length);
  let abs = 0;
  let scale = floor;
  for (let i = 0; i < reference.length; i++) {
    abs = Math.max(abs, Math.abs(reference[i] - actual[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  expect(Number.isFinite(abs)).toBe(true);
  return scale === 0 ? abs : abs / scale;
}
