/**
 * Data-parallel training: how many threads a run gets, and that replicas in real worker
 * threads train exactly like one thread on the whole batch where that is defined (no batch norm).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { buildModel, countMacs, type BuildOptions } from '../../main/models/registry';
import { AUTO_MIN_MACS, maxAutoThreads, planReplicas, ReplicaGroup, sliceBounds } from '../../main/worker/data-parallel';
import { decayedWeights, makeOptimizer, trainingLoss, type StepOutputs } from '../../main/worker/step';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';

describe('planReplicas', () => {
  const big = AUTO_MIN_MACS * 4;
  it('uses every core (at most 4) for larger models on wasm and cpu', () => {
    expect(planReplicas({ threads: 0, batchSize: 32 }, 'wasm', big, 2).replicas).toBe(2);
    expect(planReplicas({ threads: 0, batchSize: 32 }, 'cpu', big, 16).replicas).toBe(4);
    expect(planReplicas({ threads: 0, batchSize: 32 }, 'wasm', big, 1)).toEqual({ replicas: 1, reason: 'auto: this machine has one core' });
  });
  it('tells the most threads a run can use before any run (what the backend note says)', () => {
    expect(maxAutoThreads('wasm', 2)).toBe(2);
    expect(maxAutoThreads('cpu', 16)).toBe(4);
    expect(maxAutoThreads('wasm', 1)).toBe(1);
    expect(maxAutoThreads('tensorflow', 16)).toBe(1);
    // The same bound planReplicas applies to a big model and batch.
    expect(maxAutoThreads('cpu', 16)).toBe(planReplicas({ threads: 0, batchSize: 256 }, 'cpu', big, 16).replicas);
  });
  it('keeps small models and native backends on one thread, and says why', () => {
    expect(planReplicas({ threads: 0, batchSize: 32 }, 'wasm', AUTO_MIN_MACS / 10, 8).reason).toMatch(/too small to gain/);
    expect(planReplicas({ threads: 0, batchSize: 32 }, 'tensorflow', big, 8)).toEqual({ replicas: 1, reason: 'the tensorflow backend uses its own threads' });
    expect(planReplicas({ threads: 0, batchSize: 32 }, 'webgpu', big, 8)).toEqual({ replicas: 1, reason: 'every step runs on the GPU adapter' });
    expect(planReplicas({ threads: 4, batchSize: 32 }, 'webgpu', big, 8)).toEqual({ replicas: 1, reason: 'the threads setting (4) does not apply on a GPU: every step runs on the GPU adapter' });
    expect(planReplicas({ threads: 2, batchSize: 32 }, 'tensorflow-gpu', big, 8).replicas).toBe(1);
  });
  it('honours an explicit thread count, but gives each thread at least 8 images', () => {
    expect(planReplicas({ threads: 2, batchSize: 32 }, 'wasm', 1, 1).replicas).toBe(2);
    expect(planReplicas({ threads: 1, batchSize: 32 }, 'wasm', big, 8).replicas).toBe(1);
    const capped = planReplicas({ threads: 4, batchSize: 16 }, 'wasm', big, 8);
    expect(capped.replicas).toBe(2);
    expect(capped.reason).toBe('4 threads asked for, 2 used: each needs at least 8 images of a batch of 16');
    expect(planReplicas({ threads: 0, batchSize: 12 }, 'wasm', big, 8).replicas).toBe(1);
  });
});

describe('sliceBounds', () => {
  it('cuts a batch into near-equal consecutive slices', () => {
    expect(sliceBounds(32, 2)).toEqual([0, 16, 32]);
    expect(sliceBounds(17, 2)).toEqual([0, 9, 17]);
    expect(sliceBounds(10, 4)).toEqual([0, 3, 5, 8, 10]);
  });
});

describe('ReplicaGroup on wasm worker threads', () => {
  beforeAll(async () => {
    tf.enableProdMode();
    await initBackend('wasm');
  });

  const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 28, channels: 1, width: 1, batchNorm: false, batchSize: 12, weightDecay: 1e-3, labelSmoothing: 0.1, augment: [], threads: 2 };
  const build: BuildOptions = { inputSize: 28, channels: 1, width: 1, numClasses: 4, batchNorm: false, auxHeads: false, seed: 3 };

  function batch(step: number): { xs: tf.Tensor4D; labels: number[] } {
    const xs = tf.randomUniform([12, 28, 28, 1], -1, 1, 'float32', 100 + step) as tf.Tensor4D;
    const labels = Array.from({ length: 12 }, (_, i) => (i * 7 + step) % 4);
    return { xs, labels };
  }

  function weightsOf(model: tf.LayersModel): Float32Array[] {
    return model.trainableWeights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
  }

  it('trains three replicas like one thread on the whole batch (no batch norm), with the same loss and accuracy', async () => {
    // One thread, the trainer's own path.
    const single = buildModel('lenet5', build);
    const optSingle = makeOptimizer(config);
    const singleLoss: number[] = [];
    const singleRight: number[] = [];
    for (let s = 0; s < 3; s++) {
      const { xs, labels } = batch(s);
      const out: StepOutputs = { mainLoss: null, correct: null };
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
      optSingle.minimize(() => trainingLoss(single, config, decayedWeights(single), xs, y, 1, out), false);
      singleLoss.push((out.mainLoss!.dataSync() as Float32Array)[0]);
      singleRight.push((out.correct!.dataSync() as Float32Array)[0]);
      tf.dispose([xs, y, out.mainLoss as tf.Tensor, out.correct as tf.Tensor]);
    }

    // Three replicas, slices of 4 images each.
    const model = buildModel('lenet5', build);
    const optimizer = makeOptimizer(config);
    const group = await ReplicaGroup.start({ world: 3, backend: 'wasm', config, build, model, optimizer, resumeDir: null });
    try {
      expect(group.world).toBe(3);
      let tensors = 0;
      for (let s = 0; s < 3; s++) {
        const { xs, labels } = batch(s);
        const r = group.step(xs, labels, 4, config.lr);
        xs.dispose();
        expect(r.mainLoss).toBeCloseTo(singleLoss[s], 4);
        expect(r.correct).toBe(singleRight[s]);
        // After the first step (which creates the optimizer's slots) no step leaves tensors behind.
        if (s === 1) tensors = tf.memory().numTensors;
        if (s === 2) expect(tf.memory().numTensors).toBe(tensors);
      }
    } finally {
      await group.close();
    }
    const a = weightsOf(single);
    const b = weightsOf(model);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) maxDiff = Math.max(maxDiff, Math.abs(a[i][j] - b[i][j]));
    expect(maxDiff).toBeLessThan(1e-5);
    // And training moved the weights at all.
    const fresh = weightsOf(buildModel('lenet5', build));
    expect(fresh.some((w, i) => w.some((v, j) => v !== b[i][j]))).toBe(true);
  });

  it('averages batch-norm moving statistics across replicas, then infers split over them like one model', async () => {
    const bnBuild: BuildOptions = { ...build, inputSize: 32, channels: 3, width: 0.125, numClasses: 4, batchNorm: true };
    const bnConfig: TrainConfig = { ...config, arch: 'resnet18', inputSize: 32, channels: 3, width: 0.125, batchNorm: true, batchSize: 16 };
    const model = buildModel('resnet18', bnBuild);
    expect(countMacs(model)).toBeGreaterThan(0);
    const optimizer = makeOptimizer(bnConfig);
    const group = await ReplicaGroup.start({ world: 2, backend: 'wasm', config: bnConfig, build: bnBuild, model, optimizer, resumeDir: null });
    try {
      // Slice 0 sees values near -1, slice 1 near +1: their first-layer statistics differ a lot.
      const xs = tf.concat([tf.fill([8, 32, 32, 3], -1), tf.fill([8, 32, 32, 3], 1)]) as tf.Tensor4D;
      const labels = Array.from({ length: 16 }, (_, i) => i % 4);
      group.step(xs, labels, 4, 1e-3);
      const mean = model.nonTrainableWeights.find((w) => /moving_mean$/.test(w.originalName))!;
      const before = Float32Array.from(mean.read().dataSync() as Float32Array);
      group.averageStatistics();
      const after = mean.read().dataSync() as Float32Array;
      expect(Array.from(after).some((v, i) => Math.abs(v - before[i]) > 1e-6)).toBe(true);
      // With the same weights and statistics everywhere, inference split over the replicas
      // gives rank 0's own logits.
      const probe = tf.randomUniform([5, 32, 32, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
      const split = group.infer(probe, 4);
      const own = model.apply(probe, { training: false }) as tf.Tensor;
      const a = split.dataSync();
      const b = own.dataSync();
      expect(a).toHaveLength(20);
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));
      tf.dispose([probe, split, own, xs]);
    } finally {
      await group.close();
    }
  });
});

describe('ReplicaGroup on the cpu backend', () => {
  it('trains a step on two threads and leaves the batch readable (its slices are copied, not transferred)', async () => {
    await initBackend('cpu');
    try {
      const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 28, channels: 1, width: 1, batchNorm: false, batchSize: 8, augment: [], threads: 2 };
      const build: BuildOptions = { inputSize: 28, channels: 1, width: 1, numClasses: 4, batchNorm: false, auxHeads: false, seed: 3 };
      const model = buildModel('lenet5', build);
      const group = await ReplicaGroup.start({ world: 2, backend: 'cpu', config, build, model, optimizer: makeOptimizer(config), resumeDir: null });
      try {
        const xs = tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
        const r = group.step(xs, [0, 1, 2, 3, 0, 1, 2, 3], 4, 1e-3);
        expect(Number.isFinite(r.mainLoss)).toBe(true);
        expect(xs.dataSync()).toHaveLength(8 * 28 * 28);
        xs.dispose();
      } finally {
        await group.close();
      }
    } finally {
      await initBackend('wasm');
    }
  });
});
