/**
 * The model zoo's training gradients on webgpu equal the cpu backend's, family by family, on
 * SwiftShader (Debian's chromium package ships its Vulkan driver; .ci/run installs it and
 * libvulkan1). Tiny shapes: SwiftShader is a software GPU.
 *
 * Tolerances are relative L2 over all trainable weights' gradients. Where batch norm normalises
 * over a handful of values (ResNet-50's last stages at 32 px are 2×2 and 1×1 maps), float32
 * rounding is amplified: the cpu backend's own gradients move by ~2e-3 when the input moves by
 * one ulp. There webgpu is held to that measured sensitivity, and the same network without batch
 * norm to 1e-5 — which is what shows that the bottleneck kernels themselves are right.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { buildModel, getVariant } from '../../main/models/registry';
import { requireSwiftShader, SWIFTSHADER_ICD } from '../fixtures/webgpu';
import { zooTrainingLoss } from './values';

const CLASSES = 3;

interface Step {
  readonly loss: number;
  readonly grads: Float32Array[];
}

/** One training-mode step's gradients (auxiliary heads weighted 0.3), read asynchronously. */
async function gradients(id: string, size: number, batch: number, batchNorm: boolean, perturb: boolean): Promise<Step> {
  const variant = getVariant(id);
  const model = buildModel(id, { inputSize: size, channels: 3, width: 0.25, numClasses: CLASSES, batchNorm, dropout: 0, seed: 11, auxHeads: variant.supportsAuxHeads });
  const xs = tf.tidy(() => {
    const x = tf.randomUniform([batch, size, size, 3], -1, 1, 'float32', 5);
    // One float32 ulp of noise: how much the network itself amplifies rounding.
    return perturb ? tf.mul(x, tf.add(1, tf.mul(tf.randomUniform(x.shape, -1, 1, 'float32', 77), 2 ** -23))) : x;
  });
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % CLASSES), 'int32'), CLASSES).toFloat());
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => zooTrainingLoss(model, xs, ys), model.trainableWeights.map((w) => w.read() as tf.Variable));
  const list = Object.values(grads);
  const step: Step = { loss: (await value.data())[0], grads: (await Promise.all(list.map((g) => g.data()))) as Float32Array[] };
  tf.dispose([value, ...list]);
  expect(tf.memory().numTensors - before, `${id} leaked tensors on ${tf.getBackend()}`).toBe(0);
  expect(step.grads.length).toBe(model.trainableWeights.length);
  tf.dispose([xs, ys]);
  model.dispose();
  return step;
}

/** ‖a − b‖ / ‖a‖ over every gradient. */
function relL2(a: Step, b: Step): number {
  let num = 0;
  let den = 0;
  a.grads.forEach((ga, i) => {
    const gb = b.grads[i];
    expect(gb.length).toBe(ga.length);
    for (let j = 0; j < ga.length; j++) {
      num += (ga[j] - gb[j]) ** 2;
      den += ga[j] ** 2;
    }
  });
  expect(Number.isFinite(num)).toBe(true);
  return Math.sqrt(num / den);
}

async function on(backend: 'cpu' | 'webgpu', id: string, size: number, batch: number, batchNorm: boolean, perturb = false): Promise<Step> {
  await tf.setBackend(backend);
  return gradients(id, size, batch, batchNorm, perturb);
}

describe('the model zoo on webgpu (SwiftShader)', () => {
  beforeAll(async () => {
    requireSwiftShader();
    process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
    await initBackend('cpu');
    const info = await initBackend('webgpu');
    expect(info.adapter?.software).toBe(true);
  });

  // [variant, input size, batch, batch norm, tolerance]: one row per family. Batch norm over
  // two images is degenerate (it maps each channel to ±1), so small batches run without it:
  // those rows check every other kernel tightly; batch norm is checked where the batch is 4.
  it.each([
    ['lenet5', 16, 4, true, 1e-5],
    ['alexnet', 63, 2, false, 1e-5],
    ['vgg11_bn', 32, 2, true, 1e-5],
    ['googlenet', 32, 2, false, 1e-5], // with its two auxiliary heads
    ['inception_v3', 75, 2, false, 1e-5], // factorised 1×7 / 7×1 convolutions
    ['resnet18', 32, 4, true, 1e-4], // basic blocks
    ['resnet50', 32, 2, false, 1e-5], // bottleneck blocks
    ['plain18', 32, 2, false, 1e-5],
    ['densenet121', 32, 2, false, 1e-5],
    ['squeezenet1_1', 32, 4, false, 1e-5],
  ] as const)('%s (%i px, batch %i, batch norm %s): gradients within %s of cpu', async (id, size, batch, batchNorm, tolerance) => {
    const cpu = await on('cpu', id, size, batch, batchNorm);
    const gpu = await on('webgpu', id, size, batch, batchNorm);
    expect(Number.isFinite(gpu.loss)).toBe(true);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    const err = relL2(cpu, gpu);
    console.log(`webgpu parity ${id} ${size}px batch ${batch}${batchNorm ? ' bn' : ''}: relative L2 ${err.toExponential(2)}`);
    expect(err).toBeLessThan(tolerance);
  });

  it('ResNet-50 with batch norm on 2×2 maps: webgpu differs from cpu no more than cpu differs from itself under one ulp of input noise', async () => {
    const cpu = await on('cpu', 'resnet50', 32, 4, true);
    const nudged = await on('cpu', 'resnet50', 32, 4, true, true);
    const gpu = await on('webgpu', 'resnet50', 32, 4, true);
    const sensitivity = relL2(cpu, nudged);
    const err = relL2(cpu, gpu);
    console.log(`webgpu parity resnet50 32px batch 4 bn: relative L2 ${err.toExponential(2)}; cpu under one ulp of input noise ${sensitivity.toExponential(2)}`);
    // The network is ill-conditioned here (that is why it gets the bound below, not 1e-5)…
    expect(sensitivity).toBeGreaterThan(1e-4);
    // …and webgpu stays within what rounding alone explains.
    expect(err).toBeLessThan(3 * sensitivity);
  });

  it('trains steps without growing GPU memory or tensors (optimizer slots allocated in the first step)', async () => {
    await tf.setBackend('webgpu');
    const model = buildModel('lenet5', { inputSize: 16, channels: 3, width: 0.5, numClasses: CLASSES, seed: 3 });
    const optimizer = tf.train.adam(1e-3);
    const xs = tf.randomUniform([4, 16, 16, 3], -1, 1, 'float32', 1);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), CLASSES).toFloat());
    const memory = (): { tensors: number; gpuBytes: number } => {
      const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      return { tensors: m.numTensors, gpuBytes: m.numBytesInGPU ?? -1 };
    };
    const seen: { tensors: number; gpuBytes: number }[] = [];
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true) as tf.Scalar;
      losses.push((await loss.data())[0]);
      loss.dispose();
      seen.push(memory());
    }
    expect(seen[0].gpuBytes).toBeGreaterThan(0);
    for (const m of seen.slice(1)) expect(m).toEqual(seen[0]);
    expect(losses[4]).toBeLessThan(losses[0]);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  });
});
