/**
 * Measures convolution gradients on the wasm backend, and training throughput on wasm vs cpu.
 *
 * Not a test: `npx tsx main/compute/conv-bench.ts [--no-layers] [--train | --train-wasm |
 * --train-cpu] [--ablation] [--profile] [--compare]`. Prints milliseconds per call (the best of several, after a warm-up) for the
 * implementation options of the convolution gradients, so that the choice in wasm-kernels.ts
 * can be re-checked on new hardware or a new tfjs. `--compare` profiles ResNet-18 training
 * steps with the stock reductions, batch norm, copies and Adam against fast-wasm-kernels.ts and
 * FusedAdamOptimizer, interleaved so that other load on the machine hits both alike.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { initBackend } from './backend';
import { fusedAdam } from './fused-optimizer';

/** One convolution layer to measure. */
export interface BenchLayer {
  readonly label: string;
  readonly batch: number;
  readonly size: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
}

/**
 * ResNet-18 layers at a 64×64 input, batch 32: the 7×7/2 stem, a stage-1 3×3, the stage-2
 * downsampling 3×3 and its 1×1 projection, and a stage-4 3×3 (large filter, tiny feature map).
 */
export const RESNET_LAYERS: readonly BenchLayer[] = [
  { label: 'stem 7×7/2 (32×64×64×3 → 64)', batch: 32, size: 64, inChannels: 3, outChannels: 64, kernel: 7, stride: 2 },
  { label: 'stage-1 3×3 (32×16×16×64 → 64)', batch: 32, size: 16, inChannels: 64, outChannels: 64, kernel: 3, stride: 1 },
  { label: 'stage-2 downsampling 3×3/2 (32×16×16×64 → 128)', batch: 32, size: 16, inChannels: 64, outChannels: 128, kernel: 3, stride: 2 },
  { label: 'stage-2 projection 1×1/2 (32×16×16×64 → 128)', batch: 32, size: 16, inChannels: 64, outChannels: 128, kernel: 1, stride: 2 },
  { label: 'stage-4 3×3 (32×2×2×512 → 512)', batch: 32, size: 2, inChannels: 512, outChannels: 512, kernel: 3, stride: 1 },
];

/** Best wall time of `reps` calls of `f` after one warm-up call, in milliseconds. */
export function bestMs(f: () => void, reps = 5): number {
  f();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

function samePad(size: number, kernel: number, stride: number): { out: number; before: number; after: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/** dW by im2col: the kh·kw shifted (strided) views of x side by side, then one matMul. */
function filterGradIm2col(x: tf.Tensor4D, dy: tf.Tensor4D, l: BenchLayer, explicitTranspose: boolean): tf.Tensor {
  return tf.tidy(() => {
    const p = samePad(l.size, l.kernel, l.stride);
    const xp = tf.pad(x, [[0, 0], [p.before, p.after], [p.before, p.after], [0, 0]]);
    const cols: tf.Tensor[] = [];
    for (let i = 0; i < l.kernel; i++) {
      for (let j = 0; j < l.kernel; j++) {
        const end = [l.batch, i + (p.out - 1) * l.stride + 1, j + (p.out - 1) * l.stride + 1, l.inChannels];
        cols.push(tf.stridedSlice(xp, [0, i, j, 0], end, [1, l.stride, l.stride, 1]));
      }
    }
    const m = l.batch * p.out * p.out;
    const col = tf.reshape(tf.concat(cols, 3), [m, l.kernel * l.kernel * l.inChannels]);
    const dy2 = tf.reshape(dy, [m, l.outChannels]);
    const dw = explicitTranspose ? tf.matMul(tf.transpose(col), dy2) : tf.matMul(col, dy2, true, false);
    return tf.reshape(dw, [l.kernel, l.kernel, l.inChannels, l.outChannels]);
  });
}

/** dx as a stride-1 convolution over dy dilated with zeros (s² times the forward work). */
function inputGradDilated(dy: tf.Tensor4D, w: tf.Tensor4D, l: BenchLayer): tf.Tensor {
  return tf.tidy(() => {
    const p = samePad(l.size, l.kernel, l.stride);
    const s = l.stride;
    let d: tf.Tensor4D = dy;
    if (s > 1) {
      const spread = tf.pad(tf.reshape(dy, [l.batch, p.out, 1, p.out, 1, l.outChannels]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]);
      d = tf.reshape(spread, [l.batch, p.out * s, p.out * s, l.outChannels]);
    }
    const front = l.kernel - 1 - p.before;
    const back = l.size + p.before - (s > 1 ? p.out * s : p.out);
    const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(d, flipped, 1, [[0, 0], [front, back], [front, back], [0, 0]]);
  });
}

/** Runs one kernel config directly (e.g. the stock wasm kernel after it was replaced). */
function runConfig(config: KernelConfig, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): void {
  const backend = tf.backend() as KernelBackend;
  const out = config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  for (const info of Array.isArray(out) ? out : [out]) backend.disposeData(info.dataId);
}

/** Times the forward pass and every gradient option of one layer on the current backend. */
export function benchLayer(l: BenchLayer, stockBackpropInput: KernelConfig | null): Record<string, number> {
  const x = tf.randomNormal([l.batch, l.size, l.size, l.inChannels]) as tf.Tensor4D;
  const w = tf.randomNormal([l.kernel, l.kernel, l.inChannels, l.outChannels]) as tf.Tensor4D;
  const dy = tf.tidy(() => tf.randomNormal(tf.conv2d(x, w, l.stride, 'same').shape)) as tf.Tensor4D;
  const attrs = { strides: [l.stride, l.stride], pad: 'same', dataFormat: 'NHWC' };
  const timed = (f: () => tf.TensorContainer) => bestMs(() => tf.dispose(f()));
  const r: Record<string, number> = {};
  r['forward conv2d'] = timed(() => tf.conv2d(x, w, l.stride, 'same'));
  if (stockBackpropInput) r['dx: stock wasm Conv2DBackpropInput'] = bestMs(() => runConfig(stockBackpropInput, { dy, filter: w }, { ...attrs, inputShape: x.shape }), 3);
  r['dx: conv over zero-dilated dy'] = timed(() => inputGradDilated(dy, w, l));
  r['dx: stride² phase convs (registered kernel)'] = timed(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [...x.shape] }) as tf.Tensor);
  r['dW: im2col + matMul(transposeA)'] = bestMs(() => tf.dispose(filterGradIm2col(x, dy, l, false)), 2);
  r['dW: im2col + transpose + matMul'] = timed(() => filterGradIm2col(x, dy, l, true));
  r['dW: conv, channels as batch (registered kernel)'] = timed(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [...w.shape] }) as tf.Tensor);
  r['forward + dx + dW (tf.grads)'] = timed(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, l.stride, 'same'))([x, w], dy));
  tf.dispose([x, w, dy]);
  return r;
}

/**
 * Images per second of `steps` training steps (Adam, batch `batch`) of a zoo model at 64×64.
 *
 * `warmUp` first runs one untimed step (optimizer slots, XNNPACK operators); the cpu backend
 * has nothing to warm up and takes minutes per ResNet-18 step.
 */
export async function trainingImagesPerSecond(
  modelId: string,
  backend: 'wasm' | 'cpu',
  steps: number,
  warmUp: boolean,
  batch = 32,
): Promise<{ imagesPerSecond: number; stepMs: number[]; imagesPerCpuSecond: number }> {
  // Loaded here so that the conv benchmark does not depend on the model zoo.
  const { buildModel } = await import('../models/registry');
  await tf.setBackend(backend);
  const model = buildModel(modelId, { inputSize: 64, width: 1, numClasses: 5, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const xs = tf.randomUniform([batch, 64, 64, 3]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 5), 'int32'), 5).toFloat());
  let cpuMicros = 0;
  const step = () => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true);
    if (loss) {
      loss.dataSync();
      loss.dispose();
    }
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    return performance.now() - t;
  };
  if (warmUp) step();
  cpuMicros = 0;
  const stepMs: number[] = [];
  for (let i = 0; i < steps; i++) stepMs.push(step());
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  const mean = stepMs.reduce((a, b) => a + b, 0) / stepMs.length;
  // CPU time stays honest on a machine shared with other work, where wall time does not.
  return { imagesPerSecond: (1000 * batch) / mean, stepMs, imagesPerCpuSecond: (1e6 * batch * steps) / cpuMicros };
}

/** Where one wasm training step of a zoo model spends its time, by kernel. */
export async function profileTrainingStep(modelId: string, batch = 32): Promise<{ kernel: string; ms: number; calls: number }[]> {
  const { buildModel } = await import('../models/registry');
  await tf.setBackend('wasm');
  const model = buildModel(modelId, { inputSize: 64, width: 1, numClasses: 5, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const xs = tf.randomUniform([batch, 64, 64, 3]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 5), 'int32'), 5).toFloat());
  const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true)?.dispose();
  step();
  const info = await tf.profile(step);
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    // tf.fused ops also appear as `…__op` around their kernel: count the kernel only.
    if (k.name.endsWith('__op')) continue;
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.calls++;
    byKernel.set(k.name, e);
  }
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  return [...byKernel.entries()].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms);
}

/** The wasm kernels fast-wasm-kernels.ts replaces (`--compare` swaps the stock ones back in). */
const FAST_KERNELS = ['Sum', 'Mean', 'FusedBatchNorm', 'Identity', 'Cast'];

const CONV_KERNELS = new Set(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'FusedConv2D']);

/**
 * Per-kernel milliseconds and whole-step wall/CPU time of ResNet-18 wasm training steps, stock
 * (the stock `stock` kernels and tf.train.adam) against fast (the current kernels and
 * fusedAdam), `reps` steps of each, alternating.
 *
 * The convolution kernels, `MaxPoolGrad` and `Tile` of wasm-kernels.ts are the same in both
 * (the stock MaxPoolGrad is wrong); their differences are the machine's noise.
 */
export async function compareStockAndFast(stock: KernelConfig[], reps = 5, batch = 32): Promise<void> {
  const { buildModel } = await import('../models/registry');
  await tf.setBackend('wasm');
  const fast = stock.map((k) => tf.getKernel(k.kernelName, 'wasm'));
  const use = (configs: KernelConfig[]) => configs.forEach((k) => swapKernel(k.kernelName, k));
  const model = buildModel('resnet18', { inputSize: 64, width: 1, numClasses: 5, seed: 1 });
  const xs = tf.randomUniform([batch, 64, 64, 3]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 5), 'int32'), 5).toFloat());
  const variants = [
    { label: 'stock', kernels: stock, optimizer: tf.train.adam(1e-3) as tf.Optimizer },
    { label: 'fast', kernels: fast, optimizer: fusedAdam(1e-3) as tf.Optimizer },
  ].map((v) => ({ ...v, kernelMs: new Map<string, number[]>(), wallMs: [] as number[], cpuMs: [] as number[] }));
  for (let rep = -1; rep < reps; rep++) {
    for (const v of variants) {
      use(v.kernels);
      const step = () => v.optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true)?.dispose();
      const t = performance.now();
      const cpu = process.cpuUsage();
      step();
      const used = process.cpuUsage(cpu);
      if (rep < 0) continue; // warm-up: optimizer slots, XNNPACK operators
      v.wallMs.push(performance.now() - t);
      v.cpuMs.push((used.user + used.system) / 1000);
      const info = await tf.profile(step);
      const byKernel = new Map<string, number>();
      for (const k of info.kernels) {
        // tf.fused ops also appear as `…__op` around their kernel: count the kernel only.
        if (k.name.endsWith('__op')) continue;
        byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));
      }
      for (const [name, ms] of byKernel) v.kernelMs.set(name, [...(v.kernelMs.get(name) ?? []), ms]);
    }
  }
  use(fast);
  // Medians: the machine may be shared, and a descheduled step inflates whichever kernel ran.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [s, f] = variants.map((v) => ({ ...v, kernelMs: new Map([...v.kernelMs].map(([name, ms]) => [name, median(ms)])) }));
  const names = [...new Set([...s.kernelMs.keys(), ...f.kernelMs.keys()])].sort((a, b) => (s.kernelMs.get(b) ?? 0) - (s.kernelMs.get(a) ?? 0));
  const sum = (m: Map<string, number>, keep: (name: string) => boolean) => [...m].filter(([n]) => keep(n)).reduce((a, [, ms]) => a + ms, 0);
  const row = (label: string, a: number, b: number) => console.log(`  ${label.padEnd(24)} ${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(8)}`);
  console.log(`\nresnet18 wasm training step (batch ${batch}), ms per step, median of ${reps} profiled steps each:`);
  console.log(`  ${'kernel'.padEnd(24)} ${'stock'.padStart(8)} ${'fast'.padStart(8)}`);
  for (const n of names.filter((n) => (s.kernelMs.get(n) ?? 0) + (f.kernelMs.get(n) ?? 0) >= 1)) row(n, s.kernelMs.get(n) ?? 0, f.kernelMs.get(n) ?? 0);
  row('= convolutions', sum(s.kernelMs, (n) => CONV_KERNELS.has(n)), sum(f.kernelMs, (n) => CONV_KERNELS.has(n)));
  row('= everything else', sum(s.kernelMs, (n) => !CONV_KERNELS.has(n)), sum(f.kernelMs, (n) => !CONV_KERNELS.has(n)));
  row('whole step, wall (median)', median(s.wallMs), median(f.wallMs));
  row('whole step, wall (best)', Math.min(...s.wallMs), Math.min(...f.wallMs));
  row('whole step, CPU (median)', median(s.cpuMs), median(f.cpuMs));
  for (const v of variants) v.optimizer.dispose();
  tf.dispose([xs, ys]);
  model.dispose();
}

/** Swaps the wasm kernel `name` for `config` (or back); returns the one it replaced. */
function swapKernel(name: string, config: KernelConfig): KernelConfig {
  const current = tf.getKernel(name, 'wasm');
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(config);
  return current;
}

/**
 * ResNet-18 wasm throughput as the kernels of wasm-kernels.ts are added one by one (the stock
 * `Conv2DBackpropInput` and `Tile` swapped back in for the earlier rows; the `MaxPoolGrad`
 * replacement is a correctness fix and stays).
 */
async function ablation(input: KernelConfig, tile: KernelConfig): Promise<void> {
  const rows: [string, KernelConfig[]][] = [
    ['only Conv2DBackpropFilter added (stock dx, Tile)', [input, tile]],
    ['+ phase-convolution Conv2DBackpropInput', [tile]],
    ['+ whole-repeat Tile (all)', []],
  ];
  for (const [label, stock] of rows) {
    const saved = stock.map((k) => swapKernel(k.kernelName, k));
    const r = await trainingImagesPerSecond('resnet18', 'wasm', 2, true);
    saved.forEach((k) => swapKernel(k.kernelName, k));
    console.log(`  ${label.padEnd(50)} ${r.imagesPerSecond.toFixed(2).padStart(6)} images/s wall, ${r.imagesPerCpuSecond.toFixed(2).padStart(6)} per CPU second`);
  }
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  // The stock kernels, before initBackend replaces them.
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const stockTile = tf.getKernel('Tile', 'wasm');
  const stockFast = FAST_KERNELS.map((name) => tf.getKernel(name, 'wasm'));
  const info = await initBackend('wasm');
  console.log(`backend: ${info.description}`);
  for (const layer of args.has('--no-layers') ? [] : RESNET_LAYERS) {
    console.log(`\n${layer.label}`);
    for (const [name, ms] of Object.entries(benchLayer(layer, stock ?? null))) console.log(`  ${name.padEnd(50)} ${ms.toFixed(1).padStart(8)} ms`);
  }
  for (const backend of ['wasm', 'cpu'] as const) {
    if (args.has('--train') || args.has(`--train-${backend}`)) {
      const r = backend === 'wasm' ? await trainingImagesPerSecond('resnet18', backend, 3, true) : await trainingImagesPerSecond('resnet18', backend, 1, false);
      console.log(
        `\nresnet18 (64×64, width 1, 5 classes, batch 32) on ${backend}: ${r.imagesPerSecond.toFixed(2)} images/s wall, ` +
          `${r.imagesPerCpuSecond.toFixed(2)} images per CPU second (steps ${r.stepMs.map((m) => m.toFixed(0)).join(', ')} ms)`,
      );
    }
  }
  if (args.has('--ablation')) {
    console.log('\nresnet18 wasm training, batch 32, as the kernels are added:');
    await ablation(stock, stockTile);
  }
  if (args.has('--profile')) {
    const rows = await profileTrainingStep('resnet18');
    const total = rows.reduce((a, r) => a + r.ms, 0);
    console.log(`\nresnet18 wasm training step by kernel (total ${total.toFixed(0)} ms):`);
    for (const r of rows.slice(0, 15)) console.log(`  ${r.kernel.padEnd(24)} ${r.ms.toFixed(0).padStart(6)} ms ${((100 * r.ms) / total).toFixed(1).padStart(5)}%  ${r.calls} calls`);
  }
  if (args.has('--compare')) await compareStockAndFast(stockFast);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
