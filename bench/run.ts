/**
 * `npm run bench`: Bloombench's speed on this machine, in one run, beside PyTorch's.
 *
 * Measures training and inference images/second of the bench models on every backend that
 * loads (one child process per backend and model, interleaved with the PyTorch run of the same
 * model so that a busy machine slows both alike), the data pipeline (decode + resize of the
 * first epoch, cached batches of later epochs, each as a fraction of a training step), and the
 * peak resident memory of a real training worker on a dataset and on ten times that dataset.
 * Writes `bench/results/bench-<time>.json` and prints a table; `--json` prints the JSON instead.
 *
 * Whole epochs (bench/epochs.ts): a real two-epoch run of the networks users train (ResNet-18
 * w0.25 at 64 px, the default; ResNet-34 w0.25 at 80 px), the second epoch's time by phase,
 * beside PyTorch training the same cached images for two epochs (`--epoch-models a,b`,
 * `--no-epochs`).
 *
 * Flags: `--quick` (two models, fewer steps, no 10× dataset), `--models a,b`, `--backends a,b`,
 * `--train-steps n`, `--infer-steps n`, `--no-pytorch`, `--no-data`, `--no-memory`,
 * `--dataset <folder>` (default /work/shared/datasets/flower_photos_160), `--json`,
 * `--software-gpu` (measure webgpu on a software adapter too; by default only a hardware GPU
 * gets webgpu rows, and the table says why there are none).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BACKENDS, type BackendName } from '../shared/config';
import { benchModelsEntry, benchScript, findTorchPython, lastJsonLine, runChild } from './child';
import { benchDataset } from './dataset';
import type { BackendReportLine, ModelResult, StepProfile } from './models';
import { epochJobDir, measureEpochs, writeEpochJob, type EpochResult } from './epochs';
import { importTimed, measurePipeline, measureWorkerMemory, repeatedFolderSync, tempHome, type MemoryResult, type PipelineResult } from './pipeline';
import { BENCH_MODELS, benchModel, WARM_UP_STEPS, type BenchModelId } from './spec';

/** One row of `results`: a Bloombench backend or PyTorch, one model, one mode. */
export interface BenchRow {
  readonly model: string;
  readonly backend: BackendName | 'pytorch';
  readonly mode: 'train' | 'infer';
  readonly imagesPerSecond: number;
  readonly imagesPerCpuSecond: number;
  readonly steps: number;
  /** Bloombench rows: threads the step ran on (training splits batches over the cores as the app does, threads: auto). */
  readonly threads?: number;
  /** Bloombench rows on more than one thread: the same training or inference on one thread. */
  readonly oneThreadImagesPerSecond?: number;
  /** Bloombench rows: PyTorch's wall-clock images/second for the same model and mode. */
  readonly pytorchImagesPerSecond?: number | null;
  /** Bloombench rows: imagesPerSecond / pytorchImagesPerSecond. */
  readonly ratio?: number | null;
  /** Bloombench rows: the same ratio on images per CPU second (less sensitive to other load). */
  readonly cpuRatio?: number | null;
  /** Bloombench training rows on wasm and cpu: one step on one thread, by kernel kind and overhead. */
  readonly profile?: StepProfile;
}

/** The cpu backend takes minutes per step on the 64×64 models; it runs only these by default. */
const CPU_MODELS: readonly string[] = ['lenet5'];

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

/** bench/torch_bench.py, from the sources (tsx) or from dist/bench. */
function torchScript(): string {
  return benchScript('torch_bench.py');
}

function fmt(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n >= 100 ? n.toFixed(0) : n.toFixed(digits);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;
}

/** The whole bench document. */
interface BenchDocument {
  readonly when: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly loadAverage: readonly number[]; readonly node: string };
  readonly batch: number;
  readonly backends: { name: BackendName; description?: string; unavailable?: string }[];
  readonly pytorch: { version: string | null; threads: number | null; unavailable?: string };
  readonly results: BenchRow[];
  readonly skipped: { model: string; backend: string; reason: string }[];
  readonly pipeline: (PipelineResult & { readonly stepFractions: Record<string, { firstEpoch: number; cached: number }> })[];
  memory: MemoryResult[];
  readonly epochs: EpochRow[];
  readonly notes: string[];
}

/** PyTorch's epoch of the same model on the same images (torch_bench.py --epoch-job). */
interface TorchEpoch {
  readonly epoch: number;
  readonly seconds: number;
  readonly train: number;
  readonly validate: number;
  readonly checkpoint: number;
}

/** A whole-epoch row: Bloombench's last epoch by phase, PyTorch's, and the ratio of their speeds. */
export type EpochRow = EpochResult & { readonly pytorch: TorchEpoch | null; readonly ratio: number | null };

/** Models of the whole-epoch rows by default: the app's default and the course study's ResNet-34. */
const EPOCH_MODELS = ['resnet18_w025', 'resnet34_w025'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      models: { type: 'string' },
      backends: { type: 'string' },
      'train-steps': { type: 'string' },
      'infer-steps': { type: 'string' },
      'no-pytorch': { type: 'boolean', default: false },
      'no-data': { type: 'boolean', default: false },
      'no-memory': { type: 'boolean', default: false },
      dataset: { type: 'string' },
      'software-gpu': { type: 'boolean', default: false },
      'epoch-models': { type: 'string' },
      'no-epochs': { type: 'boolean', default: false },
    },
  });
  const quick = values.quick === true;
  const models = (values.models ?? (quick ? 'lenet5,resnet18' : BENCH_MODELS.join(','))).split(',').filter(Boolean).map((m) => benchModel(m).id);
  const backends = (values.backends ?? BACKENDS.join(',')).split(',').filter(Boolean) as BackendName[];
  for (const b of backends) if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`Unknown backend '${b}'; one of ${BACKENDS.join(', ')}`);
  const trainSteps = Number(values['train-steps'] ?? (quick ? 2 : 4));
  const inferSteps = Number(values['infer-steps'] ?? (quick ? 3 : 5));
  const batch = 32;

  const doc: BenchDocument = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg(), node: process.version },
    batch,
    backends: [],
    pytorch: { version: null, threads: null },
    results: [],
    skipped: [],
    pipeline: [],
    memory: [],
    epochs: [],
    notes: [`${trainSteps} timed training steps and ${inferSteps} timed inference steps per measurement, each after ${WARM_UP_STEPS} untimed warm-up steps; Adam; random inputs`],
  };

  const torch = values['no-pytorch'] ? ({ python: null, why: 'skipped (--no-pytorch)' } as const) : findTorchPython();
  if (torch.python === null) {
    doc.pytorch.unavailable = torch.why;
    log(torch.why);
  }

  // Models: per model, every backend then PyTorch, so that a load burst hits both sides.
  const entry = benchModelsEntry();
  const dead = new Map<BackendName, string>();
  const described = new Map<BackendName, string>();
  const torchRows: BenchRow[] = [];
  for (const model of models) {
    for (const backend of backends) {
      if (dead.has(backend)) continue;
      if (backend === 'cpu' && !CPU_MODELS.includes(model) && values.backends === undefined) {
        doc.skipped.push({ model, backend, reason: 'the pure-JavaScript cpu backend takes minutes per step on this model; force it with --backends cpu' });
        continue;
      }
      log(`bench: ${model} on ${backend}…`);
      const out = await runChild(process.execPath, [...entry.execArgv, entry.file, '--backend', backend, '--models', model, '--batch', String(batch), '--train-steps', String(trainSteps), '--infer-steps', String(inferSteps), ...(values['software-gpu'] ? ['--software-gpu'] : [])]);
      const line = lastJsonLine(out) as BackendReportLine;
      if ('unavailable' in line) {
        dead.set(backend, line.unavailable);
        log(`  ${backend} unavailable: ${line.unavailable}`);
        continue;
      }
      described.set(backend, line.description);
      for (const r of line.results) doc.results.push(bloombenchRow(r, backend));
    }
    if (torch.python !== null) {
      log(`bench: ${model} in PyTorch…`);
      const out = await runChild(torch.python, [torchScript(), '--models', model, '--batch', String(batch), '--train-steps', String(trainSteps), '--infer-steps', String(inferSteps)]);
      const t = lastJsonLine(out) as { torch: string; threads: number; results: { model: string; mode: 'train' | 'infer'; imagesPerSecond: number; imagesPerCpuSecond: number; steps: number }[] };
      doc.pytorch.version = t.torch;
      doc.pytorch.threads = t.threads;
      for (const r of t.results) torchRows.push({ model: r.model, backend: 'pytorch', mode: r.mode, imagesPerSecond: r.imagesPerSecond, imagesPerCpuSecond: r.imagesPerCpuSecond, steps: r.steps });
    }
  }
  for (const b of backends) {
    const unavailable = dead.get(b);
    const description = described.get(b);
    if (unavailable !== undefined) doc.backends.push({ name: b, unavailable });
    else if (description !== undefined) doc.backends.push({ name: b, description });
  }
  // Ratios against PyTorch, measured in this same run.
  doc.results.forEach((r, i) => {
    const t = torchRows.find((p) => p.model === r.model && p.mode === r.mode);
    doc.results[i] = { ...r, pytorchImagesPerSecond: t?.imagesPerSecond ?? null, ratio: t ? r.imagesPerSecond / t.imagesPerSecond : null, cpuRatio: t ? r.imagesPerCpuSecond / t.imagesPerCpuSecond : null };
  });
  doc.results.push(...torchRows);

  // Data pipeline and memory.
  if (!values['no-data'] || !values['no-memory']) {
    const { folder } = await benchDataset(values.dataset, log);
    const h = tempHome();
    const tmpFolders: string[] = [];
    try {
      log(`bench: importing ${folder}…`);
      const small = await importTimed(h.store, folder);
      // One cache per input the models use: its first build is the first epoch's decode + resize.
      const inputs = [...new Set(models.map((m) => `${benchModel(m).inputSize}x${benchModel(m).channels}`))];
      for (const key of inputs) {
        const [size, channels] = key.split('x').map(Number) as [number, 1 | 3];
        log(`bench: building the ${size}×${size}×${channels} cache and reading batches…`);
        const result = await measurePipeline(h.store, small.datasetId, small.importSeconds, size, channels, batch, quick ? 50 : 200);
        const fractions: Record<string, { firstEpoch: number; cached: number }> = {};
        for (const r of doc.results) {
          const spec = benchModel(r.model);
          if (r.mode !== 'train' || r.backend === 'pytorch' || spec.inputSize !== size || spec.channels !== channels) continue;
          const stepSeconds = batch / r.imagesPerSecond;
          fractions[`${r.model}@${r.backend}`] = { firstEpoch: batch / result.decodeImagesPerSecond / stepSeconds, cached: 1 / result.cachedBatchesPerSecond / stepSeconds };
        }
        doc.pipeline.push({ ...result, stepFractions: fractions });
      }
      doc.notes.push('pipeline fractions: decode + resize of one batch (first epoch; the cache build, which runs in the core before the worker starts), or one cached batch read, converted and normalised (later epochs), divided by the measured training step of each model');
      if (!values['no-memory']) {
        const memConfig = { arch: 'lenet5', inputSize: 64, channels: 3 as const, width: 1, batchSize: batch, batchNorm: false, augment: [] };
        const steps = quick ? 15 : 40;
        log(`bench: peak memory of a training worker, ${small.images} images…`);
        doc.memory.push(await measureWorkerMemory(h.store, small.datasetId, small.images, small.duplicates, memConfig, steps));
        const measureTenfold = async (): Promise<void> => {
          const big = fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-bench-x10-'));
          tmpFolders.push(big);
          const n = repeatedFolderSync(folder, big, 10);
          log(`bench: importing ${n} images (each photo linked 10×) and building the cache…`);
          const bigImport = await importTimed(h.store, big);
          const bigResult = await measurePipeline(h.store, bigImport.datasetId, bigImport.importSeconds, 64, 3, batch, 50);
          doc.notes.push(`${bigResult.images} images (10×): import ${bigResult.importSeconds.toFixed(0)} s, decode + resize ${bigResult.decodeImagesPerSecond.toFixed(0)} images/s, cached ${bigResult.cachedBatchesPerSecond.toFixed(0)} batches/s`);
          log(`bench: peak memory of a training worker, ${bigResult.images} images…`);
          doc.memory.push(await measureWorkerMemory(h.store, bigImport.datasetId, bigImport.images, bigImport.duplicates, memConfig, steps));
        };
        if (!quick) {
          try {
            await measureTenfold();
          } catch (e) {
            doc.notes.push(`the ${10 * small.images}-image measurement failed: ${(e as Error).message}`);
            log(`bench: the tenfold dataset failed: ${(e as Error).stack ?? String(e)}`);
          }
        }
      }
    } catch (e) {
      doc.notes.push(`the data pipeline / memory measurement failed: ${(e as Error).message}`);
      log(`bench: data pipeline / memory failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      h.cleanup();
      for (const f of tmpFolders) fs.rmSync(f, { recursive: true, force: true });
    }
  }

  if (!values['no-epochs']) await measureWholeEpochs(doc, values['epoch-models'] ?? (quick ? 'resnet18_w025' : EPOCH_MODELS.join(',')), values.dataset, torch.python, batch);

  const dir = path.join(process.cwd(), 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${doc.when.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  if (values.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else process.stdout.write(table(doc) + `\nWritten to ${path.relative(process.cwd(), file)}\n`);
}

/** The whole-epoch rows: per model, a real run here, then PyTorch on the same cache. */
async function measureWholeEpochs(doc: BenchDocument, modelList: string, datasetFlag: string | undefined, python: string | null, batch: number): Promise<void> {
  const { folder } = await benchDataset(datasetFlag, log);
  const h = tempHome();
  const jobs = epochJobDir();
  try {
    const imported = await importTimed(h.store, folder);
    for (const id of modelList.split(',').filter(Boolean)) {
      const spec = benchModel(id);
      log(`bench: two epochs of ${spec.label}…`);
      const ours = await measureEpochs(h.store, imported.datasetId, spec, batch);
      let pytorch: TorchEpoch | null = null;
      if (python !== null) {
        log(`bench: two epochs of ${spec.label} in PyTorch…`);
        const job = await writeEpochJob(h.store, imported.datasetId, spec, jobs);
        const out = lastJsonLine(await runChild(python, [torchScript(), '--models', spec.id, '--epoch-job', job, '--epochs', String(ours.epoch), '--batch', String(batch)])) as { epochs: TorchEpoch[] };
        pytorch = out.epochs[out.epochs.length - 1] ?? null;
      }
      const total = ours.seconds + ours.checkpointSeconds;
      doc.epochs.push({ ...ours, pytorch, ratio: pytorch ? pytorch.seconds / total : null });
    }
    doc.notes.push('whole epochs: the second of two epochs of a real run (forked worker, cache on disk, threads: auto), batch 32, Adam, no augmentation, validation and the checkpoint included; PyTorch trains the same cached images, split and batch for two epochs, validates and saves its state dict');
  } catch (e) {
    doc.notes.push(`the whole-epoch measurement failed: ${(e as Error).message}`);
    log(`bench: whole epochs failed: ${(e as Error).stack ?? String(e)}`);
  } finally {
    h.cleanup();
    fs.rmSync(jobs, { recursive: true, force: true });
  }
}

function bloombenchRow(r: ModelResult, backend: BackendName): BenchRow {
  return {
    model: r.model,
    backend,
    mode: r.mode,
    imagesPerSecond: r.imagesPerSecond,
    imagesPerCpuSecond: r.imagesPerCpuSecond,
    steps: r.steps,
    threads: r.threads,
    ...(r.oneThreadImagesPerSecond !== undefined ? { oneThreadImagesPerSecond: r.oneThreadImagesPerSecond } : {}),
    ...(r.profile ? { profile: r.profile } : {}),
  };
}

/** The readable table (Markdown, so it pastes into the README). */
export function table(doc: BenchDocument): string {
  const lines: string[] = [];
  lines.push(`Machine: ${doc.machine.cpus} × ${doc.machine.cpuModel}, load average ${doc.machine.loadAverage.map((l) => l.toFixed(1)).join(' ')} at start, Node ${doc.machine.node}; batch ${doc.batch}`);
  lines.push(`PyTorch: ${doc.pytorch.version ? `${doc.pytorch.version}, ${doc.pytorch.threads} threads` : doc.pytorch.unavailable}`);
  for (const b of doc.backends) lines.push(`Backend ${b.name}: ${b.description ?? `unavailable: ${b.unavailable}`}`);
  lines.push('');
  lines.push('| model | backend | mode | threads | images/s | (1 thread) | PyTorch images/s | ratio | images per CPU-s | PyTorch per CPU-s | CPU ratio |');
  lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of doc.results) {
    if (r.backend === 'pytorch') continue;
    const t = doc.results.find((p) => p.backend === 'pytorch' && p.model === r.model && p.mode === r.mode);
    lines.push(`| ${benchModel(r.model).label} | ${r.backend} | ${r.mode} | ${r.threads ?? 1} | ${fmt(r.imagesPerSecond)} | ${r.oneThreadImagesPerSecond === undefined ? '' : fmt(r.oneThreadImagesPerSecond)} | ${fmt(r.pytorchImagesPerSecond)} | ${r.ratio == null ? '—' : r.ratio.toFixed(2) + '×'} | ${fmt(r.imagesPerCpuSecond)} | ${fmt(t?.imagesPerCpuSecond)} | ${r.cpuRatio == null ? '—' : r.cpuRatio.toFixed(2) + '×'} |`);
  }
  for (const s of doc.skipped) lines.push(`| ${benchModel(s.model).label} | ${s.backend} | — | skipped: ${s.reason} | | | | | | | |`);
  const profiled = doc.results.filter((r) => r.profile);
  if (profiled.length > 0) {
    const kinds = [...new Set(profiled.flatMap((r) => Object.keys(r.profile!.kernelMs)))].sort((a, b) => a.localeCompare(b));
    lines.push('');
    lines.push('Where one training step on one thread goes (ms; kernels from tf.profile, overhead = the measured step less every kernel):');
    lines.push('');
    lines.push(`| model | backend | step | kernels called | ${kinds.join(' | ')} | overhead |`);
    lines.push(`| --- | --- | ---: | ---: | ${kinds.map(() => '---:').join(' | ')} | ---: |`);
    for (const r of profiled) {
      const p = r.profile!;
      const share = (ms: number): string => `${ms.toFixed(ms < 10 ? 1 : 0)} (${pct(ms / Math.max(p.stepMs, 1e-9))})`;
      lines.push(`| ${benchModel(r.model).label} | ${r.backend} | ${p.stepMs.toFixed(0)} | ${p.kernels} | ${kinds.map((k) => share(p.kernelMs[k] ?? 0)).join(' | ')} | ${share(p.overheadMs)} |`);
    }
  }
  for (const p of doc.pipeline) {
    lines.push('');
    lines.push(`Data pipeline (${p.images} images, ${p.size}×${p.size}×${p.channels}): import ${p.importSeconds.toFixed(1)} s; decode + resize ${fmt(p.decodeImagesPerSecond)} images/s (${fmt(p.decodeCpuImagesPerSecond)} per CPU-s) in the first epoch; cached ${fmt(p.cachedBatchesPerSecond)} batches/s of ${p.batch} in later epochs.`);
    lines.push('');
    lines.push('| training step | first epoch (decode) | later epochs (cached) |');
    lines.push('| --- | ---: | ---: |');
    for (const [k, f] of Object.entries(p.stepFractions)) lines.push(`| ${k} | ${pct(f.firstEpoch)} | ${pct(f.cached)} |`);
  }
  if (doc.memory.length > 0) {
    lines.push('');
    lines.push('| dataset | cache file | training steps | worker peak RSS |');
    lines.push('| ---: | ---: | ---: | ---: |');
    for (const m of doc.memory) lines.push(`| ${m.images} images${m.duplicatesFlagged ? ` (${m.duplicatesFlagged} duplicate groups flagged)` : ''} | ${m.cacheFileMiB.toFixed(0)} MiB | ${m.steps} | ${m.peakRssMiB.toFixed(0)} MiB |`);
  }
  if (doc.epochs.length > 0) {
    lines.push('');
    lines.push('Whole epochs (the second of two, seconds): Bloombench by phase, then PyTorch on the same images');
    lines.push('');
    lines.push('| model | images (train + val) | read | prepare | steps | statistics | validate | checkpoint | epoch | PyTorch epoch (train + val + checkpoint) | ratio |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const e of doc.epochs) {
      const p = e.phases;
      const s = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(x < 1 ? 2 : 1));
      const t = e.pytorch;
      lines.push(`| ${benchModel(e.model).label} | ${e.trainImages} + ${e.valImages} | ${s(p?.read)} | ${s(p?.prepare)} | ${s(p?.step)} | ${s(p?.statistics)} | ${s(p?.validate)} | ${s(e.checkpointSeconds)} | ${s(e.seconds + e.checkpointSeconds)} | ${t ? `${s(t.seconds)} (${s(t.train)} + ${s(t.validate)} + ${s(t.checkpoint)})` : '—'} | ${e.ratio === null ? '—' : e.ratio.toFixed(2) + '×'} |`);
    }
    lines.push('');
    lines.push(`Backend of the epoch runs: ${[...new Set(doc.epochs.map((e) => e.backend))].join('; ')}`);
  }
  lines.push('');
  for (const n of doc.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
