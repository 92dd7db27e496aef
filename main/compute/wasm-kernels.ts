/**
 * Kernels that make the wasm backend able to train convolutional networks.
 *
 * Stock tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` (so no convolution can learn its
 * weights) and its `Conv2DBackpropInput` is a plain C++ loop, about ten times slower than the
 * XNNPACK forward convolution. Both are registered here for the wasm backend only, built on
 * the backend's own XNNPACK convolution (plus its Transpose, Pad, Slice, Concat, Fill kernels
 * and a JavaScript filter rearrangement); the cpu and tensorflow backends keep their stock
 * kernels.
 *
 * They are kernels rather than a re-registered `Conv2D` gradient on purpose: tfjs-layers'
 * convolutions run through `tf.fused.conv2d`, whose gradient calls the backprop ops directly and
 * never consults the `Conv2D` gradient, so only kernels reach every training path.
 *
 * Two more stock wasm kernels are replaced: `MaxPoolGrad`, which loses the gradient of every
 * pooling window whose values are all ≤ 0 (wrong training after ELU, tanh, leaky ReLU, swish
 * or batch norm), and `Tile`, whose per-element loop made the batch-norm gradient 17% of a
 * ResNet-18 step. Every other kernel that training the zoo needs (average pooling and its
 * gradient, batch norm, the activations and their gradients, concat, pad, softmax, dense,
 * dropout, the optimizers) exists and agrees with the cpu backend; tests/compute checks that
 * by training the zoo through them.
 */
import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be registered before they are replaced, never after.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerFastWasmKernels } from './fast-wasm-kernels';
import { registerFastGradients } from './gradients';
import { heapOffset, simdPasses } from './fused-simd';
import { replaceWasmKernel, stockWasmKernel, withScratch } from './scratch';
import { matmulBackpropFilter, matmulBackpropInput, registerWinogradKernels, winogradBackpropFilter, winogradBackpropInput } from './winograd';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, KernelBackend, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/**
 * Registers the wasm training kernels: `Conv2DBackpropFilter`, a faster `Conv2DBackpropInput`,
 * a correct `MaxPoolGrad`, a faster `Tile` (batch-norm gradient) and the faster reductions and
 * copies of fast-wasm-kernels.ts.
 *
 * Idempotent; may be called before or after the wasm backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  replaceWasmKernel(tf.Conv2DBackpropFilter, conv2dBackpropFilter);
  // replaceWasmKernel keeps the stock kernel and its setup (which binds its C++ entry point), so
  // the NCHW fallback works even when the backend is initialised after this call.
  replaceWasmKernel(tf.Conv2DBackpropInput, conv2dBackpropInput);
  replaceWasmKernel(tf.MaxPoolGrad, maxPoolGrad);
  replaceWasmKernel(tf.Tile, tile);
  registerFastWasmKernels();
  registerWinogradKernels();
  // Global (every backend), but written for the wasm training step: see gradients.ts.
  registerFastGradients();
}

/**
 * `MaxPoolGrad`: each output's gradient goes to the first maximum of its window.
 *
 * Replaces the stock wasm kernel, which seeds its running maximum with
 * `std::numeric_limits<float>::min()` (the smallest *positive* float): in a window whose values
 * are all ≤ 0 the gradient is silently dropped. After ELU, tanh, leaky ReLU, swish or
 * batch norm that is most windows. Plain JavaScript over the wasm heap, NHWC: the window's
 * taps in row-major order, the first equal to the forward output (the window's maximum) takes
 * the gradient — the first maximum, as the cpu backend's strict `>` scan and TensorFlow pick.
 * Matching the known maximum, instead of scanning for it, avoids a hard-to-predict branch per
 * tap (≈3× faster on the ResNet stem's pooling); with the SIMD pass of fused-simd.ts, four
 * channels at a time.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = input(inputs, 'dy');
  const x = input(inputs, 'input');
  const y = input(inputs, 'output');
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw, dilationHeight, dilationWidth } = info;
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(x.shape, 'float32');
  const maxTaps = Math.ceil(fh / dilationHeight) * Math.ceil(fw / dilationWidth);
  const simd = simdPasses(wasm);
  const tapsOnHeap = simd ? wasm.makeOutput([maxTaps], 'int32') : null;
  try {
    // Views after the allocations: growing the heap detaches older ones.
    const dx = wasm.typedArrayFromHeap(out);
    const xs = wasm.typedArrayFromHeap(x);
    const ys = wasm.typedArrayFromHeap(y);
    const dys = wasm.typedArrayFromHeap(dy);
    dx.fill(0);
    // Element offsets of the current window's taps that fall inside x, in row-major order (on
    // the heap, in bytes, for the SIMD pass).
    const taps = tapsOnHeap ? (wasm.typedArrayFromHeap(tapsOnHeap) as Int32Array) : new Int32Array(maxTaps);
    const scale = simd ? 4 : 1;
    const [xp, dxp, yp, dyp, tp] = simd ? [x, out, y, dy, tapsOnHeap as TensorInfo].map((info) => heapOffset(wasm, info)) : [0, 0, 0, 0, 0];
    for (let b = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        const y0 = oy * strideHeight - info.padInfo.top;
        for (let ox = 0; ox < outWidth; ox++) {
          const x0 = ox * strideWidth - info.padInfo.left;
          let n = 0;
          for (let fy = 0; fy < fh; fy += dilationHeight) {
            const iy = y0 + fy;
            if (iy < 0 || iy >= inHeight) continue;
            for (let fx = 0; fx < fw; fx += dilationWidth) {
              const ix = x0 + fx;
              if (ix >= 0 && ix < inWidth) taps[n++] = ((b * inHeight + iy) * inWidth + ix) * c * scale;
            }
          }
          const o = ((b * outHeight + oy) * outWidth + ox) * c;
          if (simd) {
            simd.maxPoolGradWindow(xp, dxp, yp + 4 * o, dyp + 4 * o, tp, n, c);
            continue;
          }
          for (let ch = 0; ch < c; ch++) {
            const max = ys[o + ch];
            for (let t = 0; t < n; t++) {
              const i = taps[t] + ch;
              if (xs[i] === max) {
                dx[i] += dys[o + ch];
                break;
              }
            }
          }
        }
      }
    }
  } finally {
    if (tapsOnHeap) wasm.disposeData(tapsOnHeap.dataId);
  }
  return out;
};

/**
 * `Tile` where x's data repeats whole: memory-speed copies instead of the stock kernel's
 * per-element index arithmetic.
 *
 * The batch-norm gradient tiles the per-channel 1/σ ([1, 1, 1, C]) to the full activation
 * shape; with the stock kernel that was 17% of a ResNet-18 training step.
 */
const tile: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = input(inputs, 'x');
  const { reps } = attrs as unknown as tf.TileAttrs;
  // The output is x's data repeated whole when no axis after x's first non-unit axis repeats.
  const firstSpanned = x.shape.findIndex((d) => d > 1);
  const wholeRepeats = firstSpanned < 0 || reps.slice(firstSpanned + 1).every((r) => r === 1);
  if (!wholeRepeats || x.dtype === 'string') {
    // The stock kernel, for the layouts the fast path does not cover.
    return stockWasmKernel(tf.Tile).kernelFunc(args);
  }
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(x.shape.map((d, i) => d * reps[i]), x.dtype);
  const src = wasm.typedArrayFromHeap(x);
  const dst = wasm.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  dst.set(src);
  for (let filled = src.length; filled < dst.length; filled *= 2) dst.copyWithin(filled, 0, Math.min(filled, dst.length - filled));
  return out;
};

/** A kernel input that must be there. */
function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`wasm training kernels: missing input '${name}'`);
  return info;
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
  // Stride-1 3×3: Winograd, where it is expected to be faster.
  const winograd = channelsLast && x.dtype === 'float32' ? winogradBackpropFilter(backend as BackendWasm, x, dy, info) : null;
  if (winograd) return winograd;
  // Strided, 1×1 and few-channel filters: im2col and one product, where expected faster.
  const viaMatMul = channelsLast ? matmulBackpropFilter(backend as BackendWasm, x, dy, info) : null;
  if (viaMatMul) return viaMatMul;
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

/** One phase of the transposed convolution along one spatial axis; see conv2dBackpropInput. */
interface AxisPhase {
  /** Filter indices in the order the phase's convolution applies them (flipped, every s-th). */
  readonly taps: readonly number[];
  /** Zero padding (negative: cropping) of dy before and after, for `phases` outputs. */
  readonly dyPad: readonly [number, number];
}

/**
 * Splits the transposed convolution along one axis into its `stride` phases.
 *
 * dx[q·s + a] = Σ_m dy[q + c − m] · w[r + m·s] with r = (a + padBefore) mod s and
 * c = ⌊(a + padBefore) / s⌋: for each phase a, a stride-1 correlation of dy with every s-th
 * filter tap, flipped. Each phase yields ⌈inSize / s⌉ outputs.
 */
function axisPhases(inSize: number, outSize: number, k: number, stride: number, padBefore: number): { phases: AxisPhase[]; rows: number } {
  const rows = Math.ceil(inSize / stride);
  const phases: AxisPhase[] = [];
  for (let a = 0; a < stride; a++) {
    const r = (a + padBefore) % stride;
    const c = Math.floor((a + padBefore) / stride);
    const m = r < k ? Math.ceil((k - r) / stride) : 0;
    const taps = Array.from({ length: m }, (_, t) => r + (m - 1 - t) * stride);
    phases.push({ taps, dyPad: [m - 1 - c, rows + c - outSize] });
  }
  return { phases, rows };
}

/**
 * Writes the filter of one phase, [rowTaps, colTaps, Co, Ci], from w [kh, kw, Ci, Co].
 *
 * Plain JavaScript over the wasm heap: the wasm backend's Reverse and GatherV2 kernels take
 * ~100 ns per element (≈0.2 s for a 3×3×512×512 filter), this blocked copy a few ns.
 */
function phaseFilter(backend: BackendWasm, w: TensorInfo, rowTaps: readonly number[], colTaps: readonly number[]): TensorInfo {
  const [, kw, ci, co] = w.shape;
  const out = backend.makeOutput([rowTaps.length, colTaps.length, co, ci], 'float32');
  // Views after the allocation: growing the heap detaches older ones.
  const src = backend.typedArrayFromHeap(w);
  const dst = backend.typedArrayFromHeap(out);
  const block = ci * co;
  const tile = 32;
  let o = 0;
  for (const i of rowTaps) {
    for (const j of colTaps) {
      const base = (i * kw + j) * block;
      // dst[o + b·ci + a] = src[base + a·co + b], tile by tile.
      for (let a0 = 0; a0 < ci; a0 += tile) {
        const a1 = Math.min(ci, a0 + tile);
        for (let b0 = 0; b0 < co; b0 += tile) {
          const b1 = Math.min(co, b0 + tile);
          for (let a = a0; a < a1; a++) {
            const from = base + a * co;
            for (let b = b0; b < b1; b++) dst[o + b * ci + a] = src[from + b];
          }
        }
      }
      o += block;
    }
  }
  return out;
}

/**
 * dx by XNNPACK convolutions of dy: the transposed convolution split into stride² phases.
 *
 * For stride 1 this is one convolution of dy with the spatially flipped filter, its in/out
 * channels swapped. For stride s each output phase (q·s + a, p·s + b) is a stride-1
 * convolution of dy with every s-th tap of the filter; the phases are stacked as channels and
 * interleaved into [N, H, W, Ci]. That is the forward convolution's work, where the stock
 * kernel runs a scalar loop (about 10× slower) and a convolution over zero-dilated dy does s²
 * times the work.
 */
const conv2dBackpropInput: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const dy = input(inputs, 'dy');
  const filter = input(inputs, 'filter');
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') {
    // The stock kernel, for the data format the replacement leaves to it.
    return stockWasmKernel(tf.Conv2DBackpropInput).kernelFunc(args);
  }
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const { batchSize: n, inChannels: ci, filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  // Stride-1 3×3: Winograd on the filter's own planes, where it is expected to be faster.
  const winograd = dy.dtype === 'float32' && filter.dtype === 'float32' ? winogradBackpropInput(backend as BackendWasm, dy, filter, info) : null;
  if (winograd) return winograd;
  // Strided, or a large filter on a small map: one product and a col2im, where expected faster.
  const viaMatMul = matmulBackpropInput(backend as BackendWasm, dy, filter, info);
  if (viaMatMul) return viaMatMul;
  const rows = axisPhases(inHeight, outHeight, kh, sh, info.padInfo.top);
  const cols = axisPhases(inWidth, outWidth, kw, sw, info.padInfo.left);
  const wasm = backend as BackendWasm;
  return withScratch(backend, (s) => {
    const parts: TensorInfo[] = [];
    for (const rp of rows.phases) {
      for (const cp of cols.phases) {
        if (rp.taps.length === 0 || cp.taps.length === 0) {
          // No filter tap lands on this phase (kernel smaller than stride): its dx is zero.
          parts.push(s.run(tf.Fill, {}, { shape: [n, rows.rows, cols.rows, ci], value: 0, dtype: 'float32' }));
          continue;
        }
        const w = s.add(phaseFilter(wasm, filter, rp.taps, cp.taps));
        // The convolution's own padding cannot be negative: crop dy first where it is.
        const dyIn = s.padOrCrop(dy, [[0, 0], [Math.min(0, rp.dyPad[0]), Math.min(0, rp.dyPad[1])], [Math.min(0, cp.dyPad[0]), Math.min(0, cp.dyPad[1])], [0, 0]]);
        parts.push(s.run(tf.Conv2D, { x: dyIn, filter: w }, {
          strides: [1, 1],
          pad: [[0, 0], [Math.max(0, rp.dyPad[0]), Math.max(0, rp.dyPad[1])], [Math.max(0, cp.dyPad[0]), Math.max(0, cp.dyPad[1])], [0, 0]],
          dataFormat: 'NHWC',
          dilations: [1, 1],
        }));
      }
    }
    let dx = parts[0];
    if (parts.length > 1) {
      // [N, Qh, Qw, sh·sw·Ci] → [N, Qh, Qw, sh, sw, Ci] → [N, Qh, sh, Qw, sw, Ci] = [N, Qh·sh, Qw·sw, Ci]
      // Concat takes its inputs as a list (the engine passes ops' tensor arrays through as is).
      const stacked = s.run(tf.Concat, parts as unknown as NamedTensorInfoMap, { axis: 3 });
      const phases = s.reshape(stacked, [n, rows.rows, cols.rows, sh, sw, ci]);
      const interleaved = s.transpose(phases, [0, 1, 3, 2, 4, 5]);
      dx = s.reshape(interleaved, [n, rows.rows * sh, cols.rows * sw, ci]);
    }
    return s.slice(dx, [0, 0, 0, 0], [n, inHeight, inWidth, ci]);
  });
};
