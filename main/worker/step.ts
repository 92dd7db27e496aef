/**
 * One training step's pieces, shared by the single-thread loop (`trainer.ts`) and the
 * data-parallel replicas (`replica.ts`), so both compute exactly the same loss and update.
 */
import * as tf from '@tensorflow/tfjs';
import { learningRateAt, type TrainConfig } from '../../shared/config';
import { fusedAdam, fusedMomentum } from '../compute/fused-optimizer';
import { GOOGLENET_AUX_LOSS_WEIGHT } from '../models/googlenet';

/**
 * Builds the optimizer a config names. Adam and momentum are tfjs's own with each variable's
 * update fused into one pass (bit-identical on wasm, the same checkpoint slots).
 */
export function makeOptimizer(config: TrainConfig): tf.Optimizer {
  const lr = learningRateAt(config, 0);
  switch (config.optimizer) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return fusedMomentum(lr, config.momentum, false);
    case 'nesterov':
      return fusedMomentum(lr, config.momentum, true);
    case 'adam':
    case 'adamw':
      return fusedAdam(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9); // Keras' defaults: rho 0.9, no momentum
  }
}

/** Sets an optimizer's learning rate for the next step. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // `instanceof` cannot tell optimizers apart: tfjs's Optimizer duck-types Symbol.hasInstance.
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr); // SGD and momentum keep a -lr scalar
  else o.learningRate = lr;
}

/** The weights L2 regularisation and decoupled weight decay apply to: kernels, not biases or BN. */
export function decayedWeights(model: tf.LayersModel): tf.LayerVariable[] {
  return model.trainableWeights.filter((w) => /kernel$/.test(w.originalName));
}

/** What the loss function of a step leaves behind besides the loss it returns. */
export interface StepOutputs {
  /** The main head's mean cross-entropy (without aux heads or L2): comparable with ln K. */
  mainLoss: tf.Scalar | null;
  /** How many of the batch's images the main head got right. */
  correct: tf.Scalar | null;
}

/**
 * The training loss of a batch (main head, GoogLeNet's aux heads at `GOOGLENET_AUX_LOSS_WEIGHT`, L2 unless AdamW),
 * multiplied by `scale`: a replica with a slice of the batch passes its share of the images, so
 * that the replicas' gradients add up to the whole batch's. Keeps `mainLoss` (unscaled) and
 * `correct` in `out`; call inside the function given to `minimize` or `variableGrads`.
 */
export function trainingLoss(model: tf.LayersModel, config: TrainConfig, decayed: readonly tf.LayerVariable[], xn: tf.Tensor, y: tf.Tensor, scale: number, out: StepOutputs): tf.Scalar {
  const result = model.apply(xn, { training: true }) as tf.Tensor | tf.Tensor[];
  const outs = (Array.isArray(result) ? result : [result]) as tf.Tensor2D[];
  const mainLoss = tf.losses.softmaxCrossEntropy(y, outs[0], undefined, config.labelSmoothing);
  out.mainLoss = tf.keep(mainLoss) as tf.Scalar;
  let loss = mainLoss;
  for (const aux of outs.slice(1)) {
    loss = tf.add(loss, tf.mul(tf.losses.softmaxCrossEntropy(y, aux, undefined, config.labelSmoothing), GOOGLENET_AUX_LOSS_WEIGHT));
  }
  if (config.weightDecay > 0 && config.optimizer !== 'adamw' && decayed.length) {
    const l2 = tf.addN(decayed.map((w) => tf.sum(tf.square(w.read()))));
    loss = tf.add(loss, tf.mul(l2, config.weightDecay / 2));
  }
  out.correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(outs[0], 1), tf.argMax(y, 1)), 'float32'))) as tf.Scalar;
  return (scale === 1 ? loss : tf.mul(loss, scale)) as tf.Scalar;
}

/** AdamW's decoupled weight decay after the optimizer step (Loshchilov & Hutter 2019, Algorithm 2, line 12). */
export function applyDecoupledDecay(config: TrainConfig, decayed: readonly tf.LayerVariable[], lr: number): void {
  if (config.optimizer !== 'adamw' || config.weightDecay <= 0) return;
  const factor = 1 - lr * config.weightDecay;
  tf.tidy(() => decayed.forEach((w) => w.write(tf.mul(w.read(), factor))));
}
