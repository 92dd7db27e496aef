/**
 * The layer order option: `pre` (batch-norm → activation → convolution) builds every family,
 * counts the parameters worked out by hand, and trains two steps on wasm without leaks;
 * `post` stays the published nets.
 *
 * Parameter convention as in params.test.ts: learnable weights only (no BN moving statistics).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { residualBlock } from '../../main/models/blocks';
import { NetBuilder, type ResolvedOptions } from '../../main/models/builder';
import { buildModel, countTrainableParams, listVariants, modelInfo, modelStats } from '../../main/models/registry';
import { SMALL_CLASSES, smallInputSize, trainTwoSteps } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
  await tf.setBackend('wasm');
});

const BASE: ResolvedOptions = {
  inputSize: 8,
  channels: 16,
  numClasses: 2,
  width: 1,
  activation: 'relu',
  batchNorm: true,
  dropout: 0,
  order: 'pre',
  auxHeads: false,
  seed: 1,
  torchvision: false,
  batchNormEpsilon: 1e-3,
  inputAffine: undefined,
};

describe('a pre-activation residual block', () => {
  it('has BN → act shared by both paths, no BN on the projection, and no activation after the sum', () => {
    const b = new NetBuilder(BASE, 'build');
    const x = b.input();
    const y = residualBlock(b, x, 'conv3_block1', 32, 2, { shortcut: true });
    const model = tf.model({ inputs: x, outputs: y });
    expect(model.outputs[0].shape).toEqual([null, 4, 4, 32]);
    expect(model.layers.map((l) => l.name)).toEqual([
      'input',
      'conv3_block1_preact_bn',
      'conv3_block1_preact_relu',
      'conv3_block1_1_conv',
      'conv3_block1_1_bn',
      'conv3_block1_1_relu',
      'conv3_block1_0_conv',
      'conv3_block1_2_conv',
      'conv3_block1_out',
    ]);
    // preact BN 2·16, 3×3 16→32, BN 2·32, 3×3 32→32, 1×1 projection 16→32 (no biases: BN on).
    expect(countTrainableParams(model)).toBe(32 + 9 * 16 * 32 + 64 + 9 * 32 * 32 + 16 * 32);
    expect(countTrainableParams(model)).toBe(14_432);
    model.dispose();
  });

  it('keeps the identity shortcut on the raw input when the shape does not change', () => {
    const b = new NetBuilder(BASE, 'dry');
    const x = b.input();
    residualBlock(b, x, 'conv2_block1', 16, 1, { shortcut: true });
    const names = b.records.map((r) => r.layer.name);
    expect(names).not.toContain('conv2_block1_0_conv');
    const add = b.records.find((r) => r.layer.name === 'conv2_block1_out');
    expect(add?.inputShapes).toEqual([
      [null, 8, 8, 16],
      [null, 8, 8, 16],
    ]);
  });
});

describe('parameter counts in pre order at the canonical configuration', () => {
  it('post is the default and the published nets', () => {
    for (const v of listVariants()) expect(modelStats(v.id, { order: 'post' }).trainableParams, v.id).toBe(modelInfo(v.id).trainableParams);
  });

  it.each([
    // conv1 loses its BN (−128); conv3/4/5_block1 swap BN after conv2 and on the projection
    // (2·C + 2·C) for a preact BN on C/2 inputs: −3·(128 + 256 + 512); post_bn on 512 (+1,024).
    ['resnet18', 11_689_512 - 128 - 3 * (128 + 256 + 512) + 2 * 512],
    // Projection blocks: v1 BNs 2p + 2p + 8p + 8p (shortcut), v2 preact 2·C_in + 2p + 2p, for
    // (C_in, p) = (64, 64), (256, 128), (512, 256), (1024, 512); conv1 −128; post_bn +2·2048.
    ['resnet50', 25_557_032 - 128 - (20 * (64 + 128 + 256 + 512) - 2 * (64 + 256 + 512 + 1024) - 4 * (64 + 128 + 256 + 512)) + 2 * 2048],
    // Plain blocks: BN moves from conv1's output (C) to the block's input, C/2 at the first block
    // of conv3–5: −2·(64 + 128 + 256); conv1 −128; post_bn +2·512. The same count.
    ['plain18', modelInfo('plain18').trainableParams - 128 - 2 * (64 + 128 + 256) + 2 * 512],
    // No batch-norm: the same weights, only the order changes.
    ['vgg16', 138_357_544],
    ['squeezenet1_1', 1_235_496],
    // Every BN moves from a convolution's output to the next one's input: block1_conv1 loses
    // 64 channels, the first convolutions of blocks 2–4 normalise half their outputs, post_bn
    // adds 512 after block5. The same count.
    ['vgg16_bn', 138_365_992 - 128 - 2 * (64 + 128 + 256) + 2 * 512],
    // Already BN-ReLU-Conv: only the stem's BN goes.
    ['densenet121', 7_978_856 - 128],
  ] as const)('%s has %i', (id, expected) => {
    expect(modelStats(id, { order: 'pre' }).trainableParams).toBe(expected);
  });

  it('refuses an unknown order naming the field', () => {
    expect(() => modelStats('resnet18', { order: 'sandwich' as 'pre' })).toThrow(/resnet18: order must be one of post, pre/);
  });
});

/** One variant per family (both ResNet block types and the plain net), small enough for 2 cores. */
const TRAINED = ['lenet5', 'alexnet', 'vgg11_bn', 'googlenet', 'inception_v3', 'plain18', 'resnet18', 'resnet50', 'densenet121', 'squeezenet1_1'];

describe('every family builds and trains in pre order on wasm', () => {
  it('covers every family', () => {
    const families = new Set(listVariants().map((v) => v.family));
    expect(new Set(TRAINED.map((id) => listVariants().find((v) => v.id === id)?.family))).toEqual(families);
  });

  for (const v of listVariants().filter((m) => TRAINED.includes(m.id))) {
    it(`${v.id} (pre) trains two steps without leaking`, async () => {
      expect(tf.getBackend()).toBe('wasm');
      const size = smallInputSize(v);
      const start = tf.memory().numTensors;
      const model = buildModel(v.id, {
        inputSize: size,
        channels: v.canonical.channels,
        width: 0.125,
        numClasses: SMALL_CLASSES,
        order: 'pre',
        batchNorm: true,
        auxHeads: v.supportsAuxHeads,
        seed: 3,
      });
      expect(model.outputs.map((o) => o.shape)).toEqual(model.outputs.map(() => [null, SMALL_CLASSES]));
      expect(tf.memory().numTensors - start).toBe(model.weights.length);
      const r = await trainTwoSteps(model);
      expect(r.outputShapes).toEqual(model.outputs.map(() => [2, SMALL_CLASSES]));
      for (const l of r.losses) expect(Number.isFinite(l)).toBe(true);
      expect(r.tensorsAfter).toBe(r.tensorsBefore);
      model.dispose();
    });
  }
});
