/**
 * Faster wasm kernels for the non-convolution part of a training step.
 *
 * Measured on a ResNet-18 training step (conv-bench.ts --profile), the stock wasm backend spends
 * its non-convolution time on reductions over the leading axes — the batch-norm statistics and
 * gradients sum an NHWC activation over [0, 1, 2], which the stock `Sum` and `Mean` do by
 * transposing the whole tensor first — on the batch-norm forward, a scalar loop, and on copies:
 * its `Identity` and same-dtype `Cast` copy the data where the cpu backend shares it. These
 * replacements (the arithmetic in fused-simd.wat.ts's SIMD passes) keep the stock kernel for
 * every case they do not cover; results differ from it only by float rounding.
 */
import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be registered before they are replaced, never after.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { heapOffset, simdPasses } from './fused-simd';
import { registerMatMulKernels } from './matmul-kernels';
import { replaceWasmKernel, stockWasmKernel } from './scratch';

const WASM = 'wasm';

function fallback(name: string, args: Parameters<KernelFunc>[0]): ReturnType<KernelFunc> {
  return stockWasmKernel(name).kernelFunc(args);
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`fast wasm kernels: missing input '${name}'`);
  return info;
}

/**
 * Registers the faster `Sum`, `Mean`, `FusedBatchNorm`, `Identity`, `Cast` and per-channel
 * `Add`/`Sub`/`Multiply` for the wasm backend, and the transposed matrix products of
 * matmul-kernels.ts.
 *
 * Idempotent; may be called before or after the wasm backend is initialised.
 */
export function registerFastWasmKernels(): void {
  replaceWasmKernel(tf.Sum, sum);
  replaceWasmKernel(tf.Mean, mean);
  replaceWasmKernel(tf.Identity, identity);
  replaceWasmKernel(tf.Cast, cast);
  replaceWasmKernel(tf.FusedBatchNorm, batchNorm);
  replaceWasmKernel(tf.Add, add);
  replaceWasmKernel(tf.Sub, sub);
  replaceWasmKernel(tf.Multiply, multiply);
  registerMatMulKernels();
}

/** The per-channel operand of a binary op: the one of size c = the other's last axis, or null. */
function perChannel(a: TensorInfo, b: TensorInfo): { x: TensorInfo; v: TensorInfo; vFirst: boolean } | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const channels = (big: TensorInfo, small: TensorInfo): boolean => {
    const c = big.shape[big.shape.length - 1];
    // Broadcast along the last axis only: every other axis of small is 1, and it has no more axes than big.
    return big.shape.length >= 2 && c > 0 && small.shape.length <= big.shape.length && small.shape[small.shape.length - 1] === c && small.shape.slice(0, -1).every((d) => d === 1) && tf.util.sizeFromShape(big.shape) > c;
  };
  if (channels(a, b)) return { x: a, v: b, vFirst: false };
  if (channels(b, a)) return { x: b, v: a, vFirst: true };
  return null;
}

/**
 * `Add`, `Sub` or `Multiply` of a channels-last float32 tensor and a per-channel one (batch
 * norm's moments and gradient, biases) in one SIMD pass; every other case, the stock kernel.
 */
function channelBinary(name: string, pass: (simd: NonNullable<ReturnType<typeof simdPasses>>, vFirst: boolean) => (x: number, v: number, out: number, rows: number, c: number) => void): KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const simd = simdPasses(backend);
    const operands = simd ? perChannel(input(args.inputs, 'a'), input(args.inputs, 'b')) : null;
    if (!simd || !operands) return fallback(name, args);
    const { x, v, vFirst } = operands;
    const c = x.shape[x.shape.length - 1];
    const out = backend.makeOutput([...x.shape], 'float32');
    pass(simd, vFirst)(heapOffset(backend, x), heapOffset(backend, v), heapOffset(backend, out), tf.util.sizeFromShape(x.shape) / c, c);
    return out;
  };
}

const add = channelBinary(tf.Add, (simd) => simd.channelAdd);
const sub = channelBinary(tf.Sub, (simd, vFirst) => (vFirst ? simd.channelSubFrom : simd.channelSub));
const multiply = channelBinary(tf.Multiply, (simd) => simd.channelMul);

/** A tensor that shares x's data (immutable, reference-counted), as the cpu backend's `Identity`. */
function share(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** `Identity` without a copy. */
const identity: KernelFunc = (args) => {
  const x = input(args.inputs, 'x');
  if (x.dtype === 'string') return fallback(tf.Identity, args);
  return share(args.backend as BackendWasm, x);
};

/** `Cast` to the dtype x already has, without a copy (tf.moments casts its float32 input so). */
const cast: KernelFunc = (args) => {
  const x = input(args.inputs, 'x');
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (dtype !== x.dtype || x.dtype === 'string') return fallback(tf.Cast, args);
  return share(args.backend as BackendWasm, x);
};

/**
 * The number of leading axes a reduction covers, when it covers exactly the leading axes and
 * not all of them (0 otherwise: the stock kernel reduces trailing axes without a transpose).
 */
function leadingAxes(x: TensorInfo, axis: number | number[]): number {
  const rank = x.shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const leading = axes.every((a, i) => a === i) ? axes.length : 0;
  return leading < rank ? leading : 0;
}

/** Rows per float32 SIMD block; the blocks' sums are added in double precision. */
const BLOCK_ROWS = 256;

/**
 * Column sums of x (a [rows, cols] float32 matrix on the wasm heap), in double precision
 * across blocks of BLOCK_ROWS rows: the SIMD pass sums each block, in float32 as the stock
 * kernel does; without it, JavaScript four rows at a time. Either is memory speed, where the
 * stock kernel transposes x first.
 */
function columnSums(backend: BackendWasm, x: TensorInfo, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  const simd = simdPasses(backend);
  if (simd) {
    const block = backend.makeOutput([cols], 'float32');
    try {
      const [xp, bp] = [x, block].map((info) => heapOffset(backend, info));
      for (let r = 0; r < rows; r += BLOCK_ROWS) {
        simd.columnSums(xp + 4 * r * cols, bp, Math.min(BLOCK_ROWS, rows - r), cols);
        const sums = backend.typedArrayFromHeap(block);
        for (let k = 0; k < cols; k++) acc[k] += sums[k];
      }
    } finally {
      backend.disposeData(block.dataId);
    }
    return acc;
  }
  const xs = backend.typedArrayFromHeap(x);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o = r * cols;
    const o1 = o + cols;
    const o2 = o1 + cols;
    const o3 = o2 + cols;
    for (let k = 0; k < cols; k++) acc[k] += xs[o + k] + xs[o1 + k] + (xs[o2 + k] + xs[o3 + k]);
  }
  for (; r < rows; r++) {
    const o = r * cols;
    for (let k = 0; k < cols; k++) acc[k] += xs[o + k];
  }
  return acc;
}

/** `Sum` or `Mean` over the leading axes of a float32 tensor; null where the stock kernel runs. */
function reduceLeading(args: Parameters<KernelFunc>[0], divide: boolean): TensorInfo | null {
  const x = input(args.inputs, 'x');
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const k = x.dtype === 'float32' ? leadingAxes(x, axis) : 0;
  if (k === 0) return null;
  const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
  const cols = x.shape.slice(k).reduce((a, b) => a * b, 1);
  const outShape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)] : x.shape.slice(k);
  const backend = args.backend as BackendWasm;
  const acc = rows === 0 ? new Float64Array(cols) : columnSums(backend, x, rows, cols);
  const out = backend.makeOutput(outShape, 'float32');
  // The view after the allocation: growing the heap detaches older ones.
  const dst = backend.typedArrayFromHeap(out);
  if (rows === 0) dst.fill(divide ? NaN : 0);
  else if (divide) for (let i = 0; i < cols; i++) dst[i] = acc[i] / rows;
  else dst.set(acc);
  return out;
}

/** `Sum`: see reduceLeading. */
const sum: KernelFunc = (args) => reduceLeading(args, false) ?? fallback(tf.Sum, args);

/** `Mean`: see reduceLeading. */
const mean: KernelFunc = (args) => reduceLeading(args, true) ?? fallback(tf.Mean, args);

/**
 * `FusedBatchNorm` with per-channel statistics over a channels-last float32 x: one SIMD pass
 * of (x − mean)·a + offset with a = scale / √(variance + ε) per channel, where the stock kernel
 * does a scalar loop with a square root per element (≈5× slower).
 */
const batchNorm: KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as BackendWasm;
  const x = input(inputs, 'x');
  const c = x.shape[x.shape.length - 1] ?? 0;
  const params = [inputs.mean, inputs.variance, inputs.scale, inputs.offset];
  const simd = simdPasses(backend);
  const perChannel = params.every((p, i) => (p == null ? i >= 2 : p.dtype === 'float32' && tf.util.sizeFromShape(p.shape) === c));
  if (!simd || x.dtype !== 'float32' || x.shape.length < 2 || c === 0 || !perChannel) return fallback(tf.FusedBatchNorm, args);
  const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
  const out = backend.makeOutput([...x.shape], 'float32');
  const ab = backend.makeOutput([2, c], 'float32');
  try {
    // Views after the allocations: growing the heap detaches older ones.
    const [mean, variance, scale, offset] = params.map((p) => (p ? backend.typedArrayFromHeap(p) : null));
    const coefficients = backend.typedArrayFromHeap(ab);
    for (let k = 0; k < c; k++) {
      coefficients[k] = (scale ? scale[k] : 1) / Math.sqrt((variance as Float32Array)[k] + varianceEpsilon);
      coefficients[c + k] = offset ? offset[k] : 0;
    }
    const abp = heapOffset(backend, ab);
    simd.batchNorm(heapOffset(backend, x), heapOffset(backend, out), tf.util.sizeFromShape(x.shape) / c, c, heapOffset(backend, input(inputs, 'mean')), abp, abp + 4 * c);
  } finally {
    backend.disposeData(ab.dataId);
  }
  return out;
};
