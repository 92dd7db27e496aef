/**
 * torchvision's models against ours with the same weights: for every family with pretrained
 * weights, PyTorch builds torchvision's model with random weights (batch-norm statistics and
 * affine parameters randomised too), saves its state_dict and its logits on a random batch in
 * eval mode; we load the state dict into our variant and compare logits.
 *
 * Tolerance: the largest logit difference must stay below 1e-4 of the largest |logit| (float32
 * through 20–170 layers in a different summation order; measured 2.5e-7 … 3.5e-6).
 * Inputs are small — weights do not depend on the input size — but odd and even sizes both
 * appear, since that is where TensorFlow's and PyTorch's padding differ.
 *
 * Every published file's names and shapes are checked too, from dry runs (no weights built).
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../main/compute/backend';
import { buildPretrainedModel, checkStateDict, layersOfDryRun, planMapping, pretrainedBuildOptions } from '../../../main/models/pretrained';
import { dryRunLayers, getVariant } from '../../../main/models/registry';
import { IMAGENET_MEAN, IMAGENET_STD, PRETRAINED, pretrainedFileName, sha256PrefixOf } from '../../../shared/pretrained';
import { makeTorchvisionFixtures, nchwToNhwc, readFloat32, relativeError, type TorchvisionJob } from '../../fixtures/torchvision';

const TOLERANCE = 1e-4;

/** One parity case: a torchvision builder, our variant, an input size, the file format. */
const CASES = [
  { name: 'resnet18', builder: 'resnet18', arch: 'resnet18', size: 64, format: 'zip' },
  { name: 'resnet50', builder: 'resnet50', arch: 'resnet50', size: 65, format: 'zip' },
  // (Plain VGG's layer indices are checked for every variant below; its tensors are VGG-BN's minus the batch-norms.)
  { name: 'vgg11_bn', builder: 'vgg11_bn', arch: 'vgg11_bn', size: 96, format: 'zip' },
  { name: 'alexnet', builder: 'alexnet', arch: 'alexnet', size: 127, format: 'zip' },
  { name: 'googlenet', builder: 'googlenet', arch: 'googlenet_tv', size: 65, format: 'zip' },
  { name: 'inception_v3', builder: 'inception_v3', arch: 'inception_v3', size: 75, format: 'zip' },
  // The published DenseNet files use the old 'norm.1' key names.
  { name: 'densenet121', builder: 'densenet121', arch: 'densenet121', size: 64, format: 'zip', old_densenet_keys: true },
  { name: 'squeezenet1_0', builder: 'squeezenet1_0', arch: 'squeezenet1_0_tv', size: 64, format: 'zip' },
  { name: 'squeezenet1_1', builder: 'squeezenet1_1', arch: 'squeezenet1_1_tv', size: 65, format: 'zip' },
  // The same ResNet-18 weights (seed 1) in the two other formats.
  { name: 'resnet18_legacy', builder: 'resnet18', arch: 'resnet18', size: 64, format: 'legacy' },
  { name: 'resnet18_safetensors', builder: 'resnet18', arch: 'resnet18', size: 64, format: 'safetensors' },
] as const;

let dir: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-tv-'));
  const jobs: TorchvisionJob[] = [
    ...CASES.map((c) => ({ kind: 'parity' as const, ...c })),
    { kind: 'shapes', name: 'shapes', builders: PRETRAINED.map((p) => p.torchvision) },
  ];
  await makeTorchvisionFixtures(dir, jobs);
}, 600_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fileOf(c: (typeof CASES)[number]): string {
  return path.join(dir, c.name + (c.format === 'safetensors' ? '.safetensors' : '.pth'));
}

/** Our logits for the fixture's input (NCHW, ImageNet-normalised) through `model`, fed as `input`. */
function ourLogits(model: tf.LayersModel, c: (typeof CASES)[number], input: 'torchvision' | 'bloombench'): Float32Array {
  const nchw = readFloat32(path.join(dir, `${c.name}.input.bin`));
  const x = nchwToNhwc(nchw, 2, 3, c.size);
  if (input === 'bloombench') {
    // The same pixels as Bloombench feeds them: u = n·std + mean, then 2u − 1.
    for (let i = 0; i < x.length; i++) x[i] = 2 * (x[i] * IMAGENET_STD[i % 3] + IMAGENET_MEAN[i % 3]) - 1;
  }
  return tf.tidy(() => (model.predict(tf.tensor4d(x, [2, c.size, c.size, 3])) as tf.Tensor).dataSync() as Float32Array);
}

describe('torchvision weights give torchvision logits', () => {
  it.each(CASES)('$name ($format, $size px) → $arch', (c) => {
    const before = tf.memory().numTensors;
    const { model, pretrainedLayers, headLayers } = buildPretrainedModel(c.arch, fileOf(c), { inputSize: c.size, numClasses: 1000, input: 'torchvision', loadHead: true });
    try {
      const ref = readFloat32(path.join(dir, `${c.name}.logits.bin`));
      const got = ourLogits(model, c, 'torchvision');
      expect(got.length).toBe(2000);
      expect(relativeError(got, ref), `${c.name}: logits differ`).toBeLessThan(TOLERANCE);
      expect(headLayers.length).toBe(1);
      expect(pretrainedLayers.length).toBeGreaterThan(5);
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['resnet18', 'googlenet'])('%s takes Bloombench pixels (2u − 1) through its input normalisation', (name) => {
    const c = CASES.find((x) => x.name === name)!;
    const { model } = buildPretrainedModel(c.arch, fileOf(c), { inputSize: c.size, numClasses: 1000, input: 'bloombench', loadHead: true });
    try {
      const ref = readFloat32(path.join(dir, `${c.name}.logits.bin`));
      expect(relativeError(ourLogits(model, c, 'bloombench'), ref)).toBeLessThan(TOLERANCE);
      // ResNet's weights expect mean/std input: a frozen layer converts; GoogLeNet's expect 2u − 1 already.
      expect(model.layers.some((l) => l.name === 'input_normalization')).toBe(name === 'resnet18');
    } finally {
      model.dispose();
    }
  });

  it('a fine-tuning build keeps the backbone and gives a fresh head of the asked size', () => {
    const c = CASES[0];
    const a = buildPretrainedModel('resnet18', fileOf(c), { inputSize: 64, numClasses: 5, input: 'bloombench', seed: 3 });
    const b = buildPretrainedModel('resnet18', fileOf(c), { inputSize: 64, numClasses: 5, input: 'bloombench', seed: 3 });
    try {
      expect(a.model.outputs[0].shape).toEqual([null, 5]);
      expect(a.headLayers).toEqual(['logits']);
      expect(a.pretrainedLayers).toContain('conv1_conv');
      expect(a.pretrainedLayers).not.toContain('logits');
      // Same seed, same head; the backbone is the file's.
      const w = (m: tf.LayersModel, layer: string): Float32Array => m.getLayer(layer).getWeights()[0].dataSync() as Float32Array;
      expect(Array.from(w(a.model, 'logits'))).toEqual(Array.from(w(b.model, 'logits')));
      expect(Array.from(w(a.model, 'conv2_block1_1_conv').slice(0, 50))).toEqual(Array.from(w(b.model, 'conv2_block1_1_conv').slice(0, 50)));
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });
});

describe('every published IMAGENET1K_V1 file', () => {
  it('is named with the SHA-256 prefix the catalog checks', () => {
    for (const p of PRETRAINED) {
      expect(p.url).toMatch(/^https:\/\/download\.pytorch\.org\/models\/[\w.-]+\.pth$/);
      expect(sha256PrefixOf(pretrainedFileName(p)), p.arch).toBe(p.sha256Prefix);
      expect(p.sha256Prefix).toMatch(/^[0-9a-f]{8}$/);
      expect(getVariant(p.arch).id).toBe(p.arch);
    }
  });

  it.each(PRETRAINED.map((p) => [p.arch, p.torchvision]))('%s takes every tensor of torchvision %s, each in its shape', (arch, builder) => {
    const shapes = JSON.parse(fs.readFileSync(path.join(dir, 'shapes.json'), 'utf8')) as Record<string, [string, number[]][]>;
    const v = getVariant(arch);
    const opts = pretrainedBuildOptions(arch, { inputSize: Math.max(v.minInputSize, 64), numClasses: 1000, input: 'torchvision' });
    const plan = planMapping(arch, layersOfDryRun(dryRunLayers(arch, opts)), false);
    const tensors = new Map(shapes[builder].map(([name, shape]) => [name, { name, shape, dtype: 'float32' as const, values: () => new Float32Array(0) }]));
    expect(() => checkStateDict(plan, { file: `${builder}.pth`, tensors }, arch)).not.toThrow();
    const used = plan.tensors.length;
    const ignored = [...tensors.keys()].filter((k) => plan.ignored(k));
    expect(used + ignored.length).toBe(tensors.size);
    expect(ignored.every((k) => /num_batches_tracked$|^aux[12]\.|^AuxLogits\./.test(k))).toBe(true);
  });
});
