/**
 * The wasm `BatchMatMul` and `_FusedMatMul` with transposed operands (matmul-kernels.ts)
 * against the cpu backend's stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { registerMatMulKernels } from '../../main/compute/matmul-kernels';
import { expectRegistersForWasmOnly, values, relError } from './values';

/** max |a − b| / max(1, max |a|). */
const relError1 = (reference: Float32Array, actual: Float32Array): number => relError(reference, actual, 1);

/** Tensors and wasm buffers alive now (the buffer count only on wasm). */
function live(): { tensors: number; buffers: number } {
  const backend = tf.backend();
  return { tensors: tf.memory().numTensors, buffers: tf.getBackend() === 'wasm' ? (backend as BackendWasm).numDataIds() : 0 };
}

/** `f` of tensors made from `data` on `backend`: the values and shape of its result, and what it leaked. */
async function on(
  backend: string,
  data: readonly { values: Float32Array; shape: number[] }[],
  f: (xs: tf.Tensor[]) => tf.Tensor,
): Promise<{ values: Float32Array; shape: number[]; leaked: { tensors: number; buffers: number } }> {
  await tf.setBackend(backend);
  const xs = data.map((d) => tf.tensor(d.values, d.shape));
  const before = live();
  const y = f(xs);
  const out = { values: y.dataSync() as Float32Array, shape: y.shape };
  y.dispose();
  const after = live();
  tf.dispose(xs);
  return { ...out, leaked: { tensors: after.tensors - before.tensors, buffers: after.buffers - before.buffers } };
}

/** Operands of op(A)·op(B) with op(A) [m, k], op(B) [k, n], stored as the transposes ask. */
function operands(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, seed: number, batch: number[] = []) {
  const aShape = [...batch, ...(transposeA ? [k, m] : [m, k])];
  const bShape = [...batch, ...(transposeB ? [n, k] : [k, n])];
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  return [
    { values: values(size(aShape), seed), shape: aShape },
    { values: values(size(bShape), seed + 1), shape: bShape },
  ];
}

const SHAPES: [number, number, number][] = [
  [16, 800, 500],
  [1, 3, 1],
  [3, 1, 4],
  [1, 1, 1],
  [7, 13, 5],
  [5, 2, 17],
  [33, 9, 1],
  [16, 500, 10],
  [2, 31, 64],
];
const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

describe('wasm matmul kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('registers for wasm only, idempotently', () => {
    expectRegistersForWasmOnly(['BatchMatMul', '_FusedMatMul'], registerMatMulKernels);
  });

  it.each(SHAPES.flatMap(([m, k, n]) => TRANSPOSES.map(([ta, tb]) => [m, k, n, ta, tb] as const)))(
    'matMul m%i k%i n%i transposeA %s transposeB %s matches cpu without leaks',
    async (m, k, n, ta, tb) => {
      const data = operands(m, k, n, ta, tb, m * 31 + k * 7 + n);
      const f = ([a, b]: tf.Tensor[]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb);
      const ref = await on('cpu', data, f);
      const got = await on('wasm', data, f);
      expect(got.shape).toEqual([m, n]);
      expect(got.shape).toEqual(ref.shape);
      expect(relError1(ref.values, got.values)).toBeLessThan(1e-5);
      expect(got.leaked).toEqual({ tensors: 0, buffers: 0 });
    },
  );

  it.each(TRANSPOSES)('batched and rank-3 batch-1 products (transposeA %s, transposeB %s) match cpu', async (ta, tb) => {
    // Batch 3 goes to the stock kernel; batch 1 of rank 3 and 4 to the rewrite.
    for (const batch of [[3], [1], [1, 1]]) {
      const data = operands(6, 5, 4, ta, tb, 3 + batch.length, batch);
      const f = ([a, b]: tf.Tensor[]) => tf.matMul(a, b, ta, tb);
      const ref = await on('cpu', data, f);
      const got = await on('wasm', data, f);
      expect(got.shape).toEqual(ref.shape);
      expect(relError1(ref.values, got.values)).toBeLessThan(1e-5);
      expect(got.leaked).toEqual({ tensors: 0, buffers: 0 });
    }
  });

  it.each(
    [[16, 800, 500], [7, 13, 5], [1, 3, 1], [4, 1, 6]].flatMap(([m, k, n]) =>
      TRANSPOSES.flatMap(([ta, tb]) => (['linear', 'relu', 'relu6', 'leakyrelu'] as const).map((act) => [m, k, n, ta, tb, act] as const)),
    ),
  )('fused matMul m%i k%i n%i transposeA %s transposeB %s + bias + %s matches cpu', async (m, k, n, ta, tb, activation) => {
    const data = [...operands(m, k, n, ta, tb, m + k + n), { values: values(n, 99), shape: [n] }];
    const f = ([a, b, bias]: tf.Tensor[]) => tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation, leakyreluAlpha: 0.1 });
    const ref = await on('cpu', data, f);
    const got = await on('wasm', data, f);
    expect(got.shape).toEqual(ref.shape);
    expect(relError1(ref.values, got.values)).toBeLessThan(1e-5);
    expect(got.leaked).toEqual({ tensors: 0, buffers: 0 });
  });

  it('fused matMul with the same weights again (packed once, then reused) keeps matching cpu', async () => {
    const data = [...operands(16, 80, 50, false, false, 61), { values: values(50, 62), shape: [50] }];
    const f = ([x, w, bias]: tf.Tensor[]) =>
      tf.tidy(() => tf.stack([0, 1, 2].map(() => tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }))));
    const ref = await on('cpu', data, f);
    const got = await on('wasm', data, f);
    expect(got.shape).toEqual([3, 16, 50]);
    expect(relError1(ref.values, got.values)).toBeLessThan(1e-5);
    expect(got.leaked).toEqual({ tensors: 0, buffers: 0 });
  });

  it('fused matMul with a PReLU activation (form 1 only) matches cpu', async () => {
    for (const [ta, tb] of TRANSPOSES) {
      const data = [...operands(6, 9, 7, ta, tb, 71), { values: values(7, 72), shape: [7] }, { values: values(7, 73), shape: [7] }];
      const f = ([a, b, bias, alpha]: tf.Tensor[]) => tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'prelu', preluActivationWeights: alpha });
      const ref = await on('cpu', data, f);
      const got = await on('wasm', data, f);
      expect(relError1(ref.values, got.values)).toBeLessThan(1e-5);
      expect(got.leaked).toEqual({ tensors: 0, buffers: 0 });
    }
  });

  it('fused matMul without bias, and with a bias that is not per column, matches cpu', async () => {
    const cases: { bias: [number] | null; ta: boolean; tb: boolean }[] = [
      { bias: null, ta: true, tb: false },
      { bias: null, ta: false, tb: true },
      // A one-element bias is not per column: the stock loop takes it (and broadcasts it).
      { bias: [1], ta: true, tb: true },
    ];
    for (const { bias, ta, tb } of cases) {
      const data = operands(5, 7, 6, ta, tb, 41);
      if (bias) data.push({ values: values(bias[0], 5), shape: bias });
      const f = ([a, b, c]: tf.Tensor[]) => tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias: c, activation: 'relu' });
      const ref = await on('cpu', data, f);
      const got = await on('wasm', data, f);
      expect(got.shape).toEqual(ref.shape);
      expect(relError1(ref.values, got.values)).toBeLessThan(1e-5);
    }
  });

  it('dense-layer gradients through transposed products match cpu without leaks', async () => {
    // logits = relu(X·W + b)·Vᵀ; loss = Σ (R·logits) ⊙ (logitsᵀ·Rᵀ), every transpose combination.
    const [m, k, h, n] = [16, 80, 50, 10];
    const data = [
      { values: values(m * k, 1), shape: [m, k] },
      { values: values(k * h, 2).map((v) => v * 0.2), shape: [k, h] },
      { values: values(h, 3), shape: [h] },
      { values: values(n * h, 4), shape: [n, h] },
      { values: values(m * n, 5), shape: [n, m] },
    ];
    const loss = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, v: tf.Tensor, r: tf.Tensor) => {
      const hidden = tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' });
      const logits = tf.matMul(hidden, v, false, true); // [m, n]
      return tf.sum(tf.mul(tf.matMul(r, logits), tf.matMul(logits, r, true, true))); // [n, n]
    };
    const f = (xs: tf.Tensor[]) =>
      tf.tidy(() => {
        const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, v: tf.Tensor) => loss(x, w, b, v, xs[4]))(xs.slice(0, 4));
        return tf.concat(grads.map((g) => g.reshape([-1])));
      });
    const ref = await on('cpu', data, f);
    const got = await on('wasm', data, f);
    expect(got.shape).toEqual(ref.shape);
    expect(relError1(ref.values, got.values)).toBeLessThan(1e-5);
    expect(got.leaked).toEqual({ tensors: 0, buffers: 0 });
  });
});
