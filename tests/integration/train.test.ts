/**
 * End to end below the UI: import a generated folder, train on the wasm backend in a real
 * worker process, and read the run back from the SQLite file.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Workstation } from '../../main/core/workstation';
import { readModelArtifactsSync } from '../../main/worker/checkpoint';
import type { TrainConfig } from '../../shared/config';
import type { RunEvent } from '../../shared/contract/events';
import { makeImageFolder } from '../fixtures/images';
import { SMALL_LENET } from '../fixtures/configs';
import { openTempHome, removeTempHome } from '../fixtures/homes';

let home: string;
let ws: Workstation;
let datasetId: number;

beforeAll(async () => {
  ({ home, ws } = openTempHome('bb-int-'));
  const folder = (await makeImageFolder(path.join(home, 'shapes'), { classes: 5, perClass: 40, size: 32 })).root;
  const report = await ws.importDataset(folder, 'shapes');
  datasetId = report.datasetId;
  expect(report.classes).toHaveLength(5);
});

afterAll(() => removeTempHome(home, ws));

const small: TrainConfig = { ...SMALL_LENET, augment: ['flip'], seed: 7 };

/** Resolves at the first batch of `epoch` that run `runId` reports. */
function batchOfEpoch(runId: number, epoch: number): Promise<void> {
  return new Promise((resolve) => {
    const off = ws.onEvent((e) => {
      if (e.kind === 'batch' && e.runId === runId && e.epoch === epoch) {
        off();
        resolve();
      }
    });
  });
}

describe('training a run end to end', () => {
  it('trains two epochs on wasm, stores metrics and a test evaluation above chance', async () => {
    const events: RunEvent[] = [];
    const off = ws.onEvent((e) => {
      if ('runId' in e) events.push(e);
    });
    const run = await ws.startRun(datasetId, small);
    const final = await ws.queue.waitFor(run.id);
    off();
    expect(final.error).toBeNull();
    expect(final.status).toBe('completed');

    const kinds = new Set(events.map((e) => e.kind));
    for (const k of ['started', 'batch', 'epoch-end', 'checkpoint', 'evaluation', 'status']) expect(kinds).toContain(k);
    const started = events.find((e) => e.kind === 'started');
    expect(started?.kind === 'started' && started.backend.name).toBe('wasm');
    // Each epoch says where its time went: the phases add up to (a little under) its seconds.
    for (const e of events) {
      if (e.kind !== 'epoch-end') continue;
      const p = e.metrics.phases;
      expect(p).toBeDefined();
      const parts = Object.values(p!);
      for (const v of parts) expect(v).toBeGreaterThanOrEqual(0);
      expect(p!.step).toBeGreaterThan(0);
      expect(p!.validate).toBeGreaterThan(0);
      const sum = parts.reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(e.metrics.seconds + 0.01);
      expect(sum).toBeGreaterThan(e.metrics.seconds * 0.5);
    }

    // Read back through a separate connection to the real file.
    const db = new Database(path.join(home, 'store', 'bloombench.db'), { readonly: true });
    const row = db.prepare('SELECT status, backend, best_epoch FROM runs WHERE id = ?').get(run.id) as { status: string; backend: string; best_epoch: number };
    expect(row).toMatchObject({ status: 'completed', backend: 'wasm' });
    const epochs = db.prepare(`SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = 'val_accuracy'`).get(run.id) as { n: number };
    expect(epochs.n).toBe(2);
    const batches = db.prepare(`SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = 'batch_loss'`).get(run.id) as { n: number };
    expect(batches.n).toBeGreaterThan(4);
    const ev = db.prepare(`SELECT accuracy, confusion_json FROM evaluations WHERE run_id = ? AND split = 'test'`).get(run.id) as { accuracy: number; confusion_json: string };
    const confusion = JSON.parse(ev.confusion_json) as number[][];
    const testCount = confusion.flat().reduce((a, b) => a + b, 0);
    const preds = db.prepare(`SELECT count(*) AS n FROM predictions WHERE run_id = ?`).get(run.id) as { n: number };
    expect(preds.n).toBe(testCount);
    db.close();

    // Five classes: chance is 20 %.
    expect(ev.accuracy).toBeGreaterThan(0.4);
    const detail = await ws.getRun(run.id);
    expect(detail.test?.perClass).toHaveLength(5);
    expect(detail.predictions[0].probabilities).toHaveLength(5);
    expect(detail.bestEpoch).toBe(row.best_epoch);

    // The kept weights classify a file.
    const img = detail.predictions[0];
    const bytes = fs.readFileSync(path.join((await ws.listDatasets())[0].root, img.path));
    const c = await ws.classifyImage(run.id, bytes);
    expect(c.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

    // The export loads with plain tf.loadLayersModel and gives the same probabilities.
    const out = path.join(home, 'export');
    expect(await ws.exportRun(run.id, out)).toEqual(['model.json', 'weights.bin', 'metadata.json']);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8'));
    expect(meta.classes).toHaveLength(5);
    const exported = await tf.loadLayersModel(tf.io.fromMemory(readModelArtifactsSync(out)));
    const sharp = (await import('sharp')).default;
    const pixels = await sharp(bytes).removeAlpha().resize(32, 32, { fit: 'fill' }).raw().toBuffer();
    const probs = tf.tidy(() => exported.predict(tf.tensor4d(Float32Array.from(pixels, (v) => v / 127.5 - 1), [1, 32, 32, 3])) as tf.Tensor);
    const p = Array.from(await probs.data());
    expect(p).toHaveLength(5);
    p.forEach((v, i) => expect(v).toBeCloseTo(c.probabilities[i], 2));
    probs.dispose();
    exported.dispose();
  });

  it('refuses invalid settings before a run is created, naming the field', async () => {
    const before = (await ws.listRuns()).length;
    await expect(ws.startRun(datasetId, { ...small, lr: -1 })).rejects.toThrow(/lr/);
    await expect(ws.startRun(datasetId, { ...small, batchSize: 100000 })).rejects.toThrow(/batch size 100000 is larger than the \d+ training images/);
    await expect(ws.startRun(datasetId, { ...small, arch: 'resnet18', inputSize: 16 })).rejects.toThrow(/resnet18 needs an input of at least/);
    expect((await ws.listRuns()).length).toBe(before);
  });

  it('cancels mid-epoch, then resumes from the last checkpoint', async () => {
    const run = await ws.startRun(datasetId, { ...small, epochs: 3 });
    await batchOfEpoch(run.id, 2);
    await ws.cancelRun(run.id);
    const cancelled = await ws.queue.waitFor(run.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.epochsDone).toBe(1);

    const steps: number[] = [];
    const off = ws.onEvent((e) => e.kind === 'started' && e.runId === run.id && steps.push(e.startEpoch));
    await ws.resumeRun(run.id);
    const done = await ws.queue.waitFor(run.id);
    off();
    expect(done.status).toBe('completed');
    expect(steps).toEqual([2]);
    const detail = await ws.getRun(run.id);
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(detail.test).not.toBeNull();
  });

  it('trains a batch-norm model on two threads (data-parallel), cancels and resumes it there', async () => {
    const config: TrainConfig = { ...small, arch: 'resnet18', width: 0.125, epochs: 3, threads: 2 };
    const logs: string[] = [];
    const descriptions: string[] = [];
    const off = ws.onEvent((e) => {
      if (e.kind === 'log' && e.runId === run.id) logs.push(e.message);
      if (e.kind === 'started' && e.runId === run.id) descriptions.push(e.backend.description);
    });
    const run = await ws.startRun(datasetId, config);
    await batchOfEpoch(run.id, 2);
    await ws.cancelRun(run.id);
    expect((await ws.queue.waitFor(run.id)).status).toBe('cancelled');
    await ws.resumeRun(run.id);
    const done = await ws.queue.waitFor(run.id);
    off();
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(descriptions).toEqual([expect.stringContaining('on 2 threads (data-parallel'), expect.stringContaining('on 2 threads (data-parallel')]);
    expect(logs).toContain('Training on 2 threads (2 threads asked for).');
    const detail = await ws.getRun(run.id);
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    // Five classes: chance is 20 %.
    expect(detail.test?.accuracy).toBeGreaterThan(0.3);
  });

  it('runs queued runs one at a time, even when queued while the first is still preparing', async () => {
    const order: string[] = [];
    const off = ws.onEvent((e) => {
      if (e.kind === 'started') order.push(`start ${e.runId}`);
      if (e.kind === 'status' && ['completed', 'failed', 'cancelled'].includes(e.status)) order.push(`end ${e.runId}`);
    });
    // A new input size forces a cache build, so the first run is still preparing when the second arrives.
    const a = await ws.startRun(datasetId, { ...small, epochs: 1, inputSize: 28 });
    const b = await ws.startRun(datasetId, { ...small, epochs: 1, inputSize: 28 });
    const c = await ws.startRun(datasetId, { ...small, epochs: 1, inputSize: 28 });
    await ws.cancelRun(c.id);
    expect((await ws.queue.waitFor(a.id)).status).toBe('completed');
    expect((await ws.queue.waitFor(b.id)).status).toBe('completed');
    off();
    expect(order).toEqual([`end ${c.id}`, `start ${a.id}`, `end ${a.id}`, `start ${b.id}`, `end ${b.id}`]);
  });

  it('marks a run whose worker dies as failed with the reason, and keeps going', async () => {
    const run = await ws.startRun(datasetId, { ...small, epochs: 1 });
    await new Promise<void>((resolve) => {
      const off = ws.onEvent((e) => {
        if (e.kind === 'batch' && e.runId === run.id) {
          off();
          resolve();
        }
      });
    });
    // Kill the worker the way the OOM killer would.
    const child = (ws.queue as unknown as { active: { child: { kill(s: string): void } } | null }).active;
    child?.child.kill('SIGKILL');
    const failed = await ws.queue.waitFor(run.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/SIGKILL/);
    const next = await ws.startRun(datasetId, { ...small, epochs: 1 });
    expect((await ws.queue.waitFor(next.id)).status).toBe('completed');
  });
});
