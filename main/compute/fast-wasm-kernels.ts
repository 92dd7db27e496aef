/**
 * Faster wasm kernels for the non-convolution part of a training step.
 *
 * Measured on a ResNet-18 training step (conv-bench.ts --profile), the stock wasm backend spends
 * its non-convolution time on reductions over the leading axes — the batch-norm statistics and
 * gradients sum an NHWC activation over [0, 1, 2], which the stock `Sum` and `Mean` do by
 * transposing the whole tensor first — and on copies: its `Identity` and same-dtype `Cast`
 * copy the data where the cpu backend shares it. These replacements keep the stock kernel for
 * every case they do not cover; results differ from it only by float rounding (the sums are
 * accumulated in double precision).
 */
import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be registered before they are replaced, never after.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

const WASM = 'wasm';

/** The stock wasm kernels, by name, for the cases the replacements leave to them. */
const stock = new Map<string, KernelConfig>();

/** Replaces the wasm kernel `name` by `kernelFunc`, keeping the stock one (and its setup). */
function replace(name: string, kernelFunc: KernelFunc): void {
  const current = tf.getKernel(name, WASM);
  if (current?.kernelFunc === kernelFunc) return;
  if (current) {
    stock.set(name, current);
    tf.unregisterKernel(name, WASM);
  }
  // The stock kernel's setup binds its C++ entry point, which the fallback needs.
  tf.registerKernel({ kernelName: name, backendName: WASM, kernelFunc, setupFunc: current?.setupFunc });
}

function fallback(name: string, args: Parameters<KernelFunc>[0]): ReturnType<KernelFunc> {
  const config = stock.get(name);
  if (!config) throw new Error(`fast wasm kernels: ${name} needs the stock wasm kernel for this case`);
  return config.kernelFunc(args);
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`fast wasm kernels: missing input '${name}'`);
  return info;
}

/**
 * Registers the faster `Sum`, `Mean`, `Identity` and `Cast` for the wasm backend.
 *
 * Idempotent; may be called before or after the wasm backend is initialised.
 */
export function registerFastWasmKernels(): void {
  replace(tf.Sum, sum);
  replace(tf.Mean, mean);
  replace(tf.Identity, identity);
  replace(tf.Cast, cast);
}

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

/** `Cast` to the dtype x already has, without a copy (tfjs-layers casts every batch-norm input). */
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

/**
 * Column sums of x seen as a [rows, cols] matrix, accumulated in double precision, four rows
 * at a time (memory speed; the stock kernel transposes x first).
 */
function columnSums(xs: Float32Array, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
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
  const out = backend.makeOutput(outShape, 'float32');
  // Views after the allocation: growing the heap detaches older ones.
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  if (rows === 0) {
    dst.fill(divide ? NaN : 0);
    return out;
  }
  const acc = columnSums(xs, rows, cols);
  if (divide) for (let i = 0; i < cols; i++) dst[i] = acc[i] / rows;
  else dst.set(acc);
  return out;
}

/** `Sum`: see reduceLeading. */
const sum: KernelFunc = (args) => reduceLeading(args, false) ?? fallback(tf.Sum, args);

/** `Mean`: see reduceLeading. */
const mean: KernelFunc = (args) => reduceLeading(args, true) ?? fallback(tf.Mean, args);
