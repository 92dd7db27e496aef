/**
 * Winograd F(2×2, 3×3) convolutions on the wasm backend against the cpu backend's direct ones.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { clearWinogradCache, estimateFilterGradMatMulNs, estimateFilterGradNs, estimateInputGradNs, estimateNs, setMatMulInputGradMode, setWinogradMode, setWinogradTile, type WinogradMode } from '../../main/compute/winograd';
import { values, relError } from './values';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly ci: number;
  readonly co: number;
  readonly pad: Pad;
}

const CASES: readonly Case[] = [
  { n: 2, h: 6, w: 6, ci: 4, co: 8, pad: 'same' },
  { n: 1, h: 5, w: 7, ci: 8, co: 4, pad: 'same' }, // odd sizes: partial tiles on both edges
  { n: 3, h: 9, w: 8, ci: 12, co: 16, pad: 'valid' },
  { n: 4, h: 4, w: 4, ci: 32, co: 64, pad: 'same' }, // a late-ResNet-like small map
  { n: 1, h: 3, w: 3, ci: 4, co: 4, pad: 'valid' }, // one output pixel
  { n: 2, h: 4, w: 5, ci: 4, co: 4, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  { n: 2, h: 16, w: 16, ci: 16, co: 32, pad: 'same' },
];

interface Result {
  readonly y: Float32Array;
  readonly fused: Float32Array;
  readonly dx: Float32Array;
  readonly dw: Float32Array;
}

/** conv2d, fused conv2d (bias + ReLU) and the gradients of a loss through conv2d, on the current backend. */
function convolve(c: Case): Result {
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]);
    const f = tf.tensor4d(values(9 * c.ci * c.co, 2), [3, 3, c.ci, c.co]);
    const bias = tf.tensor1d(values(c.co, 3));
    const y = tf.conv2d(x, f, 1, c.pad);
    const fused = tf.fused.conv2d({ x, filter: f, bias, activation: 'relu', strides: 1, pad: c.pad });
    const r = tf.tensor(values(y.size, 4), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad), r)))([x, f]);
    return { y: y.dataSync() as Float32Array, fused: fused.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

async function reference(c: Case): Promise<Result> {
  await tf.setBackend('cpu');
  const r = convolve(c);
  await tf.setBackend('wasm');
  return r;
}

function wasmBackend(): BackendWasm {
  return tf.backend() as unknown as BackendWasm;
}

/**
 * The cases on the kept filter transforms: Winograd always, 2×2 tiles (16 transformed matrices a
 * filter), an 8-channel input and a 3×3 filter on wasm.
 */
function cachedTransformCase(): { backend: BackendWasm; x: tf.Tensor4D; f: tf.Tensor4D } {
  setWinogradMode('always');
  setWinogradTile(2);
  return { backend: wasmBackend(), x: tf.tensor4d(values(2 * 8 * 8 * 8, 5), [2, 8, 8, 8]), f: tf.tensor4d(values(9 * 8 * 8, 6), [3, 3, 8, 8]) };
}

/**
 * The gradient of a convolution with respect to x or its filter, on wasm (as currently set up)
 * against cpu, over kernels 1–7, strides 1–3 and same / valid / explicit padding; no leaks.
 */
async function checkGradients(wrt: 'x' | 'filter', shape: (i: number) => { n: number; ci: number }): Promise<void> {
  let i = 0;
  for (const k of [1, 3, 5, 7]) {
    for (const stride of [1, 2, 3]) {
      for (const pad of ['same', 'valid', [[0, 0], [Math.floor(k / 2), 0], [0, Math.floor(k / 2)], [0, 0]]] as const) {
        i++;
        const { n, ci } = shape(i);
        const [h, w, co, seed] = [k + 1 + (i % 5), k + (i % 4), 1 + (i % 7), i];
        const run = (): Float32Array =>
          tf.tidy(() => {
            const x = tf.tensor4d(values(n * h * w * ci, seed), [n, h, w, ci]);
            const f = tf.tensor4d(values(k * k * ci * co, seed + 1), [k, k, ci, co]);
            const y = tf.conv2d(x, f, stride, pad as Pad);
            const r = tf.tensor(values(y.size, seed + 2), y.shape);
            const loss = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(a, b, stride, pad as Pad), r));
            const g = wrt === 'x' ? tf.grad((a: tf.Tensor) => loss(a as tf.Tensor4D, f))(x) : tf.grad((b: tf.Tensor) => loss(x, b as tf.Tensor4D))(f);
            return g.dataSync() as Float32Array;
          });
        const tensors = tf.memory().numTensors;
        const buffers = wasmBackend().numDataIds();
        const got = run();
        expect(tf.memory().numTensors).toBe(tensors);
        expect(wasmBackend().numDataIds()).toBe(buffers);
        await tf.setBackend('cpu');
        const want = run();
        await tf.setBackend('wasm');
        expect(relError(want, got), `d${wrt} k${k} s${stride} ${JSON.stringify(pad)} x[${n},${h},${w},${ci}] → ${co}`).toBeLessThan(2e-6);
      }
    }
  }
}

describe('Winograd convolution (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  afterEach(() => {
    setWinogradMode('auto');
    setWinogradTile('auto');
    setMatMulInputGradMode('auto');
    clearWinogradCache(wasmBackend());
  });

  // F(4×4, 3×3)'s transforms multiply by up to 8 and divide by 24: more rounding than F(2×2, 3×3).
  for (const [tile, tolerance] of [[2, 2e-6], [4, 1e-5]] as const) {
    for (const mode of ['tiles', 'weights'] as const satisfies readonly WinogradMode[]) {
      it(`matches the cpu backend's conv2d, fused conv2d and gradients with F(${tile}×${tile}, 3×3) in the ${mode} orientation, without leaks`, async () => {
        for (const c of CASES) {
          const ref = await reference(c);
          setWinogradMode(mode);
          setWinogradTile(tile);
        const tensors = tf.memory().numTensors;
        const buffers = wasmBackend().numDataIds();
          const got = convolve(c);
          clearWinogradCache(wasmBackend());
          expect(tf.memory().numTensors).toBe(tensors);
          expect(wasmBackend().numDataIds()).toBe(buffers);
          const label = JSON.stringify(c);
          expect(relError(ref.y, got.y), `y ${label}`).toBeLessThan(tolerance);
          expect(relError(ref.fused, got.fused), `fused ${label}`).toBeLessThan(tolerance);
          expect(relError(ref.dx, got.dx), `dx ${label}`).toBeLessThan(tolerance);
          expect(relError(ref.dw, got.dw), `dw ${label}`).toBeLessThan(tolerance);
        }
      });
    }
  }

  it('differs from the direct path in the last bits: the transforms really run, forward and in both gradients', () => {
    const c = CASES[6];
    setWinogradMode('never');
    const direct = convolve(c);
    setWinogradMode('tiles');
    const winograd = convolve(c);
    // Same values to float rounding, but not the same bits: a mode switch that did nothing would fail here.
    for (const key of ['y', 'dx', 'dw'] as const) {
      expect(relError(direct[key], winograd[key]), key).toBeLessThan(2e-6);
      expect(Array.from(direct[key]).some((v, i) => v !== winograd[key][i]), key).toBe(true);
    }
  });

  it('keeps the transform of an inference filter from its first use, and frees it once the filter is gone', () => {
    const { backend, x, f } = cachedTransformCase();
    const base = backend.numDataIds();
    const first = tf.conv2d(x, f, 1, 'same');
    expect(backend.numDataIds() - base).toBe(1 + 16); // the output and the 16 kept matrices
    const second = tf.conv2d(x, f, 1, 'same');
    expect(backend.numDataIds() - base).toBe(2 + 16);
    expect(Array.from(second.dataSync())).toEqual(Array.from(first.dataSync()));
    f.dispose();
    const g = tf.tensor4d(values(9 * 8 * 8, 7), [3, 3, 8, 8]);
    const third = tf.conv2d(x, g, 1, 'same'); // sweeps the disposed filter's transform, keeps g's
    expect(backend.numDataIds() - base).toBe(3 + 16 + 1 - 1); // three outputs, g's matrices, g in, f out
    tf.dispose([x, g, first, second, third]);
    clearWinogradCache(backend);
    expect(backend.numDataIds()).toBe(base - 2);
  });

  it('under a gradient tape keeps the transform of a filter only from its second use (training steps change their weights)', () => {
    const { backend, x, f } = cachedTransformCase();
    const loss = (w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'));
    const base = backend.numDataIds();
    const d1 = tf.grad(loss)(f);
    expect(backend.numDataIds() - base).toBe(1); // the gradient only
    const d2 = tf.grad(loss)(f);
    expect(backend.numDataIds() - base).toBe(2 + 16);
    expect(relError(d1.dataSync() as Float32Array, d2.dataSync() as Float32Array)).toBeLessThan(1e-6);
    tf.dispose([x, f, d1, d2]);
    clearWinogradCache(backend);
    expect(backend.numDataIds()).toBe(base - 2);
  });

  it('leaves other convolutions to the stock kernels (strides, 1×1 and 5×5 filters, channels not a multiple of 4)', async () => {
    setWinogradMode('always');
    for (const [shape, filter, strides] of [
      [[2, 9, 9, 4], [3, 3, 4, 8], 2],
      [[2, 9, 9, 4], [1, 1, 4, 8], 1],
      [[2, 9, 9, 4], [5, 5, 4, 8], 1],
      [[2, 9, 9, 3], [3, 3, 3, 8], 1],
    ] as const) {
      const run = (): Float32Array =>
        tf.tidy(() => tf.conv2d(tf.tensor4d(values(shape.reduce((a: number, b: number) => a * b, 1), 8), [...shape]), tf.tensor4d(values(filter.reduce((a: number, b: number) => a * b, 1), 9), [...filter]), strides, 'same').dataSync() as Float32Array);
      const got = run();
      await tf.setBackend('cpu');
      const want = run();
      await tf.setBackend('wasm');
      expect(relError(want, got)).toBeLessThan(1e-6);
    }
  });

  it.each([2, 4] as const)('trains a small network to the same weights as the cpu backend (tile size %i)', async (tile) => {
    const train = (): Float32Array[] =>
      tf.tidy(() => {
        const model = tf.sequential({
          layers: [
            tf.layers.conv2d({ inputShape: [8, 8, 4], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
            tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
          ],
        });
        const x = tf.tensor4d(values(4 * 8 * 8 * 4, 10), [4, 8, 8, 4]);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
        const opt = tf.train.sgd(0.1);
        for (let i = 0; i < 3; i++) opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
        const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
        model.dispose();
        opt.dispose();
        return weights;
      });
    await tf.setBackend('cpu');
    const want = train();
    await tf.setBackend('wasm');
    setWinogradMode('always');
    setWinogradTile(tile);
    const got = train();
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => expect(relError(w, got[i]), `weight ${i}`).toBeLessThan(1e-5));
  });

  it('computes input gradients as one product and a col2im that match the cpu backend (kernels 1–7, strides 1–3, every padding), without leaks', async () => {
    setWinogradMode('never'); // stride-1 3×3 too
    setMatMulInputGradMode('always');
    await checkGradients('x', (i) => ({ n: 1 + (i % 3), ci: 4 * (1 + (i % 3)) }));
  });

  it('computes filter gradients as im2col and one product that match the cpu backend (kernels 1–7, strides 1–3, every padding), without leaks', async () => {
    setWinogradMode('never');
    setMatMulInputGradMode('always');
    // Position counts stay multiples of 4, as this path needs; every fourth case has 3 channels
    // (patches padded to a multiple of 4 floats).
    await checkGradients('filter', (i) => ({ n: 4, ci: i % 4 === 0 ? 3 : 4 * (1 + (i % 3)) }));
  });

  it('estimates im2col + product faster for the filter gradients of strided and 1×1 ResNet layers and the stem', () => {
    const info = (n: number, h: number, ci: number, co: number, k: number, s: number) => tf.backend_util.computeConv2DInfo([n, h, h, ci], [k, k, ci, co], s, 1, 'same');
    for (const c of [info(16, 16, 64, 128, 3, 2), info(16, 4, 256, 512, 3, 2), info(16, 16, 64, 128, 1, 2), info(16, 8, 96, 64, 1, 1)]) {
      const e = estimateFilterGradMatMulNs(c);
      expect(e.matmul).toBeLessThan(e.direct);
    }
    // The 7×7 stem on RGB (147 values per patch, padded to 148) too.
    const stem = estimateFilterGradMatMulNs(info(16, 64, 3, 64, 7, 2));
    expect(stem.matmul).toBeLessThan(stem.direct);
    // An odd number of output positions: not for this path.
    expect(estimateFilterGradMatMulNs(tf.backend_util.computeConv2DInfo([1, 5, 5, 4], [3, 3, 4, 4], 1, 1, 'same')).matmul).toBe(Infinity);
  });

  it('estimates the product + col2im input gradient faster for strided ResNet layers and the 5×5 of LeNet-5, not for a stride-1 5×5 with same padding', () => {
    const info = (n: number, h: number, ci: number, co: number, k: number, s: number, pad: 'same' | 'valid') => tf.backend_util.computeConv2DInfo([n, h, h, ci], [k, k, ci, co], s, 1, pad);
    for (const c of [info(16, 16, 64, 128, 3, 2, 'same'), info(16, 4, 256, 512, 3, 2, 'same'), info(16, 4, 256, 512, 1, 2, 'same'), info(16, 12, 20, 50, 5, 1, 'valid')]) {
      const e = estimateInputGradNs(c);
      expect(e.matmul).toBeLessThan(e.phases);
    }
    const same5 = estimateInputGradNs(info(16, 16, 32, 16, 5, 1, 'same'));
    expect(same5.matmul).toBeGreaterThan(same5.phases);
  });

  it('estimates the Winograd filter gradient faster for ResNet-18 layers and not for a tile count that is not a multiple of 4', () => {
    for (const [size, c] of [[16, 64], [8, 128], [4, 256], [2, 512]]) {
      const e = estimateFilterGradNs({ n: 16, ci: c, co: c, ho: size, wo: size, th: Math.ceil(size / 2), tw: Math.ceil(size / 2) });
      expect(e.winograd, `${size}×${size}×${c}`).toBeLessThan(e.direct);
    }
    expect(estimateFilterGradNs({ n: 1, ci: 8, co: 8, ho: 5, wo: 5, th: 3, tw: 3 }).winograd).toBe(Infinity);
  });

  it('estimates Winograd faster for ResNet-18 layers and direct convolution faster for tiny ones', () => {
    const stage = (n: number, size: number, c: number) => ({ n, ci: c, co: c, ho: size, wo: size, th: Math.ceil(size / 2), tw: Math.ceil(size / 2) });
    for (const [size, c] of [[16, 64], [8, 128], [4, 256], [2, 512]]) {
      for (const kept of [true, false]) {
        const e = estimateNs(stage(16, size, c), kept);
        expect(Math.min(e.tiles, e.weights), `${size}×${size}×${c} kept=${kept}`).toBeLessThan(e.direct);
      }
    }
    // A new 512-channel filter on a 2×2 map: the weights orientation (nothing big to pack).
    const late = estimateNs(stage(16, 2, 512), false);
    expect(late.weights).toBeLessThan(late.tiles);
    // One image, 4 channels: sixteen kernel calls cost more than the multiply-adds they save.
    const tiny = estimateNs(stage(1, 4, 4), true);
    expect(Math.min(tiny.tiles, tiny.weights)).toBeGreaterThan(tiny.direct);
  });

  it('estimates F(4×4, 3×3) faster on 4×4 and larger maps and F(2×2, 3×3) on 2×2 maps (measured: ResNet-18 stages 1–3 1.35–1.55× faster, stage 4 2.3× slower)', () => {
    const kept = (size: number, c: number, m: 2 | 4) => estimateNs({ n: 16, ci: c, co: c, ho: size, wo: size, th: Math.ceil(size / m), tw: Math.ceil(size / m), m }, true).tiles;
    for (const [size, c] of [[16, 64], [8, 128], [4, 256]]) expect(kept(size, c, 4), `${size}×${size}×${c}`).toBeLessThan(kept(size, c, 2));
    expect(kept(2, 512, 2)).toBeLessThan(kept(2, 512, 4));
  });
});
