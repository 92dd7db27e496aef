/**
 * Parameter and multiply-add counts at the canonical configurations.
 *
 * Convention (torchvision's): "trainable parameters" are the learnable weights only —
 * convolution and dense kernels and biases, batch-norm gamma and beta. Batch-norm moving mean
 * and variance are NOT counted there; `totalParams` is tfjs's countParams(), which adds them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, countMacs, countTrainableParams, listVariants, modelInfo, modelStats } from '../../main/models/registry';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Learnable parameters at 224×224×3 and 1000 classes (Inception-v3 299×299×3; LeNet-5 28×28×1, 10 classes). */
const TRAINABLE: Readonly<Record<string, number>> = {
  lenet5: 431_080,
  alexnet: 61_100_840,
  vgg16: 138_357_544,
  vgg19: 143_667_240,
  // torchvision 6,624,904 plus 380,928 for true 5×5 convolutions where torchvision has 3×3.
  googlenet: 7_005_832,
  // Keras 23,817,352 trainable (batch-norm beta only) + 17,216 gamma: our batch-norm has a scale.
  inception_v3: 23_834_568,
  resnet18: 11_689_512,
  resnet34: 21_797_672,
  resnet50: 25_557_032,
  resnet101: 44_549_160,
  resnet152: 60_192_808,
  densenet121: 7_978_856,
  densenet169: 14_149_480,
  squeezenet1_0: 1_248_424,
  squeezenet1_1: 1_235_496,
  // torchvision's layouts, the ones its ImageNet weights fit.
  googlenet_tv: 6_624_904,
  squeezenet1_0_tv: 1_248_424,
  squeezenet1_1_tv: 1_235_496,
};

/** The other VGGs, as torchvision reports them (its `vgg*_bn` keep the convolution bias). */
const TORCHVISION_VGG: Readonly<Record<string, number>> = {
  vgg11: 132_863_336,
  vgg13: 133_047_848,
  vgg11_bn: 132_868_840,
  vgg13_bn: 133_053_736,
  vgg16_bn: 138_365_992,
  vgg19_bn: 143_678_248,
};

/**
 * torchvision's published "GFLOPS" (which count multiply-adds of convolutions and linear
 * layers) for the variants whose geometry we reproduce exactly.
 */
const TORCHVISION_GMACS: Readonly<Record<string, number>> = {
  alexnet: 0.71,
  vgg11: 7.61,
  vgg16: 15.47,
  vgg19: 19.63,
  inception_v3: 5.71,
  resnet18: 1.81,
  resnet34: 3.66,
  resnet50: 4.09,
  resnet101: 7.8,
  resnet152: 11.51,
  densenet121: 2.83,
  densenet169: 3.36,
  googlenet_tv: 1.5,
  squeezenet1_0_tv: 0.82,
  squeezenet1_1_tv: 0.35,
};

describe('canonical parameter counts (torchvision convention: no batch-norm moving statistics)', () => {
  it.each(Object.entries(TRAINABLE))('%s has %i trainable parameters', (id, expected) => {
    expect(modelInfo(id).trainableParams).toBe(expected);
  });

  it.each(Object.entries(TORCHVISION_VGG))('%s matches torchvision with %i', (id, expected) => {
    expect(modelInfo(id).trainableParams).toBe(expected);
  });

  it('GoogLeNet with its auxiliary heads is torchvision aux_logits=True (13,004,888) plus the 5×5 difference', () => {
    expect(modelStats('googlenet', { auxHeads: true }).trainableParams).toBe(13_004_888 + 380_928);
    expect(modelStats('googlenet', { auxHeads: true }).outputShapes).toEqual([
      [null, 1000],
      [null, 1000],
      [null, 1000],
    ]);
  });

  it('Inception-v3 total (tfjs countParams) is Keras 23,851,784 plus the 17,216 gammas', () => {
    expect(modelInfo('inception_v3').totalParams).toBe(23_851_784 + 17_216);
  });

  it('total counts add exactly the moving mean and variance of each batch-norm channel', () => {
    for (const v of listVariants()) {
      const info = modelInfo(v.id);
      expect(info.totalParams).toBeGreaterThanOrEqual(info.trainableParams);
      // Gamma + beta are trainable, mean + variance are not: the difference equals half the BN weights.
      if (!v.defaultBatchNorm) expect(info.totalParams, v.id).toBe(info.trainableParams);
    }
    const r18 = modelInfo('resnet18');
    expect(r18.totalParams - r18.trainableParams).toBe(9_600); // 4,800 BN channels × (mean, variance)
  });

  it.each(Object.entries(TORCHVISION_GMACS))('%s needs about %f G multiply-adds', (id, gmacs) => {
    expect(modelInfo(id).macs / 1e9).toBeCloseTo(gmacs, 2);
  });

  it('GoogLeNet costs torchvision 1.50 G plus its true 5×5 branches', () => {
    // A 5×5 instead of a 3×3 costs 16 more multiply-adds per (5×5-reduce, 5×5) channel pair
    // and output pixel: modules 3a–3b at 28×28, 4a–4e at 14×14, 5a–5b at 7×7.
    const extra = 28 * 28 * 16 * (16 * 32 + 32 * 96) + 14 * 14 * 16 * (16 * 48 + 24 * 64 + 24 * 64 + 32 * 64 + 32 * 128) + 7 * 7 * 16 * (32 * 128 + 48 * 128);
    expect((modelInfo('googlenet').macs - extra) / 1e9).toBeCloseTo(1.5, 2);
  });
});

describe('modelInfo', () => {
  it('counts all variants in well under a second, by dry runs that allocate no tensor', () => {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (const v of listVariants()) modelStats(v.id);
    const ms = performance.now() - t0;
    expect(tf.memory().numTensors).toBe(before);
    // About 0.1 s on a 2-core machine; the bound only catches an accidental real build.
    expect(ms).toBeLessThan(5_000);
  });

  it('describes every variant at its canonical input', () => {
    const before = tf.memory().numTensors;
    const infos = listVariants().map((v) => modelInfo(v.id));
    expect(tf.memory().numTensors).toBe(before);
    expect(infos).toHaveLength(listVariants().length);
    expect(modelInfo('inception_v3').inputShape).toEqual([299, 299, 3]);
    expect(modelInfo('lenet5')).toMatchObject({ inputShape: [28, 28, 1], numClasses: 10, minInputSize: 16 });
    expect(modelInfo('resnet18')).toMatchObject({ family: 'ResNet', title: 'ResNet-18', numClasses: 1000, minInputSize: 32 });
    expect(modelInfo('resnet18')).toBe(modelInfo('resnet18'));
  });
});

describe('dry-run counts equal the built model at the canonical configuration', () => {
  // AlexNet and VGG are left out here only for time (a 100M-weight dense layer takes ~10 s to
  // initialise on this backend); registry.test.ts checks every variant at a small configuration.
  const ids = listVariants()
    .map((v) => v.id)
    .filter((id) => id !== 'alexnet' && !id.startsWith('vgg'));
  it.each(ids)('%s', (id) => {
    const start = tf.memory().numTensors;
    const model = buildModel(id);
    const info = modelInfo(id);
    expect(countTrainableParams(model)).toBe(info.trainableParams);
    expect(model.countParams()).toBe(info.totalParams);
    expect(countMacs(model)).toBe(info.macs);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
