/**
 * Fine-tuning a model built from a real torchvision state dict: a frozen backbone does not
 * change (weights nor batch-norm statistics) and computes no weight gradient while the new
 * head learns; unfrozen, the backbone moves `backboneLrScale` times as far as at the full rate.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { initBackend } from '../../main/compute/backend';
import { applyScaledGradients, backboneFrozen, backboneVariables, buildRunModel, setBackboneFrozen } from '../../main/worker/fine-tune';
import { decayedWeights, makeOptimizer, trainingLoss, type StepOutputs } from '../../main/worker/step';
import { makeTorchvisionFixtures } from '../fixtures/torchvision';

let dir: string;
let weights: { source: 'file'; title: string; file: string; sha256: string };
const SIZE = 32;

beforeAll(async () => {
  await initBackend('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-ft-'));
  await makeTorchvisionFixtures(dir, [{ kind: 'parity', name: 'resnet18', builder: 'resnet18', size: SIZE, format: 'zip' }]);
  weights = { source: 'file', title: 'resnet18.pth', file: path.join(dir, 'resnet18.pth'), sha256: '0'.repeat(64) };
}, 600_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function configOf(extra: Partial<TrainConfig>): TrainConfig {
  return { ...DEFAULT_CONFIG, arch: 'resnet18', width: 1, inputSize: SIZE, pretrained: weights.file, ...extra };
}

const values = (m: tf.LayersModel, layer: string, i = 0): Float32Array => m.getLayer(layer).getWeights()[i].dataSync().slice() as Float32Array;
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** One training step of the trainer's loss on a fixed batch; returns the kernels it ran. */
async function step(model: tf.LayersModel, config: TrainConfig, optimizer: tf.Optimizer, scaled: ReadonlySet<string> = new Set()): Promise<string[]> {
  const x = tf.randomNormal([6, SIZE, SIZE, 3], 0, 1, 'float32', 5);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
  const out: StepOutputs = { mainLoss: null, correct: null };
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => trainingLoss(model, config, decayedWeights(model), x, y, 1, out));
    applyScaledGradients(optimizer, grads, scaled, config.backboneLrScale);
    tf.dispose([value, ...Object.values(grads)]);
  });
  tf.dispose([x, y, out.mainLoss as tf.Tensor, out.correct as tf.Tensor]);
  return profile.kernels.map((k) => k.name);
}

describe('a frozen backbone', () => {
  it('keeps its weights and batch-norm statistics, computes no weight gradient, while the head learns', async () => {
    const config = configOf({ freeze: 'backbone' });
    const { model, pretrainedLayers } = buildRunModel(config, { inputSize: SIZE, numClasses: 3 }, weights);
    try {
      expect(pretrainedLayers.has('conv1_conv')).toBe(true);
      expect(pretrainedLayers.has('logits')).toBe(false);
      setBackboneFrozen(model, pretrainedLayers, true);
      expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['logits/kernel', 'logits/bias']);
      const before = { conv: values(model, 'conv3_block1_1_conv'), gamma: values(model, 'conv2_block1_1_bn', 0), mean: values(model, 'conv2_block1_1_bn', 2), variance: values(model, 'conv4_block2_2_bn', 3), head: values(model, 'logits') };
      const optimizer = makeOptimizer(config);
      const kernels = await step(model, config, optimizer);
      await step(model, config, optimizer);
      optimizer.dispose();
      expect(maxDiff(values(model, 'conv3_block1_1_conv'), before.conv)).toBe(0);
      expect(maxDiff(values(model, 'conv2_block1_1_bn', 0), before.gamma)).toBe(0);
      expect(maxDiff(values(model, 'conv2_block1_1_bn', 2), before.mean)).toBe(0);
      expect(maxDiff(values(model, 'conv4_block2_2_bn', 3), before.variance)).toBe(0);
      expect(maxDiff(values(model, 'logits'), before.head)).toBeGreaterThan(1e-5);
      // No backward pass through any convolution: neither weight nor input gradients.
      expect(kernels.filter((k) => /Conv2DBackprop|MaxPoolGrad/.test(k))).toEqual([]);
      // Unfrozen, the same step computes the convolutions' weight gradients (all 20; conv1 skips its input gradient).
      setBackboneFrozen(model, pretrainedLayers, false);
      const opt2 = makeOptimizer(config);
      const open = await step(model, config, opt2);
      opt2.dispose();
      expect(open.filter((k) => k === 'Conv2DBackpropFilter')).toHaveLength(20);
      expect(open.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(19);
      expect(maxDiff(values(model, 'conv2_block1_1_bn', 2), before.mean)).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });

  it('follows --freeze and --unfreeze-after by epoch', () => {
    expect([1, 2, 3, 4].map((e) => backboneFrozen(configOf({ freeze: 'backbone', unfreezeAfter: 2 }), e))).toEqual([true, true, false, false]);
    expect([1, 9].map((e) => backboneFrozen(configOf({ freeze: 'backbone', unfreezeAfter: 0 }), e))).toEqual([true, true]);
    expect(backboneFrozen(configOf({ freeze: 'none' }), 1)).toBe(false);
    expect(backboneFrozen({ ...DEFAULT_CONFIG, freeze: 'backbone' }, 1)).toBe(false);
  });
});

describe('the backbone learning rate', () => {
  it.each(['adam', 'momentum'] as const)('moves the pretrained layers backboneLrScale times as far as the head rate would (%s)', async (optimizerName) => {
    const config = configOf({ optimizer: optimizerName, lr: 0.01, backboneLrScale: 0.1 });
    const a = buildRunModel(config, { inputSize: SIZE, numClasses: 3 }, weights);
    const b = buildRunModel(config, { inputSize: SIZE, numClasses: 3 }, weights);
    try {
      const start = values(a.model, 'conv3_block1_1_conv');
      expect(maxDiff(values(b.model, 'conv3_block1_1_conv'), start)).toBe(0);
      const oa = makeOptimizer(config);
      const ob = makeOptimizer(config);
      const scaled = backboneVariables(a.model, a.pretrainedLayers);
      expect(scaled.size).toBe(60); // 20 convolution kernels + 20 batch-norms × (gamma, beta)
      await step(a.model, config, oa, scaled);
      await step(b.model, config, ob);
      oa.dispose();
      ob.dispose();
      const da = values(a.model, 'conv3_block1_1_conv').map((v, i) => v - start[i]);
      const db = values(b.model, 'conv3_block1_1_conv').map((v, i) => v - start[i]);
      const big = db.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(big).toBeGreaterThan(1e-6);
      expect(maxDiff(da, db.map((v) => v * 0.1))).toBeLessThan(1e-3 * big);
      // The new head takes the full rate in both.
      expect(maxDiff(values(a.model, 'logits'), values(b.model, 'logits'))).toBeLessThan(1e-6);
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });
});
