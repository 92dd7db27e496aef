/**
 * The fast wasm reductions, batch norm and copies (fast-wasm-kernels.ts) against the cpu
 * backend's stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { registerFastWasmKernels } from '../../main/compute/fast-wasm-kernels';
import { setSimdPassesEnabled } from '../../main/compute/fused-simd';
import { expectRegistersForWasmOnly } from './values';

/** Deterministic values in [-1, 1) plus an offset (batch-norm inputs are rarely centred). */
function values(n: number, seed: number, offset = 0): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1 + offset;
  }
  return out;
}

/** `f` of a tensor made from `data` on `backend`: its values and shape. */
async function on(backend: string, data: Float32Array, shape: number[], f: (x: tf.Tensor) => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const x = tf.tensor(data, shape);
  const y = f(x);
  const out = { values: y.dataSync() as Float32Array, shape: y.shape };
  tf.dispose([x, y]);
  return out;
}

function maxError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  return worst;
}

describe('fast wasm kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('registers for wasm only, idempotently', () => {
    expectRegistersForWasmOnly(['Sum', 'Mean', 'Identity', 'Cast', 'FusedBatchNorm', 'Add', 'Sub', 'Multiply'], registerFastWasmKernels);
  });

  // Leading axes take the fast path; the other layouts check that the stock fallback still runs.
  const reductions: [number[], number | number[]][] = [
    [[32, 8, 8, 16], [0, 1, 2]],
    [[3, 5, 7, 9], [0, 1, 2]],
    [[3, 5, 7, 9], [2, 0, 1]],
    [[3, 5, 7, 9], [-4, -3]],
    [[5, 7, 3], 0],
    [[13, 6], [0]],
    [[4097, 3], [0]],
    [[3, 5, 7, 9], [1, 2]],
    [[3, 5, 7, 9], [3]],
    [[3, 5, 7, 9], [0, 1, 2, 3]],
    [[3, 5, 7, 9], [0, 2]],
  ];
  it.each(reductions.flatMap(([shape, axis]) => [false, true].flatMap((keepDims) => ['sum', 'mean'].map((op) => [op, shape, axis, keepDims] as const))))(
    '%s over %j axes %j (keepDims %s) matches cpu',
    async (op, shape, axis, keepDims) => {
      const data = values(shape.reduce((a, b) => a * b, 1), shape.length * 7 + shape[0], 3);
      const f = (x: tf.Tensor) => (op === 'sum' ? tf.sum(x, axis, keepDims) : tf.mean(x, axis, keepDims));
      const ref = await on('cpu', data, shape, f);
      const got = await on('wasm', data, shape, f);
      expect(got.shape).toEqual(ref.shape);
      expect(maxError(ref.values, got.values)).toBeLessThan(1e-5);
    },
  );

  // Channel counts on and off the SIMD width, with and without scale and offset, ranks 2 and 4,
  // and statistics shaped [1, 1, 1, C] as well as [C].
  const norms: [number[], boolean, boolean, boolean][] = [
    [[4, 6, 5, 8], true, true, false],
    [[3, 5, 7, 9], true, true, false],
    [[3, 5, 7, 3], false, true, false],
    [[3, 5, 7, 6], true, false, false],
    [[3, 5, 7, 6], false, false, true],
    [[33, 10], true, true, false],
  ];
  it.each(norms)('batch norm of %j (scale %s, offset %s, rank-4 statistics %s) matches cpu', async (shape, withScale, withOffset, rank4) => {
    const c = shape[shape.length - 1];
    const size = shape.reduce((a, b) => a * b, 1);
    const data = values(size, size, 2);
    const stats = [values(c, 1, 2), values(c, 2, 1.5), values(c, 3, 1), values(c, 4)];
    const f = (x: tf.Tensor) => {
      const [mean, variance, scale, offset] = stats.map((s) => tf.tensor(s, rank4 ? [1, 1, 1, c] : [c]));
      const y = tf.batchNorm(x, mean, variance, withOffset ? offset : undefined, withScale ? scale : undefined, 1e-3);
      tf.dispose([mean, variance, scale, offset]);
      return y;
    };
    const ref = await on('cpu', data, shape, f);
    const got = await on('wasm', data, shape, f);
    expect(got.shape).toEqual(ref.shape);
    expect(maxError(ref.values, got.values)).toBeLessThan(1e-5);
  });

  // Per-channel operands in either order take the SIMD pass (c = 3: the one-by-one tail only;
  // 8: four lanes only; 13: both); the other broadcasts check that the stock kernel still runs.
  const broadcasts: [number[], number[]][] = [
    [[4, 5, 6, 3], [3]],
    [[4, 5, 6, 8], [1, 1, 1, 8]],
    [[2, 3, 5, 13], [1, 13]],
    [[7, 13], [13]],
    [[4, 5, 6, 8], [4, 1, 1, 8]],
    [[4, 5, 6, 8], [4, 5, 6, 8]],
    [[4, 5, 6, 1], [1]],
  ];
  for (const [big, small] of broadcasts) {
    it(`Add, Sub and Multiply of [${big}] and [${small}], both orders, match cpu to the bit`, async () => {
      const sizeOf = (s: number[]): number => s.reduce((a, b) => a * b, 1);
      const vs = values(sizeOf(small), 9, 0.5);
      const f = (x: tf.Tensor) =>
        tf.tidy(() => {
          const v = tf.tensor(vs, small);
          return tf.concat([tf.add(x, v), tf.add(v, x), tf.sub(x, v), tf.sub(v, x), tf.mul(x, v), tf.mul(v, x)].map((t) => tf.reshape(t, [-1])));
        });
      const data = values(sizeOf(big), 8, 1);
      const ref = await on('cpu', data, big, f);
      const got = await on('wasm', data, big, f);
      expect(got.shape).toEqual(ref.shape);
      expect(Array.from(got.values)).toEqual(Array.from(ref.values));
    });
  }

  it('without SIMD (JavaScript column sums, the stock batch norm) still matches cpu', async () => {
    const shape = [6, 9, 7, 12];
    const data = values(shape.reduce((a, b) => a * b, 1), 5, 3);
    const stats = [values(12, 1, 2), values(12, 2, 1.5), values(12, 3, 1), values(12, 4)].map((s) => Array.from(s));
    const f = (x: tf.Tensor) =>
      tf.tidy(() => {
        const [mean, variance, scale, offset] = stats.map((s) => tf.tensor1d(s));
        return tf.concat([tf.reshape(tf.sum(x, [0, 1, 2]), [-1]), tf.reshape(tf.mean(x, [0, 1]), [-1]), tf.reshape(tf.batchNorm(x, mean, variance, offset, scale, 1e-3), [-1])]);
      });
    const ref = await on('cpu', data, shape, f);
    setSimdPassesEnabled(false);
    try {
      const got = await on('wasm', data, shape, f);
      expect(maxError(ref.values, got.values)).toBeLessThan(1e-5);
    } finally {
      setSimdPassesEnabled(true);
    }
  });

  it.each([true, false])('the max-pool gradient (SIMD %s) matches cpu, windows of negative values and ties included', async (simd) => {
    const layouts: [number[], number, number, 'same' | 'valid'][] = [
      [[2, 9, 9, 8], 3, 2, 'same'],
      [[2, 8, 7, 9], 3, 1, 'same'],
      [[3, 6, 6, 12], 2, 2, 'valid'],
    ];
    setSimdPassesEnabled(simd);
    try {
      for (const [shape, k, stride, pad] of layouts) {
        const size = shape.reduce((a, b) => a * b, 1);
        const raw = values(size, 21);
        for (const xs of [raw.map((v) => -Math.abs(v)), raw, raw.map((v) => Math.max(0, Math.round(v * 4) / 4))]) {
          const f = (x: tf.Tensor) =>
            tf.tidy(() => {
              const y = tf.maxPool(x as tf.Tensor4D, k, stride, pad);
              const r = tf.tensor(values(y.size, 22), y.shape);
              return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, stride, pad), r)))(x);
            });
          const ref = await on('cpu', xs, shape, f);
          const got = await on('wasm', xs, shape, f);
          // Overlapping windows add up in another order: rounding only.
          expect(maxError(ref.values, got.values), `[${shape}] pool ${k}/${stride} ${pad}`).toBeLessThan(1e-6);
        }
      }
    } finally {
      setSimdPassesEnabled(true);
    }
  });

  it('sums int32 and reduces empty tensors as the stock kernels do', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const ints = tf.tensor([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32');
      const s = tf.sum(ints, 0);
      expect(s.dtype).toBe('int32');
      expect(Array.from(s.dataSync())).toEqual([9, 12]);
      const empty = tf.zeros([0, 3]);
      const e = tf.sum(empty, 0);
      expect(e.shape).toEqual([3]);
      expect(Array.from(e.dataSync())).toEqual([0, 0, 0]);
      tf.dispose([ints, s, empty, e]);
    }
  });

  it('Identity and same-dtype Cast share data, and the data lives until its last user is disposed', async () => {
    await tf.setBackend('wasm');
    const buffers = tf.memory().numDataBuffers;
    const x = tf.tensor([1.5, -2, 3], [3]);
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1.5, -2, 3]);
    copy.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    expect(ints.dtype).toBe('int32');
    tf.dispose([same, ints]);
    expect(tf.memory().numDataBuffers).toBe(buffers);
  });
});
