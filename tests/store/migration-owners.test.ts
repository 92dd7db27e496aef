/**
 * The run-owners migration (run owners, their workers and run folders) on a database written
 * by an older version (schema 2): the file is migrated in place, never wiped, and its runs
 * read as before.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';
import { MIGRATIONS, migrate } from '../../main/store/migrations';
import { DEFAULT_CONFIG } from '../../shared/config';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

/** A home whose database is at schema 2, with a dataset, a completed run and one left running. */
function schema2Home(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-mig3-'));
  homes.push(home);
  const db = new Database(path.join(home, 'bloombench.db'));
  db.pragma('journal_mode = WAL');
  expect(migrate(db, MIGRATIONS.filter((m) => m.version <= 2))).toBe(2);
  db.prepare(`INSERT INTO datasets (id, name, root, created_ms, classes_json, split_seed, val_fraction, test_fraction, report_json) VALUES (1, 'old', '/data/old', 1, '["a","b"]', 1, 0.15, 0.15, '{}')`).run();
  const insertRun = db.prepare(`INSERT INTO runs (id, name, dataset_id, arch, status, config_json, seed, created_ms, started_ms) VALUES (?, ?, 1, 'lenet5', ?, ?, 1, 1, 1)`);
  insertRun.run(1, 'kept', 'completed', JSON.stringify({ ...DEFAULT_CONFIG, arch: 'lenet5' }));
  insertRun.run(2, 'left running', 'running', JSON.stringify({ ...DEFAULT_CONFIG, arch: 'lenet5' }));
  db.prepare(`INSERT INTO run_summary (run_id, epochs_done, best_val_accuracy) VALUES (1, 3, 0.75), (2, 1, 0.5)`).run();
  db.prepare(`INSERT INTO metrics (run_id, key, step, epoch, value, time_ms) VALUES (1, 'val_accuracy', 3, 3, 0.75, 1)`).run();
  db.prepare(`INSERT INTO checkpoints (run_id, which, epoch, dir, created_ms) VALUES (1, 'last', 3, ?, 1)`).run(path.join(home, 'runs', '1', 'checkpoints', 'last'));
  db.close();
  fs.mkdirSync(path.join(home, 'runs', '1', 'checkpoints', 'last'), { recursive: true });
  fs.writeFileSync(path.join(home, 'runs', '1', 'checkpoints', 'last', 'model.json'), '{}');
  return home;
}

describe('the run-owners migration', () => {
  it('migrates a schema-2 file in place, keeping every row', () => {
    const home = schema2Home();
    const store = openStore(home);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
      const cols = (store.db.prepare(`PRAGMA table_info(runs)`).all() as { name: string }[]).map((c) => c.name);
      expect(cols).toEqual(expect.arrayContaining(['owner_pid', 'owner_started', 'owner_host', 'owner_queue', 'worker_pid', 'worker_started', 'run_dir']));
      expect(store.db.prepare('SELECT id, name, status FROM runs ORDER BY id').all()).toEqual([
        { id: 1, name: 'kept', status: 'completed' },
        { id: 2, name: 'left running', status: 'running' },
      ]);
      expect(store.db.prepare('SELECT value FROM metrics WHERE run_id = 1').get()).toEqual({ value: 0.75 });
    } finally {
      store.close();
    }
  });

  it('reads old runs from runs/<id>, interrupts a run with no owner, and gives new runs a folder of their own', async () => {
    const home = schema2Home();
    const ws = new Workstation(openStore(home), { recover: false });
    try {
      const runs = await ws.listRuns();
      expect(runs.map((r) => [r.id, r.status])).toEqual([
        [2, 'interrupted'],
        [1, 'completed'],
      ]);
      expect(runs[0].error).toMatch(/closed while this run was training/);
      expect(ws.queue.runs.runDir(1)).toBe(path.join(home, 'runs', '1'));
      expect((await ws.getRun(1)).bestValAccuracy).toBe(0.75);
      // runs/3 is left over from something else: the next run (id 3) does not write into it.
      fs.mkdirSync(path.join(home, 'runs', '3'));
      fs.writeFileSync(path.join(home, 'runs', '3', 'keep.txt'), 'not yours');
      const id = ws.queue.runs.createRun(1, { ...DEFAULT_CONFIG, arch: 'lenet5' });
      expect(id).toBe(3);
      expect(ws.queue.runs.runDir(id)).toBe(path.join(home, 'runs', '3-2'));
      expect(fs.existsSync(path.join(home, 'runs', '3-2'))).toBe(true);
      expect(fs.readFileSync(path.join(home, 'runs', '3', 'keep.txt'), 'utf8')).toBe('not yours');
    } finally {
      await ws.close();
    }
  });
});
