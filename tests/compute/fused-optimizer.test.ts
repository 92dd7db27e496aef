/**
 * The fused optimizers against tfjs's stock Adam and momentum: the same steps, the same
 * checkpoint slots, and a small batch-norm model trained on wasm with every fast kernel against
 * the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { FUSED_ADAM_UPDATE, fusedAdam, fusedMomentum, hasSimdUpdates } from '../../main/compute/fused-optimizer';
import { setSimdPassesEnabled } from '../../main/compute/fused-simd';
import { values } from './values';

/** Sizes off the SIMD width (1, 5, 1003), a filter, and a vector with exact zeros in its gradient. */
const SHAPES = [[1], [5], [1003], [3, 3, 4, 8], [64]];

/** Sets the learning rate as trainer.ts's setLearningRate does. */
function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/**
 * Three steps of `optimizer` on fresh variables, the learning rate lowered before the last;
 * the final values by variable, and how many tensors the steps left behind after the first.
 */
function steps(optimizer: tf.Optimizer): { weights: Float32Array[]; leaked: number } {
  const vars = SHAPES.map((shape, k) => tf.variable(tf.tensor(values(shape.reduce((a, b) => a * b, 1), k + 1), shape)));
  const loss = () => tf.addN(vars.map((v, k) => tf.sum(tf.mul(tf.sin(tf.mul(v, k + 1)), k === 4 ? tf.relu(v) : 1)))) as tf.Scalar;
  optimizer.minimize(loss);
  const tensors = tf.memory().numTensors;
  optimizer.minimize(loss);
  setLearningRate(optimizer, 0.003);
  optimizer.minimize(loss);
  const leaked = tf.memory().numTensors - tensors;
  const weights = vars.map((v) => v.dataSync() as Float32Array);
  tf.dispose(vars);
  return { weights, leaked };
}

function maxAbs(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, k) => x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[k][i])))));
  return worst;
}

/**
 * Takes the same steps with the stock and the fused optimizer, expects weights no further apart
 * than `tolerance` (0: the same to the bit) and no leaked tensor, and disposes both.
 */
function expectSameSteps(stock: tf.Optimizer, fused: tf.Optimizer, tolerance: number): void {
  const ref = steps(stock);
  const got = steps(fused);
  if (tolerance === 0) expect(maxAbs(ref.weights, got.weights)).toBe(0);
  else expect(maxAbs(ref.weights, got.weights)).toBeLessThan(tolerance);
  expect(got.leaked).toBe(0);
  stock.dispose();
  fused.dispose();
}

describe('fused Adam', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('on wasm (SIMD pass) gives the stock results exactly, learning rate changes included', async () => {
    await tf.setBackend('wasm');
    const stock = tf.train.adam(0.01);
    const fused = fusedAdam(0.01);
    expect(hasSimdUpdates(tf.backend())).toBe(true);
    expectSameSteps(stock, fused, 0);
  });

  it('on cpu (JavaScript loop) matches the stock results to float rounding', async () => {
    await tf.setBackend('cpu');
    const stock = tf.train.adam(0.01);
    const fused = fusedAdam(0.01);
    expectSameSteps(stock, fused, 1e-6);
    await tf.setBackend('wasm');
  });

  it('on wasm without SIMD (JavaScript loop for small variables, stock kernels for large) matches to float rounding', async () => {
    await tf.setBackend('wasm');
    setSimdPassesEnabled(false);
    try {
      expect(hasSimdUpdates(tf.backend())).toBe(false);
      const stock = tf.train.adam(0.01);
      const fused = fusedAdam(0.01);
      expectSameSteps(stock, fused, 1e-6);
    } finally {
      setSimdPassesEnabled(true);
    }
  });

  it('runs one FusedAdamUpdate kernel per variable', async () => {
    await tf.setBackend('wasm');
    const fused = fusedAdam(0.01);
    const v = tf.variable(tf.ones([10]));
    const profile = await tf.profile(() => {
      fused.minimize(() => tf.sum(tf.square(v)) as tf.Scalar);
    });
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels.filter((k) => k === FUSED_ADAM_UPDATE)).toHaveLength(1);
    expect(kernels).not.toContain('Sqrt');
    v.dispose();
    fused.dispose();
  });

  it('keeps the stock checkpoint slots: either optimizer resumes from the other', async () => {
    await tf.setBackend('wasm');
    const names = (ws: { name: string; tensor: tf.Tensor }[]) => ws.map((w) => `${w.name} ${JSON.stringify(w.tensor.shape)}`);
    const run = async (first: tf.AdamOptimizer, second: tf.AdamOptimizer) => {
      const v = tf.variable(tf.tensor(values(7, 3), [7]), true, 'resume-test');
      const loss = () => tf.sum(tf.sin(v)) as tf.Scalar;
      first.minimize(loss);
      first.minimize(loss);
      const saved = await first.getWeights();
      // Through the checkpoint encoding, as checkpoint.ts writes and reads it.
      const { data, specs } = await tf.io.encodeWeights(saved);
      const decoded = tf.io.decodeWeights(data, specs);
      await second.setWeights(specs.map((s) => ({ name: s.name, tensor: decoded[s.name] })));
      second.minimize(loss);
      const out = { names: names(saved), weights: v.dataSync() as Float32Array };
      v.dispose();
      first.dispose();
      second.dispose();
      return out;
    };
    const stock = await run(tf.train.adam(0.02), tf.train.adam(0.02));
    const fusedThenStock = await run(fusedAdam(0.02), tf.train.adam(0.02));
    const stockThenFused = await run(tf.train.adam(0.02), fusedAdam(0.02));
    expect(fusedThenStock.names).toEqual(stock.names);
    expect(stock.names).toEqual(['iter []', 'resume-test/m [7]', 'resume-test/v [7]']);
    expect(maxAbs([fusedThenStock.weights], [stock.weights])).toBe(0);
    expect(maxAbs([stockThenFused.weights], [stock.weights])).toBe(0);
  });

  it('serializes as the stock Adam', () => {
    const fused = fusedAdam(0.01);
    expect(fused.getClassName()).toBe('Adam');
    expect(fused.getConfig()).toEqual(tf.train.adam(0.01).getConfig());
    fused.dispose();
  });
});

describe('fused momentum', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each([false, true])('on wasm (SIMD pass, Nesterov %s) gives the stock results exactly', async (nesterov) => {
    await tf.setBackend('wasm');
    const stock = tf.train.momentum(0.05, 0.9, nesterov);
    const fused = fusedMomentum(0.05, 0.9, nesterov);
    expectSameSteps(stock, fused, 0);
  });

  it.each([false, true])('on cpu (JavaScript loop, Nesterov %s) matches the stock results to float rounding', async (nesterov) => {
    await tf.setBackend('cpu');
    const stock = tf.train.momentum(0.05, 0.9, nesterov);
    const fused = fusedMomentum(0.05, 0.9, nesterov);
    expectSameSteps(stock, fused, 1e-6);
    await tf.setBackend('wasm');
  });

  it('keeps the stock checkpoint slots and class name', async () => {
    await tf.setBackend('wasm');
    const v = tf.variable(tf.tensor(values(7, 3), [7]), true, 'momentum-test');
    const stock = tf.train.momentum(0.05, 0.9);
    const fused = fusedMomentum(0.05, 0.9);
    for (const o of [stock, fused]) o.minimize(() => tf.sum(tf.sin(v)) as tf.Scalar);
    const [a, b] = [await stock.getWeights(), await fused.getWeights()];
    expect(b.map((w) => `${w.name} ${JSON.stringify(w.tensor.shape)}`)).toEqual(a.map((w) => `${w.name} ${JSON.stringify(w.tensor.shape)}`));
    expect(fused.getClassName()).toBe('Momentum');
    expect(fused.getConfig()).toEqual(stock.getConfig());
    v.dispose();
    stock.dispose();
    fused.dispose();
  });
});

/** conv → batch norm → ReLU → max pool → conv → batch norm → ReLU → global pool → dense. */
function bnModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [12, 12, 3] });
  const ap = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;
  let x = ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }), input);
  x = ap(tf.layers.batchNormalization({ momentum: 0.9 }), x);
  x = ap(tf.layers.activation({ activation: 'relu' }), x);
  x = ap(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), x);
  x = ap(tf.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(2) }), x);
  x = ap(tf.layers.batchNormalization({ momentum: 0.9 }), x);
  x = ap(tf.layers.activation({ activation: 'relu' }), x);
  x = ap(tf.layers.globalAveragePooling2d({}), x);
  return tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 4, kernelInitializer: init(3) }), x) });
}

describe('a batch-norm model trained on wasm with the fast kernels and fused Adam', () => {
  it('takes the same two steps as stock tfjs on cpu: losses, gradients, weights and moving statistics', async () => {
    const train = async (backend: string, makeOptimizer: () => tf.AdamOptimizer) => {
      await tf.setBackend(backend);
      const model = bnModel();
      const optimizer = makeOptimizer();
      const xs = tf.tensor4d(values(6 * 12 * 12 * 3, 11), [6, 12, 12, 3]);
      const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 1, 2], 'int32'), 4).toFloat();
      const loss = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar;
      const losses: number[] = [];
      for (let step = 0; step < 2; step++) {
        const l = optimizer.minimize(loss, true) as tf.Scalar;
        losses.push(l.dataSync()[0]);
        l.dispose();
      }
      const { value, grads } = tf.variableGrads(loss, model.trainableWeights.map((w) => w.read() as tf.Variable));
      const gradients = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name].dataSync() as Float32Array);
      // Every weight, the batch norms' moving mean and variance included.
      const weights = model.weights.map((w) => w.read().dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(grads), xs, ys]);
      optimizer.dispose();
      model.dispose();
      return { losses, gradients, weights };
    };
    const ref = await train('cpu', () => tf.train.adam(0.01));
    const got = await train('wasm', () => fusedAdam(0.01));
    got.losses.forEach((l, i) => expect(l).toBeCloseTo(ref.losses[i], 5));
    const relative = (a: Float32Array[], b: Float32Array[]) =>
      a.map((r, k) => {
        let abs = 0;
        let scale = 0;
        r.forEach((v, i) => {
          abs = Math.max(abs, Math.abs(v - b[k][i]));
          scale = Math.max(scale, Math.abs(v));
        });
        return abs / Math.max(scale, 1e-6);
      });
    expect(Math.max(...relative(ref.gradients, got.gradients))).toBeLessThan(1e-4);
    expect(Math.max(...relative(ref.weights, got.weights))).toBeLessThan(1e-4);
  });
});
