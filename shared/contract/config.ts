/**
 * The validator of a training configuration, applied wherever one crosses a process boundary
 * (the HTTP server, IPC, the worker's job, a stored run read back).
 */
import { z } from 'zod';
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, DEFAULT_BACKBONE_LR_SCALE, FREEZE_CHOICES, LAYER_ORDERS, OPTIMIZERS, type Augmentation, type TrainConfig } from '../config';
import { CONFIG_LIMITS, type NumberSetting } from '../limits';

export const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/**
 * Losses may legitimately be NaN or infinite (that is what the diagnostics report). JSON has
 * neither, so over HTTP they arrive as null and are read back as NaN.
 */
export const anyNumber = z.union([z.number(), z.nan(), z.null().transform(() => Number.NaN)]);

/**
 * Settings added after runs were first stored, and the value an older run is read with: it
 * ran on one thread (read as auto), was built convolution-first and started from scratch.
 */
export const LATER_SETTINGS = {
  threads: 0,
  order: 'post',
  pretrained: 'none',
  freeze: 'none',
  unfreezeAfter: 0,
  backboneLrScale: DEFAULT_BACKBONE_LR_SCALE,
} as const satisfies Partial<TrainConfig>;


export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  z.object({ kind: z.literal('cosine'), minLr: finite.min(0) }),
  z.object({ kind: z.literal('step'), rates: z.array(finite.positive()).min(1), ratios: z.array(finite.positive()).min(1) }),
]);

/** A number setting checked against its range in `CONFIG_LIMITS`. */
function limited(key: NumberSetting): z.ZodNumber {
  const l = CONFIG_LIMITS[key];
  let s = l.integer ? z.number().int() : finite;
  s = l.minExclusive ? s.gt(l.min) : s.min(l.min);
  if (l.max !== undefined) s = l.maxExclusive ? s.lt(l.max) : s.max(l.max);
  return s;
}

export const trainConfigSchema = z.object({
  arch: z.string().min(1),
  epochs: limited('epochs'),
  batchSize: limited('batchSize'),
  inputSize: limited('inputSize'),
  channels: z.union([z.literal(1), z.literal(3)]),
  width: limited('width'),
  activation: z.enum(ACTIVATIONS),
  batchNorm: z.boolean(),
  dropout: limited('dropout'),
  // Runs stored before this setting existed were built convolution-first.
  order: z.enum(LAYER_ORDERS).default(LATER_SETTINGS.order),
  optimizer: z.enum(OPTIMIZERS),
  lr: limited('lr'),
  momentum: limited('momentum'),
  weightDecay: limited('weightDecay'),
  schedule: scheduleSchema,
  warmupEpochs: limited('warmupEpochs'),
  labelSmoothing: limited('labelSmoothing'),
  augment: z.array(z.enum(AUGMENTATIONS)),
  earlyStopping: limited('earlyStopping'),
  monitor: z.enum(['val_accuracy', 'val_loss']),
  seed: limited('seed'),
  backend: z.enum([...BACKENDS, 'auto']),
  // Runs stored before this setting existed have none: they ran on one thread, 0 (auto) now.
  threads: limited('threads').default(LATER_SETTINGS.threads),
  // Runs stored before fine-tuning existed started from scratch.
  pretrained: z.string().min(1).max(4096).default(LATER_SETTINGS.pretrained),
  freeze: z.enum(FREEZE_CHOICES).default(LATER_SETTINGS.freeze),
  unfreezeAfter: limited('unfreezeAfter').default(LATER_SETTINGS.unfreezeAfter),
  backboneLrScale: limited('backboneLrScale').default(LATER_SETTINGS.backboneLrScale),
}) satisfies z.ZodType<TrainConfig>;

/**
 * A configuration as stored (a run's `config_json`, a study's base), with the settings it
 * predates filled in. Stored configurations were validated when they were made, so they are
 * read leniently: a limit tightened since must not make an old run unreadable.
 */
export function readStoredConfig(json: string): TrainConfig {
  const stored = JSON.parse(json) as Partial<TrainConfig>;
  const config = { ...LATER_SETTINGS, ...stored } as TrainConfig;
  return Array.isArray(stored.augment) ? { ...config, augment: readStoredAugment(stored.augment) } : config;
}

/**
 * A stored list of augmentations with today's names: `crop`, the one crop there was before
 * pad-and-crop existed, was the random-resized crop and is read as `resized-crop`.
 */
export function readStoredAugment(list: readonly string[]): Augmentation[] {
  return [...new Set(list.map((a) => (a === 'crop' ? 'resized-crop' : a) as Augmentation))];
}

/**
 * `trainConfigSchema` for a config another version may have written (a worker's job, a run
 * bundle's `job.json` written before an upgrade): augmentations read with today's names first.
 */
export const storedConfigSchema = z.preprocess(
  (v) => (typeof v === 'object' && v !== null && Array.isArray((v as { augment?: unknown }).augment) ? { ...v, augment: readStoredAugment((v as { augment: string[] }).augment) } : v),
  trainConfigSchema,
);
