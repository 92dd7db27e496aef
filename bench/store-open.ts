/**
 * What opening the run store costs on a big store, and how much of it is the integrity check
 * (`PRAGMA quick_check`) that `openStore` runs at every open: of the whole file (serve, the
 * app), or of every table but the long metric tables (`check: 'tables'`, the CLI commands).
 *
 * Builds a synthetic store of `--runs` runs with `--steps` batch steps each (four batch
 * metrics per step, as training writes them) and `--predictions` test predictions per run,
 * then opens it `--repeat` times. Run: `npx tsx bench/store-open.ts [--runs 200] [--steps 3000]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../main/store/db';
import { DEFAULT_CONFIG } from '../shared/config';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, steps: { type: 'string' }, predictions: { type: 'string' }, repeat: { type: 'string' }, keep: { type: 'boolean' } },
});
const runs = Number(values.runs ?? 200);
const steps = Number(values.steps ?? 3000);
const predictions = Number(values.predictions ?? 551);
const repeat = Number(values.repeat ?? 5);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bench-store-'));
const build = performance.now();
{
  const store = openStore(home);
  const db = store.db;
  db.prepare(`INSERT INTO datasets (name, root, created_ms, classes_json, split_seed, val_fraction, test_fraction, report_json) VALUES ('d', '/x', 0, '["a","b","c","d","e"]', 1, 0.15, 0.15, '{}')`).run();
  const images = db.prepare(`INSERT INTO images (dataset_id, path, class_index, split, sha256, width, height, bytes, mtime_ms, status) VALUES (1, ?, 0, 'test', 'x', 1, 1, 1, 1, 'ok')`);
  db.transaction(() => {
    for (let i = 0; i < predictions; i++) images.run(`c/${i}.jpg`);
  })();
  const run = db.prepare(`INSERT INTO runs (name, dataset_id, arch, status, config_json, seed, created_ms) VALUES (?, 1, 'resnet18', 'completed', ?, 1, 0)`);
  const metric = db.prepare(`INSERT INTO metrics (run_id, key, step, epoch, value, time_ms) VALUES (?, ?, ?, ?, ?, 0)`);
  const pred = db.prepare(`INSERT INTO predictions (run_id, image_id, true_index, predicted_index, confidence, probs_json) VALUES (?, ?, 0, 1, 0.5, '[0.1,0.5,0.2,0.1,0.1]')`);
  for (let r = 1; r <= runs; r++) {
    db.transaction(() => {
      const id = Number(run.run(`run ${r}`, JSON.stringify(DEFAULT_CONFIG)).lastInsertRowid);
      for (let s = 1; s <= steps; s++) for (const k of ['batch_loss', 'batch_accuracy', 'batch_lr', 'batch_images_per_second']) metric.run(id, k, s, 1 + Math.floor(s / 100), Math.random());
      for (let i = 1; i <= predictions; i++) pred.run(id, i);
    })();
  }
  store.close();
}
const bytes = fs.statSync(path.join(home, 'bloombench.db')).size;
const buildSeconds = (performance.now() - build) / 1000;

const opens: number[] = [];
const tableOpens: number[] = [];
const checks: number[] = [];
for (let i = 0; i < repeat; i++) {
  const t0 = performance.now();
  const store = openStore(home);
  opens.push(performance.now() - t0);
  const t1 = performance.now();
  store.db.pragma('quick_check');
  checks.push(performance.now() - t1);
  store.close();
  const t2 = performance.now();
  openStore(home, { check: 'tables' }).close();
  tableOpens.push(performance.now() - t2);
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];
const result = {
  runs,
  metricRows: runs * steps * 4,
  predictionRows: runs * predictions,
  databaseMiB: Math.round((bytes / 2 ** 20) * 10) / 10,
  buildSeconds: Math.round(buildSeconds),
  openMs: Math.round(median(opens)),
  openTablesCheckMs: Math.round(median(tableOpens)),
  quickCheckMs: Math.round(median(checks)),
  quickCheckMsPerGiB: Math.round(median(checks) / (bytes / 2 ** 30)),
  note: "medians over repeated opens with the file in the page cache (warm); openMs includes a full quick_check (serve, the app), openTablesCheckMs the check that skips the long tables (CLI commands)",
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
if (values.keep) process.stderr.write(`kept ${home}\n`);
else fs.rmSync(home, { recursive: true, force: true });
