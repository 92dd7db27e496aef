/**
 * One backend's half of `npm run bench`: training and inference images/second of zoo models.
 *
 * Run as a child process per backend (only one native TensorFlow binding fits in a process,
 * and a backend's kernels stay registered once loaded): `node dist/bench/models.js --backend
 * wasm --models lenet5,resnet18 --train-steps 5 --infer-steps 5`; a model is a bench row or
 * `arch@size@width` (any zoo network, bench/speeds.ts). Prints one JSON line,
 * `{ backend, description, results: ModelResult[] }`, or `{ backend, unavailable }`.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { BACKENDS, DEFAULT_CONFIG, type BackendName, type TrainConfig } from '../shared/config';
import { initBackend } from '../main/compute/backend';
import { fusedAdam } from '../main/compute/fused-optimizer';
import { buildModel, countMacs, type BuildOptions } from '../main/models/registry';
import { planReplicas, ReplicaGroup } from '../main/worker/data-parallel';
import { benchModel, WARM_UP_STEPS } from './spec';

/** One measurement of one model on one backend. */
export interface ModelResult {
  readonly model: string;
  readonly mode: 'train' | 'infer';
  readonly imagesPerSecond: number;
  /** Images per second of this process's CPU time (user + system): steadier on a shared machine. */
  readonly imagesPerCpuSecond: number;
  readonly steps: number;
  readonly stepMs: readonly number[];
  /** Threads the step ran on: training splits batches over them as the app does by default (threads: auto). */
  readonly threads: number;
  /** The same training or inference on one thread, for comparison, when `threads` > 1. */
  readonly oneThreadImagesPerSecond?: number;
  /** Training rows on wasm and cpu: where one step on one thread goes (`profileStep`). */
  readonly profile?: StepProfile;
}

/** Milliseconds of one training step on one thread: in kernels by kind, and the rest (JavaScript). */
export interface StepProfile {
  /** The median measured step (without the profiler). */
  readonly stepMs: number;
  /** Kernel milliseconds by kind (`KERNEL_KINDS`), from `tf.profile`. */
  readonly kernelMs: Readonly<Record<string, number>>;
  /** Kernels called in one step. */
  readonly kernels: number;
  /** stepMs less every kernel's time: dispatch, allocation, `tidy`, gradient bookkeeping. */
  readonly overheadMs: number;
}

/** Kernel kinds by name, first match wins; the rest is `elementwise` (activations, adds, copies, casts). */
const KERNEL_KINDS: readonly (readonly [kind: string, pattern: RegExp])[] = [
  ['conv backward', /Conv2DBackprop|DepthwiseConv2dNativeBackprop/],
  ['conv forward', /Conv2D|DepthwiseConv2d/],
  ['matmul', /MatMul/],
  ['batch-norm', /BatchNorm|Moments/],
  ['pool', /Pool/],
  ['reduce', /^(Sum|Mean|Max|Min|Prod|ArgMax)$/],
  ['optimizer', /Adam|Momentum|Sgd/i],
];

function kindOf(kernel: string): string {
  return KERNEL_KINDS.find(([, p]) => p.test(kernel))?.[0] ?? 'elementwise';
}

/** Profiles one `step` (already warm) against the median of `stepMs` measured without the profiler. */
async function profileStep(step: () => Promise<void>, stepMs: readonly number[]): Promise<StepProfile> {
  const info = await tf.profile(step);
  const kernelMs: Record<string, number> = {};
  let kernels = 0;
  for (const k of info.kernels) {
    // tf.fused ops also appear as `…__op` around their kernel: count the kernel only.
    if (k.name.endsWith('__op')) continue;
    const kind = kindOf(k.name);
    kernelMs[kind] = (kernelMs[kind] ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0);
    kernels++;
  }
  const sorted = [...stepMs].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1] ?? 0;
  const inKernels = Object.values(kernelMs).reduce((a, b) => a + b, 0);
  return { stepMs: median, kernelMs, kernels, overheadMs: Math.max(0, median - inKernels) };
}

/** What the child prints. */
export type BackendReportLine =
  | { readonly backend: BackendName; readonly description: string; readonly results: readonly ModelResult[]; readonly skipped: readonly { model: string; reason: string }[] }
  | { readonly backend: BackendName; readonly unavailable: string };

/** Measures `step` (async where it reads a webgpu tensor: Node has no synchronous GPU read). */
async function measure(step: () => void | Promise<void>, steps: number, batch: number): Promise<{ imagesPerSecond: number; imagesPerCpuSecond: number; stepMs: number[] }> {
  // Warm-up: optimizer slots, XNNPACK operator setup, weight layouts, and the engine's tier-up of
  // the kernels' WebAssembly (the first steps of a run are up to 1.4× slower than the later ones);
  // on webgpu, the shader pipelines.
  for (let i = 0; i < WARM_UP_STEPS; i++) await step();
  const cpu = process.cpuUsage();
  const stepMs: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await step();
    stepMs.push(performance.now() - t);
  }
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { imagesPerSecond: (1000 * batch * steps) / wall, imagesPerCpuSecond: (1e6 * batch * steps) / Math.max(1, used.user + used.system), stepMs };
}

/** Waits for a tensor's values: synchronously where the backend can, as the app's worker did. */
async function settle(t: tf.Tensor | null | undefined, backend: BackendName): Promise<void> {
  if (!t) return;
  if (backend === 'webgpu') await t.data();
  else t.dataSync();
  t.dispose();
}

/** One inference step on the calling thread. */
function inferOnce(model: tf.LayersModel, xs: tf.Tensor, backend: BackendName): Promise<void> {
  return settle(model.apply(xs, { training: false }) as tf.Tensor, backend);
}

/** Train and infer throughput of one model (Adam, softmax cross-entropy, random inputs). */
export async function benchOne(id: string, backend: BackendName, batch: number, trainSteps: number, inferSteps: number): Promise<ModelResult[]> {
  const spec = benchModel(id);
  const build: BuildOptions = { inputSize: spec.inputSize, channels: spec.channels, width: spec.width, numClasses: spec.numClasses, auxHeads: false, seed: 1 };
  const model = buildModel(spec.arch, build);
  const optimizer = fusedAdam(1e-3); // the trainer's Adam
  const xs = tf.randomUniform([batch, spec.inputSize, spec.inputSize, spec.channels], -1, 1) as tf.Tensor4D;
  const labels = Array.from({ length: batch }, (_, i) => i % spec.numClasses);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), spec.numClasses).toFloat());
  const out: ModelResult[] = [];
  // The app's default (threads: auto) splits each batch over the cores, for training and for the
  // evaluation of validation and test images; one thread is measured beside it.
  const config: TrainConfig = { ...DEFAULT_CONFIG, arch: spec.arch, inputSize: spec.inputSize, channels: spec.channels, width: spec.width, batchSize: batch, augment: [], threads: 0 };
  const plan = planReplicas(config, backend, countMacs(model));
  let group: ReplicaGroup | null = null;
  try {
    if (trainSteps > 0) {
      const trainStep = (): Promise<void> => settle(optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true), backend);
      const one = await measure(trainStep, trainSteps, batch);
      // webgpu's kernel times are queue times: the split says nothing there.
      const profile = backend === 'webgpu' ? undefined : await profileStep(trainStep, one.stepMs);
      group = plan.replicas > 1 ? await ReplicaGroup.start({ world: plan.replicas, backend, config, build, model, optimizer, resumeDir: null }) : null;
      if (group) {
        const g = group;
        const parallel = await measure(() => void g.step(xs, labels, spec.numClasses, 1e-3), trainSteps, batch);
        out.push({ model: id, mode: 'train', steps: trainSteps, threads: g.world, oneThreadImagesPerSecond: one.imagesPerSecond, ...parallel, ...(profile ? { profile } : {}) });
      } else {
        out.push({ model: id, mode: 'train', steps: trainSteps, threads: 1, ...one, ...(profile ? { profile } : {}) });
      }
    }
    if (inferSteps > 0) {
      const single = await measure(() => inferOnce(model, xs, backend), inferSteps, batch);
      group ??= plan.replicas > 1 ? await ReplicaGroup.start({ world: plan.replicas, backend, config, build, model, optimizer, resumeDir: null }) : null;
      if (group) {
        const g = group;
        g.averageStatistics(); // as before every evaluation
        const parallel = await measure(() => g.infer(xs, spec.numClasses).dispose(), inferSteps, batch);
        out.push({ model: id, mode: 'infer', steps: inferSteps, threads: g.world, oneThreadImagesPerSecond: single.imagesPerSecond, ...parallel });
      } else {
        out.push({ model: id, mode: 'infer', steps: inferSteps, threads: 1, ...single });
      }
    }
  } finally {
    await group?.close();
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
      'software-gpu': { type: 'boolean', default: false },
    },
  });
  const backend = values.backend as BackendName;
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);
  tf.enableProdMode();
  let line: BackendReportLine;
  try {
    const info = await initBackend(backend);
    // A software adapter (SwiftShader, llvmpipe) says nothing about GPU speed: no rows from it.
    if (info.adapter?.software && !values['software-gpu']) {
      throw new Error(`only a software adapter (${info.adapter.description}): GPU speed is not measured on it (--software-gpu runs it anyway)`);
    }
    const results: ModelResult[] = [];
    const batch = Number(values.batch);
    for (const id of (values.models ?? '').split(',').filter(Boolean)) {
      results.push(...(await benchOne(id, backend, batch, Number(values['train-steps']), Number(values['infer-steps']))));
      process.stderr.write(`  ${backend} ${id}: ${results.slice(-2).map((r) => `${r.mode} ${r.imagesPerSecond.toFixed(1)} img/s${r.threads > 1 ? ` on ${r.threads} threads (1 thread: ${r.oneThreadImagesPerSecond?.toFixed(1)})` : ''}`).join(', ')}\n`);
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
