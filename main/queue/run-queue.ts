/**
 * The run queue in the core: prepares each run's job, starts one training worker at a time,
 * writes what the worker reports to the store, and forwards every event to listeners.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RunEvent } from '../../shared/contract/events';
import type { RunSummary } from '../../shared/types';
import { ensureCache } from '../datasets/cache';
import { checkDatasetFiles, getDataset } from '../datasets/queries';
import type { Store } from '../store/db';
import { RunStore } from '../store/runs';
import { resolveRunWeights } from '../weights/cache';
import { workerEntry } from './compute-service';
import { describeIssues, workerMessageSchema, type WorkerJob, type WorkerRequest } from '../../shared/contract/worker';

interface Active {
  readonly runId: number;
  readonly child: ChildProcess;
  cancelRequested: boolean;
  finalSeen: boolean;
  stderrTail: string;
  batchBuffer: { step: number; epoch: number; loss: number; accuracy: number; lr: number; ips: number }[];
  lastFlush: number;
}

interface Pending {
  readonly runId: number;
  readonly resume: { dir: string; epoch: number } | null;
}

export class RunQueue {
  readonly runs: RunStore;
  private readonly queue: Pending[] = [];
  private active: Active | null = null;
  /** The run being prepared (cache, job) before its worker exists: the queue is busy already. */
  private starting: number | null = null;
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private readonly waiters = new Map<number, ((r: RunSummary) => void)[]>();
  private closed = false;

  constructor(private readonly store: Store) {
    this.runs = new RunStore(store);
  }

  /** Runs left `running` by a process that died are marked interrupted (resumable). */
  recoverInterrupted(): number[] {
    // A run on Slurm is not this process's: its task may still be training on a node.
    const ids = this.runs.runsWithStatus('running').map((r) => r.id).filter((id) => !this.runs.isOnScheduler(id));
    for (const id of ids) {
      this.runs.setStatus(id, 'interrupted', 'Bloombench closed while this run was training; resume it from its last checkpoint.');
    }
    return ids;
  }

  /** Re-queues runs that were waiting when the app last closed. */
  requeueWaiting(): void {
    for (const r of this.runs.runsWithStatus('queued')) if (!this.runs.isOnScheduler(r.id)) this.enqueue(r.id);
  }

  onEvent(listener: (e: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The run that is training now, if any. */
  get activeRunId(): number | null {
    return this.active?.runId ?? null;
  }

  get queuedRunIds(): number[] {
    return this.queue.map((p) => p.runId);
  }

  /** Adds a queued run; it starts when the worker is free. */
  enqueue(runId: number, resume: { dir: string; epoch: number } | null = null): void {
    if (this.queue.some((p) => p.runId === runId) || (this.active?.runId === runId && !this.active.finalSeen)) return;
    this.queue.push({ runId, resume });
    this.pump();
  }

  /** Resolves when the run reaches a final status. */
  waitFor(runId: number): Promise<RunSummary> {
    const r = this.runs.getRun(runId);
    if (!['queued', 'running'].includes(r.status)) return Promise.resolve(r);
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  /** Stops a run: mid-epoch if it is training, at once if it is waiting. */
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
    if (r.status === 'queued' || r.status === 'running') this.finish(runId, 'cancelled', null);
  }

  /** Puts an interrupted, failed or cancelled run back in the queue from its last checkpoint. */
  resume(runId: number): RunSummary {
    const r = this.runs.getRun(runId);
    if (r.status === 'completed') throw new Error(`Run ${runId} already completed; start a new run to train more.`);
    if (r.status === 'running' || r.status === 'queued') throw new Error(`Run ${runId} is already ${r.status}.`);
    const ck = this.runs.checkpoint(runId, 'last');
    if (!ck || !fs.existsSync(path.join(ck.dir, 'model.json'))) {
      throw new Error(`Run ${runId} has no checkpoint to resume from (it stopped before its first epoch ended).`);
    }
    this.runs.truncateAfterEpoch(runId, ck.epoch);
    this.runs.setStatus(runId, 'queued', null);
    this.enqueue(runId, { dir: ck.dir, epoch: ck.epoch });
    this.emit({ kind: 'status', runId, status: 'queued', error: null });
    return this.runs.getRun(runId);
  }

  /** Stops everything: the training run is marked interrupted so it can be resumed. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    const a = this.active;
    if (a) {
      const exited = new Promise<void>((r) => a.child.once('exit', () => r()));
      a.child.kill('SIGKILL');
      await exited;
    }
  }

  private emit(e: RunEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken view must not stop training.
      }
    }
  }

  private finish(runId: number, status: 'completed' | 'failed' | 'cancelled' | 'interrupted', error: string | null): void {
    this.runs.setStatus(runId, status, error);
    this.emit({ kind: 'status', runId, status, error });
    const summary = this.runs.getRun(runId);
    for (const w of this.waiters.get(runId) ?? []) w(summary);
    this.waiters.delete(runId);
  }

  private pump(): void {
    if (this.active || this.starting !== null || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.starting = next.runId;
    this.startWorker(next)
      .catch((e: Error) => {
        this.active = null;
        this.finish(next.runId, 'failed', e.message);
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
    if (check.missing.length) {
      const list = check.missing.slice(0, 5).join(', ');
      throw new Error(
        `The dataset "${dataset.name}" has ${check.missing.length} missing file(s) since it was imported (${list}${check.missing.length > 5 ? ', …' : ''}). Was ${dataset.root} moved? Import it again from its new place.`,
      );
    }
    this.emit({ kind: 'log', runId, level: 'info', message: `Preparing the ${config.inputSize}px cache of "${dataset.name}"…` });
    const cache = await ensureCache(this.store, dataset.id, config.inputSize, config.channels);
    // Pretrained weights: downloaded once into <home>/weights/ (progress as log lines), hashed, recorded.
    const weights = await resolveRunWeights(config, this.store.home, (message) => this.emit({ kind: 'log', runId, level: 'info', message }));
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
      runDir: path.join(this.store.runsDir, String(runId)),
      resume,
      weights,
    };
    cache.records.forEach((rec, i) => {
      const part = job[rec.split];
      part.records.push(i);
      part.labels.push(rec.classIndex);
      if (rec.split === 'test') job.test.imageIds.push(rec.imageId);
    });
    return job;
  }

  private async startWorker(p: Pending): Promise<void> {
    const runId = p.runId;
    this.runs.setStatus(runId, 'running', null);
    this.emit({ kind: 'status', runId, status: 'running', error: null });
    const job = await this.prepareJob(runId, p.resume);
    // Cancelled (or the app closed) while the cache was being prepared.
    if (this.closed || this.runs.getRun(runId).status !== 'running') return;
    fs.mkdirSync(job.runDir, { recursive: true });
    const entry = workerEntry('worker');
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const a: Active = { runId, child, cancelRequested: false, finalSeen: false, stderrTail: '', batchBuffer: [], lastFlush: Date.now() };
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
    this.runs.addBatchMetrics(a.runId, a.batchBuffer);
    a.batchBuffer = [];
    a.lastFlush = Date.now();
  }

  private onWorkerMessage(a: Active, raw: unknown): void {
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
        if (e.status === 'completed' || e.status === 'failed' || e.status === 'cancelled') {
          this.flushBatches(a);
          a.finalSeen = true;
          this.finish(a.runId, e.status, e.error);
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
    this.emit(e);
  }

  private onWorkerExit(a: Active, code: number | null, signal: NodeJS.Signals | null): void {
    this.flushBatches(a);
    if (!a.finalSeen) {
      if (this.closed) {
        this.finish(a.runId, 'interrupted', 'Bloombench closed while this run was training; resume it from its last checkpoint.');
      } else if (a.cancelRequested) {
        this.finish(a.runId, 'cancelled', null);
      } else {
        const how = signal ? `was killed (${signal}${signal === 'SIGKILL' ? ', possibly out of memory' : ''})` : `exited with code ${code}`;
        const tail = a.stderrTail.trim().split('\n').slice(-6).join('\n');
        this.finish(a.runId, 'failed', `The training worker ${how}.${tail ? `\n${tail}` : ''}`);
      }
    }
    if (this.active === a) this.active = null;
    this.pump();
  }
}
