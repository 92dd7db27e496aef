/**
 * The per-variant training test, shared by the test files that split the zoo across workers.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { buildModel, getVariant } from '../../main/models/registry';
import { SMALL_CLASSES, smallInputSize, trainTwoSteps } from './helpers';

/** Width multiplier of the training tests: 1/8 of every channel count. */
const WIDTH = 0.125;

/**
 * For each id: output shape at a small config, the build allocating nothing but the model's
 * weights, two finite training steps, and no tensor leaked by an inference in tf.tidy.
 *
 * (That disposing a model frees every weight is checked in registry.test.ts without an
 * optimizer: tfjs 4.22's optimizers keep one scalar alive after their own dispose().)
 */
export function trainEachVariant(ids: readonly string[]): void {
  for (const id of ids) {
    it(`${id} trains two steps at a small config`, async () => {
      const v = getVariant(id);
      const size = smallInputSize(v);
      const start = tf.memory().numTensors;
      const model = buildModel(id, { inputSize: size, channels: v.canonical.channels, width: WIDTH, numClasses: SMALL_CLASSES, seed: 3 });
      expect(model.outputs.map((o) => o.shape)).toEqual([[null, SMALL_CLASSES]]);
      expect(tf.memory().numTensors - start).toBe(model.weights.length);
      const r = await trainTwoSteps(model);
      expect(r.outputShapes).toEqual([[2, SMALL_CLASSES]]);
      for (const l of r.losses) expect(Number.isFinite(l)).toBe(true);
      expect(r.tensorsAfter).toBe(r.tensorsBefore);
      model.dispose();
    });
  }
}
