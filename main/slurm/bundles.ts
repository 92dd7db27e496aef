/**
 * Run bundles on the core's side: writing a task's job, and reading back what the task wrote
 * (its status and its events, a few lines at a time while it runs) into the run store through
 * the store's own methods.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runEventSchema, type RunEvent } from '../../shared/contract/events';
import { BUNDLE_FILES, BUNDLE_FORMAT, bundleStatusSchema, type BundleJob, type BundleStatus } from '../../shared/contract/slurm';
import type { WorkerJob } from '../../shared/contract/worker';
import type { RunStore } from '../store/runs';

/** Writes a file whole or not at all. */
function writeAtomicSync(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Writes `job.json` into a bundle folder (created), and drops a status left by an earlier attempt. */
export function writeBundleJobSync(bundleDir: string, meta: { studyId: number; runId: number; attempt: number }, job: WorkerJob): BundleJob {
  fs.mkdirSync(bundleDir, { recursive: true });
  const bundle: BundleJob = { format: BUNDLE_FORMAT, ...meta, submittedMs: Date.now(), job };
  writeAtomicSync(path.join(bundleDir, BUNDLE_FILES.job), `${JSON.stringify(bundle)}\n`);
  fs.rmSync(path.join(bundleDir, BUNDLE_FILES.status), { force: true });
  return bundle;
}

/** The task's status file, or null while there is none (or it is not one of ours). */
export function readBundleStatusSync(bundleDir: string, attempt: number): BundleStatus | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(bundleDir, BUNDLE_FILES.status), 'utf8'));
  } catch {
    return null;
  }
  const parsed = bundleStatusSchema.safeParse(raw);
  if (!parsed.success || parsed.data.attempt !== attempt) return null;
  return parsed.data;
}

/** Events read from an events file, and where the next read starts. */
export interface EventChunk {
  readonly events: RunEvent[];
  /** Byte offset after the last complete line read. */
  readonly offset: number;
  /** Lines that were not valid events (skipped). */
  readonly refused: number;
}

/**
 * Reads the complete lines after `offset`. A line still being written (no newline yet) is left
 * for the next read — unless `final`, when the task is gone and a torn last line is dropped.
 */
export function readEventsSync(bundleDir: string, attempt: number, offset: number, final: boolean): EventChunk {
  const file = path.join(bundleDir, BUNDLE_FILES.events(attempt));
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { events: [], offset, refused: 0 };
  }
  let text: string;
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return { events: [], offset, refused: 0 };
    const buf = Buffer.alloc(size - offset);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    text = buf.subarray(0, got).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
  const end = text.lastIndexOf('\n');
  const complete = end < 0 ? '' : text.slice(0, end + 1);
  const consumed = final ? Buffer.byteLength(text) : Buffer.byteLength(complete);
  const events: RunEvent[] = [];
  let refused = 0;
  for (const line of (final ? text : complete).split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      refused++;
      continue;
    }
    const parsed = runEventSchema.safeParse(raw);
    if (parsed.success) events.push(parsed.data as RunEvent);
    else refused++;
  }
  return { events, offset: offset + consumed, refused };
}

/**
 * Writes a bundle's events to the run store, as the run queue writes a worker's (the same store
 * methods; batches in one call). Status and log events are left to the caller. Returns the
 * last epoch it saw end.
 */
export function importRunEvents(runs: RunStore, runId: number, events: readonly RunEvent[], startedMs: number): number | null {
  let batches: { step: number; epoch: number; loss: number; accuracy: number; lr: number; ips: number }[] = [];
  let lastEpoch: number | null = null;
  const flush = () => {
    if (batches.length) runs.addBatchMetrics(runId, batches);
    batches = [];
  };
  for (const e of events) {
    if (e.runId !== runId) continue;
    switch (e.kind) {
      case 'started':
        runs.markStarted(runId, e.backend, e, startedMs);
        break;
      case 'batch':
        batches.push({ step: e.step, epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, lr: e.learningRate, ips: e.imagesPerSecond });
        break;
      case 'epoch-end':
        flush();
        runs.addEpoch(runId, e.metrics, e.best);
        lastEpoch = e.metrics.epoch;
        break;
      case 'diagnostic':
        runs.addDiagnostic(runId, e.diagnostic);
        break;
      case 'checkpoint':
        runs.saveCheckpoint(runId, e.which, e.epoch, e.dir);
        break;
      case 'evaluation':
        runs.saveEvaluation(runId, e.evaluation, e.predictions);
        break;
      case 'status':
      case 'log':
        break;
    }
  }
  flush();
  return lastEpoch;
}

/** What Slurm wrote into a task's output file about stopping it (`*** JOB 12 ON n3 CANCELLED AT … DUE TO TIME LIMIT ***`). */
export function slurmLogVerdict(logFile: string): string | null {
  let text: string;
  try {
    const fd = fs.openSync(logFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(0, size - 64 * 1024);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      text = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const m = /\*\*\* (?:JOB|STEP) \S+ ON (\S+) CANCELLED AT (\S+)(?: DUE TO ([A-Z ]+?))? \*\*\*/.exec(text);
  if (!m) return null;
  const why = m[3] ? m[3].toLowerCase() : 'a cancel (scancel)';
  return `Slurm's log says it stopped the task on ${m[1]} at ${m[2]} because of ${why}`;
}

/** The last lines of a task's output file (its own errors), for a failed run's message. */
export function logTail(logFile: string, lines = 6): string {
  try {
    const text = fs.readFileSync(logFile, 'utf8');
    return text.trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
