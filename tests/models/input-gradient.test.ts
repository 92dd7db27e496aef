/**
 * Training without the input image's gradient (main/models/input-gradient.ts): same weight
 * gradients as the stock layers, no full-resolution Conv2DBackpropInput, same saved model.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/compute/backend';
import { ALEXNET_VARIANTS } from '../../main/models/alexnet';
import { LENET_VARIANTS } from '../../main/models/lenet';
import { buildModel, type BuildOptions } from '../../main/models/registry';
import { RESNET_VARIANTS } from '../../main/models/resnet';
import { buildVariant, type VariantSpec } from '../../main/models/variant';
import { loadModel, saveModel } from '../../main/worker/checkpoint';

const CASES: { spec: VariantSpec; opts: BuildOptions }[] = [
  { spec: LENET_VARIANTS[0], opts: { inputSize: 28, channels: 1, numClasses: 5, seed: 3 } },
  { spec: RESNET_VARIANTS.find((s) => s.id === 'resnet18') ?? RESNET_VARIANTS[0], opts: { inputSize: 32, channels: 3, numClasses: 5, width: 0.25, seed: 3 } },
  // Its first convolution reads the input through a zero padding.
  { spec: ALEXNET_VARIANTS[0], opts: { inputSize: ALEXNET_VARIANTS[0].minInputSize, channels: 3, numClasses: 5, width: 0.125, seed: 3 } },
];

/** The registry's model and the stock-layers model of the same spec, with the same weights. */
function pair(spec: VariantSpec, opts: BuildOptions): { patched: tf.LayersModel; stock: tf.LayersModel } {
  const patched = buildModel(spec.id, opts);
  const stock = buildVariant(spec, opts);
  stock.setWeights(patched.getWeights());
  return { patched, stock };
}

/** Gradients of a training loss w.r.t. every trainable weight, and the kernels that ran. */
async function weightGrads(model: tf.LayersModel, seed: number): Promise<{ grads: Map<string, Float32Array>; kernels: { name: string; outputShapes: number[][] }[] }> {
  const [, h, w, c] = model.inputs[0].shape;
  const x = tf.randomNormal([3, h ?? 1, w ?? 1, c ?? 1], 0, 1, 'float32', seed);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 5));
  const grads = new Map<string, Float32Array>();
  const info = await tf.profile(() => {
    const weights = model.trainableWeights.map((lw) => ({ name: lw.originalName, variable: lw.read() as tf.Variable }));
    const loss = () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const { value, grads: g } = tf.variableGrads(loss, weights.map((w) => w.variable));
    for (const w of weights) grads.set(w.name, g[w.variable.name].dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(g)]);
  });
  tf.dispose([x, labels]);
  return { grads, kernels: info.kernels.map((k) => ({ name: k.name, outputShapes: k.outputShapes as number[][] })) };
}

/** How many Conv2DBackpropInput kernels ran, and whether one produced a tensor of the input's shape. */
function inputGradients(kernels: { name: string; outputShapes: number[][] }[], inputShape: number[]): { count: number; ofImage: boolean } {
  const dx = kernels.filter((k) => k.name === 'Conv2DBackpropInput');
  return { count: dx.length, ofImage: dx.some((k) => JSON.stringify(k.outputShapes[0]) === JSON.stringify(inputShape)) };
}

describe('skipping the input gradient', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  for (const backend of ['wasm', 'cpu']) {
    it.each(CASES.map((c) => [c.spec.id, c] as const))(`%s on ${backend}: weight gradients equal the stock layers', with no dx of the image`, async (_id, { spec, opts }) => {
      await tf.setBackend(backend);
      const { patched, stock } = pair(spec, opts);
      const inputShape = [3, opts.inputSize ?? 0, opts.inputSize ?? 0, opts.channels ?? 0];
      const ref = await weightGrads(stock, 11);
      const before = tf.memory().numTensors;
      const got = await weightGrads(patched, 11);
      expect(tf.memory().numTensors).toBe(before);
      // Exactly the first convolution's dx is gone (AlexNet's is of the zero-padded image).
      const [r, g] = [ref, got].map((k) => inputGradients(k.kernels, inputShape));
      expect(g.count).toBe(r.count - 1);
      expect(g.ofImage).toBe(false);
      if (spec.id !== 'alexnet') expect(r.ofImage).toBe(true);
      expect([...got.grads.keys()].sort()).toEqual([...ref.grads.keys()].sort());
      for (const [name, r] of ref.grads) {
        const g = got.grads.get(name) as Float32Array;
        let worst = 0;
        for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(r[i] - g[i]) / Math.max(1, Math.abs(r[i])));
        expect(worst, name).toBeLessThan(1e-5);
      }
      // Inference takes the layer's own path and agrees too.
      const x = tf.randomNormal(inputShape, 0, 1, 'float32', 5);
      const [a, b] = [patched, stock].map((m) => tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync()));
      expect(Array.from(a)).toEqual(Array.from(b));
      x.dispose();
      patched.dispose();
      stock.dispose();
    });
  }

  it('leaves the saved model.json unchanged and round-trips through saveModel/loadModel', async () => {
    await tf.setBackend('wasm');
    const { spec, opts } = CASES[0];
    const { patched, stock } = pair(spec, opts);
    const [dirA, dirB] = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-input-grad-')));
    dirs.push(dirA, dirB);
    await saveModel(patched, dirA);
    await saveModel(stock, dirB);
    const topology = (d: string) => (JSON.parse(fs.readFileSync(path.join(d, 'model.json'), 'utf8')) as { modelTopology: unknown }).modelTopology;
    expect(topology(dirA)).toEqual(topology(dirB));
    const loaded = await loadModel(dirA);
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 9);
    const [a, b] = [patched, loaded].map((m) => tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync()));
    expect(Array.from(b)).toEqual(Array.from(a));
    x.dispose();
    [patched, stock, loaded].forEach((m) => m.dispose());
  });
});
