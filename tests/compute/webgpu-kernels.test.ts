/**
 * Bloombench's webgpu `Conv2DBackpropFilter` (matrix products per filter tap) against a direct
 * float64 loop over the definition and against the stock tfjs-backend-webgpu kernel, on
 * SwiftShader. Shapes are tiny (software GPU) but cover every case the zoo has: 1×1, 3×3,
 * 5×5, 7×7 stride 2, 1×7 / 7×1, valid and same padding, odd sizes, NCHW, and batches whose
 * sum is split over several workgroups.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { stockWebgpuBackpropFilter, tiledBackpropFilter } from '../../main/compute/webgpu-kernels';
import { requireSwiftShader, SWIFTSHADER_ICD } from '../fixtures/webgpu';
import { relError } from './values';

interface Case {
  readonly x: [number, number, number, number]; // NHWC
  readonly k: [number, number];
  readonly co: number;
  readonly stride: [number, number];
  readonly pad: 'same' | 'valid' | number;
}

/** dW by its definition, in float64: Σ over batch and outputs of x(padded) · dy. */
function reference(x: Float32Array, dy: Float32Array, c: Case, info: tf.backend_util.Conv2DInfo): Float64Array {
  const [n, h, w, ci] = c.x;
  const { outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw, outChannels: co } = info;
  const { top, left } = info.padInfo;
  const out = new Float64Array(kh * kw * ci * co);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let b = 0; b < n; b++) for (let p = 0; p < ho; p++) for (let q = 0; q < wo; q++) {
    const r = p * c.stride[0] + i - top;
    const s = q * c.stride[1] + j - left;
    if (r < 0 || r >= h || s < 0 || s >= w) continue;
    for (let a = 0; a < ci; a++) {
      const xv = x[((b * h + r) * w + s) * ci + a];
      for (let o = 0; o < co; o++) out[((i * kw + j) * ci + a) * co + o] += xv * dy[((b * ho + p) * wo + q) * co + o];
    }
  }
  return out;
}

/** max |a − b| / max |b| (values.ts's relError, reference second). */
const relMax = (a: ArrayLike<number>, b: ArrayLike<number>): number => relError(b, a);

async function read(info: TensorInfo): Promise<Float32Array> {
  const t = tf.engine().makeTensorFromTensorInfo(info);
  const values = (await t.data()) as Float32Array;
  t.dispose();
  return values;
}

describe('webgpu filter gradient (SwiftShader)', () => {
  beforeAll(async () => {
    requireSwiftShader();
    process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
    const info = await initBackend('webgpu');
    expect(info.adapter?.software).toBe(true);
  });

  it.each<[string, Case]>([
    ['1×1 stride 1 (one product)', { x: [2, 5, 5, 3], k: [1, 1], co: 4, stride: [1, 1], pad: 'valid' }],
    ['1×1 stride 2 (ResNet downsample)', { x: [2, 7, 7, 4], k: [1, 1], co: 6, stride: [2, 2], pad: 'valid' }],
    ['3×3 same', { x: [3, 6, 6, 3], k: [3, 3], co: 5, stride: [1, 1], pad: 'same' }],
    ['3×3 stride 2 same, odd size', { x: [2, 9, 7, 4], k: [3, 3], co: 3, stride: [2, 2], pad: 'same' }],
    ['3×3 valid', { x: [2, 8, 8, 2], k: [3, 3], co: 3, stride: [1, 1], pad: 'valid' }],
    ['5×5 explicit pad 2', { x: [2, 8, 8, 3], k: [5, 5], co: 4, stride: [1, 1], pad: 2 }],
    ['7×7 stride 2 pad 3 (ResNet stem)', { x: [2, 15, 15, 3], k: [7, 7], co: 4, stride: [2, 2], pad: 3 }],
    ['11×11 stride 4 valid (AlexNet stem, cropped tail)', { x: [1, 21, 21, 3], k: [11, 11], co: 2, stride: [4, 4], pad: 'valid' }],
    ['1×7 same (Inception-v3)', { x: [2, 6, 9, 3], k: [1, 7], co: 3, stride: [1, 1], pad: 'same' }],
    ['7×1 same (Inception-v3)', { x: [2, 9, 6, 3], k: [7, 1], co: 3, stride: [1, 1], pad: 'same' }],
    ['3×3 stride 2 valid, wide channels (multi-tile product)', { x: [4, 9, 9, 40], k: [3, 3], co: 72, stride: [2, 2], pad: 'valid' }],
    // 2,048 and 429 rows: the sum is split over 16 and 3 workgroups (the last one short).
    ['3×3 same, many rows (split over workgroups)', { x: [8, 16, 16, 4], k: [3, 3], co: 8, stride: [1, 1], pad: 'same' }],
    ['3×3 same, rows not a multiple of the tile (uneven split)', { x: [3, 11, 13, 2], k: [3, 3], co: 5, stride: [1, 1], pad: 'same' }],
  ])('%s: matches the definition and the stock kernel', async (_name, c) => {
    const kernelPad = typeof c.pad === 'number' ? 'explicit' : c.pad;
    const explicit: [[number, number], [number, number], [number, number], [number, number]] | undefined = typeof c.pad === 'number'
      ? [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]]
      : undefined;
    const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co];
    const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.stride, 1, explicit ?? c.pad, 'floor', false, 'channelsLast');
    const x = tf.randomUniform(c.x, -1, 1, 'float32', 3);
    const dy = tf.randomUniform([c.x[0], info.outHeight, info.outWidth, c.co], -1, 1, 'float32', 4);
    const attrs = { strides: c.stride, pad: explicit ?? kernelPad, dataFormat: 'NHWC', dimRoundingMode: 'floor', filterShape } as unknown as NamedAttrMap;
    const before = tf.memory().numTensors;
    // The tiled kernel itself (the registered one sends filters under 8 outputs to stock).
    const ours = tf.engine().makeTensorFromTensorInfo(tiledBackpropFilter({ inputs: { x, dy }, backend: tf.backend() as KernelBackend, attrs }) as TensorInfo);
    expect(tf.memory().numTensors - before, 'only the result is left').toBe(1);
    expect(ours.shape).toEqual(filterShape);
    const stock = stockWebgpuBackpropFilter()({ inputs: { x, dy }, backend: tf.backend() as KernelBackend, attrs }) as TensorInfo;
    const [xv, dyv, got, theirs] = await Promise.all([x.data() as Promise<Float32Array>, dy.data() as Promise<Float32Array>, ours.data() as Promise<Float32Array>, read(stock)]);
    const want = reference(xv, dyv, c, info);
    const vsDefinition = relMax(got, want);
    const vsStock = relMax(got, theirs);
    console.log(`webgpu filter gradient ${_name}: ${vsDefinition.toExponential(1)} from the definition, ${vsStock.toExponential(1)} from stock`);
    expect(vsDefinition).toBeLessThan(1e-5);
    expect(vsStock).toBeLessThan(1e-5);
    // The stock kernel is itself right here (so the comparison above means something).
    expect(relMax(theirs, want)).toBeLessThan(1e-5);
    tf.dispose([x, dy, ours]);
  });

  it('sends filters with under 8 output channels to the stock kernel, and the rest to the tiled one', async () => {
    const x = tf.randomUniform([4, 12, 12, 3], -1, 1, 'float32', 6);
    const kernel = async (co: number): Promise<[Float32Array, Float32Array, Float32Array]> => {
      const dy = tf.randomUniform([4, 12, 12, co], -1, 1, 'float32', 7);
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: 'floor', filterShape: [3, 3, 3, co] } as unknown as NamedAttrMap;
      const registered = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor;
      const backend = tf.backend() as KernelBackend;
      const stock = tf.engine().makeTensorFromTensorInfo(stockWebgpuBackpropFilter()({ inputs: { x, dy }, backend, attrs }) as TensorInfo);
      const tiled = tf.engine().makeTensorFromTensorInfo(tiledBackpropFilter({ inputs: { x, dy }, backend, attrs }) as TensorInfo);
      const out = (await Promise.all([registered.data(), stock.data(), tiled.data()])) as [Float32Array, Float32Array, Float32Array];
      tf.dispose([dy, registered, stock, tiled]);
      return out;
    };
    // 576 rows: the tiled kernel splits them, so its sums differ from stock's in the last bits.
    const [narrow, narrowStock, narrowTiled] = await kernel(5);
    expect(narrow).toEqual(narrowStock);
    expect(narrowTiled).not.toEqual(narrowStock);
    const [wide, wideStock, wideTiled] = await kernel(8);
    expect(wide).toEqual(wideTiled);
    expect(wideTiled).not.toEqual(wideStock);
    x.dispose();
  });

  it('NCHW input and output gradient give the same filter gradient as NHWC', async () => {
    const shape: [number, number, number, number] = [2, 7, 7, 3];
    const filterShape: [number, number, number, number] = [3, 3, 3, 4];
    const x = tf.randomUniform(shape, -1, 1, 'float32', 8);
    const dy = tf.randomUniform([2, 4, 4, 4], -1, 1, 'float32', 9);
    const base = { strides: [2, 2], pad: 'same', dimRoundingMode: 'floor', filterShape };
    const nhwc = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...base, dataFormat: 'NHWC' } as unknown as NamedAttrMap) as tf.Tensor;
    const xc = tf.transpose(x, [0, 3, 1, 2]);
    const dyc = tf.transpose(dy, [0, 3, 1, 2]);
    const nchw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xc, dy: dyc }, { ...base, dataFormat: 'NCHW' } as unknown as NamedAttrMap) as tf.Tensor;
    expect(relMax(await nchw.data(), await nhwc.data())).toBeLessThan(1e-6);
    tf.dispose([x, dy, xc, dyc, nhwc, nchw]);
  });

  it('is what tf.grad of a convolution uses on webgpu (the replacement is registered)', async () => {
    const x = tf.randomUniform([2, 6, 6, 2], -1, 1, 'float32', 1);
    const f = tf.randomUniform([3, 3, 2, 3], -1, 1, 'float32', 2);
    const viaGrad = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))(f);
    const ones = tf.onesLike(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'));
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 2, 3] } as unknown as NamedAttrMap;
    const stock = stockWebgpuBackpropFilter()({ inputs: { x, dy: ones }, backend: tf.backend() as KernelBackend, attrs }) as TensorInfo;
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'webgpu')?.kernelFunc).not.toBe(stockWebgpuBackpropFilter());
    expect(relMax(await viaGrad.data(), await read(stock))).toBeLessThan(1e-5);
    tf.dispose([x, f, viaGrad, ones]);
  });
});
