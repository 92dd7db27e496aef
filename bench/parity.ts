/**
 * `npm run bench:parity`: test accuracy of Bloombench runs beside PyTorch training the same
 * layout with the same recipe on the same images, over seeds.
 *
 * Our side is the product as a user runs it: the CLI imports the photos, creates a study
 * (`--vary arch=…`, `--seeds N`, the train options below, augmentation flip + resized-crop as
 * the app's default) and runs it (threads: auto). The PyTorch side (bench/torch_parity.py) reads
 * the same cache file, with the same train / validation / test split, and trains the graph the
 * run built (`LayersModel.toJSON` of the zoo variant at the run's options), evaluating the test
 * images at its best validation epoch as the trainer does.
 *
 * Flags: `--models resnet152,inception_v3`, `--seeds 3`, `--epochs 10`, `--width 0.25`,
 * `--input-size 80`, `--dataset <folder>` (as `npm run bench`), `--home DIR` (keep the runs and
 * the PyTorch results there and reuse them on the next call; default a temp home, removed),
 * `--torch-args "--bn-eps layout --init layout"` (PyTorch-side variations, to find the cause of
 * a gap), `--json`. Writes `bench/results/parity-<time>.json` and prints a table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { ensureCache } from '../main/datasets/cache';
import { buildModel } from '../main/models/registry';
import { openStore } from '../main/store/db';
import type { TrainConfig } from '../shared/config';
import { benchScript, findTorchPython, lastJsonLine, runChild } from './child';
import { meanInterval, welchTest } from '../shared/statistics';
import { benchDataset, ROOT } from './dataset';
import { splitRecords } from './epochs';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    seeds: { type: 'string' },
    epochs: { type: 'string' },
    width: { type: 'string' },
    'input-size': { type: 'string' },
    dataset: { type: 'string' },
    home: { type: 'string' },
    'torch-args': { type: 'string' },
    json: { type: 'boolean' },
  },
});

const STUDY = 'parity';
const DATASET = 'parity-photos';

/** One seed of one model, on one side. */
interface SeedResult {
  readonly seed: number;
  readonly testAccuracy: number;
  readonly bestEpoch: number | null;
  readonly bestValAccuracy: number | null;
  readonly seconds: number;
}

interface ModelParity {
  readonly model: string;
  readonly ours: readonly SeedResult[];
  readonly pytorch: readonly SeedResult[];
  /** Mean test accuracy, ours minus PyTorch's (a fraction). */
  readonly difference: number;
  /** Welch's two-sided p-value of that difference over the seeds (null under two seeds a side). */
  readonly p: number | null;
}

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

/** The CLI, as a user runs it, on the parity home. */
function cli(home: string, ...args: string[]): Promise<string> {
  return runChild(process.execPath, [path.join(ROOT, 'bin', 'bloombench.js'), '--home', home, ...args]);
}

/** Our runs: the study's, imported, created and run (or continued) through the CLI. */
async function ourRuns(home: string, folder: string, models: readonly string[], seeds: number, base: string[]): Promise<{ datasetId: number; runs: Map<string, SeedResult[]> }> {
  const studies = (): Promise<{ name: string; datasetId: number }[]> => cli(home, 'study', 'list', '--json').then((out) => JSON.parse(out) as { name: string; datasetId: number }[]);
  if (!(await studies()).some((s) => s.name === STUDY)) {
    const datasets = JSON.parse(await cli(home, 'datasets', '--json')) as { name: string }[];
    if (!datasets.some((d) => d.name === DATASET)) await cli(home, 'import', folder, '--name', DATASET);
    await cli(home, 'study', 'create', '--dataset', DATASET, '--name', STUDY, '--vary', `arch=${models.join(',')}`, '--seeds', String(seeds), ...base);
  }
  const datasetId = (await studies()).find((s) => s.name === STUDY)?.datasetId;
  if (datasetId === undefined) throw new Error(`the study '${STUDY}' is not in ${home}`);
  log(`parity: our runs (bloombench study run ${STUDY}; progress in the home's runs)…`);
  await cli(home, 'study', 'run', STUDY, '--json');
  const runs = JSON.parse(await cli(home, 'runs', '--json')) as { status: string; tags: string[]; config: TrainConfig; testAccuracy: number | null; bestEpoch: number | null; bestValAccuracy: number | null; startedMs: number | null; endedMs: number | null }[];
  const out = new Map<string, SeedResult[]>(models.map((m) => [m, []]));
  for (const r of runs) {
    if (!r.tags.includes(`study:${STUDY}`) || r.status !== 'completed' || r.testAccuracy === null) continue;
    out.get(r.config.arch)?.push({ seed: r.config.seed, testAccuracy: r.testAccuracy, bestEpoch: r.bestEpoch, bestValAccuracy: r.bestValAccuracy, seconds: ((r.endedMs ?? 0) - (r.startedMs ?? 0)) / 1000 });
  }
  return { datasetId, runs: out };
}

/** The job file torch_parity.py reads: the cache the runs trained on and its three splits. */
async function writeJob(home: string, datasetId: number, size: number, dir: string): Promise<{ file: string; classes: number }> {
  const store = openStore(home);
  try {
    const row = store.db.prepare(`SELECT classes_json FROM datasets WHERE id = ?`).get(datasetId) as { classes_json: string };
    const cache = await ensureCache(store, datasetId, size, 3);
    const file = path.join(dir, 'job.json');
    fs.writeFileSync(file, JSON.stringify({ cache: cache.file, size: cache.size, channels: cache.channels, train: splitRecords(cache, 'train'), val: splitRecords(cache, 'val'), test: splitRecords(cache, 'test') }));
    return { file, classes: (JSON.parse(row.classes_json) as string[]).length };
  } finally {
    store.db.close();
  }
}

/** The graph a run of `arch` built (the trainer's build options, seed 1: only the layout is read). */
function writeTopology(arch: string, size: number, width: number, classes: number, dir: string): string {
  const model = buildModel(arch, { inputSize: size, channels: 3, numClasses: classes, width, seed: 1 });
  const file = path.join(dir, `${arch}.json`);
  fs.writeFileSync(file, JSON.stringify(model.toJSON(null, false)));
  model.dispose();
  return file;
}

function percent(x: number): string {
  return (100 * x).toFixed(1);
}

function table(rows: readonly ModelParity[], torchArgs: string): string {
  const side = (rs: readonly SeedResult[]): string => {
    const m = meanInterval(rs.map((r) => r.testAccuracy));
    return `${percent(m.mean ?? 0)} ± ${percent(m.std ?? 0)} (${rs.map((r) => percent(r.testAccuracy)).join(', ')})`;
  };
  const minutes = (rs: readonly SeedResult[]): string => ((meanInterval(rs.map((r) => r.seconds)).mean ?? 0) / 60).toFixed(1);
  const lines = [
    `| Model | Bloombench test accuracy, % (seeds) | PyTorch${torchArgs ? ` (${torchArgs})` : ''} | Difference, points (Welch p) | Minutes per run, ours / PyTorch |`,
    '| --- | --- | --- | ---: | ---: |',
  ];
  for (const r of rows) lines.push(`| ${r.model} | ${side(r.ours)} | ${side(r.pytorch)} | ${(100 * r.difference).toFixed(1)}${r.p === null ? '' : ` (${r.p.toFixed(3)})`} | ${minutes(r.ours)} / ${minutes(r.pytorch)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const models = (values.models ?? 'resnet152,inception_v3').split(',').filter(Boolean);
  const seeds = Number(values.seeds ?? 3);
  const epochs = Number(values.epochs ?? 10);
  const width = Number(values.width ?? 0.25);
  const size = Number(values['input-size'] ?? 80);
  const torchArgs = (values['torch-args'] ?? '').split(' ').filter(Boolean);
  const torch = findTorchPython();
  if (torch.python === null) throw new Error(torch.why);
  const python = torch.python;
  const { folder } = await benchDataset(values.dataset, log);
  const home = values.home ? path.resolve(values.home) : fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-parity-'));
  fs.mkdirSync(home, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-parity-job-'));
  try {
    const base = ['--epochs', String(epochs), '--width', String(width), '--input-size', String(size)];
    const ours = await ourRuns(home, folder, models, seeds, base);
    await tf.setBackend('cpu');
    const job = await writeJob(home, ours.datasetId, size, work);
    const rows: ModelParity[] = [];
    for (const model of models) {
      const topology = writeTopology(model, size, width, job.classes, work);
      const pytorch: SeedResult[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        // Kept beside the runs: a second call with the same settings reuses them.
        const kept = path.join(home, `parity-torch-${model}-w${width}-${size}px-${epochs}e-seed${seed}${torchArgs.join('').replace(/[^a-z0-9]+/gi, '-')}.json`);
        if (!fs.existsSync(kept)) {
          log(`parity: PyTorch, ${model} seed ${seed}…`);
          const out = lastJsonLine(await runChild(python, [benchScript('torch_parity.py'), '--job', job.file, '--topology', topology, '--seed', String(seed), '--epochs', String(epochs), ...torchArgs]));
          fs.writeFileSync(kept, JSON.stringify(out));
        }
        pytorch.push(JSON.parse(fs.readFileSync(kept, 'utf8')) as SeedResult);
      }
      const mine = ours.runs.get(model) ?? [];
      const accuracy = (rs: readonly SeedResult[]): number[] => rs.map((r) => r.testAccuracy);
      const test = welchTest(accuracy(mine), accuracy(pytorch));
      rows.push({ model, ours: mine, pytorch, difference: (meanInterval(accuracy(mine)).mean ?? 0) - (meanInterval(accuracy(pytorch)).mean ?? 0), p: test?.p ?? null });
    }
    const when = new Date().toISOString();
    const doc = { when, machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown' }, pytorch: torch.version, settings: { models, seeds, epochs, width, size, augment: 'flip,resized-crop', torchArgs }, rows };
    const dir = path.join(process.cwd(), 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `parity-${when.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    process.stdout.write(values.json ? JSON.stringify(doc, null, 2) + '\n' : `${table(rows, torchArgs.join(' '))}\n\nWritten to ${path.relative(process.cwd(), file)}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    if (!values.home) fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:parity: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
