/**
 * Probe for data-parallel wasm training: what two worker threads, each with its own tfjs wasm
 * instance and model replica, gain over one thread, with the gradient averaging included.
 *
 * Not part of `npm run bench` and not used by the trainer: it measures the design before it is
 * built. `node dist/bench/data-parallel-probe.js --model resnet18 --steps 3`. Each replica takes
 * half the batch, computes its gradients, writes them into a SharedArrayBuffer, waits at a
 * barrier, averages both halves and applies one Adam step, so the replicas stay identical
 * (checked at the end). With `--check` (LeNet-5, no batch norm) it also compares the averaged
 * gradients with the single-thread gradients of the whole batch.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../main/compute/backend';
import { buildModel } from '../main/models/registry';
import { benchModel } from './spec';

interface Job {
  /** Marks a thread started by this probe (not some other worker that loads the file). */
  readonly probe: true;
  readonly model: string;
  readonly batch: number;
  readonly steps: number;
  readonly rank: number;
  readonly world: number;
  /** [barrier counter, generation] */
  readonly sync: SharedArrayBuffer;
  /** world × params float32: each replica's flattened gradients. */
  readonly grads: SharedArrayBuffer;
}

function barrier(sync: Int32Array, world: number): void {
  const gen = Atomics.load(sync, 1);
  if (Atomics.add(sync, 0, 1) === world - 1) {
    Atomics.store(sync, 0, 0);
    Atomics.add(sync, 1, 1);
    Atomics.notify(sync, 1);
  } else {
    while (Atomics.load(sync, 1) === gen) Atomics.wait(sync, 1, gen, 1000);
  }
}

/** Inputs of the whole batch, the same in every replica (seeded). */
function wholeBatch(model: string, batch: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const s = benchModel(model);
  const xs = tf.randomUniform([batch, s.inputSize, s.inputSize, s.channels], -1, 1, 'float32', 7) as tf.Tensor4D;
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % s.numClasses), 'int32'), s.numClasses).toFloat()) as tf.Tensor2D;
  return { xs, ys };
}

async function replica(job: Job): Promise<{ ms: number[]; checksum: number; firstGrads: Float32Array | null }> {
  tf.enableProdMode();
  await initBackend('wasm');
  const s = benchModel(job.model);
  const model = buildModel(job.model, { inputSize: s.inputSize, channels: s.channels, width: s.width, numClasses: s.numClasses, auxHeads: false, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const all = wholeBatch(job.model, job.batch);
  const half = job.batch / job.world;
  const xs = all.xs.slice(job.rank * half, half);
  const ys = all.ys.slice(job.rank * half, half);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const sizes = vars.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const sync = new Int32Array(job.sync);
  const grads = new Float32Array(job.grads);
  const mine = grads.subarray(job.rank * total, (job.rank + 1) * total);
  let firstGrads: Float32Array | null = null;
  const step = (): void => {
    const { value, grads: g } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    let off = 0;
    for (const v of vars) {
      mine.set(g[v.name].dataSync() as Float32Array, off);
      off += v.size;
    }
    tf.dispose([value, ...Object.values(g)]);
    barrier(sync, job.world);
    // Every replica averages the same numbers in the same order: identical updates.
    const avg = new Float32Array(total);
    for (let r = 0; r < job.world; r++) {
      const src = grads.subarray(r * total, (r + 1) * total);
      for (let i = 0; i < total; i++) avg[i] += src[i];
    }
    for (let i = 0; i < total; i++) avg[i] /= job.world;
    if (firstGrads === null) firstGrads = avg.slice();
    barrier(sync, job.world); // nobody overwrites its slot before all have read
    off = 0;
    const named = vars.map((v, i) => {
      const tensor = tf.tensor(avg.subarray(off, off + sizes[i]), v.shape);
      off += sizes[i];
      return { name: v.name, tensor };
    });
    optimizer.applyGradients(named);
    tf.dispose(named.map((n) => n.tensor));
  };
  step();
  const ms: number[] = [];
  for (let i = 0; i < job.steps; i++) {
    const t = performance.now();
    step();
    ms.push(performance.now() - t);
  }
  let checksum = 0;
  for (const v of vars) checksum += (tf.tidy(() => tf.sum(tf.abs(v))).dataSync() as Float32Array)[0];
  return { ms, checksum, firstGrads };
}

/** Runs `world` replicas of `model` for `steps` steps after one untimed step; one result per replica. */
export async function runReplicas(model: string, batch: number, steps: number, world: number): Promise<{ ms: number[]; checksum: number; firstGrads: Float32Array | null }[]> {
  await initBackend('wasm'); // for the parameter count below
  const s = benchModel(model);
  const probe = buildModel(model, { inputSize: s.inputSize, channels: s.channels, width: s.width, numClasses: s.numClasses, auxHeads: false, seed: 1 });
  const total = probe.trainableWeights.reduce((a, w) => a + w.shape.reduce((x: number, y) => x * (y ?? 1), 1), 0);
  probe.dispose();
  const sync = new SharedArrayBuffer(8);
  const grads = new SharedArrayBuffer(4 * total * world);
  return Promise.all(
    Array.from({ length: world }, (_, rank) => {
      const job: Job = { probe: true, model, batch, steps, rank, world, sync, grads };
      // Under tsx (tests) the thread registers tsx itself: `--import tsx` does not reach a worker.
      const w = __filename.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: job }) : new Worker(__filename, { workerData: job });
      return new Promise<{ ms: number[]; checksum: number; firstGrads: Float32Array | null }>((resolve, reject) => {
        w.once('message', (m: { ms: number[]; checksum: number; firstGrads: Float32Array | null }) => resolve(m));
        w.once('error', reject);
      });
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'resnet18' }, steps: { type: 'string', default: '3' }, batch: { type: 'string', default: '32' }, check: { type: 'boolean', default: false } } });
  const model = values.check ? 'lenet5' : (values.model ?? 'resnet18');
  const steps = Number(values.steps);
  const batch = Number(values.batch);
  await initBackend('wasm');
  const cpu0 = process.cpuUsage();
  const one = await runReplicas(model, batch, steps, 1);
  const cpu1 = process.cpuUsage(cpu0);
  const two = await runReplicas(model, batch, steps, 2);
  const cpu2 = process.cpuUsage(cpu0);
  const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
  const ips1 = (1000 * batch) / mean(one[0].ms);
  const ips2 = (1000 * batch) / Math.max(mean(two[0].ms), mean(two[1].ms));
  console.log(`${model}, batch ${batch}: 1 thread ${ips1.toFixed(1)} images/s (steps ${one[0].ms.map((m) => m.toFixed(0)).join(', ')} ms); 2 threads ${ips2.toFixed(1)} images/s (steps ${two[0].ms.map((m) => m.toFixed(0)).join(', ')} ms): ${(ips2 / ips1).toFixed(2)}×`);
  console.log(`CPU seconds: 1 thread ${((cpu1.user + cpu1.system) / 1e6).toFixed(1)}, 2 threads ${((cpu2.user + cpu2.system - cpu1.user - cpu1.system) / 1e6).toFixed(1)}`);
  console.log(`replicas identical after ${steps + 1} steps: ${two[0].checksum === two[1].checksum} (weight checksums ${two[0].checksum}, ${two[1].checksum}; single thread ${one[0].checksum})`);
  const g1 = one[0].firstGrads;
  const g2 = two[0].firstGrads;
  if (g1 && g2) {
    let maxAbs = 0;
    let maxRef = 0;
    for (let i = 0; i < g1.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(g1[i] - g2[i]));
      maxRef = Math.max(maxRef, Math.abs(g1[i]));
    }
    console.log(`first-step gradients, 2 halves averaged vs whole batch: max |difference| ${maxAbs.toExponential(2)} (max |gradient| ${maxRef.toExponential(2)})${model === 'lenet5' ? '' : ' — batch norm normalises each half by its own statistics, so these differ by design'}`);
  }
}

if (!isMainThread && parentPort && (workerData as Partial<Job> | null)?.probe === true) {
  const port = parentPort;
  replica(workerData as Job).then(
    (r) => port.postMessage(r),
    (e: unknown) => {
      throw e;
    },
  );
} else if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
