/**
 * Adam whose per-variable update is one pass over the data instead of about a dozen kernels.
 *
 * tfjs's `AdamOptimizer.applyGradients` runs mul, mul, add, square, mul, mul, add, div, div,
 * sqrt, add, div, mul, add per variable: fourteen passes over every weight, each a kernel call
 * with its own allocation. `FusedAdamOptimizer` keeps the stock class (its slots, its
 * `getWeights`/`setWeights` checkpoint format, its `className` 'Adam', its public
 * `learningRate`) and replaces only that arithmetic with one kernel, `FusedAdamUpdate`, on the
 * wasm and cpu backends, where JavaScript can reach the tensors' memory; on any other backend
 * it runs the stock update.
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

/** True when the wasm backend `backend` runs FusedAdamUpdate as the SIMD pass. */
export function hasSimdAdam(backend: KernelBackend): boolean {
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

/**
 * Registers `FusedAdamUpdate` for the wasm and cpu backends.
 *
 * Idempotent; `FusedAdamOptimizer` calls it itself.
 */
export function registerFusedOptimizerKernels(): void {
  const kernels: [string, KernelFunc][] = [
    ['wasm', wasmAdamUpdate],
    ['cpu', cpuAdamUpdate],
  ];
  for (const [backendName, kernelFunc] of kernels) {
    if (!tf.getKernel(FUSED_ADAM_UPDATE, backendName)) tf.registerKernel({ kernelName: FUSED_ADAM_UPDATE, backendName, kernelFunc });
  }
}

/**
 * Without the SIMD pass, wasm variables larger than this take the stock arithmetic.
 *
 * Measured on wasm (SIMD, one thread): the scalar JavaScript loop costs about as much per
 * element as the stock optimizer's fourteen vectorised kernels, so it pays only where their
 * fixed per-call cost dominates — batch-norm scales and offsets, biases, small filters.
 */
const JS_FUSE_BELOW = 1 << 16;

/** Whether one variable's update takes the fused kernel on the current backend. */
function fuses(size: number): boolean {
  const name = tf.getBackend();
  if (name === 'cpu') return true;
  if (name !== 'wasm') return false;
  return hasSimdAdam(tf.backend()) || size <= JS_FUSE_BELOW;
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
