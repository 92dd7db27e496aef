/**
 * Adam and momentum whose per-variable update is one pass over the data instead of a chain of
 * kernels.
 *
 * tfjs's `AdamOptimizer.applyGradients` runs mul, mul, add, square, mul, mul, add, div, div,
 * sqrt, add, div, mul, add per variable: fourteen passes over every weight, each a kernel call
 * with its own allocation (momentum: three to five). `FusedAdamOptimizer` and
 * `FusedMomentumOptimizer` keep the stock classes (their slots, their `getWeights`/`setWeights`
 * checkpoint format, their serialized class names, their learning-rate setters) and replace
 * only that arithmetic with one kernel, `FusedAdamUpdate` or `FusedMomentumUpdate`, on the wasm
 * and cpu backends, where JavaScript can reach the tensors' memory; on any other backend they
 * run the stock update.
 *
 * On wasm the pass is a small WebAssembly SIMD function (fused-simd.wat.ts) that runs on the
 * wasm backend's own memory and does the stock kernels' float32 operations in their order, so
 * its results are the stock ones; elsewhere (the cpu backend, or a wasm build it cannot link
 * to) a JavaScript loop, which rounds differently (double precision, one rounding per stored
 * value) and on wasm pays only for small variables.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
// The wasm backend must exist before its kernel is registered.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdPasses } from './fused-simd';

/** The kernel's name: one Adam step for one variable. */
export const FUSED_ADAM_UPDATE = 'FusedAdamUpdate';

/** Attributes of `FusedAdamUpdate`: the stock optimizer's float32 scalars. */
interface FusedAdamAttrs {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ, the bias corrections of this step. */
  readonly correction1: number;
  readonly correction2: number;
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (!info) throw new Error(`${FUSED_ADAM_UPDATE}: missing input '${name}'`);
  return info;
}

/** True when the wasm backend `backend` runs the fused updates as SIMD passes. */
export function hasSimdUpdates(backend: KernelBackend): boolean {
  return simdPasses(backend as unknown as BackendWasm) !== null;
}

/** One Adam step in JavaScript (double precision; one rounding per stored value). */
function adamLoop(xs: Float32Array, ms: Float32Array, vs: Float32Array, gs: Float32Array, xo: Float32Array, mo: Float32Array, vo: Float32Array, a: FusedAdamAttrs): void {
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, correction1: c1, correction2: c2 } = a;
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  for (let i = 0; i < xs.length; i++) {
    const g = gs[i];
    const m = b1 * ms[i] + a1 * g;
    const v = b2 * vs[i] + a2 * g * g;
    mo[i] = m;
    vo[i] = v;
    xo[i] = xs[i] - (lr * (m / c1)) / (Math.sqrt(v / c2) + eps);
  }
}

/**
 * `FusedAdamUpdate` on wasm: x, m, v, g → [x′, m′, v′] with tfjs's Adam arithmetic,
 * m′ = m·β1 + g·(1 − β1), v′ = v·β2 + g²·(1 − β2), x′ = (m′/c1) / (√(v′/c2) + ε)·(−lr) + x.
 */
const wasmAdamUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = input(inputs, 'x');
  const outs = [0, 1, 2].map(() => wasm.makeOutput([...x.shape], 'float32'));
  const a = attrs as unknown as FusedAdamAttrs;
  const ins = ['x', 'm', 'v', 'g'].map((n) => input(inputs, n));
  const simd = simdPasses(wasm);
  if (simd) {
    const [xp, mp, vp, gp, xo, mo, vo] = [...ins, ...outs].map((info) => heapOffset(wasm, info));
    // The constants as the stock kernels see them: float32 scalars (the pass takes f32).
    simd.adam(xp, mp, vp, gp, xo, mo, vo, tf.util.sizeFromShape(x.shape), a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.correction1, a.correction2, a.epsilon, -a.learningRate);
  } else {
    // Views after the allocations: growing the heap detaches older ones.
    const [xs, ms, vs, gs] = ins.map((i) => wasm.typedArrayFromHeap(i) as Float32Array);
    const [xo, mo, vo] = outs.map((o) => wasm.typedArrayFromHeap(o) as Float32Array);
    adamLoop(xs, ms, vs, gs, xo, mo, vo, a);
  }
  return outs;
};

/** The parts of tfjs-backend-cpu's MathBackendCPU this file uses. */
interface CpuBackend {
  readonly data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** `FusedAdamUpdate` on the cpu backend: the JavaScript loop. */
const cpuAdamUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackend;
  const [xs, ms, vs, gs] = ['x', 'm', 'v', 'g'].map((n) => cpu.data.get(input(inputs, n).dataId).values as Float32Array);
  const [xo, mo, vo] = [0, 1, 2].map(() => new Float32Array(xs.length));
  adamLoop(xs, ms, vs, gs, xo, mo, vo, attrs as unknown as FusedAdamAttrs);
  const shape = [...input(inputs, 'x').shape];
  return [xo, mo, vo].map((values) => cpu.makeTensorInfo(shape, 'float32', values));
};

/** The kernel's name: one momentum (or Nesterov) step for one variable. */
export const FUSED_MOMENTUM_UPDATE = 'FusedMomentumUpdate';

/** Attributes of `FusedMomentumUpdate`. */
interface FusedMomentumAttrs {
  readonly learningRate: number;
  readonly momentum: number;
  readonly useNesterov: boolean;
}

/** One momentum step in JavaScript: tfjs's arithmetic, acc′ = m·acc + g, x′ = c·acc′ + x or c·(g + acc′·m) + x with c = −lr. */
function momentumLoop(xs: Float32Array, accs: Float32Array, gs: Float32Array, xo: Float32Array, acco: Float32Array, a: FusedMomentumAttrs): void {
  const m = Math.fround(a.momentum);
  const c = Math.fround(-a.learningRate);
  for (let i = 0; i < xs.length; i++) {
    const g = gs[i];
    // Rounded to float32 as stored, so that the look-ahead sees the stored accumulation.
    const acc = Math.fround(m * accs[i] + g);
    acco[i] = acc;
    xo[i] = (a.useNesterov ? c * (g + acc * m) : c * acc) + xs[i];
  }
}

/** `FusedMomentumUpdate` on wasm: x, acc, g → [x′, acc′]. */
const wasmMomentumUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = input(inputs, 'x');
  const outs = [0, 1].map(() => wasm.makeOutput([...x.shape], 'float32'));
  const a = attrs as unknown as FusedMomentumAttrs;
  const ins = ['x', 'acc', 'g'].map((n) => input(inputs, n));
  const simd = simdPasses(wasm);
  if (simd) {
    const [xp, accp, gp, xo, acco] = [...ins, ...outs].map((info) => heapOffset(wasm, info));
    simd[a.useNesterov ? 'nesterov' : 'momentum'](xp, accp, gp, xo, acco, tf.util.sizeFromShape(x.shape), a.momentum, -a.learningRate);
  } else {
    // Views after the allocations: growing the heap detaches older ones.
    const [xs, accs, gs] = ins.map((i) => wasm.typedArrayFromHeap(i) as Float32Array);
    const [xo, acco] = outs.map((o) => wasm.typedArrayFromHeap(o) as Float32Array);
    momentumLoop(xs, accs, gs, xo, acco, a);
  }
  return outs;
};

/** `FusedMomentumUpdate` on the cpu backend: the JavaScript loop. */
const cpuMomentumUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackend;
  const [xs, accs, gs] = ['x', 'acc', 'g'].map((n) => cpu.data.get(input(inputs, n).dataId).values as Float32Array);
  const [xo, acco] = [0, 1].map(() => new Float32Array(xs.length));
  momentumLoop(xs, accs, gs, xo, acco, attrs as unknown as FusedMomentumAttrs);
  const shape = [...input(inputs, 'x').shape];
  return [xo, acco].map((values) => cpu.makeTensorInfo(shape, 'float32', values));
};

/**
 * Registers `FusedAdamUpdate` and `FusedMomentumUpdate` for the wasm and cpu backends.
 *
 * Idempotent; the fused optimizers call it themselves.
 */
export function registerFusedOptimizerKernels(): void {
  const kernels: [string, string, KernelFunc][] = [
    [FUSED_ADAM_UPDATE, 'wasm', wasmAdamUpdate],
    [FUSED_ADAM_UPDATE, 'cpu', cpuAdamUpdate],
    [FUSED_MOMENTUM_UPDATE, 'wasm', wasmMomentumUpdate],
    [FUSED_MOMENTUM_UPDATE, 'cpu', cpuMomentumUpdate],
  ];
  for (const [kernelName, backendName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}

/**
 * Without the SIMD pass, wasm variables larger than this take the stock arithmetic.
 *
 * Measured on wasm (SIMD, one thread): the scalar JavaScript loop costs about as much per
 * element as the stock Adam's fourteen vectorised kernels, so it pays only where their
 * fixed per-call cost dominates — batch-norm scales and offsets, biases, small filters (and
 * the stock momentum's three to five kernels are cheaper per element still).
 */
const JS_FUSE_BELOW = 1 << 16;

/** Whether one variable's update takes the fused kernel on the current backend. */
function fuses(size: number): boolean {
  const name = tf.getBackend();
  if (name === 'cpu') return true;
  if (name !== 'wasm') return false;
  return hasSimdUpdates(tf.backend()) || size <= JS_FUSE_BELOW;
}

/** The stock optimizer's fields `FusedAdamOptimizer` reads (private in tfjs's typings). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/**
 * `tf.train.adam` with its per-variable update fused into one kernel where the backend has it.
 *
 * Same constructor, slots, checkpoint format (`getWeights`/`setWeights`) and serialized class
 * name as `tf.AdamOptimizer`; set `learningRate` between steps as on the stock one.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
    registerFusedOptimizerKernels();
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!fuses(0)) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamState;
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const [accBeta1, accBeta2] = [self.accBeta1, self.accBeta2].map((v) => (v.dataSync() as Float32Array)[0]);
    const attrs: FusedAdamAttrs = {
      learningRate: self.learningRate,
      beta1: self.beta1,
      beta2: self.beta2,
      epsilon: self.epsilon,
      correction1: 1 - accBeta1,
      correction2: 1 - accBeta2,
    };
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, self.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, self.accBeta2);
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        // The slots as the stock optimizer makes them: same names, same order.
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i].variable;
        const v = self.accumulatedSecondMoment[i].variable;
        if (!fuses(value.size)) {
          // The stock arithmetic, verbatim (see JS_FUSE_BELOW).
          const m1 = tf.add(tf.mul(m, self.beta1), tf.mul(gradient, 1 - self.beta1));
          const v1 = tf.add(tf.mul(v, self.beta2), tf.mul(tf.square(gradient), 1 - self.beta2));
          m.assign(m1);
          v.assign(v1);
          const mHat = tf.div(m1, oneMinusAccBeta1);
          const vHat = tf.div(v1, oneMinusAccBeta2);
          value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), self.epsilon)), -self.learningRate), value));
          return;
        }
        const [x1, m1, v1] = tf.engine().runKernel(FUSED_ADAM_UPDATE, { x: value, m, v, g: gradient }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m1);
        v.assign(v1);
        value.assign(x1);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}

/**
 * `tf.train.adam(learningRate, beta1, beta2, epsilon)` with the fused update; a drop-in
 * replacement (same defaults).
 */
export function fusedAdam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.AdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

/** The stock optimizer's fields `FusedMomentumOptimizer` reads (private in tfjs's typings). */
interface MomentumState {
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
  accumulations: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/**
 * `tf.train.momentum` with its per-variable update fused into one kernel where the backend has
 * it.
 *
 * Same constructor, slots, checkpoint format, serialized class name and `setLearningRate` /
 * `setMomentum` as `tf.MomentumOptimizer`.
 */
export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  constructor(learningRate: number, momentum: number, useNesterov = false) {
    super(learningRate, momentum, useNesterov);
    registerFusedOptimizerKernels();
  }

  override applyGradients(variableGradients: Parameters<tf.MomentumOptimizer['applyGradients']>[0]): void {
    // Without SIMD the stock kernels beat the JavaScript loop on wasm (see JS_FUSE_BELOW).
    if (tf.getBackend() !== 'cpu' && !(tf.getBackend() === 'wasm' && hasSimdUpdates(tf.backend()))) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as MomentumState;
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const attrs: FusedMomentumAttrs = { learningRate: self.learningRate, momentum: self.momentum, useNesterov: self.useNesterov };
    list.forEach(({ name, tensor: gradient }, i) => {
      const value = tf.engine().registeredVariables[name];
      // The slot as the stock optimizer makes it: same name, same order.
      self.accumulations[i] ??= { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      if (gradient == null) return;
      const acc = self.accumulations[i].variable;
      tf.tidy(() => {
        const [x1, acc1] = tf.engine().runKernel(FUSED_MOMENTUM_UPDATE, { x: value, acc, g: gradient }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        acc.assign(acc1);
        value.assign(x1);
      });
    });
    self.incrementIterations();
  }
}

/**
 * `tf.train.momentum(learningRate, momentum, useNesterov)` with the fused update; a drop-in
 * replacement.
 */
export function fusedMomentum(learningRate: number, momentum: number, useNesterov = false): tf.MomentumOptimizer {
  return new FusedMomentumOptimizer(learningRate, momentum, useNesterov);
}
