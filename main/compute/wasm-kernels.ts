/**
 * Kernels that make the wasm backend able to train convolutional networks.
 *
 * Stock tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` (so no convolution can learn its
 * weights) and its `Conv2DBackpropInput` is a plain C++ loop, about ten times slower than the
 * XNNPACK forward convolution. Both are registered here for the wasm backend only, as
 * compositions of the backend's own XNNPACK-backed kernels (Conv2D, Transpose, Pad, Reverse,
 * Reshape, Slice); the cpu and tensorflow backends keep their stock kernels.
 *
 * They are kernels rather than a re-registered `Conv2D` gradient on purpose: tfjs-layers'
 * convolutions run through `tf.fused.conv2d`, whose gradient calls the backprop ops directly and
 * never consults the `Conv2D` gradient, so only kernels reach every training path.
 *
 * Every other kernel that training the zoo needs (pooling and their gradients, batch norm,
 * the activations and their gradients, concat, pad, softmax, dense, dropout, the optimizers)
 * already exists in the wasm backend; the tests check that by training through them.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

const WASM = 'wasm';

/** The stock wasm `Conv2DBackpropInput`, kept for the data format the replacement leaves to it. */
let stockBackpropInput: KernelConfig | null = null;

/**
 * Registers the wasm training kernels: `Conv2DBackpropFilter` and a faster `Conv2DBackpropInput`.
 *
 * Idempotent; may be called before or after the wasm backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  const filter = tf.getKernel(tf.Conv2DBackpropFilter, WASM);
  if (filter?.kernelFunc !== conv2dBackpropFilter) {
    if (filter) tf.unregisterKernel(tf.Conv2DBackpropFilter, WASM);
    tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: WASM, kernelFunc: conv2dBackpropFilter });
  }
  const input = tf.getKernel(tf.Conv2DBackpropInput, WASM);
  if (input?.kernelFunc !== conv2dBackpropInput) {
    if (input) {
      stockBackpropInput = input;
      tf.unregisterKernel(tf.Conv2DBackpropInput, WASM);
    }
    // The stock kernel's setup binds its C++ entry point; keep it so the NCHW fallback works
    // even when the backend is initialised after this call.
    tf.registerKernel({ kernelName: tf.Conv2DBackpropInput, backendName: WASM, kernelFunc: conv2dBackpropInput, setupFunc: input?.setupFunc });
  }
}

/**
 * Intermediate results of one composite kernel: runs wasm kernels and frees what it made.
 */
class Scratch {
  private readonly made: TensorInfo[] = [];

  constructor(private readonly backend: KernelBackend) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, WASM);
    if (!kernel) throw new Error(`wasm training kernels: kernel ${kernelName} is not registered for the wasm backend`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    const info = Array.isArray(out) ? out[0] : out;
    this.made.push(info);
    return info;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return perm.every((p, i) => p === i) ? x : this.run(tf.Transpose, { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run(tf.Reshape, { x }, { shape });
  }

  /** Takes `[begin, begin + size)` along each axis; a no-op when that is the whole tensor. */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x;
    return this.run(tf.Slice, { x }, { begin, size });
  }

  /** Pads with zeros; negative amounts crop. */
  padOrCrop(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    const begin = paddings.map(([before]) => Math.max(0, -before));
    const size = paddings.map(([before, after], i) => x.shape[i] - Math.max(0, -before) - Math.max(0, -after));
    const cropped = this.slice(x, begin, size);
    const grow: [number, number][] = paddings.map(([before, after]) => [Math.max(0, before), Math.max(0, after)]);
    if (grow.every(([a, b]) => a === 0 && b === 0)) return cropped;
    return this.run(tf.PadV2, { x: cropped }, { paddings: grow, constantValue: 0 });
  }

  /** Keeps `info` alive past `dispose` (the kernel's result). */
  keep(info: TensorInfo): TensorInfo {
    const i = this.made.indexOf(info);
    if (i >= 0) this.made.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }
}

/** A kernel input that must be there. */
function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`wasm training kernels: missing input '${name}'`);
  return info;
}

function withScratch(backend: unknown, body: (s: Scratch) => TensorInfo): TensorInfo {
  const scratch = new Scratch(backend as KernelBackend);
  try {
    return scratch.keep(body(scratch));
  } finally {
    scratch.dispose();
  }
}

/**
 * dW as one XNNPACK convolution.
 *
 * dW[i, j, ci, co] = Σ_{n, p, q} x[n, p·s + i − top, q·s + j − left, ci] · dy[n, p, q, co]
 * is a convolution of x with channels as the batch ([Ci, H, W, N]) by dy used as the filter
 * ([Ho, Wo, N, Co]), dilated by the forward stride. Its output [Ci, kh, kw, Co] is transposed
 * to the filter layout [kh, kw, Ci, Co]. (Measured faster than im2col + matMul here, which has
 * to materialise a kh·kw times larger patch matrix and transpose it; see conv-bench.ts.)
 */
const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = input(inputs, 'x');
  const dy = input(inputs, 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const channelsLast = dataFormat !== 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    channelsLast ? 'channelsLast' : 'channelsFirst',
  );
  const { inChannels, outChannels, filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  return withScratch(backend, (s) => {
    // x → [Ci, H, W, N]; dy → [Ho, Wo, N, Co].
    const xT = s.transpose(x, channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0]);
    const dyT = s.transpose(dy, channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1]);
    // Padding after the input only as far as the last filter tap reaches; rows past it are
    // sliced off below.
    const bottom = Math.max(0, kh + (outHeight - 1) * sh - inHeight - top);
    const right = Math.max(0, kw + (outWidth - 1) * sw - inWidth - left);
    const conv = s.run(tf.Conv2D, { x: xT, filter: dyT }, {
      strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [sh, sw],
    });
    const dW = s.slice(conv, [0, 0, 0, 0], [inChannels, kh, kw, outChannels]);
    return s.transpose(dW, [1, 2, 0, 3]);
  });
};

/** Geometry of the transposed convolution along one spatial axis; see conv2dBackpropInput. */
function backpropAxis(inSize: number, outSize: number, k: number, stride: number, padBefore: number) {
  // dx[q·s + a] = Σ_d dy[q + d] · w[a + padBefore − d·s], over the d with 0 ≤ a + padBefore − d·s < k.
  const dMin = Math.ceil((padBefore - k + 1) / stride);
  const dMax = Math.floor((padBefore + stride - 1) / stride);
  const taps = dMax - dMin + 1;
  const phases = Math.ceil(inSize / stride); // rows per phase in the interleaved output
  const shift = dMax * stride - padBefore; // zeros before w in the phase-split filter, in [0, s)
  return {
    taps,
    phases,
    dyPad: [-dMin, phases + taps - 1 + dMin - outSize] as [number, number],
    wPad: [shift, taps * stride - shift - k] as [number, number],
  };
}

/**
 * dx as one XNNPACK convolution of dy (sub-pixel form of the transposed convolution).
 *
 * For stride 1 this is dy convolved with the spatially flipped filter, its in/out channels
 * swapped. For stride s the filter is split into s×s phases: one stride-1 convolution yields
 * all s² phases as channels [N, ⌈H/s⌉, ⌈W/s⌉, s·s·Ci], which are interleaved into [N, H, W, Ci].
 * This does the forward convolution's work (plus the zero taps of uneven phases) instead of
 * the stock kernel's scalar loop or a convolution over a zero-dilated dy (s² times the work).
 */
const conv2dBackpropInput: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const dy = input(inputs, 'dy');
  const filter = input(inputs, 'filter');
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') {
    if (!stockBackpropInput) throw new Error('wasm training kernels: Conv2DBackpropInput for NCHW needs the stock wasm kernel');
    return stockBackpropInput.kernelFunc(args);
  }
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const { batchSize: n, inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const rows = backpropAxis(inHeight, outHeight, kh, sh, info.padInfo.top);
  const cols = backpropAxis(inWidth, outWidth, kw, sw, info.padInfo.left);
  return withScratch(backend, (s) => {
    // Filter [kh, kw, Ci, Co] → [Th·sh, Tw·sw, Ci, Co] (zero taps around it) → split each
    // spatial axis into (tap, phase), flip the taps, and move Co in, the phases out:
    // [Th, Tw, Co, sh·sw·Ci].
    const wide = s.padOrCrop(filter, [rows.wPad, cols.wPad, [0, 0], [0, 0]]);
    const split = s.reshape(wide, [rows.taps, sh, cols.taps, sw, ci, co]);
    const flipped = rows.taps > 1 || cols.taps > 1 ? s.run(tf.Reverse, { x: split }, { dims: [0, 2] }) : split;
    const phased = s.transpose(flipped, [0, 2, 5, 1, 3, 4]);
    const w = s.reshape(phased, [rows.taps, cols.taps, co, sh * sw * ci]);
    // The convolution's own padding cannot be negative: crop dy first where it is.
    const dyIn = s.padOrCrop(dy, [[0, 0], [Math.min(0, rows.dyPad[0]), Math.min(0, rows.dyPad[1])], [Math.min(0, cols.dyPad[0]), Math.min(0, cols.dyPad[1])], [0, 0]]);
    const conv = s.run(tf.Conv2D, { x: dyIn, filter: w }, {
      strides: [1, 1],
      pad: [[0, 0], [Math.max(0, rows.dyPad[0]), Math.max(0, rows.dyPad[1])], [Math.max(0, cols.dyPad[0]), Math.max(0, cols.dyPad[1])], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
    let dx = conv;
    if (sh * sw > 1) {
      // [N, Qh, Qw, sh, sw, Ci] → [N, Qh, sh, Qw, sw, Ci] = [N, Qh·sh, Qw·sw, Ci]
      const phases = s.reshape(conv, [n, rows.phases, cols.phases, sh, sw, ci]);
      const interleaved = s.transpose(phases, [0, 1, 3, 2, 4, 5]);
      dx = s.reshape(interleaved, [n, rows.phases * sh, cols.phases * sw, ci]);
    }
    return s.slice(dx, [0, 0, 0, 0], [n, inHeight, inWidth, ci]);
  });
};
