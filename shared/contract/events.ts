/**
 * Events a training run emits: the worker sends them to the core, the core stores them and
 * forwards them to every view (IPC, server-sent events, the terminal progress bar).
 */
import { z } from 'zod';
import { BACKENDS } from '../config';
import type { BackendInfo, Diagnostic, EpochMetrics, Evaluation, RunStatus } from '../types';
import { anyNumber, finite } from './config';
import { STUDY_STATES, type StudyEvent } from './studies';

export type RunEvent =
  | {
      readonly kind: 'started';
      readonly runId: number;
      readonly backend: BackendInfo;
      readonly trainableParams: number;
      readonly totalParams: number;
      readonly macs: number;
      readonly stepsPerEpoch: number;
      readonly epochs: number;
      /** First epoch this process trains (greater than 1 when resumed). */
      readonly startEpoch: number;
    }
  | {
      readonly kind: 'batch';
      readonly runId: number;
      readonly epoch: number;
      /** Batch within the epoch, from 1. */
      readonly batch: number;
      /** Global step, from 1. */
      readonly step: number;
      readonly loss: number;
      readonly accuracy: number;
      readonly learningRate: number;
      readonly imagesPerSecond: number;
      /** Estimated seconds left in the whole run. */
      readonly etaSeconds: number;
    }
  | { readonly kind: 'epoch-end'; readonly runId: number; readonly metrics: EpochMetrics; readonly best: boolean }
  | { readonly kind: 'diagnostic'; readonly runId: number; readonly diagnostic: Diagnostic }
  | { readonly kind: 'checkpoint'; readonly runId: number; readonly epoch: number; readonly which: 'last' | 'best'; readonly dir: string }
  | {
      readonly kind: 'evaluation';
      readonly runId: number;
      readonly evaluation: Evaluation;
      /** Per test image: [imageId, trueIndex, predictedIndex, ...probabilities]. */
      readonly predictions: readonly { readonly imageId: number; readonly trueIndex: number; readonly probabilities: readonly number[] }[];
    }
  | { readonly kind: 'status'; readonly runId: number; readonly status: RunStatus; readonly error: string | null }
  | { readonly kind: 'log'; readonly runId: number; readonly level: 'info' | 'warn'; readonly message: string }
  | {
      /** The core prepares a run before its worker starts: images decoded into the input-size cache so far. */
      readonly kind: 'preparing';
      readonly runId: number;
      readonly inputSize: number;
      readonly done: number;
      readonly total: number;
    };

export type RunEventKind = RunEvent['kind'];

/** Progress of a folder import, pushed while it runs. */
export interface ImportProgress {
  readonly kind: 'import-progress';
  readonly folder: string;
  readonly done: number;
  readonly total: number;
}

/**
 * Progress of a download of torchvision weights into the weights folder, pushed while it runs
 * (whether the weights panel or a run that starts from ImageNet asked for it), and once when
 * it ends: `done` (the file is in place, its SHA-256 checked) or `failed` with what to do.
 */
export interface WeightsProgress {
  readonly kind: 'weights-progress';
  readonly arch: string;
  readonly received: number;
  /** The file's size, when the server says it. */
  readonly total: number | null;
  readonly state: 'downloading' | 'done' | 'failed';
  /** Why it failed (the URL, and where to put the file by hand), else null. */
  readonly error: string | null;
}

/** Everything pushed from the core to views (study events included). */
export type AppEvent = RunEvent | ImportProgress | WeightsProgress | { readonly kind: 'runs-changed' } | { readonly kind: 'datasets-changed' } | StudyEvent;

// Validators: the core checks what a worker sends, the renderer checks what the core pushes.

export const gpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  software: z.boolean(),
});

export const backendInfoSchema = z.object({
  name: z.enum(BACKENDS),
  description: z.string(),
  unavailable: z.array(z.object({ name: z.enum(BACKENDS), reason: z.string() })),
  forced: z.boolean(),
  adapter: gpuAdapterSchema.optional(),
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
  phases: z.object({ read: finite, prepare: finite, step: finite, statistics: finite, validate: finite }).optional(),
});

const adviceSchema = z.discriminatedUnion('code', [
  z.object({ code: z.enum(['lower-lr', 'higher-lr', 'other-lr']), lr: z.string() }),
  z.object({ code: z.literal('batch-norm') }),
  z.object({ code: z.literal('warm-up') }),
  z.object({ code: z.literal('relu'), activation: z.string() }),
]);

const diagnosticSchema = z.object({
  kind: z.enum(['stuck-loss', 'one-class', 'nan-loss', 'overfitting']),
  epoch: z.number().int(),
  message: z.string(),
  facts: z.object({ values: z.record(z.string(), z.string()), advice: z.array(adviceSchema), checkLabels: z.boolean().optional() }).optional(),
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
  z.object({ kind: z.literal('preparing'), runId: z.number().int(), inputSize: z.number().int(), done: z.number().int().min(0), total: z.number().int().min(0) }),
]) satisfies z.ZodType<RunEvent>;


const studyStateSchema = z.enum(STUDY_STATES);

/** Every pushed event, checked by the renderer's transports before a view sees it. */
export const appEventSchema = z.union([
  runEventSchema,
  z.object({ kind: z.literal('import-progress'), folder: z.string(), done: z.number().int().min(0), total: z.number().int().min(0) }),
  z.object({
    kind: z.literal('weights-progress'),
    arch: z.string().min(1).max(64),
    received: z.number().int().min(0),
    total: z.number().int().min(0).nullable(),
    state: z.enum(['downloading', 'done', 'failed']),
    error: z.string().nullable(),
  }),
  z.object({ kind: z.literal('runs-changed') }),
  z.object({ kind: z.literal('datasets-changed') }),
  z.object({ kind: z.literal('study-changed'), studyId: z.number().int(), state: studyStateSchema }),
  z.object({ kind: z.literal('studies-changed') }),
]) satisfies z.ZodType<AppEvent>;
