/**
 * The wasm training kernels against the cpu backend's stock ones, which serve as the reference.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { registerWasmTrainingKernels } from '../../main/compute/wasm-kernels';
import { values } from './values';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

async function onBackend<T>(name: string, body: () => T): Promise<T> {
  await tf.setBackend(name);
  return body();
}

interface Worst {
  /** max |a − b| / max |reference| */
  rel: number;
  abs: number;
}

function compare(reference: Float32Array, actual: Float32Array): Worst {
  expect(actual.length).toBe(reference.length);
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    abs = Math.max(abs, Math.abs(reference[i] - actual[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  expect(Number.isFinite(abs)).toBe(true);
  return { abs, rel: scale === 0 ? abs : abs / scale };
}

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  strides: number | [number, number];
  pad: Pad;
}

/** dx and dW of sum(conv2d(x, w) · r) on the current backend, and the tensors left behind. */
function convGrads(c: ConvCase, seed: number): { dx: Float32Array; dw: Float32Array; leaked: number; leakedBuffers: number } {
  const x = tf.tensor4d(values(c.batch * c.height * c.width * c.inChannels, seed), [c.batch, c.height, c.width, c.inChannels]);
  const w = tf.tensor4d(values(c.kernel * c.kernel * c.inChannels * c.outChannels, seed + 1), [c.kernel, c.kernel, c.inChannels, c.outChannels]);
  const yShape = tf.tidy(() => tf.conv2d(x, w, c.strides, c.pad).shape);
  const r = tf.tensor(values(yShape.reduce((a, b) => a * b, 1), seed + 2), yShape);
  const tensors = tf.memory().numTensors;
  const buffers = tf.memory().numDataBuffers;
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), r)))([x, w]);
  const out = { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  tf.dispose([dx, dw]);
  const leaked = tf.memory().numTensors - tensors;
  const leakedBuffers = tf.memory().numDataBuffers - buffers;
  tf.dispose([x, w, r]);
  return { ...out, leaked, leakedBuffers };
}

/** The conv2d case matrix: every kernel × stride × padding, with odd sizes, channels and batches. */
function cases(): ConvCase[] {
  const list: ConvCase[] = [];
  let i = 0;
  for (const kernel of [1, 3, 5, 7]) {
    for (const strides of [1, 2] as const) {
      const p = Math.floor(kernel / 2);
      const pads: Pad[] = ['same', 'valid', [[0, 0], [p, Math.max(0, p - 1)], [Math.min(1, p), p], [0, 0]]];
      for (const pad of pads) {
        i++;
        list.push({
          batch: 1 + (i % 3),
          height: kernel + 2 + (i % 5), // odd and even, never smaller than the kernel
          width: kernel + 1 + ((i * 3) % 6),
          inChannels: 1 + (i % 8),
          outChannels: 1 + ((i * 5) % 8),
          kernel,
          strides,
          pad,
        });
      }
    }
  }
  // Uneven strides, a stride larger than the kernel, and a ResNet-like shape.
  list.push({ batch: 2, height: 9, width: 11, inChannels: 3, outChannels: 4, kernel: 3, strides: [1, 2], pad: 'same' });
  list.push({ batch: 2, height: 10, width: 7, inChannels: 5, outChannels: 2, kernel: 3, strides: [3, 2], pad: 'valid' });
  list.push({ batch: 3, height: 13, width: 13, inChannels: 4, outChannels: 6, kernel: 1, strides: 3, pad: 'same' });
  list.push({ batch: 2, height: 8, width: 8, inChannels: 16, outChannels: 32, kernel: 3, strides: 2, pad: 'same' });
  return list;
}

function describeCase(c: ConvCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : `explicit ${JSON.stringify(c.pad.slice(1, 3))}`;
  return `k${c.kernel} s${JSON.stringify(c.strides)} ${pad} x[${c.batch},${c.height},${c.width},${c.inChannels}] → ${c.outChannels}`;
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('registers its kernels for wasm only, idempotently, leaving cpu on its stock kernels', () => {
    const cpuFilter = tf.getKernel('Conv2DBackpropFilter', 'cpu').kernelFunc;
    const cpuTile = tf.getKernel('Tile', 'cpu').kernelFunc;
    const cpuMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'cpu').kernelFunc;
    const wasmMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm').kernelFunc;
    const wasmTile = tf.getKernel('Tile', 'wasm').kernelFunc;
    const cpuInput = tf.getKernel('Conv2DBackpropInput', 'cpu').kernelFunc;
    const filter = tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc;
    const input = tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc;
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc).toBe(filter);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc).toBe(input);
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu').kernelFunc).toBe(cpuFilter);
    expect(tf.getKernel('Conv2DBackpropInput', 'cpu').kernelFunc).toBe(cpuInput);
    expect(tf.getKernel('Tile', 'wasm').kernelFunc).toBe(wasmTile);
    expect(tf.getKernel('Tile', 'cpu').kernelFunc).toBe(cpuTile);
    expect(tf.getKernel('MaxPoolGrad', 'wasm').kernelFunc).toBe(wasmMaxPoolGrad);
    expect(tf.getKernel('MaxPoolGrad', 'cpu').kernelFunc).toBe(cpuMaxPoolGrad);
    expect(tf.getKernelsForBackend('wasm').filter((k) => k.kernelName === 'Conv2DBackpropFilter')).toHaveLength(1);
  });

  it('conv2d dx and dW match the cpu backend over the case matrix, without leaks', async () => {
    const failures: string[] = [];
    let worst = 0;
    const all = cases();
    for (const [i, c] of all.entries()) {
      const ref = await onBackend('cpu', () => convGrads(c, 10 * i + 1));
      const got = await onBackend('wasm', () => convGrads(c, 10 * i + 1));
      for (const [name, r, g] of [['dx', ref.dx, got.dx], ['dW', ref.dw, got.dw]] as const) {
        const e = compare(r, g);
        worst = Math.max(worst, e.rel);
        if (e.rel > 1e-5) failures.push(`${describeCase(c)} ${name}: rel ${e.rel.toExponential(2)} abs ${e.abs.toExponential(2)}`);
      }
      if (got.leaked !== 0 || got.leakedBuffers !== 0) failures.push(`${describeCase(c)}: leaked ${got.leaked} tensors, ${got.leakedBuffers} buffers`);
    }
    expect(failures).toEqual([]);
    expect(all.length).toBe(28);
    expect(worst).toBeLessThan(1e-5);
  });

  it('gradients agree with central finite differences (exact for a loss linear in x and w)', async () => {
    await tf.setBackend('wasm');
    const c: ConvCase = { batch: 2, height: 7, width: 6, inChannels: 3, outChannels: 4, kernel: 3, strides: 2, pad: 'same' };
    const xs = values(c.batch * c.height * c.width * c.inChannels, 7);
    const ws = values(9 * c.inChannels * c.outChannels, 8);
    const yShape = [c.batch, 4, 3, c.outChannels];
    const rs = values(yShape.reduce((a, b) => a * b, 1), 9);
    const loss = (xv: Float32Array, wv: Float32Array) =>
      tf.tidy(() => {
        const y = tf.conv2d(tf.tensor4d(xv, [c.batch, c.height, c.width, c.inChannels]), tf.tensor4d(wv, [3, 3, c.inChannels, c.outChannels]), 2, 'same');
        return tf.sum(tf.mul(y, tf.tensor(rs, yShape))).dataSync()[0];
      });
    const { dx, dw } = tf.tidy(() => {
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), tf.tensor(rs, yShape))))([
        tf.tensor4d(xs, [c.batch, c.height, c.width, c.inChannels]),
        tf.tensor4d(ws, [3, 3, c.inChannels, c.outChannels]),
      ]);
      return { dx: gx.dataSync() as Float32Array, dw: gw.dataSync() as Float32Array };
    });
    const h = 0.5;
    for (const [grad, base, isX] of [[dx, xs, true], [dw, ws, false]] as const) {
      for (let k = 0; k < base.length; k += 7) {
        const plus = base.slice();
        const minus = base.slice();
        plus[k] += h;
        minus[k] -= h;
        const numeric = isX ? (loss(plus, ws) - loss(minus, ws)) / (2 * h) : (loss(xs, plus) - loss(xs, minus)) / (2 * h);
        expect(Math.abs(numeric - grad[k])).toBeLessThan(2e-4 * (1 + Math.abs(numeric)));
      }
    }
  });

  it('max-pool gradients match the cpu backend, also for windows of negative values and ties', async () => {
    // The stock wasm MaxPoolGrad drops the gradient of every window whose values are all ≤ 0.
    const layouts: [number[], number, number, 'same' | 'valid'][] = [
      [[1, 4, 4, 1], 2, 2, 'valid'],
      [[2, 7, 7, 3], 3, 2, 'same'],
      [[2, 6, 5, 4], 3, 2, 'valid'],
      [[2, 8, 8, 3], 3, 1, 'same'],
      [[3, 5, 5, 2], 2, 2, 'same'],
    ];
    for (const [shape, k, stride, pad] of layouts) {
      const size = shape.reduce((a, b) => a * b, 1);
      const raw = values(size, 21);
      for (const [label, xs] of [
        ['negative', raw.map((v) => -Math.abs(v))],
        ['mixed', raw],
        ['ties (after ReLU)', raw.map((v) => Math.max(0, v))],
      ] as const) {
        const run = () =>
          tf.tidy(() => {
            const x = tf.tensor4d(xs, shape as [number, number, number, number]);
            const r = tf.tensor(values(tf.maxPool(x, k, stride, pad).size, 22), tf.maxPool(x, k, stride, pad).shape);
            return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, stride, pad), r)))(x).dataSync() as Float32Array;
          });
        const ref = await onBackend('cpu', run);
        const got = await onBackend('wasm', run);
        // Overlapping windows add up in another order: rounding only.
        expect(compare(ref, got).abs, `${label} [${shape}] pool ${k}/${stride} ${pad}`).toBeLessThan(1e-6);
      }
    }
  });

  it('Tile matches the cpu backend, on its fast path and on the stock fallback', async () => {
    const layouts: [number[], number[]][] = [
      [[1, 1, 1, 5], [2, 3, 4, 1]], // the batch-norm gradient's case
      [[3], [4]],
      [[2, 3], [3, 1]],
      [[2, 3], [1, 2]], // fallback: the inner axis repeats
      [[2, 1, 3], [2, 4, 2]], // fallback
      [[1, 1], [1, 1]],
      [[1, 4], [0, 2]], // empty
    ];
    for (const [shape, reps] of layouts) {
      const size = shape.reduce((a, b) => a * b, 1);
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const run = () =>
          tf.tidy(() => {
            const x = tf.tensor(Array.from(values(size, 11)).map((v) => (dtype === 'float32' ? v : v > 0 ? 1 : 0)), shape, dtype);
            return Array.from(tf.tile(x, reps).dataSync());
          });
        const ref = await onBackend('cpu', run);
        const got = await onBackend('wasm', run);
        expect(got, `${dtype} [${shape}] × [${reps}]`).toEqual(ref);
      }
    }
  });

  it('NCHW: the filter gradient is computed by the new kernel, the input gradient by the stock one', async () => {
    const xShape: [number, number, number, number] = [2, 3, 9, 8]; // N C H W
    const dyShape: [number, number, number, number] = [2, 4, 5, 4];
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NCHW' };
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(values(2 * 3 * 9 * 8, 3), xShape);
        const dy = tf.tensor4d(values(2 * 4 * 5 * 4, 4), dyShape);
        const w = tf.tensor4d(values(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]);
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 3, 4] }) as tf.Tensor;
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [...xShape] }) as tf.Tensor;
        return [dw.dataSync() as Float32Array, dx.dataSync() as Float32Array];
      });
    const ref = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    expect(compare(ref[0], got[0]).rel).toBeLessThan(1e-5);
    expect(compare(ref[1], got[1]).rel).toBeLessThan(1e-5);
  });
});
