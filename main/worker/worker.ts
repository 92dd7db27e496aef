/**
 * Entry point of a training worker: a child process that trains one run and streams typed
 * events to the core over IPC. It never touches the database.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunEvent } from '../../shared/contract/events';
import { describeIssues, workerRequestSchema, type WorkerMessage } from '../../shared/contract/worker';
import { runTraining } from './trainer';

// Production mode: no per-op debug checks, and no "install tfjs-node" banner on stdout.
tf.enableProdMode();

// Ctrl-C and a closed terminal reach the whole process group: the core decides (it cancels the
// run, which keeps its checkpoints), and the worker stops when told or when the core is gone.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

let cancelled = false;
let started = false;

let pending = 0;
let drained: (() => void) | null = null;

function send(event: RunEvent): void {
  const msg: WorkerMessage = { type: 'event', event };
  if (!process.send || !process.connected) return;
  pending++;
  process.send(msg, undefined, {}, () => {
    pending--;
    if (pending === 0 && drained) drained();
  });
}

/** Resolves once every message sent so far has been handed to the core. */
function allSent(): Promise<void> {
  return pending === 0 ? Promise.resolve() : new Promise((r) => (drained = r));
}

process.on('message', (raw: unknown) => {
  const parsed = workerRequestSchema.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`bloombench worker: refused a malformed message: ${describeIssues(parsed.error)}\n`);
    return;
  }
  const req = parsed.data;
  if (req.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (started) return;
  started = true;
  const runId = req.job.runId;
  runTraining(req.job, { emit: send, cancelled: () => cancelled })
    .catch((e: unknown) => {
      const err = e as Error & { code?: unknown };
      // A full disk is not the run's fault: it is interrupted, resumable once there is room.
      const diskFull = err.code === 'ENOSPC' || err.code === 'EDQUOT';
      send({ kind: 'status', runId, status: diskFull ? 'interrupted' : 'failed', error: err.message || String(e) });
      if (!diskFull) process.stderr.write(`${err.stack ?? err}\n`);
    })
    .finally(async () => {
      await allSent();
      if (process.connected) process.disconnect();
      // tfjs backends can keep handles open; the run is over, so leave explicitly.
      process.exit(0);
    });
});

process.on('disconnect', () => {
  // The core went away: stop at the next step boundary and exit.
  cancelled = true;
  setTimeout(() => process.exit(0), 100).unref();
});
