/**
 * Messages between the core and a training worker, with the validators each side applies
 * to what it receives.
 */
import { z } from 'zod';
import type { TrainConfig } from '../config';
import type { BackendInfo, ModelInfo } from '../types';
import { storedConfigSchema } from './config';
import { backendInfoSchema, runEventSchema, type RunEvent } from './events';

const indexList = z.array(z.number().int().min(0));

export const workerJobSchema = z.object({
  runId: z.number().int().positive(),
  // Written by this core, or by an older one into a run bundle still waiting on a cluster.
  config: storedConfigSchema,
  classes: z.array(z.string()).min(2),
  cache: z.object({ file: z.string(), size: z.number().int(), channels: z.union([z.literal(1), z.literal(3)]), recordBytes: z.number().int() }),
  /** Record indices into the cache file, and their labels. */
  train: z.object({ records: indexList, labels: indexList }),
  val: z.object({ records: indexList, labels: indexList }),
  test: z.object({ records: indexList, labels: indexList, imageIds: indexList }),
  runDir: z.string(),
  resume: z.object({ dir: z.string(), epoch: z.number().int().min(1) }).nullable(),
  /** The torchvision state dict a fine-tuning run starts from (the core resolved and hashed it), or null. */
  weights: z
    .object({ source: z.enum(['imagenet', 'file']), title: z.string(), file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
    .nullable()
    .default(null),
});
export type WorkerJob = Omit<z.infer<typeof workerJobSchema>, 'config'> & { readonly config: TrainConfig };

/** Core → worker. */
export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), job: workerJobSchema }),
  z.object({ type: z.literal('cancel') }),
]);
export type WorkerRequest = { readonly type: 'start'; readonly job: WorkerJob } | { readonly type: 'cancel' };

/** Worker → core. */
export const workerMessageSchema = z.object({ type: z.literal('event'), event: runEventSchema });
export type WorkerMessage = { readonly type: 'event'; readonly event: RunEvent };

/**
 * The files of a checkpoint folder. The worker writes them into `<name>.tmp` and renames the
 * folder into place, so a folder under its own name (`last`, `best`) is complete; the core
 * reads `state.json` when it looks for a checkpoint on disk (the database may have missed one).
 */
export const CHECKPOINT_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  optimizerSpecs: 'optimizer.json',
  optimizerData: 'optimizer.bin',
  state: 'state.json',
} as const;

/** The training-loop state a checkpoint holds (`state.json`). */
export const checkpointStateSchema = z.object({
  /** The last epoch whose weights are in the checkpoint. */
  epoch: z.number().int().min(1),
  bestEpoch: z.number().int().min(1).nullable(),
  bestValue: z.number().nullable(),
  epochsWithoutImprovement: z.number().int().min(0),
  step: z.number().int().min(0),
});

/** Formats a zod error as "field: problem; field: problem". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}

// The compute service: one long-lived worker process that does everything else the core needs
// from tfjs (the backend probe, the model zoo's cards, classifying, exporting), so that tfjs
// never loads in the core (or Electron's main process). Calls are request/reply, keyed by id.

const positive = z.number().int().positive();

const modelInfoSchema = z.object({
  id: z.string(),
  family: z.string(),
  title: z.string(),
  description: z.string(),
  trainableParams: z.number().int().min(0),
  totalParams: z.number().int().min(0),
  macs: z.number().min(0),
  inputShape: z.tuple([positive, positive, positive]),
  numClasses: positive,
  minInputSize: positive,
  reference: z.string(),
});

/** A Grad-CAM map with the image's class probabilities (see main/models/grad-cam.ts). */
export interface ExplainResult {
  readonly classIndex: number;
  /** The layer whose feature map is explained. */
  readonly layer: string;
  /** That map's resolution before upsampling. */
  readonly mapSize: readonly [number, number];
  /** The map is `size`×`size` values in [0, 1], row-major, at the model's input size. */
  readonly size: number;
  readonly values: Float32Array;
  readonly probabilities: readonly number[];
}

/** Each service method: its argument and result validators. */
export const serviceSchemas = {
  /** The backend `auto` picks here, and how many threads a run could train on. */
  backend: { args: z.object({}), result: z.object({ info: backendInfoSchema, maxThreads: positive }) },
  /** Every variant's card at its canonical configuration. */
  models: { args: z.object({}), result: z.array(modelInfoSchema) },
  /** A Keras-style layer table of a variant at some options. */
  summary: {
    args: z.object({ arch: z.string().min(1), inputSize: positive, width: z.number().positive(), numClasses: positive, channels: z.union([z.literal(1), z.literal(3)]) }),
    result: z.string(),
  },
  /** Softmax probabilities for decoded images (`size`×`size`×`channels` bytes each) with a checkpoint's weights. */
  classify: {
    args: z.object({ checkpointDir: z.string().min(1), size: positive, channels: z.union([z.literal(1), z.literal(3)]), images: z.array(z.instanceof(Uint8Array)).min(1) }),
    result: z.array(z.array(z.number())),
  },
  /** Grad-CAM of one decoded image for a class (the predicted one when null), with a checkpoint's weights. */
  explain: {
    args: z.object({
      checkpointDir: z.string().min(1),
      size: positive,
      channels: z.union([z.literal(1), z.literal(3)]),
      image: z.instanceof(Uint8Array),
      classIndex: z.number().int().nonnegative().nullable(),
    }),
    result: z.object({
      classIndex: z.number().int().nonnegative(),
      layer: z.string(),
      mapSize: z.tuple([positive, positive]),
      size: positive,
      values: z.instanceof(Float32Array),
      probabilities: z.array(z.number()),
    }),
  },
  /** Writes a checkpoint's model with a softmax on top (TensorFlow.js layers format); returns the file names. */
  exportModel: { args: z.object({ checkpointDir: z.string().min(1), outDir: z.string().min(1), name: z.string().min(1) }), result: z.array(z.string()) },
  /**
   * Writes the whole ImageNet model of a torchvision state dict (1000 classes, logits or
   * softmax; input NHWC, ImageNet mean/std) in TensorFlow.js layers format with `metadata.json`;
   * returns the file names.
   */
  convertWeights: {
    args: z.object({
      arch: z.string().min(1),
      file: z.string().min(1),
      outDir: z.string().min(1),
      inputSize: positive,
      softmax: z.boolean(),
      title: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
    result: z.array(z.string()),
  },
} as const;

export type ServiceMethod = keyof typeof serviceSchemas;
export type ServiceArgs<M extends ServiceMethod> = z.input<(typeof serviceSchemas)[M]['args']>;
/** What each method answers (the result validators check it on the core's side). */
export interface ServiceResults {
  readonly backend: { readonly info: BackendInfo; readonly maxThreads: number };
  readonly models: readonly ModelInfo[];
  readonly summary: string;
  readonly classify: readonly (readonly number[])[];
  readonly explain: ExplainResult;
  readonly exportModel: readonly string[];
  readonly convertWeights: readonly string[];
}
export type ServiceResult<M extends ServiceMethod> = ServiceResults[M];

/** Compile-time proof that each result validator produces what its method answers. */
type ResultsMatch = { [M in ServiceMethod]: z.output<(typeof serviceSchemas)[M]['result']> extends ServiceResults[M] ? true : M }[ServiceMethod];
const resultsMatch: ResultsMatch = true;
void resultsMatch;

/** Core → service. */
export const serviceCallSchema = z.object({ type: z.literal('call'), id: positive, method: z.enum(Object.keys(serviceSchemas) as [ServiceMethod, ...ServiceMethod[]]), args: z.unknown() });
export type ServiceCall = { readonly type: 'call'; readonly id: number; readonly method: ServiceMethod; readonly args: unknown };

/** Service → core: the result (checked by the caller against the method's schema) or the error text. */
export const serviceReplySchema = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('reply'), id: positive, ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('reply'), id: positive, ok: z.literal(false), error: z.string() }),
]);
export type ServiceReply = z.infer<typeof serviceReplySchema>;
