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
  order: z.enum(LAYER_ORDERS).default('post'),
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
  threads: z.number().int().min(0).max(64).default(0),
  // Runs stored before fine-tuning existed started from scratch.
  pretrained: z.string().min(1).max(4096).default('none'),
  freeze: z.enum(FREEZE_CHOICES).default('none'),
  unfreezeAfter: z.number().int().min(0).max(10000).default(0),
  backboneLrScale: finite.positive().max(1).default(DEFAULT_BACKBONE_LR_SCALE),
}) satisfies z.ZodType<TrainConfig>;

