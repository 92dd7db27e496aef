/**
 * Whole epochs, as a user waits for them: a real run (forked worker, the cache on disk, the
 * app's threads: auto) of a bench model for two epochs, and where the second epoch's time went —
 * reading the cache, preparing batches, the steps, the replicas' batch-norm statistics,
 * validation (the worker's `phases`), and the checkpoint written after it (the time from its
 * `epoch-end` event to its last `checkpoint` event). PyTorch trains the same images, split and
 * batch from the same cache file beside it (`bench/torch_bench.py --epoch-job`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type TrainConfig } from '../shared/config';
import type { EpochPhases, Split } from '../shared/types';
import { Workstation } from '../main/core/workstation';
import { ensureCache, type CacheInfo } from '../main/datasets/cache';
import type { Store } from '../main/store/db';
import type { BenchModelSpec } from './spec';

/** The measured epoch (the last of the run: the first pays for warm-up and weight layouts). */
export interface EpochResult {
  readonly model: string;
  readonly epoch: number;
  readonly trainImages: number;
  readonly valImages: number;
  /** The worker's `seconds`: the steps and validation. */
  readonly seconds: number;
  readonly phases: EpochPhases | null;
  /** Writing the last (and best) checkpoint after the epoch. */
  readonly checkpointSeconds: number;
  /** The threads the run trained on (the backend's description says). */
  readonly backend: string;
}

/** What the PyTorch side reads: the cache file and the records of each split, with their labels. */
export interface EpochJob {
  readonly cache: string;
  readonly size: number;
  readonly channels: 1 | 3;
  readonly train: { readonly records: number[]; readonly labels: number[] };
  readonly val: { readonly records: number[]; readonly labels: number[] };
}

/** The run's settings: the model's input and width, batch `batch`, Adam, no augmentation. */
function epochConfig(spec: BenchModelSpec, batch: number, epochs: number): TrainConfig {
  return { ...DEFAULT_CONFIG, arch: spec.arch, inputSize: spec.inputSize, channels: spec.channels, width: spec.width, batchSize: batch, optimizer: 'adam', augment: [], epochs, backend: 'wasm' };
}

/** The cache records of one split and their labels, as the run queue hands them to a worker (no label edits). */
export function splitRecords(cache: CacheInfo, name: Split): EpochJob['train'] {
  const records: number[] = [];
  const labels: number[] = [];
  cache.records.forEach((r, i) => {
    if (r.split !== name) return;
    records.push(i);
    labels.push(r.classIndex);
  });
  return { records, labels };
}

/** Writes the job file for `torch_bench.py --epoch-job` (into `dir`) and returns its path. */
export async function writeEpochJob(store: Store, datasetId: number, spec: BenchModelSpec, dir: string): Promise<string> {
  const cache = await ensureCache(store, datasetId, spec.inputSize, spec.channels);
  const job: EpochJob = { cache: cache.file, size: cache.size, channels: cache.channels, train: splitRecords(cache, 'train'), val: splitRecords(cache, 'val') };
  const file = path.join(dir, `epoch-job-${spec.id}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  return file;
}

/** Trains `spec` for `epochs` epochs as a real run and returns the last epoch's breakdown. */
export async function measureEpochs(store: Store, datasetId: number, spec: BenchModelSpec, batch: number, epochs = 2): Promise<EpochResult> {
  const ws = new Workstation(store, { recover: false });
  try {
    const run = await ws.startRun(datasetId, epochConfig(spec, batch, epochs), { name: `bench epochs ${spec.id}` });
    let last: { epoch: number; seconds: number; phases: EpochPhases | null; endedMs: number; checkpointMs: number } | null = null;
    let backend = '';
    await new Promise<void>((resolve, reject) => {
      const off = ws.onEvent((e) => {
        if (!('runId' in e) || e.runId !== run.id) return;
        if (e.kind === 'started') backend = e.backend.description;
        if (e.kind === 'epoch-end') last = { epoch: e.metrics.epoch, seconds: e.metrics.seconds, phases: e.metrics.phases ?? null, endedMs: Date.now(), checkpointMs: Date.now() };
        if (e.kind === 'checkpoint' && last && e.epoch === last.epoch) last.checkpointMs = Date.now();
        if (e.kind === 'status' && ['cancelled', 'completed', 'failed'].includes(e.status)) {
          off();
          if (e.status === 'completed') resolve();
          else reject(new Error(`bench epochs of ${spec.id}: the run ${e.status}${e.error ? `: ${e.error}` : ''}`));
        }
      });
    });
    if (!last) throw new Error(`bench epochs of ${spec.id}: no epoch ended`);
    const l: { epoch: number; seconds: number; phases: EpochPhases | null; endedMs: number; checkpointMs: number } = last;
    const cache = await ensureCache(store, datasetId, spec.inputSize, spec.channels);
    const count = (s: string): number => cache.records.filter((r) => r.split === s).length;
    return { model: spec.id, epoch: l.epoch, trainImages: count('train'), valImages: count('val'), seconds: l.seconds, phases: l.phases, checkpointSeconds: (l.checkpointMs - l.endedMs) / 1000, backend };
  } finally {
    // Not ws.close(): that closes the store, which the caller keeps using.
    await ws.queue.close();
  }
}

/** A temp folder for the job files; the caller removes it. */
export function epochJobDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-bench-epochs-'));
}
