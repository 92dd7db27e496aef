/**
 * Fine-tuning pieces shared by the training loop and its data-parallel replicas: the run's
 * model (fresh, or torchvision's weights with a new head), freezing the pretrained layers, and
 * the smaller learning rate of the pretrained layers.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../shared/config';
import type { WorkerJob } from '../../shared/contract/worker';
import { buildPretrainedModel } from '../models/pretrained';
import { buildModel, type BuildOptions } from '../models/registry';

/** A run's model and the layers whose weights came from a weights file. */
export interface RunModel {
  readonly model: tf.LayersModel;
  /** Empty for a run from scratch. */
  readonly pretrainedLayers: ReadonlySet<string>;
}

/**
 * The model a run trains: built fresh from `build`, or — with `weights` — the variant with
 * torchvision's weights in every layer but a fresh head of `build.numClasses`, taking
 * Bloombench's 2u − 1 pixels (its `input_normalization` layer turns them into what the weights
 * expect, ImageNet mean/std for most families).
 */
export function buildRunModel(config: TrainConfig, build: BuildOptions, weights: WorkerJob['weights']): RunModel {
  if (!weights) return { model: buildModel(config.arch, build), pretrainedLayers: new Set() };
  const built = buildPretrainedModel(config.arch, weights.file, {
    inputSize: config.inputSize,
    numClasses: build.numClasses ?? 2,
    input: 'bloombench',
    dropout: config.dropout,
    seed: config.seed,
  });
  return { model: built.model, pretrainedLayers: new Set(built.pretrainedLayers) };
}

/** Whether the pretrained layers are frozen during `epoch` (1-based). */
export function backboneFrozen(config: Pick<TrainConfig, 'pretrained' | 'freeze' | 'unfreezeAfter'>, epoch: number): boolean {
  return config.pretrained !== 'none' && config.freeze === 'backbone' && (config.unfreezeAfter === 0 || epoch <= config.unfreezeAfter);
}

type Call = tf.layers.Layer['call'];

/**
 * Freezes (or unfreezes) the pretrained layers: their weights leave the trainable set, so the
 * optimizer computes no gradient for them (nor for anything before the head), and their
 * batch-norms normalise with the moving statistics and leave them as they are, as Keras's
 * frozen `BatchNormalization` does.
 */
export function setBackboneFrozen(model: tf.LayersModel, layers: ReadonlySet<string>, frozen: boolean): void {
  for (const layer of model.layers) {
    if (!layers.has(layer.name)) continue;
    layer.trainable = !frozen;
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const own = layer as unknown as { call: Call };
    if (frozen) {
      const inference: Call = (inputs, kwargs) => (Object.getPrototypeOf(layer) as { call: Call }).call.call(layer, inputs, { ...kwargs, training: false });
      own.call = inference;
    } else {
      delete (own as Partial<typeof own>).call;
    }
  }
}

/** The variable names of the pretrained layers' trainable weights (the ones the backbone rate applies to). */
export function backboneVariables(model: tf.LayersModel, layers: ReadonlySet<string>): Set<string> {
  const names = new Set<string>();
  for (const layer of model.layers) if (layers.has(layer.name)) for (const w of layer.trainableWeights) names.add(w.name);
  return names;
}

/**
 * One optimizer step in which the variables in `scaled` move `scale` times as far as the
 * optimizer says: x ← x₀ + scale · (x₁ − x₀). For every optimizer here (SGD, momentum, Adam,
 * AdamW, RMSprop) the step is proportional to the learning rate, so this is that variable
 * trained at `scale` × the learning rate, with the optimizer's state shared.
 */
export function applyScaledGradients(optimizer: tf.Optimizer, grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[], scaled: ReadonlySet<string>, scale: number): void {
  if (!scaled.size || scale === 1) {
    optimizer.applyGradients(grads);
    return;
  }
  const vars = tf.engine().registeredVariables;
  const before = new Map<string, tf.Tensor>();
  for (const name of scaled) if (vars[name]) before.set(name, tf.clone(vars[name]));
  try {
    optimizer.applyGradients(grads);
    tf.tidy(() => {
      for (const [name, x0] of before) {
        const v = vars[name];
        v.assign(tf.add(x0, tf.mul(tf.sub(v, x0), scale)));
      }
    });
  } finally {
    tf.dispose([...before.values()]);
  }
}
