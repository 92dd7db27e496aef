/**
 * Two training steps of GoogLeNet, Inception-v3, the ResNets, DenseNets and SqueezeNets on the
 * pure-JS 'cpu' backend, and GoogLeNet's auxiliary heads.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, listVariants } from '../../main/models/registry';
import { SMALL_CLASSES, trainTwoSteps } from './helpers';
import { trainEachVariant } from './train-shared';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('modern nets train', () => {
  // Every family after VGG: the zoo's order is LeNet, AlexNet, VGG, then these.
  trainEachVariant(listVariants().filter((v) => !['LeNet', 'AlexNet', 'VGG'].includes(v.family)).map((v) => v.id));
});

describe('googlenet auxiliary heads', () => {
  it('returns [main, aux1, aux2] logits and trains on the weighted sum of their losses', async () => {
    const model = buildModel('googlenet', { inputSize: 64, width: 0.125, numClasses: SMALL_CLASSES, auxHeads: true, seed: 5 });
    expect(model.outputNames).toEqual(['logits', 'aux1_logits', 'aux2_logits']);
    const r = await trainTwoSteps(model);
    expect(r.outputShapes).toEqual([
      [2, SMALL_CLASSES],
      [2, SMALL_CLASSES],
      [2, SMALL_CLASSES],
    ]);
    for (const l of r.losses) expect(Number.isFinite(l)).toBe(true);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
    model.dispose();
  });

  it('are absent by default', () => {
    const model = buildModel('googlenet', { inputSize: 32, width: 0.125, numClasses: SMALL_CLASSES });
    expect(model.outputNames).toEqual(['logits']);
    model.dispose();
  });
});
