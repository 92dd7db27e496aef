/**
 * Shared helpers of the compute tests: deterministic inputs, the error measure they compare by,
 * the check that a kernel set registers for wasm only, and the zoo's training loss.
 */
import * as tf from '@tensorflow/tfjs';
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

/**
 * Checks that `register` (called twice here) leaves each kernel of `names` registered once for
 * wasm, and the kernels registered before it, for wasm and for cpu, where they were.
 */
export function expectRegistersForWasmOnly(names: readonly string[], register: () => void): void {
  const wasm = names.map((n) => tf.getKernel(n, 'wasm').kernelFunc);
  const cpu = names.map((n) => tf.getKernel(n, 'cpu').kernelFunc);
  register();
  register();
  names.forEach((n, i) => {
    expect(tf.getKernel(n, 'wasm').kernelFunc).toBe(wasm[i]);
    expect(tf.getKernel(n, 'cpu').kernelFunc).toBe(cpu[i]);
    expect(tf.getKernelsForBackend('wasm').filter((k) => k.kernelName === n)).toHaveLength(1);
  });
}

/** A zoo model's training-mode loss on `xs`: softmax cross-entropy, auxiliary heads weighted 0.3. */
export function zooTrainingLoss(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): tf.Scalar {
  const out = model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
  const [main, ...aux] = Array.isArray(out) ? out : [out];
  let loss = tf.losses.softmaxCrossEntropy(ys, main);
  for (const head of aux) loss = tf.add(loss, tf.mul(tf.losses.softmaxCrossEntropy(ys, head), 0.3));
  return loss as tf.Scalar;
}
