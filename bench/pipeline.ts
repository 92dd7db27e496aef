/**
 * The data side of `npm run bench`: decode + resize speed (the first epoch builds the cache),
 * cached batch reads (later epochs), and the peak resident memory of a real training worker
 * on a dataset and on the same dataset repeated ten times.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type TrainConfig } from '../shared/config';
import { initBackend } from '../main/compute/backend';
import { Workstation } from '../main/core/workstation';
import { ensureCache } from '../main/datasets/cache';
import { CacheReader } from '../main/worker/cache-reader';
import { importImageFolder } from '../main/datasets/import';
import { openStore, type Store } from '../main/store/db';
import { normalize } from '../main/worker/trainer';

/** Decode and cache-read speeds on one dataset. */
export interface PipelineResult {
  readonly images: number;
  readonly size: number;
  readonly channels: 1 | 3;
  /** Import (scan, hash, probe) in seconds; not part of training. */
  readonly importSeconds: number;
  /** Building the cache: decode + resize + write, every image once (the first epoch). */
  readonly decodeImagesPerSecond: number;
  readonly decodeCpuImagesPerSecond: number;
  /** Random batches read from the cache and turned into a normalised float tensor. */
  readonly cachedBatchesPerSecond: number;
  readonly batch: number;
}

/** Peak resident memory of one training worker. */
export interface MemoryResult {
  readonly images: number;
  readonly steps: number;
  readonly peakRssMiB: number;
  readonly cacheFileMiB: number;
  readonly duplicatesFlagged: number;
}

/** A fresh Bloombench home in the temp folder; removed by `cleanup`. */
export function tempHome(): { home: string; store: Store; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-bench-'));
  const store = openStore(home);
  return {
    home,
    store,
    cleanup: () => {
      try {
        store.db.close();
      } catch {
        // already closed
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * A folder with the class sub-folders of `src`, every image linked `times` times (symbolic
 * links, which the importer follows; the copies are flagged as exact duplicates).
 */
export function repeatedFolderSync(src: string, dest: string, times: number): number {
  let n = 0;
  for (const cls of fs.readdirSync(src, { withFileTypes: true })) {
    if (!cls.isDirectory()) continue;
    const out = path.join(dest, cls.name);
    fs.mkdirSync(out, { recursive: true });
    for (const f of fs.readdirSync(path.join(src, cls.name))) {
      const ext = path.extname(f);
      for (let i = 0; i < times; i++) {
        fs.symlinkSync(path.join(src, cls.name, f), path.join(out, `${path.basename(f, ext)}_r${i}${ext}`));
        n++;
      }
    }
  }
  return n;
}

/** Imports `folder` (timed); returns the dataset and how many duplicate groups were flagged. */
export async function importTimed(store: Store, folder: string): Promise<{ datasetId: number; images: number; duplicates: number; importSeconds: number }> {
  const t0 = performance.now();
  const report = await importImageFolder(store, folder, { name: path.basename(folder) });
  return { datasetId: report.datasetId, images: report.total, duplicates: report.duplicates.length, importSeconds: (performance.now() - t0) / 1000 };
}

/** Builds a dataset's cache at size × size × channels (timed) and times random cached batches. */
export async function measurePipeline(store: Store, datasetId: number, importSeconds: number, size: number, channels: 1 | 3, batch: number, batches: number): Promise<PipelineResult> {
  // Batches become tensors on the backend the worker trains on here.
  if (tf.getBackend() !== 'wasm') await initBackend('wasm');
  const cpu = process.cpuUsage();
  const t1 = performance.now();
  const cache = await ensureCache(store, datasetId, size, channels);
  const buildSeconds = (performance.now() - t1) / 1000;
  const used = process.cpuUsage(cpu);
  const n = cache.records.length;
  const reader = new CacheReader(cache.file, cache.recordBytes);
  let rng = 12345;
  const pickBatch = (): number[] =>
    Array.from({ length: batch }, () => {
      rng = (rng * 1103515245 + 12345) >>> 0;
      return rng % n;
    });
  const readOne = (): void => {
    const bytes = new Uint8Array(batch * cache.recordBytes);
    reader.read(pickBatch(), bytes);
    // As the trainer does: uint8 → float in [0, 1] → [-1, 1], on the active backend.
    const f = new Float32Array(bytes.length);
    for (let i = 0; i < f.length; i++) f[i] = bytes[i] / 255;
    const x = tf.tidy(() => normalize(tf.tensor4d(f, [batch, size, size, channels])));
    x.dataSync();
    x.dispose();
  };
  for (let i = 0; i < 5; i++) readOne();
  const t2 = performance.now();
  for (let i = 0; i < batches; i++) readOne();
  const readSeconds = (performance.now() - t2) / 1000;
  reader.close();
  return {
    images: n,
    size,
    channels,
    importSeconds,
    decodeImagesPerSecond: n / buildSeconds,
    decodeCpuImagesPerSecond: n / ((used.user + used.system) / 1e6),
    cachedBatchesPerSecond: batches / readSeconds,
    batch,
  };
}

/** VmHWM (peak resident set) of a process in KiB, or null when it is gone. */
function peakRssKiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Child processes of this process (the training worker), from /proc. */
function childPids(): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Trains `steps` steps of a real run (forked worker, cache on disk) and returns the worker's
 * peak resident memory, sampled from /proc/<pid>/status while it runs.
 */
export async function measureWorkerMemory(store: Store, datasetId: number, images: number, duplicatesFlagged: number, config: Partial<TrainConfig>, steps: number): Promise<MemoryResult> {
  const ws = new Workstation(store, { recover: false });
  const full: TrainConfig = { ...DEFAULT_CONFIG, epochs: 1, backend: 'wasm', ...config };
  const cache = await ensureCache(store, datasetId, full.inputSize, full.channels);
  let peak = 0;
  const workers = new Set<number>();
  const sampler = setInterval(() => {
    for (const pid of childPids()) workers.add(pid);
    for (const pid of workers) peak = Math.max(peak, peakRssKiB(pid) ?? 0);
  }, 50);
  try {
    const run = await ws.startRun(datasetId, full, { name: 'bench memory' });
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      const off = ws.onEvent((e) => {
        if (!('runId' in e) || e.runId !== run.id) return;
        if (e.kind === 'batch' && ++seen === steps) void ws.cancelRun(run.id);
        if (e.kind === 'status' && ['cancelled', 'completed', 'failed'].includes(e.status)) {
          off();
          if (e.status === 'failed') reject(new Error(`bench training run failed: ${e.error ?? ''}`));
          else resolve();
        }
      });
    });
    return { images, steps: seen, peakRssMiB: peak / 1024, cacheFileMiB: fs.statSync(cache.file).size / 2 ** 20, duplicatesFlagged };
  } finally {
    clearInterval(sampler);
    // Not ws.close(): that closes the store, which the caller keeps using.
    await ws.queue.close();
  }
}
