/**
 * Kernels that replace slow stock tfjs-backend-webgpu 4.22 kernels for training.
 *
 * The stock `Conv2DBackpropFilter` (`Conv2DDerFilterProgram`, conv_backprop_webgpu.ts) runs one
 * GPU thread per filter weight, each looping over batch × height × width with no tiling and no
 * shared memory, so a small filter over a large batch keeps a few hundred threads busy for the
 * whole step. Here it is a tiled matrix product of implicit im2col patches with dy, its long
 * inner dimension (images × output pixels) split over workgroups and the slices summed after.
 *
 * The other gradients were read and left as they are: `Conv2DBackpropInput` in NHWC already
 * runs as an implicit GEMM on the tiled matmul (`Conv2DDerInputMMProgram`; it multiplies the
 * zeros a stride inserts, s² times the useful work at stride s, but it is tiled), and
 * `MaxPoolGrad` is one thread per input element over its window's taps, which is the work the
 * gradient needs.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { replaceKernel, Scratch, stockKernel, withScratch } from './scratch';

/** The tfjs backend these kernels are registered for. */
export const WEBGPU = 'webgpu';

/**
 * Registers the webgpu kernels of this file, keeping the stock ones (see scratch.ts).
 *
 * Call after tfjs-backend-webgpu is loaded (its kernels register when it is), before or after
 * the backend is initialised. Idempotent.
 */
export function registerWebgpuKernels(): void {
  replaceKernel(WEBGPU, tf.Conv2DBackpropFilter, conv2dBackpropFilter);
}

/** The stock webgpu `Conv2DBackpropFilter` (for tests and measurements). */
export function stockWebgpuBackpropFilter(): KernelFunc {
  return stockKernel(WEBGPU, tf.Conv2DBackpropFilter).kernelFunc;
}

/** `Conv2DBackpropFilter`'s attributes, with the dilations that tfjs itself never passes. */
type FilterGradAttrs = Conv2DBackpropFilterAttrs & { readonly dilations?: number | [number, number] };

/**
 * `Conv2DBackpropFilter` as a tiled matrix product.
 *
 * dW[i, j, c, o] = Σ_{n, p, q} x[n, p·sh + i·dh − top, q·sw + j·dw − left, c] · dy[n, p, q, o]:
 * with rows (n, p, q) and K = (i, j, c), dW = Pᵀ · dy where P [rows, K] is the im2col matrix,
 * read from x inside the shader rather than stored (no memory beyond the row slices' partial
 * sums, splits × the filter). NCHW is transposed to NHWC first.
 *
 * tfjs-core's `Conv2D` and fused-conv gradients assert dilation 1 and pass no `dilations`
 * attribute (kernel_names.ts), as the stock kernel assumes; a `dilations` attribute given to
 * the kernel directly is honoured all the same.
 */
export const tiledBackpropFilter: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = input(inputs, 'x');
  const dy = input(inputs, 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations = 1 } = attrs as unknown as FilterGradAttrs;
  const channelsLast = dataFormat !== 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, false,
    channelsLast ? 'channelsLast' : 'channelsFirst',
  );
  return withScratch(backend, (s) => {
    const xs = channelsLast ? x : s.transpose(x, [0, 2, 3, 1]);
    const dys = channelsLast ? dy : s.transpose(dy, [0, 2, 3, 1]);
    return filterGradient(s, backend as unknown as WebGPUBackend, xs, dys, info);
  }, new Scratch(backend as KernelBackend, WEBGPU));
};

/**
 * The registered kernel: the tiled one, except for what it does badly. A filter with fewer than
 * 8 output channels fills under half of each 16-wide tile (LeNet-5 at width 0.25 has 5: the
 * tiled kernel took 2.1× the stock one's time there on SwiftShader), and other dtypes go stock.
 */
const conv2dBackpropFilter: KernelFunc = (args) => {
  const x = input(args.inputs, 'x');
  const dy = input(args.inputs, 'dy');
  const { filterShape } = args.attrs as unknown as FilterGradAttrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || filterShape[3] < TILE / 2) return stockKernel(WEBGPU, tf.Conv2DBackpropFilter).kernelFunc(args);
  return tiledBackpropFilter(args);
};

/** Output tile of one workgroup (filter rows × output channels) and rows per shared-memory step. */
const TILE = 16;
/** Rows of the reduction (images × output pixels) that one workgroup sums, at least. */
const MIN_ROWS_PER_SPLIT = 128;
/** Workgroups to aim for: enough to fill a GPU when the filter itself is small. */
const TARGET_WORKGROUPS = 512;

/**
 * dW [kh, kw, Ci, Co] from NHWC x and dy, as two programs: a tiled product over a slice of the
 * rows per workgroup (`FilterGradPartialProgram`), then the sum of the slices
 * (`SumSplitsProgram`; skipped when there is one).
 */
function filterGradient(s: Scratch, gpu: WebGPUBackend, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw } = info;
  const rows = n * ho * wo;
  const k = kh * kw * ci;
  if (rows === 0) return s.run(tf.Fill, {}, { shape: [kh, kw, ci, co], value: 0, dtype: 'float32' });
  const tiles = Math.ceil(k / TILE) * Math.ceil(co / TILE);
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / tiles), Math.floor(rows / MIN_ROWS_PER_SPLIT)));
  const rowsPerSplit = Math.ceil(rows / wanted / TILE) * TILE;
  const splits = Math.ceil(rows / rowsPerSplit);
  const { top, left } = info.padInfo;
  const partial = s.add(gpu.runWebGPUProgram(new FilterGradPartialProgram(splits, k, co), [x, dy], 'float32', [
    ...[rows, k, co, ci, kw, ho, wo, h, w].map((v) => ({ type: 'int32', data: [v] })),
    ...[info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, top, left, rowsPerSplit].map((v) => ({ type: 'int32', data: [v] })),
  ]));
  const summed = splits === 1
    ? partial
    : s.add(gpu.runWebGPUProgram(new SumSplitsProgram(k * co), [partial], 'float32', [{ type: 'int32', data: [splits] }]));
  return s.reshape(summed, [kh, kw, ci, co]);
}

/** The parts of tfjs-backend-webgpu's backend that the programs here use. */
interface WebGPUBackend {
  runWebGPUProgram(program: WebGPUProgram, inputs: TensorInfo[], outputDtype: 'float32', uniforms: { type: string; data: number[] }[]): TensorInfo;
}

/**
 * One slice of the rows' sum per workgroup z, for a 16×16 tile of dW viewed as [K, Co]
 * (K = kh·kw·Ci, in the filter's own order), as a matrix product whose left factor — the
 * im2col patches — is read from x on the fly (zero outside the input, so padding costs
 * nothing). Each step loads 16 rows of patches and of dy into workgroup memory; every thread
 * sums one output. Output [splits, K, Co].
 */
class FilterGradPartialProgram implements WebGPUProgram {
  readonly variableNames = ['x', 'dy'];
  readonly uniforms = 'rows : i32, k : i32, co : i32, ci : i32, kw : i32, ho : i32, wo : i32, h : i32, w : i32, sh : i32, sw : i32, dh : i32, dw : i32, top : i32, left : i32, rowsPerSplit : i32,';
  readonly workgroupSize: [number, number, number] = [TILE, TILE, 1];
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [2], y: [1], z: [0] };
  readonly dispatch: [number, number, number];
  readonly shaderKey = 'bloombenchFilterGradPartial';

  constructor(splits: number, k: number, co: number) {
    this.outputShape = [splits, k, co];
    this.dispatch = [Math.ceil(co / TILE), Math.ceil(k / TILE), splits];
  }

  getUserCode(): string {
    return `
      var<workgroup> patches : array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> grads : array<array<f32, ${TILE}>, ${TILE}>;

      // The patch value of row r (image, output pixel) at filter index kk (tap, input channel).
      fn patchValue(r : i32, kk : i32) -> f32 {
        if (r >= uniforms.rows || kk >= uniforms.k) { return 0.0; }
        let pixels = uniforms.ho * uniforms.wo;
        let b = r / pixels;
        let p = (r % pixels) / uniforms.wo;
        let q = r % uniforms.wo;
        let c = kk % uniforms.ci;
        let tap = kk / uniforms.ci;
        let xr = p * uniforms.sh + (tap / uniforms.kw) * uniforms.dh - uniforms.top;
        let xc = q * uniforms.sw + (tap % uniforms.kw) * uniforms.dw - uniforms.left;
        if (xr < 0 || xr >= uniforms.h || xc < 0 || xc >= uniforms.w) { return 0.0; }
        return x[((b * uniforms.h + xr) * uniforms.w + xc) * uniforms.ci + c];
      }

      fn main() {
        let lx = i32(localId.x);
        let ly = i32(localId.y);
        let o = i32(workgroupId.x) * ${TILE} + lx;
        let kk = i32(workgroupId.y) * ${TILE} + ly;
        let kLoad = i32(workgroupId.y) * ${TILE} + lx;
        let first = i32(workgroupId.z) * uniforms.rowsPerSplit;
        let last = min(first + uniforms.rowsPerSplit, uniforms.rows);
        var sum = 0.0;
        // The step count comes from uniforms only: barriers need uniform control flow.
        let steps = uniforms.rowsPerSplit / ${TILE};
        for (var step = 0; step < steps; step = step + 1) {
          // Thread (lx, ly) loads row first + step·${TILE} + ly: patch column kLoad, dy column o.
          let r = first + step * ${TILE} + ly;
          var pv = 0.0;
          if (r < last) { pv = patchValue(r, kLoad); }
          patches[ly][lx] = pv;
          var g = 0.0;
          if (r < last && o < uniforms.co) { g = dy[r * uniforms.co + o]; }
          grads[ly][lx] = g;
          workgroupBarrier();
          for (var i = 0; i < ${TILE}; i = i + 1) {
            sum = sum + patches[i][ly] * grads[i][lx];
          }
          workgroupBarrier();
        }
        if (kk < uniforms.k && o < uniforms.co) {
          result[(i32(workgroupId.z) * uniforms.k + kk) * uniforms.co + o] = sum;
        }
      }
    `;
  }
}

/** Sums [splits, n] over its first axis: one thread per output, reading the slices in order. */
class SumSplitsProgram implements WebGPUProgram {
  readonly variableNames = ['partial'];
  readonly uniforms = 'splits : i32,';
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [0] };
  readonly dispatch: [number, number, number];
  readonly size = true;
  readonly shaderKey = 'bloombenchSumSplits';

  constructor(n: number) {
    this.outputShape = [n];
    this.dispatch = [Math.ceil(n / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var sum = 0.0;
          for (var i = 0; i < uniforms.splits; i = i + 1) {
            sum = sum + partial[i * uniforms.size + index];
          }
          result[index] = sum;
        }
      }
    `;
  }
}

/** A kernel input that must be there. */
function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`webgpu kernels: missing input '${name}'`);
  return info;
}
