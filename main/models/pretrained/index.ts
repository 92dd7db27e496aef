/**
 * Models built from torchvision's weights: the variant in torchvision's numerics, every
 * backbone tensor read from a state dict, and either the file's 1000-class classifier (the
 * whole ImageNet model) or a fresh head for a dataset's classes (fine-tuning).
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGENET_MEAN, IMAGENET_STD, noPretrainedReason, type PretrainedInput, pretrainedFor } from '../../../shared/pretrained';
import type { InputAffine } from '../builder';
import { type BuildOptions, buildModel } from '../registry';
import { checkStateDict, layersOfModel, planMapping, toOurLayout, torchvisionKey } from './mapping';
import { readStateDictSync } from './state-dict';

export { readStateDictSync, type StateDict, type StateTensor } from './state-dict';
export { PickleRefusedError } from './pickle';
export { checkStateDict, layersOfDryRun, layersOfModel, planMapping, torchvisionKey, type LayerWeights, type MappingPlan } from './mapping';

/**
 * What the model's input is: `bloombench`, the 2u − 1 pixels every Bloombench model takes
 * (u in [0, 1]), or `torchvision`, ImageNet mean/std-normalised pixels as torchvision's model
 * takes them. An `input_normalization` layer turns it into what the weights expect.
 */
export type ModelInput = 'bloombench' | 'torchvision';

/** Options of a pretrained build. */
export interface PretrainedBuildOptions {
  readonly inputSize: number;
  /** Classes of the new head, or 1000 with `loadHead` for the whole ImageNet model. */
  readonly numClasses: number;
  readonly input: ModelInput;
  /** Read the file's classifier too (the class count must match). */
  readonly loadHead?: boolean;
  readonly dropout?: number;
  /** Seed of the new head's initialiser. */
  readonly seed?: number;
}

/** A model with torchvision weights and which of its layers they filled. */
export interface PretrainedModel {
  readonly model: tf.LayersModel;
  /** Layers whose weights came from the file. */
  readonly pretrainedLayers: readonly string[];
  /** Layers of the classifier: fresh unless `loadHead`. */
  readonly headLayers: readonly string[];
}

/** The affine map from a model input convention to what a weight file's first convolution expects. */
export function inputAffineFor(from: ModelInput, to: PretrainedInput): InputAffine | undefined {
  const ch = [0, 1, 2];
  if (from === 'bloombench' && to === 'imagenet') {
    // b = 2u − 1 → (u − m) / s = b / 2s + (0.5 − m) / s.
    return { scale: ch.map((c) => 1 / (2 * IMAGENET_STD[c])), offset: ch.map((c) => (0.5 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]) };
  }
  if (from === 'torchvision' && to === 'inception') {
    // torchvision's `_transform_input`: n · s / 0.5 + (m − 0.5) / 0.5 = 2u − 1.
    return { scale: ch.map((c) => IMAGENET_STD[c] / 0.5), offset: ch.map((c) => (IMAGENET_MEAN[c] - 0.5) / 0.5) };
  }
  return undefined;
}

/**
 * The build options a model taking `arch`'s torchvision weights must use: width 1, RGB, ReLU,
 * post-activation, the network's own batch-norm, no auxiliary heads, torchvision's numerics.
 */
export function pretrainedBuildOptions(arch: string, opts: Pick<PretrainedBuildOptions, 'inputSize' | 'numClasses' | 'input' | 'dropout' | 'seed'>): BuildOptions {
  const entry = pretrainedFor(arch);
  if (!entry) throw new Error(`${arch} has no pretrained weights: ${noPretrainedReason(arch)}.`);
  return {
    inputSize: opts.inputSize,
    numClasses: opts.numClasses,
    channels: 3,
    width: 1,
    activation: 'relu',
    batchNorm: entry.batchNorm,
    order: 'post',
    auxHeads: false,
    torchvision: true,
    inputAffine: inputAffineFor(opts.input, entry.input),
    ...(opts.dropout === undefined ? {} : { dropout: opts.dropout }),
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
  };
}

/**
 * Builds `arch` with the weights of the torchvision state dict in `file` (`.pth` or
 * `.safetensors`); a file that does not fit is an Error naming its first wrong tensor.
 */
export function buildPretrainedModel(arch: string, file: string, opts: PretrainedBuildOptions): PretrainedModel {
  const model = buildModel(arch, pretrainedBuildOptions(arch, opts));
  try {
    return { model, ...loadTorchvisionWeights(arch, model, file, opts.loadHead ?? false) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Copies a torchvision state dict into `model` (a torchvision-numerics build of `arch`). */
export function loadTorchvisionWeights(arch: string, model: tf.LayersModel, file: string, loadHead: boolean): Omit<PretrainedModel, 'model'> {
  const plan = planMapping(arch, layersOfModel(model), !loadHead);
  const dict = readStateDictSync(file);
  try {
    checkStateDict(plan, dict, loadHead ? `${arch} with its ${model.outputs[0].shape[1]} ImageNet classes` : arch);
    const byKey = new Map([...dict.tensors].map(([k, t]) => [torchvisionKey(arch, k), t]));
    const pretrained = new Set<string>();
    const head = new Set<string>();
    for (const m of plan.tensors) {
      if (m.head) head.add(m.layer);
      if (m.head && !loadHead) continue;
      const t = byKey.get(m.torch);
      if (!t) throw new Error(`${arch}: tensor ${m.torch} went missing`);
      const w = model.getLayer(m.layer).weights[m.weightIndex];
      const values = toOurLayout(m, t.values(), t.shape);
      const t32 = tf.tensor(values, w.shape as number[]);
      w.write(t32);
      t32.dispose();
      if (!m.head) pretrained.add(m.layer);
    }
    return { pretrainedLayers: [...pretrained], headLayers: [...head] };
  } finally {
    dict.close();
  }
}
