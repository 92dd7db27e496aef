/**
 * Every architecture of the zoo computes its training gradients on wasm: no missing kernel, no
 * NaN, no leak; and for a few families the gradients equal the cpu backend's.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../../shared/config';
import { initBackend } from '../../main/compute/backend';
import { setMatMulInputGradMode, setWinogradMode, setWinogradTile } from '../../main/compute/winograd';
import { buildModel, listVariants } from '../../main/models/registry';
import { zooTrainingLoss } from './values';

const CLASSES = 3;

interface Step {
  loss: number;
  grads: Map<string, Float32Array>;
  leaked: number;
}

/** One training-mode gradient of every trainable weight (auxiliary heads weighted 0.3). */
function gradientStep(model: tf.LayersModel, inputSize: number, seed: number): Step {
  const xs = tf.randomUniform([2, inputSize, inputSize, 3], 0, 1, 'float32', seed);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 2], 'int32'), CLASSES).toFloat());
  const tensors = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => zooTrainingLoss(model, xs, ys), model.trainableWeights.map((w) => w.read() as tf.Variable));
  const step: Step = { loss: value.dataSync()[0], grads: new Map(), leaked: 0 };
  // Weights are named per build (`conv1/kernel_3`): key by position, which both builds share.
  Object.values(grads).forEach((g, i) => step.grads.set(`${i} ${model.trainableWeights[i].originalName}`, g.dataSync() as Float32Array));
  tf.dispose([value, ...Object.values(grads)]);
  step.leaked = tf.memory().numTensors - tensors;
  tf.dispose([xs, ys]);
  return step;
}

describe('the model zoo on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('every variant takes a finite training gradient at its smallest input, without leaks', async () => {
    await tf.setBackend('wasm');
    const problems: string[] = [];
    listVariants().forEach((variant, i) => {
      const activation: Activation = ACTIVATIONS[i % ACTIVATIONS.length];
      const label = `${variant.id} (${activation}, ${variant.minInputSize}px)`;
      try {
        const model = buildModel(variant.id, {
          inputSize: variant.minInputSize,
          channels: 3,
          width: 0.125,
          numClasses: CLASSES,
          activation,
          auxHeads: variant.supportsAuxHeads,
          seed: 7,
        });
        const step = gradientStep(model, variant.minInputSize, i);
        model.dispose();
        if (!Number.isFinite(step.loss)) problems.push(`${label}: loss ${step.loss}`);
        if (step.grads.size !== model.trainableWeights.length) problems.push(`${label}: ${step.grads.size} gradients for ${model.trainableWeights.length} weights`);
        for (const [name, g] of step.grads) if (!g.every(Number.isFinite)) problems.push(`${label}: non-finite gradient for ${name}`);
        if (step.leaked !== 0) problems.push(`${label}: ${step.leaked} tensors leaked`);
      } catch (e) {
        problems.push(`${label}: ${(e as Error).message.split('\n')[0]}`);
      }
    });
    expect(problems).toEqual([]);
    expect(listVariants().length).toBeGreaterThan(10);
  });

  it.each([
    ['lenet5', 'elu', false, 'auto'],
    ['resnet18', 'tanh', false, 'auto'],
    ['googlenet', 'swish', false, 'auto'],
    ['densenet121', 'leaky_relu', true, 'auto'],
    // Winograd and the product + im2col/col2im gradients wherever they apply, whatever the estimate says.
    ['lenet5', 'relu', false, 'forced'],
    ['resnet18', 'relu', false, 'forced'],
    ['vgg11_bn', 'relu', true, 'forced'],
    ['googlenet', 'relu', false, 'forced'],
    ['resnet18', 'elu', true, 'forced F(4×4)'],
  ] as const)('%s (%s, batch norm %s, fast paths %s) has the same gradients on wasm as on cpu', async (id, activation, batchNorm, paths) => {
    const variant = listVariants().find((v) => v.id === id);
    if (!variant) throw new Error(`no ${id} in the zoo`);
    // Batch norm over 2 images of a 1×1 map divides by a near-zero variance and amplifies
    // rounding; 64 px keeps the maps large enough for a fair comparison.
    const inputSize = batchNorm ? Math.max(64, variant.minInputSize) : variant.minInputSize;
    const steps: Record<string, Step> = {};
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      setWinogradMode(paths === 'auto' ? 'auto' : 'always');
      setWinogradTile(paths === 'forced F(4×4)' ? 4 : 'auto');
      setMatMulInputGradMode(paths === 'auto' ? 'auto' : 'always');
      try {
        const model = buildModel(id, { inputSize, channels: 3, width: 0.125, numClasses: CLASSES, activation, batchNorm, dropout: 0, seed: 11 });
        steps[backend] = gradientStep(model, inputSize, 5);
        model.dispose();
      } finally {
        setWinogradMode('auto');
        setWinogradTile('auto');
        setMatMulInputGradMode('auto');
      }
    }
    expect(steps.wasm.loss).toBeCloseTo(steps.cpu.loss, 5);
    let abs = 0;
    let scale = 0;
    for (const [name, r] of steps.cpu.grads) {
      const g = steps.wasm.grads.get(name);
      expect(g, name).toBeDefined();
      for (let j = 0; j < r.length; j++) {
        abs = Math.max(abs, Math.abs(r[j] - (g as Float32Array)[j]));
        scale = Math.max(scale, Math.abs(r[j]));
      }
    }
    expect(abs / scale).toBeLessThan(1e-4);
  });
});
