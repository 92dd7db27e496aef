/**
 * The core facade: the workstation's `Api` implemented over the store, the dataset importer,
 * the model zoo and the run queue. The Electron shell, the HTTP server and the CLI all use it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lessCertain, type AppEvent, type Api, type BackendReport, type ClassifyResult, type EstimateRequest, type EstimateSource, type ExplainImageResult, type ImageRef, type StudyEstimate, type TimeEstimate } from '../../shared/contract/api';
import { UserError } from '../../shared/contract/errors';
import { userError } from '../../shared/i18n/error-words';
import { type TrainConfig } from '../../shared/config';
import type { DatasetSummary, ImportReport, ModelInfo, Prediction, RunDetail, RunSummary } from '../../shared/types';
import type {
  ConfusionDiff,
  CurveOptions,
  FailuresAcrossRuns,
  GridOptions,
  RunMetrics,
  RunSelection,
  StudyCurves,
  StudyDetail,
  StudyExportOptions,
  StudyExtension,
  StudyGrid,
  StudySpec,
  StudySummary,
} from '../../shared/contract/studies';
import { importImageFolder, type ImportOptions } from '../datasets/import';
import { camOverlayPng } from './explain';
import { decodeSquare } from '../datasets/decode';
import * as datasets from '../datasets/queries';
import { writeSampleDataset } from '../datasets/sample';
import { ComputeService } from '../queue/compute-service';
import { ModelCatalog } from '../queue/model-catalog';
import { RunQueue } from '../queue/run-queue';
import { assertValidConfig } from '../queue/validate-config';
import type { Store } from '../store/db';
import { Studies } from '../studies/studies';
import { cellConfig } from '../studies/plan';
import { RunTimings } from '../store/timings';
import { estimateRun } from './estimates';
import type { SlurmCollection, SlurmSettings, SlurmSubmission, StudySlurmInfo } from '../../shared/contract/slurm';
import type { LabelSuspects, RunComparison } from '../../shared/contract/analysis';
import { compareRuns } from '../studies/compare';
import { labelSuspects } from '../studies/suspects';
import type { LabelEditRequest, LabelHistory } from '../../shared/contract/labels';
import type { RunEvent } from '../../shared/contract/events';
import { SlurmStudies } from '../slurm/slurm-studies';
import { runBundleTask } from '../slurm/task';
import type { PretrainedStatus, RunWeights } from '../../shared/pretrained';
import { pretrainedEntryFor, resolveRunWeights } from '../weights/cache';
import { WeightsFolder } from '../weights/folder';
import type { DownloadProgress } from '../weights/download';
import { Listeners } from './listeners';

export const SAMPLE_DATASET_NAME = 'Sample shapes';

/** Everything below the UI, behind the one `Api` interface. */
export class Workstation implements Api {
  readonly queue: RunQueue;
  /** Studies (grids of runs) and their result views; see `shared/studies.ts`. */
  readonly studies: Studies;
  /** A study's cells as Slurm jobs (main/slurm/). */
  readonly slurm: SlurmStudies;
  /** torchvision's weights in `<home>/weights/`, one download per file at a time (main/weights/). */
  readonly weights: WeightsFolder;
  /** The worker process that answers tfjs questions (backend, zoo, classify, export). */
  private readonly service = new ComputeService();
  private readonly catalog = new ModelCatalog(this.service);
  private readonly listeners = new Listeners<AppEvent>();
  private backendReady: Promise<BackendReport> | null = null;
  /** What runs on this machine measured, for the time estimates. */
  private readonly timings: RunTimings;

  constructor(
    readonly store: Store,
    opts: { recover?: boolean } = {},
  ) {
    this.weights = new WeightsFolder(store.home);
    this.weights.onProgress((e) => this.listeners.emit(e));
    this.queue = new RunQueue(store, { weights: this.weights });
    this.timings = new RunTimings(store);
    this.queue.onEvent((e) => this.forwardRunEvent(e));
    // Every start (the CLI's too) sees which runs lost their process; only the app and the
    // server take over queued runs and studies.
    this.queue.recoverInterrupted();
    if (opts.recover ?? true) this.queue.requeueWaiting();
    // After the queue's recovery, so that a study that was running continues where it stopped.
    this.studies = new Studies(store, this.queue, this.catalog, { recover: opts.recover ?? true });
    this.studies.onStudyEvent((e) => this.listeners.emit(e));
    this.slurm = new SlurmStudies(store, this.queue, this.studies);
    this.slurm.onEvent((e) => this.forwardRunEvent(e));
    // The app (not a one-shot CLI command) imports finished Slurm tasks while it runs.
    if (opts.recover ?? true) this.slurm.startWatching();
  }

  /** The node side of a study on Slurm (`bloombench slurm-task`): trains one bundle; no store, no database. */
  static runBundleTask(bundleDir: string): Promise<number> {
    return runBundleTask(bundleDir);
  }

  /** Writes the generated sample folder (5 classes of shapes) to `dir`; no store needed. */
  static writeSampleFolder(dir: string): ReturnType<typeof writeSampleDataset> {
    return writeSampleDataset(dir);
  }

  /** A run event (from the local queue or from Slurm) for the views; `runs-changed` after one that changes the runs list. */
  private forwardRunEvent(e: RunEvent): void {
    this.listeners.emit(e);
    if (e.kind === 'status' || e.kind === 'epoch-end' || e.kind === 'started') this.listeners.emit({ kind: 'runs-changed' });
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  // Datasets

  async listDatasets(): Promise<readonly DatasetSummary[]> {
    return datasets.listDatasets(this.store);
  }

  async importDataset(folder: string, name?: string, opts: { readonly rescan?: boolean } = {}): Promise<ImportReport> {
    return this.importFolder(folder, { name, rescan: opts.rescan });
  }

  async findImportedFolder(folder: string): Promise<DatasetSummary | null> {
    return datasets.findDatasetByFolder(this.store, folder);
  }

  /** `importDataset` with every import option (the CLI's `--seed`, `--val`, `--test`, `--rescan`). */
  async importFolder(folder: string, opts: ImportOptions = {}): Promise<ImportReport> {
    const report = await importImageFolder(this.store, folder, {
      ...opts,
      onProgress: (done, total) => {
        opts.onProgress?.(done, total);
        this.listeners.emit({ kind: 'import-progress', folder, done, total });
      },
    });
    this.listeners.emit({ kind: 'datasets-changed' });
    return report;
  }

  /** A dataset by id. */
  async getDataset(datasetId: number): Promise<DatasetSummary> {
    return datasets.getDataset(this.store, datasetId);
  }

  /**
   * A dataset by id or name, or a folder to import (an earlier import of the same folder is
   * reused); `imported` says whether this call imported it.
   */
  async resolveDataset(ref: string): Promise<{ readonly dataset: DatasetSummary; readonly imported: ImportReport | null }> {
    const asPath = path.resolve(ref);
    if (fs.existsSync(asPath) && fs.statSync(asPath).isDirectory()) {
      const known = datasets.findDatasetByFolder(this.store, asPath);
      if (known) return { dataset: known, imported: null };
      const report = await this.importFolder(asPath);
      return { dataset: datasets.getDataset(this.store, report.datasetId), imported: report };
    }
    return { dataset: datasets.resolveDataset(this.store, ref), imported: null };
  }

  async getImportReport(datasetId: number): Promise<ImportReport> {
    return datasets.getImportReport(this.store, datasetId);
  }

  /** Writes the generated sample folder under the home folder and imports it (once). */
  async importSampleDataset(): Promise<ImportReport> {
    const existing = datasets.listDatasets(this.store).find((d) => d.name === SAMPLE_DATASET_NAME);
    if (existing) return datasets.getImportReport(this.store, existing.id);
    const dir = path.join(this.store.home, 'sample-data');
    if (!fs.existsSync(dir) || fs.readdirSync(dir).length === 0) await writeSampleDataset(dir);
    return this.importDataset(dir, SAMPLE_DATASET_NAME);
  }

  async listImages(datasetId: number, opts?: { split?: 'train' | 'val' | 'test'; classIndex?: number; limit?: number }): Promise<readonly ImageRef[]> {
    return datasets.listImages(this.store, datasetId, opts);
  }

  async deleteDataset(datasetId: number): Promise<void> {
    const used = this.queue.runs.listRuns().filter((r) => r.datasetId === datasetId);
    if (used.length) {
      throw userError('conflict', 'error.datasetInUse', { id: String(datasetId), n: used.length, names: used.slice(0, 3).map((r) => r.name).join(', ') });
    }
    datasets.deleteDataset(this.store, datasetId);
    this.listeners.emit({ kind: 'datasets-changed' });
  }

  /** Absolute path of an imported image, for the image protocol and endpoint (by id only). */
  imageFile(imageId: number): string {
    return datasets.imageFile(this.store, imageId);
  }

  // Models and backends

  /** Starts the compute service and asks it for the zoo and the backend, for a window about to open. */
  prewarm(): void {
    this.listModels().catch(() => undefined);
    this.backendReport().catch(() => undefined);
  }

  async listModels(): Promise<readonly ModelInfo[]> {
    return this.catalog.load();
  }

  /** A Keras-style layer table of a variant (built in the compute service). */
  async modelSummary(arch: string, opts: { readonly inputSize?: number; readonly width?: number; readonly numClasses?: number } = {}): Promise<string> {
    const m = await this.catalog.get(arch);
    const [inputSize, , channels] = m.inputShape;
    return this.service.call('summary', {
      arch: m.id,
      inputSize: opts.inputSize ?? inputSize,
      width: opts.width ?? 1,
      numClasses: opts.numClasses ?? m.numClasses,
      channels: channels === 1 ? 1 : 3,
    });
  }

  /**
   * How long runs with these settings will train on a dataset (or at what rate per image, with
   * null), from the epochs runs on this machine measured (main/core/estimates.ts).
   */
  async estimateRuns(datasetId: number | null, requests: readonly EstimateRequest[]): Promise<readonly TimeEstimate[]> {
    const size = datasetId === null ? null : datasets.getDataset(this.store, datasetId).split;
    const models = await this.listModels();
    // `auto` is the backend this machine gets (the probe answers once per process).
    const auto = requests.some((r) => r.backend === 'auto') ? (await this.backendReport()).selected.name : null;
    const timings = this.timings.list();
    return requests.map((r) => estimateRun(r, r.backend === 'auto' ? auto! : r.backend, size, timings, models));
  }

  /**
   * How long a study's cells left to run will take: those not yet run, queued or running, and
   * the interrupted and cancelled ones it resumes (their epochs left); failed cells only run
   * again when asked, and are not counted.
   */
  async estimateStudy(studyId: number): Promise<StudyEstimate> {
    const d = await this.studies.getStudy(studyId);
    const runs = new Map(this.queue.runs.listRuns().map((r) => [r.id, r]));
    const left = d.cells.filter((c) => c.status !== 'completed' && c.status !== 'failed');
    const configs = left.map((c) => cellConfig(d.base, d.axes, c.coords, c.seed));
    const estimates = await this.estimateRuns(d.datasetId, configs);
    let source: EstimateSource = 'measured';
    const cells = left.map((c, i) => {
      const e = estimates[i];
      const done = c.runId !== null ? (runs.get(c.runId)?.epochsDone ?? 0) : 0;
      const epoch = e.epochSeconds ?? 0;
      const test = (e.totalSeconds ?? 0) - epoch * configs[i].epochs;
      source = lessCertain(source, e.source);
      return { index: c.index, seconds: epoch * Math.max(0, configs[i].epochs - done) + test, source: e.source };
    });
    return { studyId, cellsLeft: cells.length, totalSeconds: cells.reduce((a, c) => a + c.seconds, 0), source, cells };
  }

  async backendReport(): Promise<BackendReport> {
    this.backendReady ??= this.service.call('backend', {}).then(
      ({ info: selected, maxThreads }) => {
        // The probe runs one tfjs instance; runs on wasm and cpu split their batches over cores.
        if (maxThreads < 2) return { selected };
        return { selected: { ...selected, description: `${selected.description.replace(/, 1 thread\)$/, ')')}; runs train on up to ${maxThreads} threads (data-parallel)` }, trainThreads: maxThreads };
      },
      (e: unknown) => {
        this.backendReady = null;
        throw e;
      },
    );
    return this.backendReady;
  }

  // Pretrained weights (main/weights/ keeps the files; the compute service reads them)

  /** torchvision's ImageNet weights for every variant that takes them, and whether each file is in `<home>/weights/`. */
  async listWeights(): Promise<readonly PretrainedStatus[]> {
    return this.weights.list();
  }

  /**
   * Downloads `arch`'s ImageNet weights into `<home>/weights/` (resuming a cut download; once:
   * a file already there is only checked; a download under way for a run is joined) and returns
   * the file and its SHA-256, pushing `weights-progress` events. Without network the error says
   * where to put the file by hand.
   */
  async downloadWeights(arch: string, onProgress?: (p: DownloadProgress) => void): Promise<{ readonly file: string; readonly sha256: string }> {
    const { file, sha256 } = await this.weights.ensure(arch, onProgress);
    return { file, sha256 };
  }

  /**
   * Writes the whole ImageNet model of `arch` from `source` — `imagenet` (torchvision's file,
   * downloaded if needed) or the path of a torchvision state dict — in TensorFlow.js layers
   * format with `metadata.json`, built in the compute service; returns the files and the weights.
   */
  async convertWeights(
    arch: string,
    source: string,
    outDir: string,
    opts: { readonly inputSize?: number; readonly softmax?: boolean; readonly onProgress?: (p: DownloadProgress) => void } = {},
  ): Promise<{ readonly files: readonly string[]; readonly weights: RunWeights; readonly inputSize: number }> {
    const entry = pretrainedEntryFor(arch);
    const model = await this.catalog.get(arch);
    const inputSize = opts.inputSize ?? model.inputShape[0];
    if (!Number.isInteger(inputSize) || inputSize < model.minInputSize) throw new Error(`${arch} needs an input of at least ${model.minInputSize}×${model.minInputSize} pixels (got ${inputSize}).`);
    let weights: RunWeights;
    if (source === 'imagenet') {
      const got = await this.weights.ensure(arch, opts.onProgress);
      weights = { source: 'imagenet', title: entry.title, file: got.file, sha256: got.sha256 };
    } else {
      const resolved = await resolveRunWeights({ arch, pretrained: source }, this.store.home);
      if (!resolved) throw new Error('convert needs weights: imagenet or the path of a torchvision state dict.');
      weights = resolved;
    }
    const target = path.resolve(outDir);
    const files = await this.service.call('convertWeights', { arch, file: weights.file, outDir: target, inputSize, softmax: opts.softmax ?? false, title: weights.title, sha256: weights.sha256 });
    return { files, weights, inputSize };
  }

  // Runs

  async startRun(datasetId: number, config: TrainConfig, opts: { name?: string; queue?: boolean; flagOf?: (field: string) => string } = {}): Promise<RunSummary> {
    const ds = datasets.getDataset(this.store, datasetId);
    assertValidConfig(config, { trainCount: ds.split.train, models: await this.listModels() }, opts.flagOf);
    const id = this.queue.runs.createRun(datasetId, config, opts.name);
    this.queue.enqueue(id);
    this.listeners.emit({ kind: 'runs-changed' });
    return this.queue.runs.getRun(id);
  }

  async cancelRun(runId: number): Promise<void> {
    this.queue.cancel(runId);
  }

  async resumeRun(runId: number): Promise<RunSummary> {
    const r = this.queue.resume(runId);
    this.listeners.emit({ kind: 'runs-changed' });
    return r;
  }

  async listRuns(): Promise<readonly RunSummary[]> {
    return this.queue.runs.listRuns();
  }

  async getRun(runId: number): Promise<RunDetail> {
    return this.queue.runs.detail(runId);
  }

  async updateRun(runId: number, patch: { name?: string; notes?: string; tags?: readonly string[] }): Promise<RunSummary> {
    const r = this.queue.runs.update(runId, patch);
    this.listeners.emit({ kind: 'runs-changed' });
    return r;
  }

  /**
   * Deletes a run and its files. A run this process trains or queues is cancelled first (and
   * its worker waited for); one that another live process trains is refused, with its pid.
   */
  async deleteRun(runId: number): Promise<void> {
    this.queue.runs.getRun(runId);
    // A run on Slurm: its task is cancelled there (scancel) and forgotten here.
    if (this.queue.runs.isOnScheduler(runId)) await this.slurm.dropRun(runId);
    const status = this.queue.runs.statusOf(runId);
    if (status === 'running' || status === 'queued') await this.queue.stop(runId);
    this.queue.runs.delete(runId);
    this.listeners.emit({ kind: 'runs-changed' });
  }

  async runSeries(runId: number, keys: readonly string[]): Promise<Readonly<Record<string, readonly (readonly [number, number])[]>>> {
    const out: Record<string, [number, number][]> = {};
    for (const k of keys) out[k] = this.queue.runs.series(runId, k);
    return out;
  }

  async predictions(runId: number): Promise<readonly Prediction[]> {
    return this.queue.runs.detail(runId).predictions;
  }

  /** The checkpoint folder of the weights a run kept (its best epoch, else its last). */
  private keptWeights(runId: number): { readonly dir: string; readonly epoch: number } {
    const ck = this.queue.runs.checkpoint(runId, 'best') ?? this.queue.runs.checkpoint(runId, 'last');
    if (!ck) throw userError('conflict', 'error.noWeights', { id: String(runId) });
    return ck;
  }

  async classifyImage(runId: number, image: Uint8Array): Promise<ClassifyResult> {
    const run = this.queue.runs.getRun(runId);
    const ds = datasets.getDataset(this.store, run.datasetId);
    const { inputSize, channels } = run.config;
    const ck = this.keptWeights(runId);
    let pixels: Buffer;
    try {
      pixels = await decodeSquare(Buffer.from(image), inputSize, channels);
    } catch (e) {
      throw userError('invalid', 'error.cannotClassify', { reason: (e as Error).message });
    }
    const [probabilities] = await this.service.call('classify', { checkpointDir: ck.dir, size: inputSize, channels, images: [new Uint8Array(pixels)] });
    return { classes: ds.classes, probabilities };
  }

  /**
   * Grad-CAM of an image (a file's bytes) for `className`, or the class the run predicts, with
   * the run's kept weights: where in the picture the evidence for that class lies.
   */
  async explainImage(runId: number, image: Uint8Array, className: string | null): Promise<ExplainImageResult> {
    const run = this.queue.runs.getRun(runId);
    const ds = datasets.getDataset(this.store, run.datasetId);
    const { inputSize, channels } = run.config;
    const ck = this.keptWeights(runId);
    const classIndex = className === null ? null : ds.classes.indexOf(className);
    if (classIndex === -1) throw new UserError('invalid', `"${className}" is not a class of run ${runId}; its classes are ${ds.classes.join(', ')}.`);
    let pixels: Buffer;
    try {
      pixels = await decodeSquare(Buffer.from(image), inputSize, channels);
    } catch (e) {
      throw new UserError('invalid', `Cannot explain this file: ${(e as Error).message}.`);
    }
    const cam = await this.service.call('explain', { checkpointDir: ck.dir, size: inputSize, channels, image: new Uint8Array(pixels), classIndex });
    const png = await camOverlayPng(Buffer.from(image), cam);
    return {
      classes: ds.classes,
      probabilities: cam.probabilities,
      className: ds.classes[cam.classIndex],
      layer: cam.layer,
      mapSize: cam.mapSize,
      overlay: `data:image/png;base64,${png.toString('base64')}`,
    };
  }

  /**
   * Writes a run's kept model in TensorFlow.js layers format with a softmax on top, plus
   * `metadata.json` (classes, input size, preprocessing) beside it; returns the file names.
   */
  async exportRun(runId: number, dir: string): Promise<readonly string[]> {
    const run = this.queue.runs.getRun(runId);
    let ck;
    try {
      ck = this.keptWeights(runId);
    } catch {
      throw userError('conflict', 'error.noWeightsToExport', { id: String(runId) });
    }
    const files = await this.service.call('exportModel', { checkpointDir: ck.dir, outDir: dir, name: `${run.arch}_bloombench_${runId}` });
    const ds = datasets.getDataset(this.store, run.datasetId);
    const meta = {
      format: 'tfjs layers-model',
      runId,
      arch: run.arch,
      epoch: ck.epoch,
      classes: ds.classes,
      input: { height: run.config.inputSize, width: run.config.inputSize, channels: run.config.channels },
      preprocessing: 'decode to RGB (or grayscale for 1 channel), resize to height×width ignoring aspect ratio, then x / 127.5 - 1 (values in [-1, 1])',
      output: 'softmax probabilities in the order of `classes`',
      config: run.config,
      testAccuracy: run.testAccuracy,
    };
    fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(meta, null, 2));
    return [...files, 'metadata.json'];
  }

  /** Resolves when the run reaches a final status (completed, failed, cancelled, interrupted). */
  waitForRun(runId: number): Promise<RunSummary> {
    return this.queue.waitFor(runId);
  }

  /** Marks runs left `running` by a process that is gone as interrupted; returns their ids. */
  recoverInterrupted(): number[] {
    return this.queue.recoverInterrupted();
  }

  // Studies: the `StudyApi` verbs, delegated; their events reach `onEvent` (see the constructor).

  createStudy(spec: StudySpec): Promise<StudyDetail> {
    return this.studies.createStudy(spec);
  }
  listStudies(): Promise<readonly StudySummary[]> {
    return this.studies.listStudies();
  }
  getStudy(studyId: number): Promise<StudyDetail> {
    return this.studies.getStudy(studyId);
  }
  async runStudy(studyId: number, opts?: { readonly retryFailed?: boolean }): Promise<StudyDetail> {
    // A study on Slurm continues there: its held tasks are released.
    if (this.slurm.hasOpenTasks(studyId)) return this.slurm.controlStudySlurm(studyId, 'release');
    return this.studies.runStudy(studyId, opts);
  }
  async pauseStudy(studyId: number, opts?: { readonly cancelActive?: boolean }): Promise<StudyDetail> {
    // On Slurm: pause holds the pending tasks; pause now cancels them all (scancel).
    if (this.slurm.hasOpenTasks(studyId)) await this.slurm.controlStudySlurm(studyId, opts?.cancelActive ? 'cancel' : 'hold');
    return this.studies.pauseStudy(studyId, opts);
  }
  extendStudy(studyId: number, extension: StudyExtension): Promise<StudyDetail> {
    return this.studies.extendStudy(studyId, extension);
  }
  updateStudy(studyId: number, patch: { readonly name?: string; readonly notes?: string }): Promise<StudySummary> {
    return this.studies.updateStudy(studyId, patch);
  }
  async deleteStudy(studyId: number): Promise<void> {
    if (this.slurm.hasOpenTasks(studyId)) await this.slurm.dropStudy(studyId);
    return this.studies.deleteStudy(studyId);
  }
  studyGrid(studyId: number, opts?: GridOptions): Promise<StudyGrid> {
    return this.studies.studyGrid(studyId, opts);
  }
  studyCurves(studyId: number, opts?: CurveOptions): Promise<StudyCurves> {
    return this.studies.studyCurves(studyId, opts);
  }
  runMetrics(selection: RunSelection): Promise<readonly RunMetrics[]> {
    return this.studies.runMetrics(selection);
  }
  failuresAcrossRuns(selection: RunSelection, opts?: { readonly limit?: number }): Promise<FailuresAcrossRuns> {
    return this.studies.failuresAcrossRuns(selection, opts);
  }
  confusionDiff(runA: number, runB: number): Promise<ConfusionDiff> {
    return this.studies.confusionDiff(runA, runB);
  }
  exportStudy(studyId: number, format: 'csv' | 'markdown', opts?: StudyExportOptions): Promise<string> {
    return this.studies.exportStudy(studyId, format, opts);
  }

  // Studies on Slurm: the `SlurmApi` verbs (shared/contract/slurm.ts).

  submitStudySlurm(studyId: number, settings?: Partial<SlurmSettings>, opts?: { readonly retryFailed?: boolean }): Promise<SlurmSubmission> {
    return this.slurm.submitStudySlurm(studyId, settings, opts);
  }
  collectStudySlurm(studyId: number): Promise<SlurmCollection> {
    return this.slurm.collectStudySlurm(studyId);
  }
  studySlurm(studyId: number): Promise<StudySlurmInfo> {
    return this.slurm.studySlurm(studyId);
  }
  controlStudySlurm(studyId: number, action: 'hold' | 'release' | 'cancel'): Promise<StudyDetail> {
    return this.slurm.controlStudySlurm(studyId, action);
  }

  // Comparing runs and label suspects: the `AnalysisApi` verbs (shared/contract/analysis.ts).

  async compareRuns(runIds: readonly number[]): Promise<RunComparison> {
    return compareRuns(
      this.studies.runs,
      runIds.map((id) => this.queue.runs.getRun(id)),
    );
  }

  async labelSuspects(datasetId: number, opts?: { readonly runIds?: readonly number[]; readonly limit?: number }): Promise<LabelSuspects> {
    const ds = datasets.getDataset(this.store, datasetId);
    return labelSuspects(this.studies.runs, datasetId, ds.classes, { ...opts, duplicates: datasets.getImportReport(this.store, datasetId).duplicates, labels: this.queue.labels.stateAt(datasetId) });
  }

  // Label edits and dataset versions: the `LabelsApi` verbs (shared/contract/labels.ts).

  async labelHistory(datasetId: number): Promise<LabelHistory> {
    return this.queue.labels.history(datasetId);
  }

  async editLabels(datasetId: number, edits: readonly LabelEditRequest[]): Promise<LabelHistory> {
    const h = this.queue.labels.apply(datasetId, edits);
    this.listeners.emit({ kind: 'datasets-changed' });
    return h;
  }

  async retrainRun(runId: number): Promise<number> {
    const old = this.queue.runs.getRun(runId);
    const version = this.queue.labels.version(old.datasetId);
    const run = await this.startRun(old.datasetId, old.config, { name: `${old.name} · dataset v${version}` });
    return run.id;
  }

  /** A study by id or name (a name that matches only ignoring case is accepted too). */
  async resolveStudy(ref: string): Promise<StudySummary> {
    const rec = this.studies.resolve(ref);
    return (await this.listStudies()).find((s) => s.id === rec.id) ?? Promise.reject(new Error(`No study "${ref}".`));
  }

  /** The study a run belongs to, or null. */
  studyOfRun(runId: number): number | null {
    return this.studies.db.studyOfRun(runId);
  }

  /** Resolves when the study stops running (finished, paused, or paused by failures). */
  studySettled(studyId: number): Promise<StudyDetail> {
    return this.studies.settled(studyId);
  }

  /** Stops training (the run is marked interrupted, resumable) and closes the store. */
  async close(): Promise<void> {
    this.slurm.stopWatching();
    await Promise.all([this.queue.close(), this.service.close()]);
    this.store.close();
  }
}
