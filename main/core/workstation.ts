/**
 * The core facade: the workstation's `Api` implemented over the store, the dataset importer,
 * the model zoo and the run queue. The Electron shell, the HTTP server and the CLI all use it.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { AppEvent, Api, BackendReport, ClassifyResult, ImageRef } from '../../shared/contract/api';
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
import { initBackend } from '../compute/backend';
import { importImageFolder } from '../datasets/import';
import { decodeSquare } from '../datasets/decode';
import * as datasets from '../datasets/queries';
import { writeSampleDataset } from '../datasets/sample';
import { listVariants, modelInfo } from '../models/registry';
import type { Store } from '../store/db';
import { loadModel } from '../worker/checkpoint';
import { maxAutoThreads } from '../worker/data-parallel';
import { RunQueue } from '../queue/run-queue';
import { Studies } from '../studies/studies';
import { normalize } from '../worker/trainer';
import { assertValidConfig } from '../queue/validate-config';

export const SAMPLE_DATASET_NAME = 'Sample shapes';

/** Everything below the UI, behind the one `Api` interface. */
export class Workstation implements Api {
  readonly queue: RunQueue;
  /** Studies (grids of runs) and their result views; see `shared/studies.ts`. */
  readonly studies: Studies;
  private readonly listeners = new Set<(e: AppEvent) => void>();
  private modelsCache: readonly ModelInfo[] | null = null;
  private backendReady: Promise<BackendReport> | null = null;
  private readonly loaded = new Map<number, Promise<tf.LayersModel>>();

  constructor(
    readonly store: Store,
    opts: { recover?: boolean } = {},
  ) {
    this.queue = new RunQueue(store);
    this.queue.onEvent((e) => {
      this.emit(e);
      if (e.kind === 'status' || e.kind === 'epoch-end' || e.kind === 'started') this.emit({ kind: 'runs-changed' });
    });
    if (opts.recover ?? true) {
      this.queue.recoverInterrupted();
      this.queue.requeueWaiting();
    }
    // After the queue's recovery, so that a study that was running continues where it stopped.
    this.studies = new Studies(store, this.queue, { recover: opts.recover ?? true });
    this.studies.onStudyEvent((e) => this.emit(e));
  }

  private emit(e: AppEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // One broken listener must not starve the others.
      }
    }
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Datasets

  async listDatasets(): Promise<readonly DatasetSummary[]> {
    return datasets.listDatasets(this.store);
  }

  async importDataset(folder: string, name?: string): Promise<ImportReport> {
    const report = await importImageFolder(this.store, folder, {
      name,
      onProgress: (done, total) => this.emit({ kind: 'import-progress', folder, done, total }),
    });
    this.emit({ kind: 'datasets-changed' });
    return report;
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
      throw new Error(`Dataset ${datasetId} is used by ${used.length} run(s) (${used.slice(0, 3).map((r) => r.name).join(', ')}); delete those runs first.`);
    }
    datasets.deleteDataset(this.store, datasetId);
    this.emit({ kind: 'datasets-changed' });
  }

  /** Absolute path of an imported image, for the image protocol and endpoint (by id only). */
  imageFile(imageId: number): string {
    return datasets.imageFile(this.store, imageId);
  }

  // Models and backends

  async listModels(): Promise<readonly ModelInfo[]> {
    this.modelsCache ??= listVariants().map((v) => modelInfo(v.id));
    return this.modelsCache;
  }

  async backendReport(): Promise<BackendReport> {
    this.backendReady ??= initBackend('auto').then((selected) => {
      // The probe runs one tfjs instance; runs on wasm and cpu split their batches over cores.
      const threads = maxAutoThreads(selected.name);
      if (threads < 2) return { selected };
      return { selected: { ...selected, description: `${selected.description.replace(/, 1 thread\)$/, ')')}; runs train on up to ${threads} threads (data-parallel)` } };
    });
    return this.backendReady;
  }

  // Runs

  async startRun(datasetId: number, config: TrainConfig, opts: { name?: string; queue?: boolean } = {}): Promise<RunSummary> {
    const ds = datasets.getDataset(this.store, datasetId);
    assertValidConfig(config, { trainCount: ds.split.train });
    const id = this.queue.runs.createRun(datasetId, config, opts.name);
    this.queue.enqueue(id);
    this.emit({ kind: 'runs-changed' });
    return this.queue.runs.getRun(id);
  }

  async cancelRun(runId: number): Promise<void> {
    this.queue.cancel(runId);
  }

  async resumeRun(runId: number): Promise<RunSummary> {
    const r = this.queue.resume(runId);
    this.emit({ kind: 'runs-changed' });
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
    this.emit({ kind: 'runs-changed' });
    return r;
  }

  async deleteRun(runId: number): Promise<void> {
    const r = this.queue.runs.getRun(runId);
    if (r.status === 'running' || r.status === 'queued') this.queue.cancel(runId);
    this.queue.runs.delete(runId);
    this.loaded.delete(runId);
    this.emit({ kind: 'runs-changed' });
  }

  async runSeries(runId: number, keys: readonly string[]): Promise<Readonly<Record<string, readonly (readonly [number, number])[]>>> {
    const out: Record<string, [number, number][]> = {};
    for (const k of keys) out[k] = this.queue.runs.series(runId, k);
    return out;
  }

  async predictions(runId: number): Promise<readonly Prediction[]> {
    return this.queue.runs.detail(runId).predictions;
  }

  /** The model a finished run kept (its best epoch), loaded once. */
  private modelOf(runId: number): Promise<tf.LayersModel> {
    let p = this.loaded.get(runId);
    if (!p) {
      const ck = this.queue.runs.checkpoint(runId, 'best') ?? this.queue.runs.checkpoint(runId, 'last');
      if (!ck) throw new Error(`Run ${runId} has no saved weights yet (it has not finished an epoch).`);
      p = this.backendReport().then(() => loadModel(ck.dir));
      this.loaded.set(runId, p);
      p.catch(() => this.loaded.delete(runId));
    }
    return p;
  }

  async classifyImage(runId: number, image: Uint8Array): Promise<ClassifyResult> {
    const run = this.queue.runs.getRun(runId);
    const ds = datasets.getDataset(this.store, run.datasetId);
    const { inputSize, channels } = run.config;
    let pixels: Buffer;
    try {
      pixels = await decodeSquare(Buffer.from(image), inputSize, channels);
    } catch (e) {
      throw new Error(`Cannot classify this file: ${(e as Error).message}.`);
    }
    const model = await this.modelOf(runId);
    const probs = tf.tidy(() => {
      const x = normalize(tf.div(tf.tensor4d(Float32Array.from(pixels), [1, inputSize, inputSize, channels]), 255));
      const out = model.predict(x) as tf.Tensor | tf.Tensor[];
      return tf.softmax((Array.isArray(out) ? out[0] : out) as tf.Tensor2D);
    });
    const probabilities = Array.from(await probs.data());
    probs.dispose();
    return { classes: ds.classes, probabilities };
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
  runStudy(studyId: number, opts?: { readonly retryFailed?: boolean }): Promise<StudyDetail> {
    return this.studies.runStudy(studyId, opts);
  }
  pauseStudy(studyId: number, opts?: { readonly cancelActive?: boolean }): Promise<StudyDetail> {
    return this.studies.pauseStudy(studyId, opts);
  }
  extendStudy(studyId: number, extension: StudyExtension): Promise<StudyDetail> {
    return this.studies.extendStudy(studyId, extension);
  }
  updateStudy(studyId: number, patch: { readonly name?: string; readonly notes?: string }): Promise<StudySummary> {
    return this.studies.updateStudy(studyId, patch);
  }
  deleteStudy(studyId: number): Promise<void> {
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

  /** Stops training (the run is marked interrupted, resumable) and closes the store. */
  async close(): Promise<void> {
    await this.queue.close();
    for (const p of this.loaded.values()) p.then((m) => m.dispose()).catch(() => undefined);
    this.store.close();
  }
}
