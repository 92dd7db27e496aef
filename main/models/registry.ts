/**
 * The model zoo: every architecture Bloombench can train, by id.
 *
 * Entry point for the rest of the app. Families live one per file as a stack function plus a
 * variants table; adding a model is one table row (or one file and one line below).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelInfo } from '../../shared/types';
import { ALEXNET_VARIANTS } from './alexnet';
import { DENSENET_VARIANTS } from './densenet';
import { GOOGLENET_VARIANTS } from './googlenet';
import { INCEPTION_V3_VARIANTS } from './inceptionV3';
import { skipInputGradient } from './input-gradient';
import { LENET_VARIANTS } from './lenet';
import { RESNET_VARIANTS } from './resnet';
import { SQUEEZENET_VARIANTS } from './squeezenet';
import { type BuildOptions, defineVariant, type ModelStats, type ModelVariant, type VariantSpec, variantRecords, variantStats } from './variant';
import { VGG_VARIANTS } from './vgg';

export { countMacs, countTrainableParams, formatMacs, summarizeModel } from './analysis';
export { LEAKY_RELU_ALPHA } from './builder';
export { GOOGLENET_AUX_LOSS_WEIGHT } from './googlenet';
export type { BuildOptions, CanonicalConfig, ModelStats, ModelVariant } from './variant';

const SPECS: readonly VariantSpec[] = [
  ...LENET_VARIANTS,
  ...ALEXNET_VARIANTS,
  ...VGG_VARIANTS,
  ...GOOGLENET_VARIANTS,
  ...INCEPTION_V3_VARIANTS,
  ...RESNET_VARIANTS,
  ...DENSENET_VARIANTS,
  ...SQUEEZENET_VARIANTS,
];

const BY_ID = new Map<string, { readonly spec: VariantSpec; readonly variant: ModelVariant }>();
for (const spec of SPECS) {
  if (BY_ID.has(spec.id)) throw new Error(`model zoo: duplicate variant id ${spec.id}`);
  const variant = defineVariant(spec);
  // Training computes no gradient for the input image (see input-gradient.ts).
  BY_ID.set(spec.id, { spec, variant: { ...variant, build: (opts) => skipInputGradient(variant.build(opts)) } });
}
const VARIANTS: readonly ModelVariant[] = [...BY_ID.values()].map((e) => e.variant);

/** Every variant, grouped by family in a fixed order. */
export function listVariants(): readonly ModelVariant[] {
  return VARIANTS;
}

/** The variant with this id; an unknown id is an Error that lists the valid ones. */
export function getVariant(id: string): ModelVariant {
  return entry(id).variant;
}

/**
 * Builds a model with fresh weights; outputs logits (`logits`, and for GoogLeNet with
 * `auxHeads` also `aux1_logits`, `aux2_logits`).
 *
 * Options are validated first: an input smaller than the variant's minimum, a width ≤ 0,
 * fewer than 2 classes and the like are Errors that name the field.
 */
export function buildModel(id: string, opts?: BuildOptions): tf.LayersModel {
  return getVariant(id).build(opts);
}

/**
 * Parameters, multiply-adds and output shapes of a variant at some options, without building it.
 *
 * A dry run: asks each layer for its output shape and counts weights from layer configs, so it
 * takes milliseconds and allocates no tensor even for VGG-19. Same validation as `buildModel`.
 */
export function modelStats(id: string, opts?: BuildOptions): ModelStats {
  return variantStats(entry(id).spec, opts);
}

/** The layer calls of a dry run at some options (layers never built, no tensor allocated). */
export function dryRunLayers(id: string, opts?: BuildOptions): ReturnType<typeof variantRecords> {
  return variantRecords(entry(id).spec, opts);
}

const INFO = new Map<string, ModelInfo>();

/** The architecture card of a variant at its canonical configuration (computed once, no tensors). */
export function modelInfo(id: string): ModelInfo {
  const cached = INFO.get(id);
  if (cached) return cached;
  const { variant: v } = entry(id);
  const stats = modelStats(id);
  const c = v.canonical;
  const info: ModelInfo = {
    id: v.id,
    family: v.family,
    title: v.title,
    description: v.description,
    trainableParams: stats.trainableParams,
    totalParams: stats.totalParams,
    macs: stats.macs,
    inputShape: [c.inputSize, c.inputSize, c.channels],
    numClasses: c.numClasses,
    minInputSize: v.minInputSize,
    reference: v.reference,
  };
  INFO.set(id, info);
  return info;
}

function entry(id: string): { readonly spec: VariantSpec; readonly variant: ModelVariant } {
  const e = BY_ID.get(id);
  if (!e) throw new Error(`unknown model "${id}"; valid ids are: ${[...BY_ID.keys()].join(', ')}`);
  return e;
}
