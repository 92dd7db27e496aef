/**
 * Data-parallel training on several CPU threads for the wasm and cpu backends.
 *
 * tfjs runs the wasm backend on one thread in Node (its threaded build cannot start a worker
 * there), so a second core would sit idle. Instead, the training worker starts one worker
 * thread per extra core, each with its own tfjs instance and an identical replica of the model
 * and optimizer. Every step, rank 0 (the worker's main thread) prepares the whole batch as
 * before, hands each replica its slice, and all replicas:
 *
 *   1. compute the gradients of their slice's loss, scaled by the slice's share of the batch,
 *   2. write them into their row of a SharedArrayBuffer, and wait for each other (barrier),
 *   3. add up one 1/world range of every row into the shared average (each rank a different
 *      range, so the sum costs 1/world of it on each core), and wait again,
 *   4. apply the same optimizer step with the same summed gradients.
 *
 * The replicas stay identical because they apply the same numbers in the same order. Batch
 * norm normalises each slice by its own statistics ("ghost batch norm"), so results differ a
 * little from a one-thread run of the same seed; the moving statistics are averaged across
 * replicas before each validation, so evaluation sees all the data.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackendName, TrainConfig } from '../../shared/config';
import type { WorkerJob } from '../../shared/contract/worker';
import type { BuildOptions } from '../models/registry';
import { applyScaledGradients, backboneVariables } from './fine-tune';
import { applyDecoupledDecay, decayedWeights, setLearningRate, trainingLoss, type StepOutputs } from './step';

/** A replica's slice of a batch needs this many images for its batch-norm statistics. */
export const MIN_IMAGES_PER_REPLICA = 8;
/**
 * Auto mode splits batches only for models with at least this many multiply-adds per image.
 * Measured on 2 cores, batch 32, two threads against one, with the Winograd and matrix-product
 * kernels (session 3): LeNet-5 at 28×28×1 (2.3 M) 0.82×, at 32×32×3 (4.3 M) 1.13×, ResNet-18
 * 64×64 at width 0.25 (11 M) 0.95–1.0×, GoogLeNet w0.5 (35 M) 1.17×. A step of a small model is
 * mostly per-kernel cost, which a second thread pays again for half the images.
 */
export const AUTO_MIN_MACS = 3e6;
/** Replicas auto mode starts at most (more cores than this gain little at batch 32). */
export const AUTO_MAX_REPLICAS = 4;
/** A replica that does not reach a barrier within this long is taken for dead. */
const BARRIER_TIMEOUT_MS = 15 * 60 * 1000;

/** How many replicas a run trains with, and why, in words for the run's log. */
export interface ReplicaPlan {
  readonly replicas: number;
  readonly reason: string;
}

/**
 * The most threads a run in auto mode trains on with `backend` on this machine (batch and model
 * permitting): what the app tells the user before any run.
 */
export function maxAutoThreads(backend: BackendName, cores: number = os.availableParallelism()): number {
  return backend === 'wasm' || backend === 'cpu' ? Math.max(1, Math.min(cores, AUTO_MAX_REPLICAS)) : 1;
}

/** Decides the number of replicas for a run. */
export function planReplicas(
  config: Pick<TrainConfig, 'threads' | 'batchSize'>,
  backend: BackendName,
  macsPerImage: number,
  cores: number = os.availableParallelism(),
): ReplicaPlan {
  if (backend === 'webgpu' || backend === 'tensorflow-gpu') {
    const where = backend === 'webgpu' ? 'the GPU adapter' : 'the CUDA GPU';
    return {
      replicas: 1,
      reason: config.threads > 0 ? `the threads setting (${config.threads}) does not apply on a GPU: every step runs on ${where}` : `every step runs on ${where}`,
    };
  }
  if (backend !== 'wasm' && backend !== 'cpu') {
    return { replicas: 1, reason: `the ${backend} backend uses its own threads` };
  }
  const bySlice = Math.max(1, Math.floor(config.batchSize / MIN_IMAGES_PER_REPLICA));
  if (config.threads > 0) {
    const replicas = Math.min(config.threads, bySlice);
    return {
      replicas,
      reason:
        replicas < config.threads
          ? `${config.threads} threads asked for, ${replicas} used: each needs at least ${MIN_IMAGES_PER_REPLICA} images of a batch of ${config.batchSize}`
          : `${replicas} thread${replicas === 1 ? '' : 's'} asked for`,
    };
  }
  if (cores < 2) return { replicas: 1, reason: 'auto: this machine has one core' };
  if (macsPerImage < AUTO_MIN_MACS) {
    return { replicas: 1, reason: `auto: the model is too small to gain from more threads (${(macsPerImage / 1e6).toFixed(1)} M multiply-adds per image)` };
  }
  const replicas = Math.min(cores, bySlice, AUTO_MAX_REPLICAS);
  return {
    replicas,
    reason: replicas === 1 ? `auto: a batch of ${config.batchSize} is too small to split (${MIN_IMAGES_PER_REPLICA} images per thread at least)` : `auto: ${replicas} of ${cores} cores`,
  };
}

/** Where the batch is cut for `world` replicas: replica r takes [cuts[r], cuts[r + 1]). */
export function sliceBounds(n: number, world: number): number[] {
  return Array.from({ length: world + 1 }, (_, r) => Math.round((r * n) / world));
}

/** The shared memory of one group of replicas. */
export interface SharedBuffers {
  /** Int32: [arrived, generation, failed]. */
  readonly sync: SharedArrayBuffer;
  /** float32, world rows of `total` values: each replica's gradients (or statistics). */
  readonly rows: SharedArrayBuffer;
  /** float32, `total` values: the sum of the rows (and the initial weights at start). */
  readonly sum: SharedArrayBuffer;
  /** float64, world × 3: each replica's [scaled loss, scaled main loss, correct]. */
  readonly scalars: SharedArrayBuffer;
  /** UTF-8 text of the first failure. */
  readonly error: SharedArrayBuffer;
  /** float32, EVAL_ROWS × classes: the logits of an evaluation batch, each replica its rows. */
  readonly outputs: SharedArrayBuffer;
}

/** The largest evaluation batch the replicas share (the trainer evaluates 64 images at a time). */
export const EVAL_ROWS = 256;

export function allocateBuffers(world: number, total: number, classes = 0): SharedBuffers {
  return {
    outputs: new SharedArrayBuffer(4 * EVAL_ROWS * classes),
    sync: new SharedArrayBuffer(16),
    rows: new SharedArrayBuffer(4 * world * total),
    sum: new SharedArrayBuffer(4 * total),
    scalars: new SharedArrayBuffer(8 * world * 3),
    error: new SharedArrayBuffer(2048),
  };
}

/** Messages rank 0 posts to the other replicas. */
export type ReplicaCommand =
  | { readonly type: 'step'; readonly x: Float32Array; readonly shape: number[]; readonly labels: Int32Array; readonly k: number; readonly scale: number; readonly lr: number }
  | { readonly type: 'statistics' }
  | { readonly type: 'infer'; readonly x: Float32Array; readonly shape: number[]; readonly row: number }
  | { readonly type: 'load'; readonly dir: string }
  | { readonly type: 'stop' };

/** What a replica thread is started with. */
export interface ReplicaSetup {
  readonly replica: true;
  readonly rank: number;
  readonly world: number;
  readonly backend: BackendName;
  readonly config: TrainConfig;
  readonly build: BuildOptions;
  readonly resumeDir: string | null;
  /** Restore the optimizer slots from `resumeDir` too (not when the frozen layers changed since). */
  readonly restoreOptimizer: boolean;
  readonly buffers: SharedBuffers;
  /** A fine-tuning run's weights file, which each replica reads itself (the same backbone and statistics as rank 0's). */
  readonly weights: WorkerJob['weights'];
  /** Whether the pretrained layers are frozen (fine-tune.ts). */
  readonly frozen: boolean;
}

/**
 * A tensor's float32 values without a copy where the backend allows it (a view into the wasm
 * heap, valid until the next tfjs call), else `dataSync`. Only read it at once.
 */
function valuesOf(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.Tensor) => Float32Array };
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function') return backend.typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

/** Sizes of a list of variables, flattened one after the other. */
function layout(vars: readonly tf.Variable[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const v of vars) {
    offsets.push(total);
    total += v.size;
  }
  return { offsets, total };
}

/**
 * A model's trainable variables in the order tfjs registered them: the order `minimize` hands
 * gradients to the optimizer, whose slots (Adam's moments) are matched by position. Using the
 * same order keeps checkpoints interchangeable between one-thread and data-parallel runs.
 */
function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  const order = new Map(Object.keys(tf.engine().registeredVariables).map((name, i) => [name, i]));
  const position = (v: tf.Variable): number => order.get(v.name) ?? Number.MAX_SAFE_INTEGER;
  return model.trainableWeights.map((w) => w.read() as tf.Variable).sort((a, b) => position(a) - position(b));
}

/**
 * One replica's side of the exchange: its model, optimizer and the shared buffers. Rank 0 and
 * the threads run the same code, so their updates are the same.
 */
export class Replica {
  readonly #sync: Int32Array;
  readonly #rows: Float32Array;
  readonly #sum: Float32Array;
  readonly #scalars: Float64Array;
  readonly #error: Uint8Array;
  readonly #outputs: Float32Array;
  readonly #vars: tf.Variable[];
  readonly #stats: tf.LayerVariable[];
  readonly #decayed: tf.LayerVariable[];
  /** Variables of the pretrained layers (lr × backboneLrScale), and the decayed weights split by it. */
  readonly #scaled: Set<string>;
  readonly #decayedHead: tf.LayerVariable[];
  readonly #decayedBackbone: tf.LayerVariable[];
  readonly #offsets: number[];
  readonly #total: number;

  constructor(
    readonly rank: number,
    readonly world: number,
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly config: TrainConfig,
    buffers: SharedBuffers,
    pretrainedLayers: ReadonlySet<string> = new Set(),
  ) {
    this.#sync = new Int32Array(buffers.sync);
    this.#rows = new Float32Array(buffers.rows);
    this.#sum = new Float32Array(buffers.sum);
    this.#scalars = new Float64Array(buffers.scalars);
    this.#error = new Uint8Array(buffers.error);
    this.#outputs = new Float32Array(buffers.outputs);
    this.#vars = trainableVariables(model);
    // Moving statistics of the layers that train (a frozen layer's weights and statistics stay put).
    this.#stats = model.layers.filter((l) => l.trainable).flatMap((l) => l.nonTrainableWeights);
    this.#decayed = decayedWeights(model);
    this.#scaled = backboneVariables(model, new Set([...pretrainedLayers].filter((n) => model.getLayer(n).trainable)));
    this.#decayedHead = this.#decayed.filter((w) => !this.#scaled.has(w.name));
    this.#decayedBackbone = this.#decayed.filter((w) => this.#scaled.has(w.name));
    ({ offsets: this.#offsets, total: this.#total } = layout(this.#vars));
  }

  /** Number of trainable values, the length of a row. */
  static size(model: tf.LayersModel): number {
    return layout(model.trainableWeights.map((w) => w.read() as tf.Variable)).total;
  }

  /** Rank 0, before the threads start: its weights, for them to copy. */
  publishWeights(): void {
    this.#vars.forEach((v, i) => this.#sum.set(valuesOf(v), this.#offsets[i]));
  }

  /** The other ranks, at start: take rank 0's weights. */
  adoptWeights(): void {
    tf.tidy(() => this.#vars.forEach((v, i) => v.assign(tf.tensor(this.#sum.slice(this.#offsets[i], this.#offsets[i] + v.size), v.shape))));
  }

  /** Milliseconds this replica spent in each phase of its steps so far (for the bench). */
  readonly phases = { split: 0, compute: 0, publish: 0, wait: 0, sum: 0, apply: 0 };

  /** One step on this replica's slice; every rank calls it once per step. */
  step(xn: tf.Tensor, y: tf.Tensor, scale: number, lr: number): void {
    const p = this.phases;
    let t = performance.now();
    const lap = (): number => {
      const now = performance.now();
      const dt = now - t;
      t = now;
      return dt;
    };
    const out: StepOutputs = { mainLoss: null, correct: null };
    const { value, grads } = tf.variableGrads(() => trainingLoss(this.model, this.config, this.#decayed, xn, y, scale, out), this.#vars);
    const s = this.rank * 3;
    this.#scalars[s] = (value.dataSync() as Float32Array)[0];
    p.compute += lap();
    const row = this.#rows.subarray(this.rank * this.#total, (this.rank + 1) * this.#total);
    this.#vars.forEach((v, i) => row.set(valuesOf(grads[v.name]), this.#offsets[i]));
    this.#scalars[s + 1] = out.mainLoss ? (out.mainLoss.dataSync() as Float32Array)[0] * scale : NaN;
    this.#scalars[s + 2] = out.correct ? (out.correct.dataSync() as Float32Array)[0] : 0;
    tf.dispose([value, ...Object.values(grads), out.mainLoss as tf.Tensor | null, out.correct as tf.Tensor | null].filter((t): t is tf.Tensor => t !== null));
    p.publish += lap();
    this.barrier();
    p.wait += lap();
    this.#reduce(this.#total, 1);
    p.sum += lap();
    this.barrier();
    p.wait += lap();
    setLearningRate(this.optimizer, lr);
    // The wasm backend copies a new tensor's values into its heap at once; the cpu backend keeps
    // the array it is given, so it gets its own copy of the shared sums.
    const copy = tf.getBackend() === 'cpu';
    const named = this.#vars.map((v, i) => {
      const values = copy ? this.#sum.slice(this.#offsets[i], this.#offsets[i] + v.size) : this.#sum.subarray(this.#offsets[i], this.#offsets[i] + v.size);
      return { name: v.name, tensor: tf.tensor(values, v.shape) };
    });
    applyScaledGradients(this.optimizer, named, this.#scaled, this.config.backboneLrScale);
    tf.dispose(named.map((n) => n.tensor));
    applyDecoupledDecay(this.config, this.#decayedHead, lr);
    applyDecoupledDecay(this.config, this.#decayedBackbone, lr * this.config.backboneLrScale);
    p.apply += lap();
  }

  /** Rank 0, after a step: the whole batch's [loss, main loss, correct] added over replicas. */
  totals(): { total: number; mainLoss: number; correct: number } {
    let total = 0;
    let mainLoss = 0;
    let correct = 0;
    for (let r = 0; r < this.world; r++) {
      total += this.#scalars[r * 3];
      mainLoss += this.#scalars[r * 3 + 1];
      correct += this.#scalars[r * 3 + 2];
    }
    return { total, mainLoss, correct };
  }

  /**
   * Inference on this replica's rows of an evaluation batch: writes the main head's logits
   * from row `row` on and waits for the others; every rank calls it once per batch.
   */
  infer(x: tf.Tensor, row: number): void {
    const logits = tf.tidy(() => {
      const out = this.model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
      return Array.isArray(out) ? out[0] : out;
    });
    this.#outputs.set(valuesOf(logits), row * logits.shape[1]!);
    logits.dispose();
    this.barrier();
  }

  /** Rank 0, after `infer`: rows [0, n) of the shared logits as a tensor. */
  logits(n: number, classes: number): tf.Tensor2D {
    return tf.tensor2d(this.#outputs.slice(0, n * classes), [n, classes]);
  }

  /** Averages the batch-norm moving statistics over the replicas; every rank calls it. */
  averageStatistics(): void {
    if (!this.#stats.length) return;
    const vars = this.#stats.map((w) => w.read());
    const { offsets, total } = layout(vars as tf.Variable[]);
    const row = this.#rows.subarray(this.rank * this.#total, this.rank * this.#total + total);
    vars.forEach((v, i) => row.set(valuesOf(v), offsets[i]));
    this.barrier();
    this.#reduce(total, 1 / this.world);
    this.barrier();
    tf.tidy(() => this.#stats.forEach((w, i) => w.write(tf.tensor(this.#sum.slice(offsets[i], offsets[i] + vars[i].size), vars[i].shape))));
  }

  /** sum[range of this rank] = factor × Σ rows[range], over the first `n` values of each row. */
  #reduce(n: number, factor: number): void {
    const from = Math.floor((this.rank * n) / this.world);
    const to = Math.floor(((this.rank + 1) * n) / this.world);
    const sum = this.#sum;
    const rows = this.#rows;
    sum.set(rows.subarray(from, to), from);
    for (let r = 1; r < this.world; r++) {
      const base = r * this.#total;
      for (let i = from; i < to; i++) sum[i] += rows[base + i];
    }
    if (factor !== 1) for (let i = from; i < to; i++) sum[i] *= factor;
  }

  /** Waits until every replica has arrived; throws when one has failed or never comes. */
  barrier(): void {
    const sync = this.#sync;
    const gen = Atomics.load(sync, 1);
    if (Atomics.add(sync, 0, 1) === this.world - 1) {
      Atomics.store(sync, 0, 0);
      Atomics.add(sync, 1, 1);
      Atomics.notify(sync, 1);
      return;
    }
    const deadline = Date.now() + BARRIER_TIMEOUT_MS;
    while (Atomics.load(sync, 1) === gen) {
      if (Atomics.load(sync, 2) !== 0) throw new Error(this.failure() ?? 'another training thread failed');
      if (Date.now() > deadline) throw new Error(`a training thread did not finish its step within ${BARRIER_TIMEOUT_MS / 60000} minutes`);
      Atomics.wait(sync, 1, gen, 200);
    }
  }

  /** Marks the group failed with `message` and wakes every waiting replica. */
  fail(message: string): void {
    if (Atomics.compareExchange(this.#sync, 2, 0, 1) === 0) {
      const bytes = new TextEncoder().encode(message.slice(0, 600));
      this.#error.set(bytes.subarray(0, this.#error.length - 4), 4);
      new DataView(this.#error.buffer).setInt32(0, Math.min(bytes.length, this.#error.length - 4), true);
    }
    Atomics.add(this.#sync, 1, 0);
    Atomics.notify(this.#sync, 1);
  }

  /** The first failure's message, if any replica failed. */
  failure(): string | null {
    if (Atomics.load(this.#sync, 2) === 0) return null;
    const n = new DataView(this.#error.buffer).getInt32(0, true);
    return new TextDecoder().decode(this.#error.slice(4, 4 + n));
  }
}

function replicaEntry(): { file: string; execArgv: string[]; eval: boolean } {
  const ts = __filename.endsWith('.ts');
  const file = path.join(__dirname, ts ? 'replica.ts' : 'replica.js');
  // Under tsx (tests) the thread loads tsx itself: `--import tsx` does not reach a worker.
  return ts ? { file: `require('tsx/cjs'); require(${JSON.stringify(file)});`, execArgv: [], eval: true } : { file, execArgv: [], eval: false };
}

/**
 * Rank 0's handle on the other replicas: starts their threads, hands them their slices, and
 * stops them. Rank 0 itself trains through the `Replica` it holds.
 */
export class ReplicaGroup {
  private constructor(
    readonly local: Replica,
    private readonly threads: Worker[],
  ) {}

  /**
   * Starts `world - 1` threads with replicas of `model` (built from `build`, restored from
   * `resumeDir` when resuming, then given rank 0's weights). Rejects when one cannot start.
   */
  static async start(opts: {
    world: number;
    backend: BackendName;
    config: TrainConfig;
    build: BuildOptions;
    model: tf.LayersModel;
    optimizer: tf.Optimizer;
    resumeDir: string | null;
    restoreOptimizer?: boolean;
    weights?: WorkerJob['weights'];
    frozen?: boolean;
    pretrainedLayers?: ReadonlySet<string>;
  }): Promise<ReplicaGroup> {
    const { world } = opts;
    const buffers = allocateBuffers(world, Replica.size(opts.model), opts.build.numClasses ?? 0);
    const local = new Replica(0, world, opts.model, opts.optimizer, opts.config, buffers, opts.pretrainedLayers);
    local.publishWeights();
    const entry = replicaEntry();
    const threads: Worker[] = [];
    try {
      await Promise.all(
        Array.from({ length: world - 1 }, (_, i) => {
          const setup: ReplicaSetup = {
            replica: true,
            rank: i + 1,
            world,
            backend: opts.backend,
            config: opts.config,
            build: opts.build,
            resumeDir: opts.resumeDir,
            restoreOptimizer: opts.restoreOptimizer ?? opts.resumeDir !== null,
            buffers,
            weights: opts.weights ?? null,
            frozen: opts.frozen ?? false,
          };
          const w = new Worker(entry.file, { eval: entry.eval, workerData: setup, execArgv: entry.execArgv });
          threads.push(w);
          return new Promise<void>((resolve, reject) => {
            w.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error ?? 'the training thread did not start'))));
            w.once('error', reject);
            w.once('exit', (code) => reject(new Error(`the training thread exited with code ${code} while starting`)));
          });
        }),
      );
    } catch (e) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw e;
    }
    for (const t of threads) t.removeAllListeners();
    for (const t of threads) t.on('error', (e: Error) => local.fail(`a training thread failed: ${e.message}`));
    return new ReplicaGroup(local, threads);
  }

  get world(): number {
    return this.local.world;
  }

  /**
   * One training step over the whole batch `xn` (normalised, augmented) with labels `labels`:
   * slices go to the threads, rank 0 trains on the first. Returns the batch's loss, main-head
   * loss and correct count as one-thread training would report them.
   */
  step(xn: tf.Tensor4D, labels: readonly number[], k: number, lr: number): { total: number; mainLoss: number; correct: number } {
    const start = performance.now();
    const n = xn.shape[0];
    const cuts = sliceBounds(n, this.world);
    const [, h, w, c] = xn.shape;
    for (let r = 1; r < this.world; r++) {
      const m = cuts[r + 1] - cuts[r];
      // Not inside tf.tidy: tidy walks what its function returns, every element of an array.
      const part = xn.slice([cuts[r], 0, 0, 0], [m, h, w, c]);
      // A copy of its own: it is transferred, and on the cpu backend dataSync (and a slice along
      // the batch) can share the batch's own storage, which the transfer would detach.
      const x = (part.dataSync() as Float32Array).slice();
      part.dispose();
      const cmd: ReplicaCommand = { type: 'step', x, shape: [m, h, w, c], labels: Int32Array.from(labels.slice(cuts[r], cuts[r + 1])), k, scale: m / n, lr };
      this.threads[r - 1].postMessage(cmd, [x.buffer as ArrayBuffer]);
    }
    const m0 = cuts[1];
    const [x0, y0] = tf.tidy(() => [xn.slice([0, 0, 0, 0], [m0, h, w, c]), tf.oneHot(tf.tensor1d(labels.slice(0, m0) as number[], 'int32'), k)]);
    this.local.phases.split += performance.now() - start;
    try {
      this.local.step(x0, y0, m0 / n, lr);
    } catch (e) {
      this.local.fail((e as Error).message);
      throw e;
    } finally {
      tf.dispose([x0, y0]);
    }
    return this.local.totals();
  }

  /**
   * The main head's logits for an evaluation batch `x` (at most EVAL_ROWS images), each
   * replica computing a slice; the replicas must hold the same weights and statistics.
   */
  infer(x: tf.Tensor4D, classes: number): tf.Tensor2D {
    const n = x.shape[0];
    if (n > EVAL_ROWS) throw new Error(`an evaluation batch holds at most ${EVAL_ROWS} images (got ${n})`);
    const cuts = sliceBounds(n, this.world);
    const [, h, w, c] = x.shape;
    for (let r = 1; r < this.world; r++) {
      const part = x.slice([cuts[r], 0, 0, 0], [cuts[r + 1] - cuts[r], h, w, c]);
      const values = (part.dataSync() as Float32Array).slice(); // a copy: it is transferred
      part.dispose();
      const cmd: ReplicaCommand = { type: 'infer', x: values, shape: [cuts[r + 1] - cuts[r], h, w, c], row: cuts[r] };
      this.threads[r - 1].postMessage(cmd, [values.buffer as ArrayBuffer]);
    }
    const own = x.slice([0, 0, 0, 0], [cuts[1], h, w, c]);
    try {
      this.local.infer(own, 0);
    } catch (e) {
      this.local.fail((e as Error).message);
      throw e;
    } finally {
      own.dispose();
    }
    return this.local.logits(n, classes);
  }

  /** Loads the weights saved in `dir` into the other replicas (rank 0 loads its own). */
  loadWeights(dir: string): void {
    for (const t of this.threads) t.postMessage({ type: 'load', dir } satisfies ReplicaCommand);
    this.local.barrier();
  }

  /** Averages batch-norm moving statistics over the replicas (before validation and checkpoints). */
  averageStatistics(): void {
    for (const t of this.threads) t.postMessage({ type: 'statistics' } satisfies ReplicaCommand);
    try {
      this.local.averageStatistics();
    } catch (e) {
      this.local.fail((e as Error).message);
      throw e;
    }
  }

  async close(): Promise<void> {
    this.local.fail('training stopped');
    for (const t of this.threads) t.postMessage({ type: 'stop' } satisfies ReplicaCommand);
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
