/**
 * Messages between the core and a training worker, with the validators each side applies
 * to what it receives.
 */
import { z } from 'zod';
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, LAYER_ORDERS, OPTIMIZERS, type TrainConfig } from '../../shared/config';
import type { RunEvent } from '../../shared/events';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** Losses may legitimately be NaN or infinite (that is what the diagnostics report). */
const anyNumber = z.number().or(z.nan());

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
}) satisfies z.ZodType<TrainConfig>;

const indexList = z.array(z.number().int().min(0));

export const workerJobSchema = z.object({
  runId: z.number().int().positive(),
  config: trainConfigSchema,
  classes: z.array(z.string()).min(2),
  cache: z.object({ file: z.string(), size: z.number().int(), channels: z.union([z.literal(1), z.literal(3)]), recordBytes: z.number().int() }),
  /** Record indices into the cache file, and their labels. */
  train: z.object({ records: indexList, labels: indexList }),
  val: z.object({ records: indexList, labels: indexList }),
  test: z.object({ records: indexList, labels: indexList, imageIds: indexList }),
  runDir: z.string(),
  resume: z.object({ dir: z.string(), epoch: z.number().int().min(1) }).nullable(),
});
export type WorkerJob = Omit<z.infer<typeof workerJobSchema>, 'config'> & { readonly config: TrainConfig };

/** Core → worker. */
export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), job: workerJobSchema }),
  z.object({ type: z.literal('cancel') }),
]);
export type WorkerRequest = { readonly type: 'start'; readonly job: WorkerJob } | { readonly type: 'cancel' };

const backendInfoSchema = z.object({
  name: z.enum(BACKENDS),
  description: z.string(),
  unavailable: z.array(z.object({ name: z.enum(BACKENDS), reason: z.string() })),
  forced: z.boolean(),
});

const epochMetricsSchema = z.object({
  epoch: z.number().int(),
  trainLoss: anyNumber,
  trainAccuracy: finite,
  valLoss: anyNumber.nullable(),
  valAccuracy: finite.nullable(),
  learningRate: finite,
  seconds: finite,
  imagesPerSecond: finite,
});

const diagnosticSchema = z.object({
  kind: z.enum(['stuck-loss', 'one-class', 'nan-loss', 'overfitting']),
  epoch: z.number().int(),
  message: z.string(),
});

const evaluationSchema = z.object({
  split: z.enum(['train', 'val', 'test']),
  epoch: z.number().int(),
  accuracy: finite,
  loss: anyNumber,
  classes: z.array(z.string()),
  confusion: z.array(z.array(z.number().int().min(0))),
  perClass: z.array(z.object({ name: z.string(), precision: finite, recall: finite, f1: finite, support: z.number().int() })),
});

export const runEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('started'),
    runId: z.number().int(),
    backend: backendInfoSchema,
    trainableParams: z.number().int(),
    totalParams: z.number().int(),
    macs: z.number(),
    stepsPerEpoch: z.number().int(),
    epochs: z.number().int(),
    startEpoch: z.number().int(),
  }),
  z.object({
    kind: z.literal('batch'),
    runId: z.number().int(),
    epoch: z.number().int(),
    batch: z.number().int(),
    step: z.number().int(),
    loss: anyNumber,
    accuracy: finite,
    learningRate: finite,
    imagesPerSecond: finite,
    etaSeconds: finite,
  }),
  z.object({ kind: z.literal('epoch-end'), runId: z.number().int(), metrics: epochMetricsSchema, best: z.boolean() }),
  z.object({ kind: z.literal('diagnostic'), runId: z.number().int(), diagnostic: diagnosticSchema }),
  z.object({ kind: z.literal('checkpoint'), runId: z.number().int(), epoch: z.number().int(), which: z.enum(['last', 'best']), dir: z.string() }),
  z.object({
    kind: z.literal('evaluation'),
    runId: z.number().int(),
    evaluation: evaluationSchema,
    predictions: z.array(z.object({ imageId: z.number().int(), trueIndex: z.number().int(), probabilities: z.array(finite) })),
  }),
  z.object({
    kind: z.literal('status'),
    runId: z.number().int(),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted']),
    error: z.string().nullable(),
  }),
  z.object({ kind: z.literal('log'), runId: z.number().int(), level: z.enum(['info', 'warn']), message: z.string() }),
]) satisfies z.ZodType<RunEvent>;

/** Worker → core. */
export const workerMessageSchema = z.object({ type: z.literal('event'), event: runEventSchema });
export type WorkerMessage = { readonly type: 'event'; readonly event: RunEvent };

/** Formats a zod error as "field: problem; field: problem". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}
