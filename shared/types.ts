/**
 * Plain data types shared by the core, the worker, the CLI and the renderer.
 */
import type { BackendName, TrainConfig } from './config';
import type { RunWeights } from './pretrained';
import type { Calibration } from './calibration';
import type { RejectProblem, RejectReason } from './rejections';

export type Split = 'train' | 'val' | 'test';

export type { RejectReason } from './rejections';

/**
 * A file the import left out: its broad `reason`, the precise `code` with its `params`
 * (`shared/rejections.ts`; views translate by code), the plain English `message`, and the
 * decoder's own words in `detail`.
 */
export type RejectedFile = {
  /** Path relative to the dataset root. */
  readonly path: string;
  readonly reason: RejectReason;
  /** The plain sentence: "not an image: it is a text file", "the JPEG is cut short: …". */
  readonly message: string;
  /** Technical detail from the file system or the decoder, for the curious. */
  readonly detail: string;
} & RejectProblem;

export interface DuplicateGroup {
  /** Paths (relative to the root) with identical content. */
  readonly paths: readonly string[];
  /** The distinct classes those paths are filed under. */
  readonly classes: readonly string[];
  /** True when the same picture is filed under two or more labels. */
  readonly labelConflict: boolean;
}

export interface ClassCount {
  readonly name: string;
  readonly count: number;
}

export interface SplitSizes {
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

/** What `importImageFolder` found. */
export interface ImportReport {
  readonly datasetId: number;
  readonly name: string;
  readonly root: string;
  readonly classes: readonly ClassCount[];
  /** Images accepted into the dataset. */
  readonly total: number;
  readonly rejected: readonly RejectedFile[];
  readonly duplicates: readonly DuplicateGroup[];
  /** Class folders with no readable image, left out of the dataset. */
  readonly emptyClasses: readonly string[];
  readonly split: SplitSizes;
  /** True when the folder brought its own `train/` and `test/`. */
  readonly presplit: boolean;
  readonly imageSizes: { readonly minWidth: number; readonly maxWidth: number; readonly minHeight: number; readonly maxHeight: number; readonly medianWidth: number; readonly medianHeight: number };
  /** Images whose content is grayscale (checked on the decoded pixels). */
  readonly grayscale: number;
  readonly seconds: number;
  /**
   * Set when this import re-scanned a folder imported before: that dataset, how many runs and
   * studies used it, and whether it was kept for them (else this one replaced it and took its name).
   */
  readonly rescanOf?: { readonly datasetId: number; readonly name: string; readonly runs: number; readonly studies: number; readonly kept: boolean };
}

export interface DatasetSummary {
  readonly id: number;
  readonly name: string;
  readonly root: string;
  readonly classes: readonly string[];
  readonly total: number;
  readonly split: SplitSizes;
  readonly createdMs: number;
}

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

/** The GPU adapter a webgpu backend computes on, as its driver describes it. */
export interface GpuAdapter {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A software rasteriser (SwiftShader, llvmpipe, WARP): a test device that `auto` never picks. */
  readonly software: boolean;
}

/** Which backend a worker got, and why the better ones were not used. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Human description, e.g. "wasm (SIMD, 1 thread)". */
  readonly description: string;
  /** For each better backend that was not used: why. */
  readonly unavailable: readonly { readonly name: BackendName; readonly reason: string }[];
  readonly forced: boolean;
  /** On webgpu: the adapter that computed (absent on the other backends, and on runs from before webgpu). */
  readonly adapter?: GpuAdapter;
}

export type DiagnosticKind = 'stuck-loss' | 'one-class' | 'nan-loss' | 'overfitting';

/** One thing a diagnostic suggests trying (only what the run does not already do). */
export type AdviceItem =
  | { readonly code: 'lower-lr' | 'higher-lr' | 'other-lr'; readonly lr: string }
  | { readonly code: 'batch-norm' }
  | { readonly code: 'warm-up' }
  | { readonly code: 'relu'; readonly activation: string };

/** What a diagnostic saw and advises, for writing it in any language (shared/i18n/diagnostic-words.ts). */
export interface DiagnosticFacts {
  /** The numbers and names its sentence quotes, formatted (`loss`, `epoch`, `classes`, `share`, `name`, …). */
  readonly values: Readonly<Record<string, string>>;
  readonly advice: readonly AdviceItem[];
  /** Ends with "check that the labels match the pictures". */
  readonly checkLabels?: boolean;
}

export interface Diagnostic {
  readonly kind: DiagnosticKind;
  readonly epoch: number;
  /** Plain-words explanation with a suggestion, in English. */
  readonly message: string;
  /** The same in facts, for the views' language; absent on diagnostics stored before it. */
  readonly facts?: DiagnosticFacts;
}

export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly learningRate: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** Where the epoch's `seconds` went (absent on epochs stored before it; the store keeps only `seconds`). */
  readonly phases?: EpochPhases;
}

/**
 * Seconds of one epoch by phase, as the worker measured them: reading the cache, turning bytes
 * into a normalised (and augmented) batch, the training steps, averaging the replicas'
 * batch-norm statistics, and validation. The checkpoint is written after the epoch ends.
 */
export interface EpochPhases {
  readonly read: number;
  readonly prepare: number;
  readonly step: number;
  readonly statistics: number;
  readonly validate: number;
}

export interface PerClassMetrics {
  readonly name: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface Evaluation {
  readonly split: Split;
  readonly epoch: number;
  readonly accuracy: number;
  readonly loss: number;
  readonly classes: readonly string[];
  /** `confusion[t][p]`: images of true class t predicted as p. */
  readonly confusion: readonly (readonly number[])[];
  readonly perClass: readonly PerClassMetrics[];
}

export interface Prediction {
  readonly imageId: number;
  readonly path: string;
  readonly trueClass: string;
  readonly predictedClass: string;
  readonly probabilities: readonly number[];
}

/** One row of the runs table. */
export interface RunSummary {
  readonly id: number;
  readonly name: string;
  readonly status: RunStatus;
  readonly arch: string;
  readonly datasetId: number;
  readonly datasetName: string;
  readonly config: TrainConfig;
  readonly backend: BackendName | null;
  readonly epochsDone: number;
  readonly bestEpoch: number | null;
  readonly bestValAccuracy: number | null;
  readonly testAccuracy: number | null;
  readonly trainableParams: number | null;
  readonly macs: number | null;
  readonly createdMs: number;
  readonly startedMs: number | null;
  readonly endedMs: number | null;
  readonly error: string | null;
  readonly notes: string;
  readonly tags: readonly string[];
  /** The weights the run started from (null: from scratch); `describeStart` words it. */
  readonly weights: RunWeights | null;
  /** The dataset version (label edits) it trained on: 0 is the folder as imported. */
  readonly datasetVersion: number;
}

/** Everything `bloombench show` prints. */
export interface RunDetail extends RunSummary {
  readonly runId: number;
  readonly backendInfo: BackendInfo | null;
  readonly totalParams: number | null;
  readonly epochs: readonly EpochMetrics[];
  readonly diagnostics: readonly Diagnostic[];
  readonly test: Evaluation | null;
  readonly predictions: readonly Prediction[];
  /** Reliability diagram, ECE and top-k accuracy of the test predictions (shared/calibration.ts); null without any. */
  readonly calibration: Calibration | null;
}

/** A model zoo entry as the CLI and the architecture cards show it. */
export interface ModelInfo {
  readonly id: string;
  readonly family: string;
  readonly title: string;
  readonly description: string;
  readonly trainableParams: number;
  readonly totalParams: number;
  readonly macs: number;
  /** [height, width, channels] at the canonical configuration. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly minInputSize: number;
  readonly reference: string;
}
