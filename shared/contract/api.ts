/**
 * The workstation's API: one interface of domain verbs.
 *
 * The Electron preload implements it over IPC, the browser client over HTTP + server-sent
 * events, and the core (`main/core/workstation.ts`) implements it directly.
 */
import type { BackendName, TrainConfig } from '../config';
import type { AppEvent } from './events';
import type { MessageRef } from '../i18n/catalogue';

export type { AppEvent, ImportProgress, WeightsProgress } from './events';
import type { StudyApi } from './studies';
import type { SlurmApi } from './slurm';
import type { PretrainedStatus } from '../pretrained';
import type { AnalysisApi } from './analysis';
import type { LabelsApi } from './labels';
import type { DatasetSummary, ImportReport, ModelInfo, Prediction, RunDetail, RunSummary, BackendInfo } from '../types';

export interface ImageRef {
  readonly id: number;
  readonly path: string;
  readonly classIndex: number;
  readonly split: 'train' | 'val' | 'test' | null;
}

/** What the core says about the compute backends before any run starts. */
export interface BackendReport {
  /** The backend `auto` would pick, and why better ones are missing. */
  readonly selected: BackendInfo;
  /** The threads runs on wasm or cpu split their batches over (data-parallel), when more than one; its sentence ends `selected.description`. */
  readonly trainThreads?: number;
}

/** What a time estimate is for: the settings that decide how long training takes. */
export type EstimateRequest = Pick<TrainConfig, 'arch' | 'inputSize' | 'width' | 'epochs' | 'backend'>;

/**
 * How an estimate was made, the most certain first:
 * - `measured`: from runs of the same architecture, input size and width on the same backend, trained here;
 * - `scaled`: from runs of the same architecture on the same backend at another size or width, scaled as
 *   the bench measured the architecture's time to grow with its multiply-adds;
 * - `bench`: from the architecture's training speed that `npm run bench:speeds` measured on a reference
 *   machine (main/core/reference-speeds.ts), scaled to the size and width, and to this machine's speed
 *   where its runs of other networks say how fast it is;
 * - `model`: from the multiply-adds alone, at this machine's speed on the backend (its other runs) or, with none, a typical one.
 */
export const ESTIMATE_SOURCES = ['measured', 'scaled', 'bench', 'model'] as const;
export type EstimateSource = (typeof ESTIMATE_SOURCES)[number];

/** The less certain of estimate sources (a study's total is as certain as its least certain cell). */
export function lessCertain(...sources: readonly EstimateSource[]): EstimateSource {
  return ESTIMATE_SOURCES[Math.max(0, ...sources.map((s) => ESTIMATE_SOURCES.indexOf(s)))];
}

/** How long a run will train, before it starts. */
export interface TimeEstimate {
  readonly arch: string;
  /** The backend it is for (`auto` resolved to the one this machine gets). */
  readonly backend: BackendName;
  /** Seconds of one epoch, validation included; null without a dataset to count its images. */
  readonly epochSeconds: number | null;
  /** Seconds of every epoch and the test evaluation (early stopping can end sooner); null without a dataset. */
  readonly totalSeconds: number | null;
  /** Seconds per training image, the rate behind the two. */
  readonly secondsPerImage: number;
  readonly source: EstimateSource;
  /** How many runs measured here it rests on (0: a typical speed of the backend). */
  readonly runs: number;
  /** The estimate's basis in a sentence ("median of 3 runs of resnet18 at 64 px, width ×0.25 on wasm trained here"). */
  readonly basis: string;
  /** The same by reference into the shared catalogue (`estimateBasis.*`), for the views' language. */
  readonly basisRef: MessageRef;
}

/** How long the cells of a study that have not finished will take. */
export interface StudyEstimate {
  readonly studyId: number;
  /** Cells not completed (pending, queued, running, failed, interrupted, cancelled). */
  readonly cellsLeft: number;
  /** Their seconds together (a running or interrupted cell counts its epochs left). */
  readonly totalSeconds: number;
  /** The least certain source among them (`model` when any rests on the multiply-adds alone). */
  readonly source: EstimateSource;
  /** Each cell left: its index, its seconds and how that was estimated. */
  readonly cells: readonly { readonly index: number; readonly seconds: number; readonly source: EstimateSource }[];
}

export interface ClassifyResult {
  readonly classes: readonly string[];
  readonly probabilities: readonly number[];
}

/** Grad-CAM of an image for a class with a run's kept weights (`explainImage`). */
export interface ExplainImageResult extends ClassifyResult {
  /** The class explained: the one asked for, else the predicted one. */
  readonly className: string;
  /** The layer whose feature map is explained, and that map's resolution. */
  readonly layer: string;
  readonly mapSize: readonly [number, number];
  /** The image with the map laid over it: a `data:image/png;base64,…` URL. */
  readonly overlay: string;
}

/**
 * The verbs of every view. The study verbs come from `StudyApi` (`shared/studies.ts`); their
 * events arrive through `onEvent` like every other event, so `onStudyEvent` is not part of it.
 * The Slurm verbs come from `SlurmApi` (`shared/contract/slurm.ts`), comparing runs and label
 * suspects from `AnalysisApi` (`shared/contract/analysis.ts`), label edits from `LabelsApi`
 * (`shared/contract/labels.ts`).
 */
export interface Api extends Omit<StudyApi, 'onStudyEvent'>, SlurmApi, AnalysisApi, LabelsApi {
  // Datasets
  listDatasets(): Promise<readonly DatasetSummary[]>;
  /**
   * Imports an image folder as a dataset. A folder imported before is refused (the message
   * names its dataset) unless `rescan`: then it is imported again as it is now, replacing the
   * earlier dataset or, where runs use that one, beside it (`ImportReport.rescanOf` says which).
   */
  importDataset(folder: string, name?: string, opts?: { readonly rescan?: boolean }): Promise<ImportReport>;
  /** The dataset imported from this folder (the same folder through any symbolic link), or null. */
  findImportedFolder(folder: string): Promise<DatasetSummary | null>;
  getImportReport(datasetId: number): Promise<ImportReport>;
  importSampleDataset(): Promise<ImportReport>;
  listImages(datasetId: number, opts?: { split?: 'train' | 'val' | 'test'; classIndex?: number; limit?: number }): Promise<readonly ImageRef[]>;
  deleteDataset(datasetId: number): Promise<void>;

  // Models and backends
  listModels(): Promise<readonly ModelInfo[]>;
  backendReport(): Promise<BackendReport>;
  /**
   * How long runs with these settings will train on `datasetId` (or, with null, at what rate
   * per image), from what runs on this machine measured; the multiply-adds only without them.
   */
  estimateRuns(datasetId: number | null, requests: readonly EstimateRequest[]): Promise<readonly TimeEstimate[]>;
  /** How long the cells of a study left to run will take. */
  estimateStudy(studyId: number): Promise<StudyEstimate>;

  // Pretrained weights (torchvision's ImageNet files in the weights folder)
  /** Every published weights file and whether it is in the weights folder. */
  listWeights(): Promise<readonly PretrainedStatus[]>;
  /**
   * Downloads `arch`'s ImageNet weights into the weights folder (once: a file already there is
   * only checked; a cut download resumes), pushing `weights-progress` events while it runs.
   * Without network the error says which URL to fetch and where to put the file.
   */
  downloadWeights(arch: string): Promise<{ readonly file: string; readonly sha256: string }>;

  // Runs
  startRun(datasetId: number, config: TrainConfig, opts?: { name?: string; queue?: boolean }): Promise<RunSummary>;
  cancelRun(runId: number): Promise<void>;
  resumeRun(runId: number): Promise<RunSummary>;
  listRuns(): Promise<readonly RunSummary[]>;
  getRun(runId: number): Promise<RunDetail>;
  updateRun(runId: number, patch: { name?: string; notes?: string; tags?: readonly string[] }): Promise<RunSummary>;
  deleteRun(runId: number): Promise<void>;
  /** Batch-level series for the live charts: `[step, value]` pairs per key. */
  runSeries(runId: number, keys: readonly string[]): Promise<Readonly<Record<string, readonly (readonly [number, number])[]>>>;
  predictions(runId: number): Promise<readonly Prediction[]>;
  classifyImage(runId: number, image: Uint8Array): Promise<ClassifyResult>;
  /** Grad-CAM of an image for `className` (the predicted class when null). */
  explainImage(runId: number, image: Uint8Array, className: string | null): Promise<ExplainImageResult>;

  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}

/** Desktop-only helpers the Electron preload exposes beside the verbs. */
export interface DesktopShell {
  /** Opens the native folder dialog; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Opens the native file dialog for a weights file (.pth, .pt, .safetensors); null when cancelled. */
  pickWeightsFile(): Promise<string | null>;
  /** The file-system path of a dropped file or folder (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
  /** The OS's preferred languages, most preferred first (Electron's `app.getPreferredSystemLanguages()`). */
  readonly languages: readonly string[];
  /** Raises a system notification (Electron's `Notification`); clicking it brings the window forward. */
  notify(title: string, body: string): Promise<void>;
}

/** What the preload puts on `window.bloombench`: the verbs and the desktop helpers, nothing else. */
export interface Bridge {
  readonly api: Api;
  readonly desktop: DesktopShell;
}
