/**
 * What training took on this machine: per run, the setting that decides its speed and the
 * median of its epochs' wall-clock seconds, for the time estimates (main/core/estimates.ts).
 *
 * Only runs this machine trained count: not the runs a Slurm cluster trained into bundles,
 * nor runs another host trained in a home shared with it. Deleted runs count (their epochs
 * were measured all the same) as long as their metrics are still stored.
 */
import os from 'node:os';
import type { BackendName } from '../../shared/config';
import { readStoredConfig } from '../../shared/contract/config';
import type { Store } from './db';
import { prepareAll } from './sql';

/** One run's measured speed. */
export interface RunTiming {
  readonly runId: number;
  readonly arch: string;
  readonly backend: BackendName;
  readonly inputSize: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly batchSize: number;
  /** Images its epochs trained on, and validated. */
  readonly trainImages: number;
  readonly valImages: number;
  /** The median of its epochs' seconds (training and validation), and how many epochs that is of. */
  readonly epochSeconds: number;
  readonly epochs: number;
  readonly endedMs: number | null;
}

interface Row {
  id: number;
  arch: string;
  backend: string;
  config_json: string;
  train_n: number;
  val_n: number;
  ended_ms: number | null;
  started_ms: number | null;
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The measured speed of every run this machine trained. */
export class RunTimings {
  private readonly stmts;

  constructor(store: Store) {
    this.stmts = prepareAll(store.db, {
      runs: `
        SELECT r.id, r.arch, r.backend, r.config_json, r.ended_ms, r.started_ms,
          (SELECT COUNT(*) FROM images i WHERE i.dataset_id = r.dataset_id AND i.status = 'ok' AND i.split = 'train') AS train_n,
          (SELECT COUNT(*) FROM images i WHERE i.dataset_id = r.dataset_id AND i.status = 'ok' AND i.split = 'val') AS val_n
        FROM runs r
        WHERE r.backend IS NOT NULL
          AND (r.owner_host IS NULL OR r.owner_host = ?)
          AND NOT EXISTS (SELECT 1 FROM slurm_tasks t WHERE t.run_id = r.id)
          AND EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id AND m.key = 'epoch_seconds')`,
      epochs: `SELECT run_id, value FROM metrics WHERE key = 'epoch_seconds' AND step = epoch AND value > 0 ORDER BY run_id, step`,
    });
  }

  /** Every measured run, newest first. */
  list(): RunTiming[] {
    const seconds = new Map<number, number[]>();
    for (const r of this.stmts.epochs.all() as { run_id: number; value: number }[]) {
      const list = seconds.get(r.run_id);
      if (list) list.push(r.value);
      else seconds.set(r.run_id, [r.value]);
    }
    const out: RunTiming[] = [];
    for (const r of this.stmts.runs.all(os.hostname()) as Row[]) {
      const epochs = seconds.get(r.id);
      if (!epochs?.length || r.train_n === 0) continue;
      const c = readStoredConfig(r.config_json);
      out.push({
        runId: r.id,
        arch: r.arch,
        backend: r.backend as BackendName,
        inputSize: c.inputSize,
        width: c.width,
        channels: c.channels,
        batchSize: c.batchSize,
        trainImages: r.train_n,
        valImages: r.val_n,
        // The first epoch pays for warming up (kernels compiled, caches read): left out when there are others.
        epochSeconds: median(epochs.length > 2 ? epochs.slice(1) : epochs),
        epochs: epochs.length,
        endedMs: r.ended_ms ?? r.started_ms,
      });
    }
    return out.sort((a, b) => (b.endedMs ?? 0) - (a.endedMs ?? 0) || b.runId - a.runId);
  }
}
