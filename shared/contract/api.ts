/**
 * The workstation's API: one interface of domain verbs.
 *
 * The Electron preload implements it over IPC, the browser client over HTTP + server-sent
 * events, and the core (`main/core/workstation.ts`) implements it directly.
 */
import type { TrainConfig } from '../config';
import type { AppEvent } from './events';

export type { AppEvent, ImportProgress, WeightsProgress } from './events';
import type { StudyApi } from './studies';
import type { SlurmApi } from './slurm';
import type { PretrainedStatus } from '../pretrained';
import type { AnalysisApi } from './analysis';
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
 * suspects from `AnalysisApi` (`shared/contract/analysis.ts`).
 */
export interface Api extends Omit<StudyApi, 'onStudyEvent'>, SlurmApi, AnalysisApi {
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
