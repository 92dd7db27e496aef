/**
 * Entry point of a Slurm task (or any headless run): trains the job in a run bundle folder and
 * writes everything it would have sent the core into that folder — events as JSON lines,
 * checkpoints, and a status file that says how far it got. It never opens the database.
 *
 * Usage: node bundle-task.js <bundle folder>
 *
 * Slurm stops a task with SIGTERM and, `KillWait` seconds later (30 by default), SIGKILL
 * (slurm.conf(5), "KillWait"). On SIGTERM the status says `terminated` at once; the trainer
 * stops at its next step and the task exits, its last checkpoint intact (checkpoints are
 * written to a temporary folder and renamed). Exit codes: 0 completed, 1 failed, 3 the bundle
 * or the dataset cache is unreadable on this node, 143 terminated.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../../shared/contract/events';
import { BUNDLE_FILES, BUNDLE_FORMAT, bundleEventLine, bundleJobSchema, type BundleJob, type BundleStatus } from '../../shared/contract/slurm';
import { describeIssues, type WorkerJob } from '../../shared/contract/worker';
import { runTraining } from './trainer';

tf.enableProdMode();

/**
 * The CPUs Slurm gave the task (`--cpus-per-task`, else those of its allocation on this node).
 * Where the node does not pin tasks (TaskPlugin=task/none) the process still sees every core,
 * so training threads in `auto` mode would crowd the other tasks: count only the task's own.
 */
export function slurmCpus(env: NodeJS.ProcessEnv = process.env): number | null {
  for (const key of ['SLURM_CPUS_PER_TASK', 'SLURM_CPUS_ON_NODE']) {
    const n = Number(env[key]);
    if (Number.isInteger(n) && n >= 1) return n;
  }
  return null;
}

const allotted = slurmCpus();
if (allotted !== null) {
  const seen = os.availableParallelism();
  os.availableParallelism = () => Math.min(seen, allotted);
}

/** Writes a file whole or not at all (a temporary file renamed into place). */
function writeAtomicSync(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Reads and checks `job.json`; throws a message naming the file and the field. */
export function readBundleJobSync(bundleDir: string): BundleJob {
  const file = path.join(bundleDir, BUNDLE_FILES.job);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read the task's job ${file} on ${os.hostname()}: ${(e as Error).message}`);
  }
  const parsed = bundleJobSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not a Bloombench run bundle job: ${describeIssues(parsed.error)}`);
  return parsed.data as BundleJob;
}

/** What this node cannot read of a job's inputs (the cache file, the checkpoint to resume). */
export function missingInputsSync(job: WorkerJob): string[] {
  const missing: string[] = [];
  const records = job.train.records.length + job.val.records.length + job.test.records.length;
  try {
    fs.accessSync(job.cache.file, fs.constants.R_OK);
    const size = fs.statSync(job.cache.file).size;
    let highest = -1;
    for (const part of [job.train.records, job.val.records, job.test.records]) for (const r of part) if (r > highest) highest = r;
    if (size < (highest + 1) * job.cache.recordBytes) {
      missing.push(`the dataset cache ${job.cache.file} is ${size} bytes, shorter than its ${records} records (${(highest + 1) * job.cache.recordBytes} bytes)`);
    }
  } catch (e) {
    missing.push(`the dataset cache ${job.cache.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (job.resume) {
    const model = path.join(job.resume.dir, 'model.json');
    if (!fs.existsSync(model)) missing.push(`the checkpoint to resume from, ${model}`);
  }
  return missing;
}

/** Trains the bundle's job; resolves with the process exit code. */
export async function runBundle(bundleDir: string): Promise<number> {
  const dir = path.resolve(bundleDir);
  const statusFile = path.join(dir, BUNDLE_FILES.status);
  const now = Date.now();
  const slurmJobId = process.env.SLURM_ARRAY_JOB_ID && process.env.SLURM_ARRAY_TASK_ID ? `${process.env.SLURM_ARRAY_JOB_ID}_${process.env.SLURM_ARRAY_TASK_ID}` : (process.env.SLURM_JOB_ID ?? null);
  let bundle: BundleJob;
  try {
    bundle = readBundleJobSync(dir);
  } catch (e) {
    process.stderr.write(`bloombench task: ${(e as Error).message}\n`);
    return 3;
  }
  let status: BundleStatus = {
    format: BUNDLE_FORMAT,
    runId: bundle.runId,
    attempt: bundle.attempt,
    state: 'running',
    node: os.hostname(),
    pid: process.pid,
    slurmJobId,
    startedMs: now,
    updatedMs: now,
    epochsDone: bundle.job.resume?.epoch ?? 0,
    checkpointEpoch: bundle.job.resume?.epoch ?? null,
    signal: null,
    error: null,
  };
  const writeStatus = (patch: Partial<BundleStatus>): void => {
    status = { ...status, ...patch, updatedMs: Date.now() };
    writeAtomicSync(statusFile, `${JSON.stringify(status, null, 2)}\n`);
  };
  const missing = missingInputsSync(bundle.job);
  if (missing.length) {
    const error = `Node ${os.hostname()} cannot read ${missing.join('; ')}. The nodes must see the home folder and the dataset cache at the same paths as the machine that submitted.`;
    writeStatus({ state: 'failed', error });
    process.stderr.write(`bloombench task: ${error}\n`);
    return 3;
  }
  // One events file per attempt; a rerun by hand of the same attempt starts it again.
  const events = fs.openSync(path.join(dir, BUNDLE_FILES.events(bundle.attempt)), 'w');
  let terminated: NodeJS.Signals | null = null;
  let final: RunEvent | null = null;
  const emit = (e: RunEvent): void => {
    // Written straight to the file (no buffer), so a SIGKILL loses at most the line in flight.
    fs.writeSync(events, bundleEventLine(e));
    if (e.kind === 'epoch-end') writeStatus({ epochsDone: e.metrics.epoch });
    else if (e.kind === 'checkpoint' && e.which === 'last') writeStatus({ checkpointEpoch: e.epoch });
    else if (e.kind === 'status' && e.status !== 'queued' && e.status !== 'running') final = e;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (terminated) return;
    terminated = signal;
    // Said at once: the SIGKILL that follows may leave no time for anything else.
    writeStatus({ state: 'terminated', signal });
    process.stderr.write(`bloombench task: ${signal} received; stopping at the next step (last checkpoint: epoch ${status.checkpointEpoch ?? 'none'}).\n`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGUSR1', onSignal);
  writeStatus({});
  try {
    await runTraining({ ...bundle.job, runDir: dir }, { emit, cancelled: () => terminated !== null });
  } catch (e) {
    const err = e as Error;
    const message = err.message || String(e);
    emit({ kind: 'status', runId: bundle.runId, status: 'failed', error: message });
    process.stderr.write(`${err.stack ?? message}\n`);
  } finally {
    fs.fsyncSync(events);
    fs.closeSync(events);
  }
  const last = final as RunEvent | null;
  if (terminated) {
    writeStatus({ state: 'terminated', signal: terminated });
    return 143;
  }
  if (last?.kind === 'status' && last.status === 'completed') {
    writeStatus({ state: 'completed' });
    return 0;
  }
  if (last?.kind === 'status' && last.status === 'cancelled') {
    writeStatus({ state: 'cancelled' });
    return 1;
  }
  writeStatus({ state: 'failed', error: last?.kind === 'status' ? last.error : 'The trainer stopped without a final status.' });
  return 1;
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('Usage: bundle-task <bundle folder>\n');
    process.exit(2);
  }
  runBundle(dir).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bloombench task: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
