/**
 * One backend's half of `npm run bench`: training and inference images/second of zoo models.
 *
 * Run as a child process per backend (only one native TensorFlow binding fits in a process,
 * and a backend's kernels stay registered once loaded): `node dist/bench/models.js --backend
 * wasm --models lenet5,resnet18 --train-steps 5 --infer-steps 5`. Prints one JSON line,
 * `{ backend, description, results: ModelResult[] }`, or `{ backend, unavailable }`.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { BACKENDS, type BackendName } from '../shared/config';
import { initBackend } from '../main/compute/backend';
import { buildModel } from '../main/models/registry';
import { benchModel, type BenchModelId } from './spec';

/** One measurement of one model on one backend. */
export interface ModelResult {
  readonly model: string;
  readonly mode: 'train' | 'infer';
  readonly imagesPerSecond: number;
  /** Images per second of this process's CPU time (user + system): steadier on a shared machine. */
  readonly imagesPerCpuSecond: number;
  readonly steps: number;
  readonly stepMs: readonly number[];
}

/** What the child prints. */
export type BackendReportLine =
  | { readonly backend: BackendName; readonly description: string; readonly results: readonly ModelResult[]; readonly skipped: readonly { model: string; reason: string }[] }
  | { readonly backend: BackendName; readonly unavailable: string };

function measure(step: () => void, steps: number, batch: number): { imagesPerSecond: number; imagesPerCpuSecond: number; stepMs: number[] } {
  step(); // warm-up: optimizer slots, XNNPACK operator setup, weight layouts
  const cpu = process.cpuUsage();
  const stepMs: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    stepMs.push(performance.now() - t);
  }
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { imagesPerSecond: (1000 * batch * steps) / wall, imagesPerCpuSecond: (1e6 * batch * steps) / Math.max(1, used.user + used.system), stepMs };
}

/** Train and infer throughput of one model (Adam, softmax cross-entropy, random inputs). */
export function benchOne(id: BenchModelId, batch: number, trainSteps: number, inferSteps: number): ModelResult[] {
  const spec = benchModel(id);
  const model = buildModel(id, { inputSize: spec.inputSize, channels: spec.channels, width: spec.width, numClasses: spec.numClasses, auxHeads: false, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const xs = tf.randomUniform([batch, spec.inputSize, spec.inputSize, spec.channels], -1, 1);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % spec.numClasses), 'int32'), spec.numClasses).toFloat());
  const out: ModelResult[] = [];
  try {
    if (trainSteps > 0) {
      const train = measure(
        () => {
          const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true);
          loss?.dataSync();
          loss?.dispose();
        },
        trainSteps,
        batch,
      );
      out.push({ model: id, mode: 'train', steps: trainSteps, ...train });
    }
    if (inferSteps > 0) {
      const infer = measure(
        () => {
          const y = model.apply(xs, { training: false }) as tf.Tensor;
          y.dataSync();
          y.dispose();
        },
        inferSteps,
        batch,
      );
      out.push({ model: id, mode: 'infer', steps: inferSteps, ...infer });
    }
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string' },
      models: { type: 'string', default: 'lenet5' },
      batch: { type: 'string', default: '32' },
      'train-steps': { type: 'string', default: '5' },
      'infer-steps': { type: 'string', default: '5' },
    },
  });
  const backend = values.backend as BackendName;
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);
  tf.enableProdMode();
  let line: BackendReportLine;
  try {
    const info = await initBackend(backend);
    const results: ModelResult[] = [];
    const batch = Number(values.batch);
    for (const id of (values.models ?? '').split(',').filter(Boolean) as BenchModelId[]) {
      results.push(...benchOne(id, batch, Number(values['train-steps']), Number(values['infer-steps'])));
      process.stderr.write(`  ${backend} ${id}: ${results.slice(-2).map((r) => `${r.mode} ${r.imagesPerSecond.toFixed(1)} img/s`).join(', ')}\n`);
    }
    line = { backend, description: info.description, results, skipped: [] };
  } catch (e) {
    line = { backend, unavailable: (e as Error).message };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
  process.exit(0);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
