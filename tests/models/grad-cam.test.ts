/**
 * Grad-CAM (issue 12, part 4): a hand-computed case on a tiny network, and for every variant of
 * the zoo a map of the input's size, in [0, 1], from the layer its head starts from.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { camLayerOf, gradCam } from '../../main/models/grad-cam';
import { buildModel, listVariants } from '../../main/models/registry';
import { SMALL_CLASSES, smallInputSize } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * x (2×2×1) → 1×1 conv with kernels [1, −1] (A₀ = x, A₁ = −x) → global average pool → dense
 * W = [[2, 0], [1, 3]] (rows: channel k, columns: class c), no biases. Then
 * ∂y_c/∂A_k(i, j) = W[k][c] / 4, so α = W[·][c] / 4:
 *   class 0: α = [0.5, 0.25], L = ReLU(0.5·x − 0.25·x) = 0.25·x → scaled to x / max(x);
 *   class 1: α = [0, 0.75],   L = ReLU(−0.75·x) = 0 everywhere for a positive x.
 */
function tinyNet(): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 1] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, name: 'features', weights: [tf.tensor4d([1, -1], [1, 1, 1, 2])] });
  const pool = tf.layers.globalAveragePooling2d({ name: 'pool' });
  const dense = tf.layers.dense({ units: 2, useBias: false, name: 'logits', weights: [tf.tensor2d([2, 0, 1, 3], [2, 2])] });
  return tf.model({ inputs: input, outputs: dense.apply(pool.apply(conv.apply(input))) as tf.SymbolicTensor });
}

describe('Grad-CAM', () => {
  it('gives the hand-computed maps of a tiny network, the predicted class by default', () => {
    const model = tinyNet();
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(camLayerOf(model)).toBe('features');
    const c0 = gradCam(model, x, 0);
    expect(c0.layer).toBe('features');
    expect(c0.mapSize).toEqual([2, 2]);
    expect(Array.from(c0.values)).toEqual([0.25, 0.5, 0.75, 1].map((v) => Math.fround(v)));
    const c1 = gradCam(model, x, 1);
    expect(Array.from(c1.values)).toEqual([0, 0, 0, 0]);
    // y = [2·2.5 − 1·2.5, −3·2.5] = [2.5, −7.5]: class 0 is predicted, with softmax 1 / (1 + e^−10).
    const predicted = gradCam(model, x, null);
    expect(predicted.classIndex).toBe(0);
    expect(predicted.probability).toBeCloseTo(1 / (1 + Math.exp(-10)), 6);
    expect(() => gradCam(model, x, 2)).toThrow(/class 2 is not one of the model's 2 classes/);
    x.dispose();
    model.dispose();
  });

  it('leaks no tensor, also when asked again for the same model', () => {
    const model = tinyNet();
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    gradCam(model, x, 0);
    const before = tf.memory().numTensors;
    gradCam(model, x, 1);
    gradCam(model, x, null);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  for (const v of listVariants()) {
    it(`${v.id}: a map of the input's size in [0, 1] from its head's feature map`, () => {
      const size = smallInputSize(v);
      const channels = v.canonical.channels;
      const model = buildModel(v.id, { inputSize: size, channels, width: 0.125, numClasses: SMALL_CLASSES, seed: 5 });
      const x = tf.randomUniform([1, size, size, channels], -1, 1, 'float32', 7) as tf.Tensor4D;
      const cam = gradCam(model, x, null);
      expect(cam.layer).toBe(camLayerOf(model));
      expect(cam.size).toBe(size);
      expect(cam.values.length).toBe(size * size);
      let max = 0;
      for (const value of cam.values) {
        expect(Number.isFinite(value) && value >= 0 && value <= 1).toBe(true);
        max = Math.max(max, value);
      }
      expect([0, 1]).toContain(max);
      expect(cam.mapSize[0]).toBeGreaterThanOrEqual(1);
      expect(cam.mapSize[0]).toBeLessThan(size);
      x.dispose();
      model.dispose();
    }, 60_000);
  }
});
