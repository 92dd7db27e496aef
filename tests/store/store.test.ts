import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/db';
import { MIGRATIONS, migrate, type Migration } from '../../main/store/migrations';
import { RunStore } from '../../main/store/runs';
import { DEFAULT_CONFIG } from '../../shared/config';

const homes: string[] = [];
function tmpHome(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-store-'));
  homes.push(d);
  return d;
}
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

function addDataset(db: Database.Database): number {
  return Number(
    db
      .prepare(`INSERT INTO datasets (name, root, created_ms, classes_json, split_seed, val_fraction, test_fraction, report_json) VALUES ('d', '/x', 0, '["a","b"]', 1, 0.15, 0.15, '{}')`)
      .run().lastInsertRowid,
  );
}

describe('migrations', () => {
  it('bring an empty database to the newest version, in WAL mode', () => {
    const home = tmpHome();
    const store = openStore(home);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['datasets', 'images', 'runs', 'run_summary', 'metrics', 'evaluations', 'predictions', 'checkpoints']));
    store.close();
  });

  it('run on :memory: and are idempotent', () => {
    const db = new Database(':memory:');
    const newest = MIGRATIONS[MIGRATIONS.length - 1].version;
    expect(migrate(db)).toBe(newest);
    expect(migrate(db)).toBe(newest);
  });

  it('migrate an older database in place, keeping its rows', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    const id = addDataset(db);
    const next = MIGRATIONS[MIGRATIONS.length - 1].version + 1;
    const added: Migration = { version: next, up: (d) => d.exec(`ALTER TABLE datasets ADD COLUMN note TEXT DEFAULT 'x'`) };
    expect(migrate(db, [...MIGRATIONS, added])).toBe(next);
    expect(db.prepare('SELECT name, note FROM datasets WHERE id = ?').get(id)).toEqual({ name: 'd', note: 'x' });
  });

  it('migration 3 gives runs stored before it no weights (from scratch), and records a run\'s weights', () => {
    const home = tmpHome();
    const db = new Database(path.join(home, 'bloombench.db'));
    migrate(db, MIGRATIONS.slice(0, 2));
    const ds = addDataset(db);
    // A run as a version without fine-tuning stored it: its config has no `pretrained`.
    const { pretrained: _p, freeze: _f, unfreezeAfter: _u, backboneLrScale: _b, ...old } = DEFAULT_CONFIG;
    db.prepare(`INSERT INTO runs (name, dataset_id, arch, status, config_json, seed, created_ms) VALUES ('old', ?, 'resnet18', 'completed', ?, 1, 0)`).run(ds, JSON.stringify(old));
    db.prepare(`INSERT INTO run_summary (run_id) VALUES (1)`).run();
    db.close();
    const store = openStore(home);
    const runs = new RunStore(store);
    expect(runs.getRun(1)).toMatchObject({ weights: null, config: { pretrained: 'none', freeze: 'none' } });
    const weights = { source: 'imagenet' as const, title: 'torchvision ResNet-18 V1', file: '/w/resnet18-f37072fd.pth', sha256: 'f37072fd'.padEnd(64, '0') };
    runs.setWeights(1, weights);
    expect(runs.getRun(1).weights).toEqual(weights);
    store.close();
  });

  it('roll back a failing step and keep the old version', () => {
    const db = new Database(':memory:');
    const newest = migrate(db);
    const bad: Migration = { version: newest + 1, up: (d) => d.exec(`CREATE TABLE t (x); SELECT * FROM no_such_table`) };
    expect(() => migrate(db, [...MIGRATIONS, bad])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(newest);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 't'`).get()).toEqual({ n: 0 });
  });

  it('refuse a database from a newer version without touching it', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db)).toThrow(/newer Bloombench/);
    expect(db.pragma('user_version', { simple: true })).toBe(99);
  });

  it('the runs status is guarded by a CHECK', () => {
    const store = openStore(tmpHome());
    const ds = addDataset(store.db);
    expect(() =>
      store.db.prepare(`INSERT INTO runs (name, dataset_id, arch, status, config_json, seed, created_ms) VALUES ('r', ?, 'x', 'bogus', '{}', 1, 0)`).run(ds),
    ).toThrow(/CHECK/);
    store.close();
  });
});

describe('RunStore', () => {
  it('keeps a run, its metrics, evaluation and predictions', () => {
    const store = openStore(tmpHome());
    const ds = addDataset(store.db);
    const img = Number(
      store.db
        .prepare(`INSERT INTO images (dataset_id, path, class_index, split, sha256, bytes, mtime_ms, status) VALUES (?, 'a/1.png', 0, 'test', 'h', 1, 0, 'ok')`)
        .run(ds).lastInsertRowid,
    );
    const runs = new RunStore(store);
    const id = runs.createRun(ds, { ...DEFAULT_CONFIG, arch: 'lenet5' });
    expect(runs.getRun(id)).toMatchObject({ name: `lenet5-${id}`, status: 'queued', datasetName: 'd', epochsDone: 0 });
    runs.markStarted(id, { name: 'wasm', description: 'wasm', unavailable: [], forced: false }, { trainableParams: 10, totalParams: 12, macs: 100 });
    runs.addBatchMetrics(id, [
      { step: 1, epoch: 1, loss: 2, accuracy: 0.5, lr: 0.1, ips: 10 },
      { step: 2, epoch: 1, loss: NaN, accuracy: 0.5, lr: 0.1, ips: 10 },
    ]);
    const m = { epoch: 1, trainLoss: 1.5, trainAccuracy: 0.5, valLoss: 1.4, valAccuracy: 0.6, learningRate: 0.1, seconds: 3, imagesPerSecond: 20 };
    runs.addEpoch(id, m, true);
    runs.addEpoch(id, { ...m, epoch: 2, valAccuracy: 0.55 }, false);
    runs.saveEvaluation(
      id,
      { split: 'test', epoch: 1, accuracy: 1, loss: 0.1, classes: ['a', 'b'], confusion: [[1, 0], [0, 0]], perClass: [] },
      [{ imageId: img, trueIndex: 0, probabilities: [0.9, 0.1] }],
    );
    runs.setStatus(id, 'completed');
    const d = runs.detail(id);
    expect(d).toMatchObject({ status: 'completed', backend: 'wasm', bestEpoch: 1, bestValAccuracy: 0.6, testAccuracy: 1, epochsDone: 2 });
    expect(d.epochs.map((e) => e.valAccuracy)).toEqual([0.6, 0.55]);
    expect(d.predictions).toEqual([{ imageId: img, path: 'a/1.png', trueClass: 'a', predictedClass: 'a', probabilities: [0.9, 0.1] }]);
    expect(runs.series(id, 'batch_loss')).toEqual([[1, 2]]);
    runs.truncateAfterEpoch(id, 1);
    expect(runs.epochs(id).map((e) => e.epoch)).toEqual([1]);
    runs.update(id, { name: 'renamed', tags: ['x', 'x', 'y'], notes: 'hello' });
    expect(runs.getRun(id)).toMatchObject({ name: 'renamed', tags: ['x', 'y'], notes: 'hello' });
    runs.delete(id);
    expect(runs.listRuns()).toEqual([]);
    expect(() => runs.getRun(id)).toThrow(/No run/);
    store.close();
  });
});
