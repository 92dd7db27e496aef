/**
 * What a model variant is, how its options are checked, and how it is built or dry-run.
 *
 * Family files describe variants with `VariantSpec` (data plus a stack function); this file
 * turns a spec into a `ModelVariant` the registry lists.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, type Activation, LAYER_ORDERS, type LayerOrder } from '../../shared/config';
import { type ModelCost, sumRecords } from './analysis';
import { BATCH_NORM_EPSILON, FeatureMapTooSmallError, type InputAffine, type LayerRecord, NetBuilder, type ResolvedOptions, type Shape, type Tensor, TORCH_BATCH_NORM_EPSILON } from './builder';

/** Scale knobs and switches of a model build; unset fields take the variant's defaults. */
export interface BuildOptions {
  /** Square input side in pixels (default: the canonical size). */
  inputSize?: number;
  /** Input channels: 3 for RGB, 1 for grayscale (default: canonical). */
  channels?: number;
  /** Number of classes, ≥ 2 (default: canonical). */
  numClasses?: number;
  /** Multiplier on every channel count, min 1 channel; dense hidden units too (default 1). */
  width?: number;
  /** Used wherever the canonical net uses ReLU (default `relu`). */
  activation?: Activation;
  /** Batch-norm after each convolution (default: the variant's `defaultBatchNorm`). */
  batchNorm?: boolean;
  /** Classifier dropout rate in [0, 1) (default: the published rate of the family). */
  dropout?: number;
  /**
   * Convolution → batch-norm → activation (`post`, default: the published nets) or batch-norm →
   * activation → convolution (`pre`: ResNet v2 blocks, a bare first convolution and a final
   * batch-norm → activation before the classifier). See each family's stack for details.
   */
  order?: LayerOrder;
  /** GoogLeNet only: also output the two auxiliary classifiers, `[main, aux1, aux2]`. */
  auxHeads?: boolean;
  /** Seed for deterministic initialisers; each layer derives its own seed from it and its name. */
  seed?: number;
  /**
   * Build with torchvision's numerics (padding, pooling, batch-norm epsilon; see
   * `ResolvedOptions.torchvision`), as a model that takes torchvision's weights must. Default:
   * the variant's own (`VariantSpec.torchvision`).
   */
  torchvision?: boolean;
  /** A fixed per-channel affine map applied to the input first (see `NetBuilder.normalizedInput`). */
  inputAffine?: InputAffine;
}

/** The canonical configuration a published parameter count refers to. */
export interface CanonicalConfig {
  readonly inputSize: number;
  readonly channels: number;
  readonly numClasses: number;
}

/** One architecture of the zoo. */
export interface ModelVariant extends Pick<VariantSpec, 'id' | 'family' | 'title' | 'description' | 'reference' | 'canonical' | 'minInputSize' | 'defaultBatchNorm' | 'supportsAuxHeads'> {
  /** Builds the model with fresh weights; outputs logits. */
  build(opts?: BuildOptions): tf.LayersModel;
}

/** A variant as a family file describes it. */
export interface VariantSpec {
  readonly id: string;
  readonly family: string;
  readonly title: string;
  readonly description: string;
  readonly reference: string;
  readonly canonical: CanonicalConfig;
  /**
   * Smallest input side at which no feature map falls below 1×1 (nominally, see `NetBuilder`).
   * A test checks it against a dry run at this size and one pixel less.
   */
  readonly minInputSize: number;
  readonly defaultBatchNorm: boolean;
  /** Classifier dropout of the published net. */
  readonly defaultDropout: number;
  readonly supportsAuxHeads: boolean;
  /** A torchvision layout (`googlenet_tv`): always built with torchvision's numerics. */
  readonly torchvision?: boolean;
  /** Batch-norm epsilon with torchvision numerics (default PyTorch's 1e-5; its GoogLeNet and Inception-v3 use 1e-3). */
  readonly torchvisionBatchNormEpsilon?: number;
  /** Builds the layers from the input to the logits; returns the model outputs. */
  stack(b: NetBuilder, input: Tensor): Tensor[];
}

/** Parameters, multiply-adds and output shapes of a variant, computed without allocating weights. */
export interface ModelStats extends ModelCost {
  readonly outputShapes: readonly Shape[];
}

/** Turns a spec into the registry's `ModelVariant`. */
export function defineVariant(spec: VariantSpec): ModelVariant {
  return {
    id: spec.id,
    family: spec.family,
    title: spec.title,
    description: spec.description,
    reference: spec.reference,
    canonical: spec.canonical,
    minInputSize: spec.minInputSize,
    defaultBatchNorm: spec.defaultBatchNorm,
    supportsAuxHeads: spec.supportsAuxHeads,
    build: (opts) => buildVariant(spec, opts),
  };
}

/** Builds a variant's model: validated options, fresh (optionally seeded) weights. */
export function buildVariant(spec: VariantSpec, opts: BuildOptions = {}): tf.LayersModel {
  const resolved = resolveOptions(spec, opts);
  const b = new NetBuilder(resolved, 'build');
  const input = b.input();
  const outputs = runStack(spec, b, b.normalizedInput(input));
  return tf.model({ inputs: input, outputs: outputs.length === 1 ? outputs[0] : outputs, name: spec.id });
}

/** Counts a variant at some options by a dry run: no weight is allocated. */
export function variantStats(spec: VariantSpec, opts: BuildOptions = {}): ModelStats {
  const resolved = resolveOptions(spec, opts);
  const b = new NetBuilder(resolved, 'dry');
  const outputs = runStack(spec, b, b.input());
  return { ...sumRecords(b.records), outputShapes: outputs.map((o) => o.shape) };
}

/** The layer calls of a dry run of a variant (each layer with its input and output shapes), in order. */
export function variantRecords(spec: VariantSpec, opts: BuildOptions = {}): readonly LayerRecord[] {
  const b = new NetBuilder(resolveOptions(spec, opts), 'dry');
  runStack(spec, b, b.input());
  return b.records;
}

/**
 * Fills in defaults and rejects invalid options with a message that names the field.
 */
export function resolveOptions(spec: VariantSpec, opts: BuildOptions): ResolvedOptions {
  const field = (name: string, value: unknown, rule: string): Error =>
    new Error(`${spec.id}: ${name} ${rule} (got ${JSON.stringify(value) ?? String(value)})`);
  const int = (name: string, value: number, min: number): number => {
    if (!Number.isInteger(value) || value < min) throw field(name, value, `must be a whole number ≥ ${min}`);
    return value;
  };
  const inputSize = int('inputSize', opts.inputSize ?? spec.canonical.inputSize, 1);
  const channels = int('channels', opts.channels ?? spec.canonical.channels, 1);
  const numClasses = int('numClasses', opts.numClasses ?? spec.canonical.numClasses, 2);
  const width = opts.width ?? 1;
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) throw field('width', width, 'must be a number > 0');
  const activation = opts.activation ?? 'relu';
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw field('activation', activation, `must be one of ${ACTIVATIONS.join(', ')}`);
  }
  const dropout = opts.dropout ?? spec.defaultDropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw field('dropout', dropout, 'must be a rate in [0, 1)');
  const order = opts.order ?? 'post';
  if (!(LAYER_ORDERS as readonly string[]).includes(order)) throw field('order', order, `must be one of ${LAYER_ORDERS.join(', ')}`);
  const batchNorm = opts.batchNorm ?? spec.defaultBatchNorm;
  if (typeof batchNorm !== 'boolean') throw field('batchNorm', batchNorm, 'must be true or false');
  const auxHeads = opts.auxHeads ?? false;
  if (typeof auxHeads !== 'boolean') throw field('auxHeads', auxHeads, 'must be true or false');
  if (auxHeads && !spec.supportsAuxHeads) throw field('auxHeads', auxHeads, 'is only available for googlenet');
  const seed = opts.seed;
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw field('seed', seed, 'must be a whole number');
  const torchvision = opts.torchvision ?? spec.torchvision ?? false;
  if (typeof torchvision !== 'boolean') throw field('torchvision', torchvision, 'must be true or false');
  const batchNormEpsilon = torchvision ? (spec.torchvisionBatchNormEpsilon ?? TORCH_BATCH_NORM_EPSILON) : BATCH_NORM_EPSILON;
  const inputAffine = opts.inputAffine;
  const resolved: ResolvedOptions = { inputSize, channels, numClasses, width, activation, batchNorm, dropout, order, auxHeads, seed, torchvision, batchNormEpsilon, inputAffine };
  if (inputSize < spec.minInputSize) throw tooSmall(spec, resolved);
  return resolved;
}

function runStack(spec: VariantSpec, b: NetBuilder, input: Tensor): Tensor[] {
  try {
    return spec.stack(b, input);
  } catch (e) {
    if (e instanceof FeatureMapTooSmallError) throw tooSmallMessage(spec, b.opts.inputSize, e.stage);
    throw e;
  }
}

/** The too-small error, naming the stage where a dry run at that size first collapses. */
function tooSmall(spec: VariantSpec, opts: ResolvedOptions): Error {
  try {
    const b = new NetBuilder(opts, 'dry');
    spec.stack(b, b.input());
  } catch (e) {
    if (e instanceof FeatureMapTooSmallError) return tooSmallMessage(spec, opts.inputSize, e.stage);
    throw e;
  }
  return tooSmallMessage(spec, opts.inputSize, undefined);
}

function tooSmallMessage(spec: VariantSpec, got: number, stage: string | undefined): Error {
  const m = spec.minInputSize;
  const where = stage === undefined ? '' : `: its feature map shrinks below 1×1 after ${stage}`;
  return new Error(`${spec.id} needs an input of at least ${m}×${m} pixels (got ${got})${where}`);
}
