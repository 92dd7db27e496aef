/**
 * Training a small CNN on wasm: every layer kind the zoo uses, its gradients against the cpu
 * backend, and optimizer steps without tensor leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';

const CLASSES = 5;

/**
 * conv-bn-relu-pool, a concat of three branches (elu / tanh / leaky ReLU, kernels 1-3-5),
 * explicit zero padding, a strided valid conv with swish, batch norm, max pooling of the
 * normalised values, average pooling, a sigmoid conv,
 * global average pooling, dense-relu, optional dropout, dense logits.
 */
function smallCnn(dropout: number): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [13, 12, 3] });
  const ap = <T extends tf.SymbolicTensor | tf.SymbolicTensor[]>(layer: tf.layers.Layer, x: T) => layer.apply(x) as tf.SymbolicTensor;
  let x = ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }), input);
  x = ap(tf.layers.batchNormalization({ momentum: 0.9 }), x);
  x = ap(tf.layers.activation({ activation: 'relu' }), x);
  x = ap(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), x); // 7×6
  const b1 = ap(tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'elu', kernelInitializer: init(2) }), x);
  const b2 = ap(tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: init(3) }), x);
  let b3 = ap(tf.layers.conv2d({ filters: 3, kernelSize: 5, padding: 'same', kernelInitializer: init(4) }), x);
  b3 = ap(tf.layers.leakyReLU({ alpha: 0.1 }), b3);
  x = ap(tf.layers.concatenate(), [b1, b2, b3]); // 7×6×12
  x = ap(tf.layers.zeroPadding2d({ padding: 1 }), x); // 9×8
  x = ap(tf.layers.conv2d({ filters: 10, kernelSize: 3, strides: 2, padding: 'valid', activation: 'swish', kernelInitializer: init(5) }), x); // 4×3
  x = ap(tf.layers.batchNormalization({ momentum: 0.9 }), x);
  // Max pooling of batch-normalised values: windows that are all negative (the stock wasm
  // MaxPoolGrad lost their gradient).
  x = ap(tf.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }), x);
  x = ap(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'valid' }), x); // 3×2
  x = ap(tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'sigmoid', kernelInitializer: init(6) }), x);
  x = ap(tf.layers.globalAveragePooling2d({}), x);
  x = ap(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(7) }), x);
  if (dropout > 0) x = ap(tf.layers.dropout({ rate: dropout }), x);
  const logits = ap(tf.layers.dense({ units: CLASSES, kernelInitializer: init(8) }), x);
  return tf.model({ inputs: input, outputs: logits });
}

function batch(n: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const xs = tf.tidy(() => tf.randomUniform([n, 13, 12, 3], -1, 1, 'float32', 42) as tf.Tensor4D);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 3) % CLASSES), 'int32'), CLASSES).toFloat() as tf.Tensor2D);
  return { xs, ys };
}

function lossOf(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): tf.Scalar {
  const logits = model.apply(xs, { training: true }) as tf.Tensor;
  return tf.losses.softmaxCrossEntropy(ys, logits, undefined, 0.1) as tf.Scalar;
}

/** Loss and the gradient of every trainable weight, by weight name, on the current backend. */
function gradients(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): { loss: number; grads: Map<string, Float32Array> } {
  const { value, grads } = tf.variableGrads(() => lossOf(model, xs, ys), model.trainableWeights.map((w) => w.read() as tf.Variable));
  const out = new Map<string, Float32Array>();
  for (const [name, g] of Object.entries(grads)) out.set(name, g.dataSync() as Float32Array);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

describe('training on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('a small CNN has the same loss and weight gradients on wasm as on cpu', async () => {
    const model = smallCnn(0);
    const { xs, ys } = batch(3);
    await tf.setBackend('cpu');
    const ref = gradients(model, xs, ys);
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const got = gradients(model, xs, ys);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(got.loss).toBeCloseTo(ref.loss, 5);
    expect([...got.grads.keys()]).toEqual([...ref.grads.keys()]);
    expect(got.grads.size).toBe(model.trainableWeights.length);
    const bad: string[] = [];
    for (const [name, r] of ref.grads) {
      const g = got.grads.get(name) as Float32Array;
      let abs = 0;
      let scale = 0;
      for (let i = 0; i < r.length; i++) {
        abs = Math.max(abs, Math.abs(r[i] - g[i]));
        scale = Math.max(scale, Math.abs(r[i]));
      }
      if (!(abs <= 1e-4 * scale + 1e-7)) bad.push(`${name}: max abs error ${abs} at scale ${scale}`);
    }
    expect(bad).toEqual([]);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it.each([
    ['sgd', () => tf.train.sgd(0.05)],
    ['momentum (Nesterov)', () => tf.train.momentum(0.05, 0.9, true)],
    ['adam', () => tf.train.adam(0.01)],
    ['rmsprop', () => tf.train.rmsprop(0.01)],
  ])('%s steps train with dropout, change every weight and leak no tensors', async (_name, makeOptimizer) => {
    await tf.setBackend('wasm');
    const model = smallCnn(0.3);
    const optimizer = makeOptimizer();
    const { xs, ys } = batch(4);
    const before = model.trainableWeights.map((w) => w.read().dataSync().slice());
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      const loss = optimizer.minimize(() => lossOf(model, xs, ys), true) as tf.Scalar;
      losses.push(loss.dataSync()[0]);
      loss.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    // The optimizer creates its slots on the first step; after that the count must hold still.
    expect(counts[3]).toBe(counts[1]);
    model.trainableWeights.forEach((w, i) => {
      const now = w.read().dataSync();
      expect(now.some((v, j) => v !== before[i][j]), w.name).toBe(true);
    });
    optimizer.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('six Adam steps follow the same loss curve on wasm as on cpu, downhill', async () => {
    const curve = async (backend: string) => {
      await tf.setBackend(backend);
      const model = smallCnn(0); // seeded initialisers: the same start on both backends
      const optimizer = tf.train.adam(0.01);
      const { xs, ys } = batch(6);
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const loss = optimizer.minimize(() => lossOf(model, xs, ys), true) as tf.Scalar;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      optimizer.dispose();
      tf.dispose([xs, ys]);
      model.dispose();
      return losses;
    };
    const ref = await curve('cpu');
    const got = await curve('wasm');
    got.forEach((l, i) => expect(l).toBeCloseTo(ref[i], 4));
    expect(got[5]).toBeLessThan(got[0] - 0.1);
  });
});
