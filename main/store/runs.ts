/**
 * Runs, their metrics, evaluations, predictions and checkpoints in the run store.
 *
 * Only the core process writes; statements are prepared once per store.
 */
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { TrainConfig } from '../../shared/config';
import type { RunWeights } from '../../shared/pretrained';
import { calibration } from '../../shared/calibration';
import { readStoredConfig } from '../../shared/contract/config';
import { userError } from '../../shared/i18n/error-words';
import type {
  BackendInfo,
  Diagnostic,
  EpochMetrics,
  Evaluation,
  Prediction,
  RunDetail,
  RunStatus,
  RunSummary,
} from '../../shared/types';
import type { Store } from './db';
import { prepareAll } from './sql';
import { describeOwner, ownerAlive, sameOwner, stopOrphanWorkerSync, type RunOwner } from './owner';

interface RunRow {
  id: number;
  name: string;
  dataset_id: number;
  dataset_name: string;
  arch: string;
  status: RunStatus;
  config_json: string;
  backend: string | null;
  backend_json: string | null;
  trainable_params: number | null;
  total_params: number | null;
  macs: number | null;
  created_ms: number;
  started_ms: number | null;
  ended_ms: number | null;
  error: string | null;
  notes: string;
  tags_json: string;
  diagnostics_json: string;
  weights_json: string | null;
  dataset_version: number;
  best_epoch: number | null;
  owner_pid: number | null;
  owner_started: string | null;
  owner_host: string | null;
  owner_queue: string | null;
  worker_pid: number | null;
  worker_started: string | null;
  run_dir: string | null;
  epochs_done: number | null;
  best_val_accuracy: number | null;
  test_accuracy: number | null;
}

const RUN_SELECT = `
  SELECT r.*, d.name AS dataset_name, s.epochs_done, s.best_val_accuracy, s.test_accuracy
  FROM runs r JOIN datasets d ON d.id = r.dataset_id LEFT JOIN run_summary s ON s.run_id = r.id`;

/** Metric keys written per epoch (step = epoch) and per batch (step = global step). */
export const EPOCH_KEYS = {
  trainLoss: 'train_loss',
  trainAccuracy: 'train_accuracy',
  valLoss: 'val_loss',
  valAccuracy: 'val_accuracy',
  learningRate: 'learning_rate',
  seconds: 'epoch_seconds',
  imagesPerSecond: 'images_per_second',
} as const;
export const BATCH_KEYS = ['batch_loss', 'batch_accuracy', 'batch_lr', 'batch_images_per_second'] as const;

function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    arch: r.arch,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    config: readStoredConfig(r.config_json),
    backend: (r.backend as RunSummary['backend']) ?? null,
    epochsDone: r.epochs_done ?? 0,
    bestEpoch: r.best_epoch,
    bestValAccuracy: r.best_val_accuracy,
    testAccuracy: r.test_accuracy,
    trainableParams: r.trainable_params,
    macs: r.macs,
    createdMs: r.created_ms,
    startedMs: r.started_ms,
    endedMs: r.ended_ms,
    error: r.error,
    notes: r.notes,
    tags: JSON.parse(r.tags_json) as string[],
    weights: r.weights_json ? (JSON.parse(r.weights_json) as RunWeights) : null,
    datasetVersion: r.dataset_version,
  };
}

function ownerOf(r: Pick<RunRow, 'owner_pid' | 'owner_started' | 'owner_host' | 'owner_queue'>): RunOwner | null {
  if (r.owner_pid === null || r.owner_host === null || r.owner_queue === null) return null;
  return { pid: r.owner_pid, started: r.owner_started, host: r.owner_host, queue: r.owner_queue };
}

/** Why `claim` did not take a run. */
export type ClaimRefusal =
  | { readonly ok: false; readonly reason: 'gone' }
  | { readonly ok: false; readonly reason: 'owned'; readonly status: RunStatus; readonly owner: RunOwner }
  | { readonly ok: false; readonly reason: 'status'; readonly status: RunStatus }
  | { readonly ok: false; readonly reason: 'scheduler'; readonly status: RunStatus };

/** What the interrupted message of a run whose owner died says. */
export function ownerGoneMessage(owner: RunOwner | null): string {
  return owner
    ? `The Bloombench process that was training this run (${describeOwner(owner)}) ended without finishing it; resume it from its last checkpoint.`
    : 'Bloombench closed while this run was training; resume it from its last checkpoint.';
}

/** Typed access to the run tables of one store. */
export class RunStore {
  private readonly db: Database.Database;
  private readonly runsDir: string;
  private readonly stmts;

  /** `owner`: the run queue that creates and claims runs through this store (none for reading). */
  constructor(
    store: Store,
    private readonly owner: RunOwner | null = null,
  ) {
    this.db = store.db;
    this.runsDir = store.runsDir;
    this.stmts = prepareAll(this.db, {
      insertRun: `INSERT INTO runs (name, dataset_id, arch, status, config_json, seed, created_ms, owner_pid, owner_started, owner_host, owner_queue)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      setRunDir: `UPDATE runs SET run_dir = ? WHERE id = ?`,
      ownerRow: `SELECT status, deleted, run_dir, owner_pid, owner_started, owner_host, owner_queue FROM runs WHERE id = ?`,
      claim: `UPDATE runs SET status = ?, ended_ms = NULL, error = NULL, owner_pid = ?, owner_started = ?, owner_host = ?, owner_queue = ? WHERE id = ?`,
      runningOwners: `SELECT id, owner_pid, owner_started, owner_host, owner_queue, worker_pid, worker_started FROM runs WHERE deleted = 0 AND status = 'running'`,
      setWorker: `UPDATE runs SET worker_pid = ?, worker_started = ? WHERE id = ?`,
      interruptIfUnchanged: `UPDATE runs SET status = 'interrupted', error = ?, ended_ms = ? WHERE id = ? AND status = 'running' AND owner_queue IS ?`,
      deleteCheckpoints: `DELETE FROM checkpoints WHERE run_id = ?`,
      deleteCheckpointsAfter: `DELETE FROM checkpoints WHERE run_id = ? AND epoch > ?`,
      resetSummary: `UPDATE run_summary SET epochs_done = ?, test_accuracy = NULL,
           best_val_accuracy = (SELECT value FROM metrics WHERE run_id = ? AND key = 'val_accuracy' AND step = ?),
           last_train_loss = (SELECT value FROM metrics WHERE run_id = ? AND key = 'train_loss' AND step = ?),
           images_per_second = (SELECT value FROM metrics WHERE run_id = ? AND key = 'images_per_second' AND step = ?)
         WHERE run_id = ?`,
      deleteTestResults: `DELETE FROM evaluations WHERE run_id = ?`,
      insertSummary: `INSERT INTO run_summary (run_id) VALUES (?)`,
      getRun: `${RUN_SELECT} WHERE r.id = ? AND r.deleted = 0`,
      getRunAny: `${RUN_SELECT} WHERE r.id = ?`,
      listRuns: `${RUN_SELECT} WHERE r.deleted = 0 ORDER BY r.id DESC`,
      byStatus: `${RUN_SELECT} WHERE r.deleted = 0 AND r.status = ? ORDER BY r.id`,
      setStatus: `UPDATE runs SET status = ?, error = ?, ended_ms = ? WHERE id = ?`,
      setStarted: `UPDATE runs SET status = 'running', started_ms = COALESCE(started_ms, ?), ended_ms = NULL, error = NULL,
           backend = ?, backend_json = ?, trainable_params = ?, total_params = ?, macs = ? WHERE id = ?`,
      insertMetric: `INSERT OR REPLACE INTO metrics (run_id, key, step, epoch, value, time_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      epochSummary: `UPDATE run_summary SET epochs_done = ?, last_train_loss = ?, images_per_second = ?,
           best_val_accuracy = CASE WHEN ? IS NULL THEN best_val_accuracy ELSE ? END WHERE run_id = ?`,
      setBestEpoch: `UPDATE runs SET best_epoch = ? WHERE id = ?`,
      bestEpochOf: `SELECT best_epoch FROM runs WHERE id = ?`,
      setWeights: `UPDATE runs SET weights_json = ? WHERE id = ?`,
      setDatasetVersion: `UPDATE runs SET dataset_version = ? WHERE id = ?`,
      setDiagnostics: `UPDATE runs SET diagnostics_json = ? WHERE id = ?`,
      getDiagnostics: `SELECT diagnostics_json FROM runs WHERE id = ?`,
      upsertEvaluation: `INSERT OR REPLACE INTO evaluations (run_id, split, epoch, accuracy, loss, classes_json, confusion_json, per_class_json, created_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      testAccuracy: `UPDATE run_summary SET test_accuracy = ? WHERE run_id = ?`,
      deletePredictions: `DELETE FROM predictions WHERE run_id = ?`,
      insertPrediction: `INSERT INTO predictions (run_id, image_id, true_index, predicted_index, confidence, probs_json) VALUES (?, ?, ?, ?, ?, ?)`,
      upsertCheckpoint: `INSERT OR REPLACE INTO checkpoints (run_id, which, epoch, dir, created_ms) VALUES (?, ?, ?, ?, ?)`,
      getCheckpoint: `SELECT epoch, dir FROM checkpoints WHERE run_id = ? AND which = ?`,
      epochMetrics: `SELECT key, step, value FROM metrics WHERE run_id = ? AND step = epoch AND key IN (${Object.values(
        EPOCH_KEYS,
      )
        .map((k) => `'${k}'`)
        .join(',')}) ORDER BY step`,
      series: `SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step`,
      evaluation: `SELECT * FROM evaluations WHERE run_id = ? AND split = ?`,
      predictions: `SELECT p.image_id, p.true_index, p.predicted_index, p.probs_json, i.path
         FROM predictions p JOIN images i ON i.id = p.image_id WHERE p.run_id = ? ORDER BY p.image_id`,
      softDelete: `UPDATE runs SET deleted = 1 WHERE id = ?`,
      rename: `UPDATE runs SET name = ? WHERE id = ?`,
      notes: `UPDATE runs SET notes = ? WHERE id = ?`,
      tags: `UPDATE runs SET tags_json = ? WHERE id = ?`,
      truncateMetrics: `DELETE FROM metrics WHERE run_id = ? AND epoch > ?`,
      onScheduler: `SELECT 1 FROM slurm_tasks WHERE run_id = ? AND collected_ms IS NULL LIMIT 1`,
    });
  }

  /**
   * Creates a queued run owned by this store's queue, with a folder of its own under runs/
   * (`runs/<id>`, or `runs/<id>-2`, … when that exists: a folder left by a lost database is
   * never written into), and returns its id.
   */
  createRun(datasetId: number, config: TrainConfig, name?: string): number {
    const o = this.owner;
    return this.db.transaction(() => {
      const id = Number(
        this.stmts.insertRun.run(name ?? '', datasetId, config.arch, 'queued', JSON.stringify(config), config.seed, Date.now(), o?.pid ?? null, o?.started ?? null, o?.host ?? null, o?.queue ?? null)
          .lastInsertRowid,
      );
      if (!name) this.stmts.rename.run(`${config.arch}-${id}`, id);
      this.stmts.insertSummary.run(id);
      this.stmts.setRunDir.run(this.newRunDir(id), id);
      return id;
    })();
  }

  /** Makes a folder for run `id` that did not exist before; returns its name under runs/. */
  private newRunDir(id: number): string {
    fs.mkdirSync(this.runsDir, { recursive: true });
    for (let n = 1; ; n++) {
      const name = n === 1 ? String(id) : `${id}-${n}`;
      try {
        fs.mkdirSync(path.join(this.runsDir, name));
        return name;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }

  /** The absolute folder of a run's files (checkpoints); runs made before schema 5 use runs/<id>. */
  runDir(id: number): string {
    const row = this.stmts.ownerRow.get(id) as { run_dir: string | null } | undefined;
    return path.join(this.runsDir, row?.run_dir ?? String(id));
  }

  /** Who queued or trains a run (null for runs made before schema 5, or never claimed). */
  ownerOfRun(id: number): RunOwner | null {
    const row = this.stmts.ownerRow.get(id) as RunRow | undefined;
    return row ? ownerOf(row) : null;
  }

  /**
   * Takes a run for this store's queue and sets its status to `to`, atomically (one immediate
   * transaction, so two processes cannot both take it): only from a status in `from`, and only
   * if it is not queued or training under another owner that is alive.
   */
  claim(id: number, to: 'queued' | 'running', from: readonly RunStatus[]): { readonly ok: true } | ClaimRefusal {
    const me = this.owner;
    if (!me) throw new Error('This run store has no owner to claim runs for.');
    return this.db
      .transaction((): { readonly ok: true } | ClaimRefusal => {
        const row = this.stmts.ownerRow.get(id) as (RunRow & { deleted: number }) | undefined;
        if (!row || row.deleted) return { ok: false, reason: 'gone' };
        // A Slurm task holds it (main/slurm): never the local queue's.
        if (this.isOnScheduler(id)) return { ok: false, reason: 'scheduler', status: row.status };
        const owner = ownerOf(row);
        const active = row.status === 'queued' || row.status === 'running';
        if (active && owner && !sameOwner(owner, me) && ownerAlive(owner)) return { ok: false, reason: 'owned', status: row.status, owner };
        if (!from.includes(row.status)) return { ok: false, reason: 'status', status: row.status };
        this.stmts.claim.run(to, me.pid, me.started, me.host, me.queue, id);
        return { ok: true };
      })
      .immediate();
  }

  /** The live owner of a queued or training run if it is not this store's queue; else null. */
  liveOtherOwner(id: number): { readonly owner: RunOwner; readonly status: RunStatus } | null {
    const row = this.stmts.ownerRow.get(id) as (RunRow & { deleted: number }) | undefined;
    if (!row || row.deleted || (row.status !== 'queued' && row.status !== 'running')) return null;
    const owner = ownerOf(row);
    if (!owner || (this.owner && sameOwner(owner, this.owner)) || !ownerAlive(owner)) return null;
    return { owner, status: row.status };
  }

  /** Records the worker process that trains a run (its id and start time). */
  setWorker(id: number, pid: number, started: string | null): void {
    this.stmts.setWorker.run(pid, started, id);
  }

  /**
   * Marks every run left `running` by an owner that is gone as interrupted (resumable); returns
   * their ids. A worker such an owner left behind is stopped first, so that it cannot write
   * into the checkpoints a resume reads. Cheap: one indexed query and one look at /proc per
   * training run.
   */
  interruptOrphans(): number[] {
    const rows = this.stmts.runningOwners.all() as (RunRow & { id: number })[];
    const ids: number[] = [];
    for (const r of rows) {
      // A run on Slurm is not this machine's: its task may still be training on a node.
      if (this.isOnScheduler(r.id)) continue;
      const owner = ownerOf(r);
      if (owner && ownerAlive(owner)) continue;
      if (r.worker_pid !== null && !stopOrphanWorkerSync(r.worker_pid, r.worker_started)) continue;
      // Only if nobody took it meanwhile (its owner is still the dead one).
      if (this.stmts.interruptIfUnchanged.run(ownerGoneMessage(owner), Date.now(), r.id, r.owner_queue).changes) ids.push(r.id);
    }
    return ids;
  }

  /** Whether a run exists and is not deleted, and its status. */
  statusOf(id: number): RunStatus | null {
    const row = this.stmts.ownerRow.get(id) as { status: RunStatus; deleted: number } | undefined;
    return row && !row.deleted ? row.status : null;
  }

  getRun(id: number): RunSummary {
    const row = this.stmts.getRun.get(id) as RunRow | undefined;
    if (!row) throw userError('not-found', 'error.noRun', { id: String(id) });
    return toSummary(row);
  }

  /** A run's summary even when it was deleted; null if there never was such a run. */
  findRun(id: number): RunSummary | null {
    const row = this.stmts.getRunAny.get(id) as RunRow | undefined;
    return row ? toSummary(row) : null;
  }

  listRuns(): RunSummary[] {
    return (this.stmts.listRuns.all() as RunRow[]).map(toSummary);
  }

  runsWithStatus(status: RunStatus): RunSummary[] {
    return (this.stmts.byStatus.all(status) as RunRow[]).map(toSummary);
  }

  /** Records the backend and sizes a run started with (`atMs`: when, if not now — a collected bundle's time). */
  markStarted(id: number, backend: BackendInfo, counts: { trainableParams: number; totalParams: number; macs: number }, atMs: number = Date.now()): void {
    this.stmts.setStarted.run(
      atMs,
      backend.name,
      JSON.stringify(backend),
      counts.trainableParams,
      counts.totalParams,
      counts.macs,
      id,
    );
  }

  /** Records the weights a run starts from (null: from scratch). */
  /** Records the dataset version (label edits, main/datasets/labels.ts) the run trains on. */
  setDatasetVersion(id: number, version: number): void {
    this.stmts.setDatasetVersion.run(version, id);
  }

  setWeights(id: number, weights: RunWeights | null): void {
    this.stmts.setWeights.run(weights ? JSON.stringify(weights) : null, id);
  }

  /** Sets a run's status (`atMs`: when it ended, if not now — a collected bundle's time). */
  setStatus(id: number, status: RunStatus, error: string | null = null, atMs: number = Date.now()): void {
    const ended = status === 'running' || status === 'queued' ? null : atMs;
    this.stmts.setStatus.run(status, error, ended, id);
  }

  /** Records a batch of batch-level metrics in one transaction. */
  addBatchMetrics(id: number, rows: readonly { step: number; epoch: number; loss: number; accuracy: number; lr: number; ips: number }[]): void {
    const now = Date.now();
    this.db.transaction(() => {
      for (const r of rows) {
        this.stmts.insertMetric.run(id, 'batch_loss', r.step, r.epoch, finiteOrNull(r.loss), now);
        this.stmts.insertMetric.run(id, 'batch_accuracy', r.step, r.epoch, r.accuracy, now);
        this.stmts.insertMetric.run(id, 'batch_lr', r.step, r.epoch, r.lr, now);
        this.stmts.insertMetric.run(id, 'batch_images_per_second', r.step, r.epoch, r.ips, now);
      }
    })();
  }

  /** Records an epoch's metrics and updates the summary (and the best epoch when `best`). */
  addEpoch(id: number, m: EpochMetrics, best: boolean): void {
    const now = Date.now();
    this.db.transaction(() => {
      for (const [field, key] of Object.entries(EPOCH_KEYS)) {
        const v = m[field as keyof typeof EPOCH_KEYS];
        this.stmts.insertMetric.run(id, key, m.epoch, m.epoch, v === null ? null : finiteOrNull(v), now);
      }
      this.stmts.epochSummary.run(m.epoch, finiteOrNull(m.trainLoss), m.imagesPerSecond, best ? m.valAccuracy : null, m.valAccuracy, id);
      if (best) this.stmts.setBestEpoch.run(m.epoch, id);
    })();
  }

  /**
   * True while a scheduler outside this process holds the run (a Slurm task not collected yet):
   * the local queue neither marks it interrupted nor trains it.
   */
  isOnScheduler(id: number): boolean {
    return this.stmts.onScheduler.get(id) !== undefined;
  }

  /**
   * Rewinds a run to the end of `epoch`, the epoch of the checkpoint it resumes from: drops the
   * metrics, diagnostics, checkpoint rows and test results of later epochs, and sets its best
   * epoch (`bestEpoch`, from that checkpoint's state; when not given, the recorded best epoch
   * if it is not later) and summary back to what they were then.
   */
  truncateAfterEpoch(id: number, epoch: number, bestEpoch?: number | null): void {
    this.db.transaction(() => {
      const recorded = (this.stmts.bestEpochOf.get(id) as { best_epoch: number | null } | undefined)?.best_epoch ?? null;
      const wanted = bestEpoch === undefined ? recorded : bestEpoch;
      this.stmts.truncateMetrics.run(id, epoch);
      this.stmts.deleteCheckpointsAfter.run(id, epoch);
      this.stmts.deleteTestResults.run(id);
      this.stmts.deletePredictions.run(id);
      const best = wanted !== null && wanted <= epoch ? wanted : null;
      this.stmts.setBestEpoch.run(best, id);
      this.stmts.resetSummary.run(epoch, id, best, id, epoch, id, epoch, id);
      const row = this.stmts.getDiagnostics.get(id) as { diagnostics_json: string } | undefined;
      if (row) {
        const kept = (JSON.parse(row.diagnostics_json) as Diagnostic[]).filter((d) => d.epoch <= epoch);
        this.stmts.setDiagnostics.run(JSON.stringify(kept), id);
      }
    })();
  }

  addDiagnostic(id: number, d: Diagnostic): void {
    const row = this.stmts.getDiagnostics.get(id) as { diagnostics_json: string };
    const list = JSON.parse(row.diagnostics_json) as Diagnostic[];
    if (list.some((x) => x.kind === d.kind && x.epoch === d.epoch)) return;
    list.push(d);
    this.stmts.setDiagnostics.run(JSON.stringify(list), id);
  }

  /** Stores the test evaluation and every test image's probabilities. */
  saveEvaluation(
    id: number,
    ev: Evaluation,
    predictions: readonly { imageId: number; trueIndex: number; probabilities: readonly number[] }[],
  ): void {
    this.db.transaction(() => {
      this.stmts.upsertEvaluation.run(
        id,
        ev.split,
        ev.epoch,
        ev.accuracy,
        finiteOrNull(ev.loss) ?? -1,
        JSON.stringify(ev.classes),
        JSON.stringify(ev.confusion),
        JSON.stringify(ev.perClass),
        Date.now(),
      );
      if (ev.split === 'test') {
        this.stmts.testAccuracy.run(ev.accuracy, id);
        this.stmts.deletePredictions.run(id);
        for (const p of predictions) {
          let best = 0;
          for (let i = 1; i < p.probabilities.length; i++) if (p.probabilities[i] > p.probabilities[best]) best = i;
          this.stmts.insertPrediction.run(
            id,
            p.imageId,
            p.trueIndex,
            best,
            p.probabilities[best],
            JSON.stringify(p.probabilities.map((x) => Math.round(x * 1e6) / 1e6)),
          );
        }
      }
    })();
  }

  saveCheckpoint(id: number, which: 'last' | 'best', epoch: number, dir: string): void {
    this.stmts.upsertCheckpoint.run(id, which, epoch, dir, Date.now());
  }

  checkpoint(id: number, which: 'last' | 'best'): { epoch: number; dir: string } | undefined {
    return this.stmts.getCheckpoint.get(id, which) as { epoch: number; dir: string } | undefined;
  }

  epochs(id: number): EpochMetrics[] {
    const rows = this.stmts.epochMetrics.all(id) as { key: string; step: number; value: number | null }[];
    const byEpoch = new Map<number, Record<string, number | null>>();
    for (const r of rows) {
      const e = byEpoch.get(r.step) ?? {};
      e[r.key] = r.value;
      byEpoch.set(r.step, e);
    }
    return [...byEpoch.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([epoch, e]) => ({
        epoch,
        trainLoss: e[EPOCH_KEYS.trainLoss] ?? NaN,
        trainAccuracy: e[EPOCH_KEYS.trainAccuracy] ?? 0,
        valLoss: e[EPOCH_KEYS.valLoss] ?? null,
        valAccuracy: e[EPOCH_KEYS.valAccuracy] ?? null,
        learningRate: e[EPOCH_KEYS.learningRate] ?? 0,
        seconds: e[EPOCH_KEYS.seconds] ?? 0,
        imagesPerSecond: e[EPOCH_KEYS.imagesPerSecond] ?? 0,
      }));
  }

  /** `[step, value]` pairs of one metric key. */
  series(id: number, key: string): [number, number][] {
    return (this.stmts.series.all(id, key) as { step: number; value: number | null }[])
      .filter((r) => r.value !== null)
      .map((r) => [r.step, r.value as number]);
  }

  evaluation(id: number, split: 'test' | 'val' = 'test'): Evaluation | null {
    const r = this.stmts.evaluation.get(id, split) as
      | { split: 'test'; epoch: number; accuracy: number; loss: number; classes_json: string; confusion_json: string; per_class_json: string }
      | undefined;
    if (!r) return null;
    return {
      split: r.split,
      epoch: r.epoch,
      accuracy: r.accuracy,
      loss: r.loss,
      classes: JSON.parse(r.classes_json),
      confusion: JSON.parse(r.confusion_json),
      perClass: JSON.parse(r.per_class_json),
    };
  }

  predictions(id: number, classes: readonly string[]): Prediction[] {
    const rows = this.stmts.predictions.all(id) as {
      image_id: number;
      true_index: number;
      predicted_index: number;
      probs_json: string;
      path: string;
    }[];
    return rows.map((r) => ({
      imageId: r.image_id,
      path: r.path,
      trueClass: classes[r.true_index],
      predictedClass: classes[r.predicted_index],
      probabilities: JSON.parse(r.probs_json) as number[],
    }));
  }

  detail(id: number): RunDetail {
    const row = this.stmts.getRun.get(id) as RunRow | undefined;
    if (!row) throw userError('not-found', 'error.noRun', { id: String(id) });
    const summary = toSummary(row);
    const test = this.evaluation(id, 'test');
    const predictions = test ? this.predictions(id, test.classes) : [];
    const index = new Map((test?.classes ?? []).map((c, i) => [c, i]));
    return {
      ...summary,
      runId: id,
      backendInfo: row.backend_json ? (JSON.parse(row.backend_json) as BackendInfo) : null,
      totalParams: row.total_params,
      epochs: this.epochs(id),
      diagnostics: JSON.parse(row.diagnostics_json) as Diagnostic[],
      test,
      predictions,
      calibration: test ? calibration(predictions.map((p) => ({ trueIndex: index.get(p.trueClass)!, probabilities: p.probabilities })), test.classes.length) : null,
    };
  }

  update(id: number, patch: { name?: string; notes?: string; tags?: readonly string[] }): RunSummary {
    this.getRun(id);
    this.db.transaction(() => {
      if (patch.name !== undefined) this.stmts.rename.run(patch.name, id);
      if (patch.notes !== undefined) this.stmts.notes.run(patch.notes, id);
      if (patch.tags !== undefined) this.stmts.tags.run(JSON.stringify([...new Set(patch.tags)]), id);
    })();
    return this.getRun(id);
  }

  /**
   * Deletes a run: first its files (checkpoints: that is the space a delete frees, and on a full
   * disk it makes room for the row update), then its checkpoint rows; the run row is kept,
   * marked deleted (its metrics stay until the store is compacted). The caller makes sure no
   * worker is writing into the folder.
   */
  delete(id: number): void {
    this.getRun(id);
    fs.rmSync(this.runDir(id), { recursive: true, force: true });
    this.db.transaction(() => {
      this.stmts.deleteCheckpoints.run(id);
      this.stmts.softDelete.run(id);
    })();
  }
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
