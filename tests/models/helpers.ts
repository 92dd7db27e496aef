/**
 * Shared test helpers for the model zoo: tiny configurations and a two-step training loop.
 */
import * as tf from '@tensorflow/tfjs';
import { GOOGLENET_AUX_LOSS_WEIGHT, type ModelVariant } from '../../main/models/registry';

/** Classes used by every small-config test. */
export const SMALL_CLASSES = 5;

/** The smallest square input a variant accepts, but at least 32 px (LeNet keeps its 28). */
export function smallInputSize(v: ModelVariant): number {
  return v.id === 'lenet5' ? 28 : Math.max(32, v.minInputSize);
}

/** Softmax cross-entropy of the main output plus 0.3 × each auxiliary output, as the trainer does. */
function totalLoss(outputs: tf.Tensor | tf.Tensor[], labels: tf.Tensor): tf.Scalar {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  return list
    .map((o, i) => tf.losses.softmaxCrossEntropy(labels, o).mul(i === 0 ? 1 : GOOGLENET_AUX_LOSS_WEIGHT) as tf.Scalar)
    .reduce((a, b) => a.add(b));
}

/** Result of `trainTwoSteps`. */
export interface TwoSteps {
  readonly losses: readonly number[];
  /** Output shapes of an inference pass after training. */
  readonly outputShapes: readonly number[][];
  /** Tensors alive before and after that inference (inside `tf.tidy`). */
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
}

/**
 * Trains `model` two Adam steps on one fixed random batch, then runs one inference in tf.tidy.
 */
export async function trainTwoSteps(model: tf.LayersModel, batch = 2): Promise<TwoSteps> {
  const [, h, w, c] = model.inputs[0].shape;
  const x = tf.randomNormal([batch, h ?? 1, w ?? 1, c ?? 1], 0, 1, 'float32', 7);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % SMALL_CLASSES), 'int32'), SMALL_CLASSES);
  const optimizer = tf.train.adam(1e-3);
  const losses: number[] = [];
  for (let step = 0; step < 2; step++) {
    const loss = optimizer.minimize(() => totalLoss(model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[], labels), true);
    if (loss === null) throw new Error('optimizer.minimize returned no loss');
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  const tensorsBefore = tf.memory().numTensors;
  const outputShapes = tf.tidy(() => {
    const y = model.predict(x);
    return (Array.isArray(y) ? y : [y]).map((t) => t.shape);
  });
  const tensorsAfter = tf.memory().numTensors;
  optimizer.dispose();
  x.dispose();
  labels.dispose();
  return { losses, outputShapes, tensorsBefore, tensorsAfter };
}
