/**
 * The validator of a training configuration, applied wherever one crosses a process boundary
 * (the HTTP server, IPC, the worker's job, a stored run read back).
 */
import { z } from 'zod';
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, DEFAULT_BACKBONE_LR_SCALE, FREEZE_CHOICES, LAYER_ORDERS, OPTIMIZERS, type TrainConfig } from '../config';

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

export const trainConfigSchema = z.object({
  arch: z.string().min(1),
  epochs: z.number().int().min(1).max(10000),
  batchSize: z.number().int().min(1).max(4096),
  inputSize: z.number().int().min(8).max(1024),
  channels: z.union([z.literal(1), z.literal(3)]),
  width: finite.positive().max(8),
  activation: z.enum(ACTIVATIONS),
  batchNorm: z.boolean(),
  dropout: finite.min(0).max(0.95),
  // Runs stored before this setting existed were built convolution-first.
  order: z.enum(LAYER_ORDERS).default(LATER_SETTINGS.order),
  optimizer: z.enum(OPTIMIZERS),
  lr: finite.positive().max(10),
  momentum: finite.min(0).max(0.9999),
  weightDecay: finite.min(0).max(1),
  schedule: scheduleSchema,
  warmupEpochs: finite.min(0),
  labelSmoothing: finite.min(0).max(0.5),
  augment: z.array(z.enum(AUGMENTATIONS)),
  earlyStopping: z.number().int().min(0),
  monitor: z.enum(['val_accuracy', 'val_loss']),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  backend: z.enum([...BACKENDS, 'auto']),
  // Runs stored before this setting existed have none: they ran on one thread, 0 (auto) now.
  threads: z.number().int().min(0).max(64).default(LATER_SETTINGS.threads),
  // Runs stored before fine-tuning existed started from scratch.
  pretrained: z.string().min(1).max(4096).default(LATER_SETTINGS.pretrained),
  freeze: z.enum(FREEZE_CHOICES).default(LATER_SETTINGS.freeze),
  unfreezeAfter: z.number().int().min(0).max(10000).default(LATER_SETTINGS.unfreezeAfter),
  backboneLrScale: finite.positive().max(1).default(LATER_SETTINGS.backboneLrScale),
}) satisfies z.ZodType<TrainConfig>;


/**
 * A configuration as stored (a run's `config_json`, a study's base), with the settings it
 * predates filled in. Stored configurations were validated when they were made, so they are
 * read leniently: a limit tightened since must not make an old run unreadable.
 */
export function readStoredConfig(json: string): TrainConfig {
  return { ...LATER_SETTINGS, ...(JSON.parse(json) as Partial<TrainConfig>) } as TrainConfig;
}
