/**
 * The run queue in the core: prepares each run's job, starts one training worker at a time,
 * writes what the worker reports to the store, and forwards every event to listeners.
 *
 * Each queue owns the runs it queues and trains (main/store/owner.ts): it takes a run only
 * when nobody alive owns it, atomically, so one run never has two workers, and a start of
 * another process leaves its runs alone. Nothing a worker reports, and no failure of the
 * database while it is recorded, may stop the process the queue lives in.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isDiskFullError, UserError } from '../../shared/contract/errors';
import { userError } from '../../shared/i18n/error-words';
import type { RunEvent } from '../../shared/contract/events';
import type { RunStatus, RunSummary } from '../../shared/types';
import { ensureCache } from '../datasets/cache';
import { LabelEdits } from '../datasets/labels';
import { checkDatasetFiles, getDataset } from '../datasets/queries';
import type { Store } from '../store/db';
import { describeOwner, newQueueOwner, processStartToken, releaseQueueOwner, sameOwner, type RunOwner } from '../store/owner';
import { RunStore, type ClaimRefusal } from '../store/runs';
import { WeightsFolder } from '../weights/folder';
import { findCheckpointOnDiskSync, readCheckpointSync, removePartialCheckpointsSync, repairBestCheckpointSync, type CheckpointOnDisk } from './checkpoints';
import { forkWorkerProcess } from './compute-service';
import { describeIssues, workerMessageSchema, type WorkerJob, type WorkerRequest } from '../../shared/contract/worker';
import { Listeners } from '../core/listeners';

interface Active {
  readonly runId: number;
  readonly child: ChildProcess;
  readonly runDir: string;
  /** Resolves when the worker process has exited. */
  readonly exited: Promise<void>;
  cancelRequested: boolean;
  finalSeen: boolean;
  /** Set when the store could not record what the worker reported: the run stops with this. */
  storeFailure: string | null;
  stderrTail: string;
  batchBuffer: { step: number; epoch: number; loss: number; accuracy: number; lr: number; ips: number }[];
  lastFlush: number;
}

interface Pending {
  readonly runId: number;
  readonly resume: { dir: string; epoch: number } | null;
}

const FINAL_FROM_WORKER: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];
/** How often the cache's progress is sent while a run is prepared (ms). */
const PROGRESS_EVERY_MS = 200;

/** The refusal of a run that is already queued or training. */
function alreadyActive(runId: number, status: RunStatus): UserError {
  return status === 'queued' ? userError('conflict', 'error.alreadyQueued', { id: String(runId) }) : userError('conflict', 'error.alreadyRunning', { id: String(runId) });
}

/** The message of a run the queue could not take, for a `UserError`. */
function refusalMessage(runId: number, c: ClaimRefusal, doing: string): string {
  switch (c.reason) {
    case 'gone':
      return `No run ${runId} in this store (bloombench runs lists them).`;
    case 'owned':
      return `Run ${runId} is ${c.status === 'running' ? 'training' : 'queued'} in another Bloombench process (${describeOwner(c.owner)}); ${doing} there, or wait until it ends.`;
    case 'status':
      return `Run ${runId} is ${c.status}.`;
    case 'scheduler':
      return `Run ${runId} is ${c.status} on Slurm (a task of its study); ${doing} with the study's Slurm commands, or wait until it is collected.`;
  }
}

export class RunQueue {
  readonly runs: RunStore;
  /** This queue as the owner of its runs. */
  readonly owner: RunOwner;
  private readonly queue: Pending[] = [];
  private active: Active | null = null;
  /** The run being prepared (cache, job) before its worker exists: the queue is busy already. */
  private starting: number | null = null;
  private readonly listeners = new Listeners<RunEvent>();
  private readonly waiters = new Map<number, ((r: RunSummary) => void)[]>();
  /** The last summary read of each run waited for, should the store fail when it ends. */
  private readonly lastKnown = new Map<number, RunSummary>();
  private closed = false;

  /** The weights folder runs from ImageNet download into (shared with the workstation's weights verbs). */
  readonly weights: WeightsFolder;
  /** The datasets' label edits, applied to each job (main/datasets/labels.ts). */
  readonly labels: LabelEdits;

  constructor(
    private readonly store: Store,
    opts: { readonly weights?: WeightsFolder } = {},
  ) {
    this.weights = opts.weights ?? new WeightsFolder(store.home);
    this.owner = newQueueOwner();
    this.runs = new RunStore(store, this.owner);
    this.labels = new LabelEdits(store);
  }

  /**
   * Runs left `running` by a process that is gone (its owner checked, never assumed) are
   * marked interrupted (resumable); returns their ids. Cheap: every start of the CLI does it.
   */
  recoverInterrupted(): number[] {
    // Runs on Slurm are skipped there: their tasks may still be training on a node.
    return this.runs.interruptOrphans();
  }

  /** Re-queues runs that were waiting when their process ended (not those of a live process). */
  requeueWaiting(): void {
    // enqueue claims each: not one on Slurm, nor one another live process owns.
    for (const r of this.runs.runsWithStatus('queued')) this.enqueue(r.id);
  }

  onEvent(listener: (e: RunEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /** The run that is training now, if any. */
  get activeRunId(): number | null {
    return this.active?.runId ?? null;
  }

  get queuedRunIds(): number[] {
    return this.queue.map((p) => p.runId);
  }

  /** True when this queue has the run (waiting, being prepared, or training). */
  has(runId: number): boolean {
    return this.starting === runId || this.active?.runId === runId || this.queue.some((p) => p.runId === runId);
  }

  /**
   * Adds a queued run; it starts when the worker is free. Returns false (and queues nothing)
   * when another live process owns the run, or it is no longer queued.
   */
  enqueue(runId: number, resume: { dir: string; epoch: number } | null = null): boolean {
    if (this.queue.some((p) => p.runId === runId) || (this.active?.runId === runId && !this.active.finalSeen) || this.starting === runId) return true;
    if (!this.runs.claim(runId, 'queued', ['queued']).ok) return false;
    if (resume === null) resume = this.continuation(runId);
    this.queue.push({ runId, resume });
    this.pump();
    return true;
  }

  /**
   * Where a queued run that already trained some epochs continues (one queued by a process
   * that ended, or resumed there): its checkpoint, the later epochs' rows dropped; null to
   * start from scratch.
   */
  private continuation(runId: number): { dir: string; epoch: number } | null {
    if (this.runs.getRun(runId).epochsDone === 0) return null;
    const ck = this.resumePoint(runId);
    if (ck) this.rewindTo(runId, this.runs.runDir(runId), ck);
    else this.runs.truncateAfterEpoch(runId, 0);
    return ck ? { dir: ck.dir, epoch: ck.epoch } : null;
  }

  /** Sets a run's rows and checkpoint folders back to the checkpoint it resumes from. */
  private rewindTo(runId: number, runDir: string, ck: CheckpointOnDisk): void {
    this.runs.truncateAfterEpoch(runId, ck.epoch, ck.bestEpoch);
    const row = this.runs.checkpoint(runId, 'last');
    if (!row || row.dir !== ck.dir || row.epoch !== ck.epoch) this.runs.saveCheckpoint(runId, 'last', ck.epoch, ck.dir);
    const best = repairBestCheckpointSync(runDir, ck);
    if (best && ck.bestEpoch !== null) this.runs.saveCheckpoint(runId, 'best', ck.bestEpoch, best);
  }

  /** Resolves when the run reaches a final status. */
  waitFor(runId: number): Promise<RunSummary> {
    const r = this.runs.getRun(runId);
    if (!['queued', 'running'].includes(r.status)) return Promise.resolve(r);
    this.lastKnown.set(runId, r);
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  /**
   * Stops a run: mid-epoch if it is training, at once if it is waiting. Refuses (a `UserError`)
   * a run that another live process queued or trains.
   */
  cancel(runId: number): void {
    const i = this.queue.findIndex((p) => p.runId === runId);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.finish(runId, 'cancelled', null);
      return;
    }
    const a = this.active;
    if (a && a.runId === runId) {
      a.cancelRequested = true;
      const req: WorkerRequest = { type: 'cancel' };
      if (a.child.connected) a.child.send(req);
      // A worker stuck inside one long step is stopped the hard way.
      setTimeout(() => {
        if (this.active === a) a.child.kill('SIGKILL');
      }, 15000).unref();
      return;
    }
    const r = this.runs.getRun(runId);
    if (r.status !== 'queued' && r.status !== 'running') return;
    if (this.starting !== runId) this.refuseIfOwnedElsewhere(runId, 'stop it');
    this.finish(runId, 'cancelled', null);
  }

  /** Cancels a run and resolves once it is final and its worker (if any) has exited. */
  async stop(runId: number): Promise<void> {
    const a = this.active?.runId === runId ? this.active : null;
    this.cancel(runId);
    await this.waitFor(runId);
    if (a) await a.exited;
  }

  /** Throws a `UserError` if another live process queued or trains the run. */
  private refuseIfOwnedElsewhere(runId: number, doing: string): void {
    const other = this.runs.liveOtherOwner(runId);
    if (other) throw new UserError('conflict', refusalMessage(runId, { ok: false, reason: 'owned', status: other.status, owner: other.owner }, doing));
  }

  /**
   * Where a run resumes from: its last checkpoint row if that folder is complete and the
   * epoch was recorded, else the newest complete checkpoint on disk (the database may have
   * failed to record it, the disk being full).
   */
  resumePoint(runId: number): CheckpointOnDisk | null {
    const r = this.runs.getRun(runId);
    const row = this.runs.checkpoint(runId, 'last');
    const fromRow = row ? readCheckpointSync(row.dir) : null;
    if (fromRow && fromRow.epoch <= r.epochsDone) return fromRow;
    return findCheckpointOnDiskSync(this.runs.runDir(runId), r.epochsDone) ?? fromRow;
  }

  /** Puts an interrupted, failed or cancelled run back in the queue from its last checkpoint. */
  resume(runId: number): RunSummary {
    let r = this.runs.getRun(runId);
    if (r.status === 'completed') throw userError('conflict', 'error.alreadyCompleted', { id: String(runId) });
    if (r.status === 'running' || r.status === 'queued') {
      // Its process may be gone since this one started: check its owner, not its status.
      this.runs.interruptOrphans();
      r = this.runs.getRun(runId);
    }
    if (r.status === 'running' || r.status === 'queued') {
      const owner = this.runs.ownerOfRun(runId);
      if (this.has(runId) || (owner && sameOwner(owner, this.owner))) throw alreadyActive(runId, r.status);
      this.refuseIfOwnedElsewhere(runId, 'resume or stop it');
      // Queued by a process that is gone: this queue takes it (from its checkpoint, if any).
      if (r.status === 'queued' && this.enqueue(runId)) return this.runs.getRun(runId);
      throw alreadyActive(runId, r.status);
    }
    const runDir = this.runs.runDir(runId);
    removePartialCheckpointsSync(runDir);
    const ck = this.resumePoint(runId);
    if (!ck) {
      throw r.epochsDone > 0
        ? userError('conflict', 'error.noCheckpointFiles', { id: String(runId), epoch: String(r.epochsDone), dir: path.join(runDir, 'checkpoints') })
        : userError('conflict', 'error.noCheckpointEarly', { id: String(runId) });
    }
    const c = this.runs.claim(runId, 'queued', ['interrupted', 'failed', 'cancelled']);
    if (!c.ok) throw new UserError('conflict', refusalMessage(runId, c, 'resume it'));
    this.rewindTo(runId, runDir, ck);
    this.runs.setStatus(runId, 'queued', null);
    this.enqueue(runId, { dir: ck.dir, epoch: ck.epoch });
    this.listeners.emit({ kind: 'status', runId, status: 'queued', error: null });
    return this.runs.getRun(runId);
  }

  /** Stops everything: the training run is marked interrupted so it can be resumed. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    const a = this.active;
    if (a) {
      a.child.kill('SIGKILL');
      await a.exited;
    }
    releaseQueueOwner(this.owner);
  }

  /** Tells the views (and the CLI's terminal) about a problem of this process, not the run's. */
  private warn(runId: number, message: string): void {
    this.listeners.emit({ kind: 'log', runId, level: 'warn', message });
  }

  /** What a failure of the store while recording a run says. */
  private storeFailureMessage(e: unknown): string {
    if (isDiskFullError(e)) {
      return `The disk is full: the run store in ${this.store.home} could not record this run's progress. Free some space, then resume the run: it continues from its last complete checkpoint.`;
    }
    return `The run store in ${this.store.home} could not record this run's progress (${(e as Error).message}); resume the run from its last complete checkpoint.`;
  }

  /** Records a run's final status, tells the listeners and the waiters; never throws. */
  private finish(runId: number, status: 'completed' | 'failed' | 'cancelled' | 'interrupted', error: string | null): void {
    let summary: RunSummary | null = null;
    try {
      // A run deleted meanwhile keeps its row as it was.
      if (this.runs.statusOf(runId) !== null) this.runs.setStatus(runId, status, error);
      summary = this.runs.findRun(runId);
    } catch (e) {
      this.warn(
        runId,
        `${isDiskFullError(e) ? 'The disk is full' : `The run store failed (${(e as Error).message})`}: could not record that run ${runId} ${status === 'completed' ? 'completed' : `is ${status}`}; the next start of Bloombench marks it interrupted.`,
      );
    }
    this.listeners.emit({ kind: 'status', runId, status, error });
    const known = summary ?? this.lastKnown.get(runId);
    this.lastKnown.delete(runId);
    const waiters = this.waiters.get(runId) ?? [];
    this.waiters.delete(runId);
    if (known) for (const w of waiters) w({ ...known, status, error });
  }

  private pump(): void {
    if (this.active || this.starting !== null || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.starting = next.runId;
    this.startWorker(next)
      .catch((e: Error) => {
        this.active = null;
        this.finish(next.runId, 'failed', isDiskFullError(e) && !(e instanceof UserError) ? this.storeFailureMessage(e) : e.message);
      })
      .finally(() => {
        this.starting = null;
        // Nothing was started (cancelled while preparing, or failed): take the next run.
        if (!this.active) this.pump();
      });
  }

  /** Builds the job a worker needs: cache file, record indices per split, labels. */
  async prepareJob(runId: number, resume: Pending['resume']): Promise<WorkerJob> {
    const run = this.runs.getRun(runId);
    const config = run.config;
    const dataset = getDataset(this.store, run.datasetId);
    const check = checkDatasetFiles(this.store, dataset.id);
    const some = (list: readonly string[]): string => `${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`;
    if (check.missing.length) {
      throw userError('conflict', 'error.missingFiles', { name: dataset.name, n: check.missing.length, files: some(check.missing), root: dataset.root });
    }
    if (check.changed.length) {
      // Never train on pictures that are not the ones imported (and split, and reported).
      throw userError('conflict', 'error.changedFiles', { name: dataset.name, n: check.changed.length, files: some(check.changed), root: dataset.root });
    }
    this.listeners.emit({ kind: 'log', runId, level: 'info', message: `Preparing the ${config.inputSize}px cache of "${dataset.name}"…` });
    // Decoding a folder into the cache can take minutes: the views show a count, a few times a second.
    let shownMs = 0;
    const cache = await ensureCache(this.store, dataset.id, config.inputSize, config.channels, (done, total) => {
      const now = Date.now();
      if (done !== 0 && done !== total && now - shownMs < PROGRESS_EVERY_MS) return;
      shownMs = now;
      this.listeners.emit({ kind: 'preparing', runId, inputSize: config.inputSize, done, total });
    });
    // Pretrained weights: downloaded once into <home>/weights/ (progress as log lines), hashed, recorded.
    const weights = await this.weights.resolveRun(config, (message) => this.listeners.emit({ kind: 'log', runId, level: 'info', message }));
    // A resumed run keeps the record of the weights it started from (its checkpoint holds the rest).
    if (!resume || !run.weights) this.runs.setWeights(runId, weights);
    const job: WorkerJob = {
      runId,
      config,
      classes: [...dataset.classes],
      cache: { file: cache.file, size: cache.size, channels: cache.channels, recordBytes: cache.recordBytes },
      train: { records: [], labels: [] },
      val: { records: [], labels: [] },
      test: { records: [], labels: [], imageIds: [] },
      runDir: this.runs.runDir(runId),
      resume,
      weights,
    };
    // Label edits: a fresh run takes the newest dataset version and records it; a resumed one
    // keeps the version it started on. Excluded images are left out of their split.
    const version = resume ? run.datasetVersion : this.labels.version(dataset.id);
    if (!resume) this.runs.setDatasetVersion(runId, version);
    const edited = this.labels.stateAt(dataset.id, version);
    cache.records.forEach((rec, i) => {
      const edit = edited.get(rec.imageId);
      if (edit?.excluded) return;
      const part = job[rec.split];
      part.records.push(i);
      part.labels.push(edit ? edit.classIndex : rec.classIndex);
      if (rec.split === 'test') job.test.imageIds.push(rec.imageId);
    });
    if (version > 0) this.listeners.emit({ kind: 'log', runId, level: 'info', message: `Dataset version ${version}: ${[...edited.values()].filter((e) => e.excluded).length} image(s) excluded, ${[...edited.values()].filter((e) => !e.excluded).length} relabelled.` });
    return job;
  }

  private async startWorker(p: Pending): Promise<void> {
    const runId = p.runId;
    // Taken atomically: if another process took it meanwhile, or it was cancelled, skip it.
    if (!this.runs.claim(runId, 'running', ['queued']).ok) return;
    this.listeners.emit({ kind: 'status', runId, status: 'running', error: null });
    const job = await this.prepareJob(runId, p.resume);
    // Cancelled or deleted (or the app closed) while the cache was being prepared.
    if (this.closed || this.runs.statusOf(runId) !== 'running') return;
    fs.mkdirSync(job.runDir, { recursive: true });
    const child = forkWorkerProcess('worker');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Recorded so that a later start can stop this worker if this process dies before it does.
    if (child.pid !== undefined) this.runs.setWorker(runId, child.pid, processStartToken(child.pid));
    const a: Active = { runId, child, runDir: job.runDir, exited, cancelRequested: false, finalSeen: false, storeFailure: null, stderrTail: '', batchBuffer: [], lastFlush: Date.now() };
    this.active = a;
    child.stderr?.on('data', (d: Buffer) => {
      a.stderrTail = (a.stderrTail + d.toString()).slice(-4000);
    });
    child.on('message', (raw: unknown) => this.onWorkerMessage(a, raw));
    child.on('exit', (code, signal) => this.onWorkerExit(a, code, signal));
    child.on('error', (e) => {
      a.stderrTail += `\n${e.message}`;
    });
    const req: WorkerRequest = { type: 'start', job };
    child.send(req);
  }

  private flushBatches(a: Active): void {
    if (!a.batchBuffer.length) return;
    const rows = a.batchBuffer;
    a.batchBuffer = [];
    a.lastFlush = Date.now();
    this.runs.addBatchMetrics(a.runId, rows);
  }

  /** The store failed while recording the run: stop its worker; the run ends interrupted. */
  private storeFailed(a: Active, e: unknown): void {
    if (a.storeFailure !== null) return;
    a.storeFailure = this.storeFailureMessage(e);
    // The run ends with this message (onWorkerExit).
    a.child.kill('SIGKILL');
  }

  private onWorkerMessage(a: Active, raw: unknown): void {
    try {
      this.recordWorkerMessage(a, raw);
    } catch (e) {
      this.storeFailed(a, e);
    }
  }

  private recordWorkerMessage(a: Active, raw: unknown): void {
    if (a.storeFailure !== null || a.finalSeen) return;
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      a.stderrTail += `\nrefused a malformed worker message: ${describeIssues(parsed.error)}`;
      return;
    }
    const e = parsed.data.event as RunEvent;
    if (e.runId !== a.runId) return;
    switch (e.kind) {
      case 'started':
        this.runs.markStarted(a.runId, e.backend, e);
        break;
      case 'batch':
        a.batchBuffer.push({ step: e.step, epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, lr: e.learningRate, ips: e.imagesPerSecond });
        if (Date.now() - a.lastFlush > 1000) this.flushBatches(a);
        break;
      case 'epoch-end':
        this.flushBatches(a);
        this.runs.addEpoch(a.runId, e.metrics, e.best);
        // Deleted by someone else meanwhile: there is nobody to train it for.
        if (this.runs.statusOf(a.runId) === null && !a.cancelRequested) this.cancel(a.runId);
        break;
      case 'diagnostic':
        this.runs.addDiagnostic(a.runId, e.diagnostic);
        break;
      case 'checkpoint':
        this.runs.saveCheckpoint(a.runId, e.which, e.epoch, e.dir);
        break;
      case 'evaluation':
        this.runs.saveEvaluation(a.runId, e.evaluation, e.predictions);
        break;
      case 'status':
        if (FINAL_FROM_WORKER.includes(e.status)) {
          a.finalSeen = true;
          try {
            this.flushBatches(a);
          } finally {
            this.finish(a.runId, e.status as 'completed' | 'failed' | 'cancelled' | 'interrupted', e.error);
          }
          // The worker exits by itself after its last message; make sure it does.
          setTimeout(() => {
            if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
          }, 5000).unref();
          return;
        }
        break;
      case 'log':
        break;
    }
    this.listeners.emit(e);
  }

  private onWorkerExit(a: Active, code: number | null, signal: NodeJS.Signals | null): void {
    try {
      try {
        this.flushBatches(a);
      } catch (e) {
        if (a.storeFailure === null) a.storeFailure = this.storeFailureMessage(e);
      }
      // The worker is gone: what it left half-written goes (a full disk gets its room back).
      try {
        removePartialCheckpointsSync(a.runDir);
      } catch {
        // Left for the next resume, which cleans up again.
      }
      if (!a.finalSeen) {
        if (a.storeFailure !== null) {
          this.finish(a.runId, 'interrupted', a.storeFailure);
        } else if (this.closed) {
          this.finish(a.runId, 'interrupted', 'Bloombench closed while this run was training; resume it from its last checkpoint.');
        } else if (a.cancelRequested) {
          this.finish(a.runId, 'cancelled', null);
        } else if (signal && signal !== 'SIGKILL') {
          this.finish(a.runId, 'interrupted', `The training worker was stopped (${signal}); resume the run from its last checkpoint.`);
        } else {
          const how = signal ? `was killed (${signal}, possibly out of memory)` : `exited with code ${code}`;
          const tail = a.stderrTail.trim().split('\n').slice(-6).join('\n');
          this.finish(a.runId, 'failed', `The training worker ${how}.${tail ? `\n${tail}` : ''}`);
        }
      }
    } catch (e) {
      this.warn(a.runId, `Could not record the end of its training worker: ${(e as Error).message}`);
    } finally {
      if (this.active === a) this.active = null;
      this.pump();
    }
  }
}
