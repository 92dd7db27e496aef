/**
 * The replaced `Mean` gradient (main/compute/gradients.ts) against the gradient written out by
 * hand — dy of each output spread evenly over the inputs it averages — on the cpu and wasm
 * backends, and the same to the bit as tfjs-core's own gradient.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { registerFastGradients } from '../../main/compute/gradients';
import { values } from './values';

/** d/dx of sum(w · mean(x, axes)): w of the output each input averages into, over the reduced size. */
function expectedGrad(shape: number[], axes: number[], w: Float32Array): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const reduced = axes.reduce((a, ax) => a * shape[ax], 1);
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float32Array(n);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    let o = 0;
    for (let i = 0; i < shape.length; i++) o = o * outShape[i] + (axes.includes(i) ? 0 : index[i]);
    out[flat] = w[o] / reduced;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

/** The gradient of sum(w · mean(x, axis, keepDims)) with respect to x, on the current backend. */
function meanGrad(shape: number[], axis: number | number[] | undefined, keepDims: boolean, w: Float32Array): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(values(shape.reduce((a, b) => a * b, 1), 7), shape);
    const g = tf.grad((t: tf.Tensor) => {
      const m = tf.mean(t, axis, keepDims);
      return tf.sum(tf.mul(m, tf.tensor(w, m.shape)));
    })(x);
    return g.dataSync() as Float32Array;
  });
}

const CASES: readonly { shape: number[]; axis: number | number[] | undefined; keepDims: boolean }[] = [
  // Batch norm's moments over batch, rows and columns of an NHWC activation.
  { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: false },
  { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: true },
  // Global average pooling over rows and columns.
  { shape: [2, 3, 3, 8], axis: [1, 2], keepDims: false },
  { shape: [3, 7], axis: -1, keepDims: false },
  { shape: [3, 7], axis: 0, keepDims: true },
  { shape: [2, 3, 4], axis: undefined, keepDims: false },
];

type Case = (typeof CASES)[number];

/** The reduced axes of a case, non-negative (none given: all of them). */
function axesOf(c: Case): number[] {
  const rank = c.shape.length;
  return c.axis === undefined ? Array.from({ length: rank }, (_, i) => i) : [c.axis].flat().map((a) => (a < 0 ? a + rank : a));
}

/** The upstream gradient of a case: one value per output of the mean. */
function weightsOf(c: Case): Float32Array {
  const axes = axesOf(c);
  return values(c.shape.reduce((a, d, i) => a * (axes.includes(i) ? 1 : d), 1), 3);
}

describe('the Mean gradient', () => {
  let stock: Float32Array[] = [];
  let stockGrad: unknown;

  it('replaces tfjs-core’s gradient', () => {
    expect(stockGrad).toBeDefined();
    expect(tf.getGradient(tf.Mean)?.gradFunc).not.toBe(stockGrad);
  });

  beforeAll(async () => {
    // tfjs-core's own gradient first, before it is replaced.
    await tf.setBackend('cpu');
    stock = CASES.map((c) => meanGrad(c.shape, c.axis, c.keepDims, weightsOf(c)));
    stockGrad = tf.getGradient(tf.Mean)?.gradFunc;
    registerFastGradients();
    await initBackend('wasm');
  }, 60_000);

  for (const backend of ['cpu', 'wasm']) {
    it(`spreads each output's gradient evenly over its inputs on ${backend}, as tfjs-core's does`, async () => {
      await tf.setBackend(backend);
      CASES.forEach((c, k) => {
        const w = weightsOf(c);
        const got = meanGrad(c.shape, c.axis, c.keepDims, w);
        const want = expectedGrad(c.shape, axesOf(c), w);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 6);
        // The same division of the same values: equal to the bit on cpu.
        if (backend === 'cpu') expect(Array.from(got)).toEqual(Array.from(stock[k]));
      });
    });
  }
});
