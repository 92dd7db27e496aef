/**
 * The registry's contract: ids, option validation, input-size limits, naming, options, seeds,
 * serialisation, the summary table, and dry-run counts against built models.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  countMacs,
  countTrainableParams,
  getVariant,
  LEAKY_RELU_ALPHA,
  listVariants,
  modelStats,
  summarizeModel,
} from '../../main/models/registry';
import { SMALL_CLASSES, smallInputSize } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const IDS = [
  'lenet5',
  'alexnet',
  'vgg11',
  'vgg13',
  'vgg16',
  'vgg19',
  'vgg11_bn',
  'vgg13_bn',
  'vgg16_bn',
  'vgg19_bn',
  'googlenet',
  'googlenet_tv',
  'inception_v3',
  'plain18',
  'plain34',
  'resnet18',
  'resnet34',
  'resnet50',
  'resnet101',
  'resnet152',
  'densenet121',
  'densenet169',
  'squeezenet1_0',
  'squeezenet1_1',
  'squeezenet1_0_tv',
  'squeezenet1_1_tv',
];

/** A small, fast configuration of a variant. */
function small(id: string, extra: Parameters<typeof buildModel>[1] = {}): Parameters<typeof buildModel>[1] {
  const v = getVariant(id);
  return { inputSize: smallInputSize(v), channels: v.canonical.channels, width: 0.125, numClasses: SMALL_CLASSES, ...extra };
}

function layersOf(model: tf.LayersModel, className: string): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === className);
}

describe('ids', () => {
  it('lists every variant once, in family order', () => {
    expect(listVariants().map((v) => v.id)).toEqual(IDS);
  });

  it('refuses an unknown id and lists the valid ones', () => {
    expect(() => getVariant('resnet')).toThrow(/unknown model "resnet"; valid ids are: lenet5, alexnet, .*resnet18, .*squeezenet1_1, squeezenet1_0_tv, squeezenet1_1_tv/);
    expect(() => buildModel('vgg15')).toThrow(/unknown model "vgg15"/);
  });

  it('gives every variant its descriptive data', () => {
    for (const v of listVariants()) {
      expect(v.title.length, v.id).toBeGreaterThan(0);
      expect(v.description.length, v.id).toBeGreaterThan(20);
      expect(v.reference.length, v.id).toBeGreaterThan(10);
      expect(v.supportsAuxHeads).toBe(v.id === 'googlenet' || v.id === 'googlenet_tv');
    }
    expect(getVariant('vgg16').defaultBatchNorm).toBe(false);
    expect(getVariant('vgg16_bn').defaultBatchNorm).toBe(true);
    expect(getVariant('lenet5').defaultBatchNorm).toBe(false);
    expect(getVariant('alexnet').defaultBatchNorm).toBe(false);
    expect(getVariant('resnet50').defaultBatchNorm).toBe(true);
  });
});

describe('option validation', () => {
  it('refuses a too-small input and says where the feature map collapses', () => {
    expect(() => buildModel('resnet18', { inputSize: 16 })).toThrow(
      'resnet18 needs an input of at least 32×32 pixels (got 16): its feature map shrinks below 1×1 after conv5',
    );
    expect(() => buildModel('inception_v3', { inputSize: 64 })).toThrow(
      'inception_v3 needs an input of at least 75×75 pixels (got 64): its feature map shrinks below 1×1 after mixed8',
    );
    expect(() => buildModel('lenet5', { inputSize: 8 })).toThrow(/lenet5 needs an input of at least 16×16 pixels \(got 8\): .* after conv2/);
  });

  it.each(IDS)('%s: minInputSize is exactly the smallest input a dry run accepts', (id) => {
    const v = getVariant(id);
    expect(() => modelStats(id, { inputSize: v.minInputSize })).not.toThrow();
    // One pixel less must trip the dry run itself (not just the table), naming a stage.
    expect(() => modelStats(id, { inputSize: v.minInputSize - 1 })).toThrow(
      new RegExp(`^${id} needs an input of at least ${v.minInputSize}×${v.minInputSize} pixels \\(got ${v.minInputSize - 1}\\): its feature map shrinks below 1×1 after \\w+$`),
    );
  });

  it('names the field of every other invalid option', () => {
    expect(() => buildModel('resnet18', { width: 0 })).toThrow(/resnet18: width must be a number > 0 \(got 0\)/);
    expect(() => buildModel('resnet18', { width: -0.5 })).toThrow(/width must be a number > 0/);
    expect(() => buildModel('resnet18', { width: Number.NaN })).toThrow(/width must be a number > 0/);
    expect(() => buildModel('resnet18', { numClasses: 1 })).toThrow(/numClasses must be a whole number ≥ 2 \(got 1\)/);
    expect(() => buildModel('resnet18', { numClasses: 2.5 })).toThrow(/numClasses must be a whole number/);
    expect(() => buildModel('resnet18', { inputSize: 64.5 })).toThrow(/inputSize must be a whole number ≥ 1 \(got 64.5\)/);
    expect(() => buildModel('resnet18', { channels: 0 })).toThrow(/channels must be a whole number ≥ 1 \(got 0\)/);
    expect(() => buildModel('alexnet', { dropout: 1 })).toThrow(/dropout must be a rate in \[0, 1\) \(got 1\)/);
    expect(() => buildModel('alexnet', { dropout: -0.1 })).toThrow(/dropout must be a rate/);
    expect(() => buildModel('resnet18', { auxHeads: true })).toThrow(/resnet18: auxHeads is only available for googlenet/);
    expect(() => buildModel('resnet18', { seed: 1.5 })).toThrow(/seed must be a whole number/);
    // A value from outside TypeScript (CLI, JSON) is still checked.
    const activation = JSON.parse('"gelu"') as 'relu';
    expect(() => buildModel('resnet18', { activation })).toThrow(/activation must be one of relu, leaky_relu, elu, sigmoid, tanh, swish \(got "gelu"\)/);
  });
});

describe('built models', () => {
  it.each(IDS)('%s: dry-run counts equal the built model; the topology survives JSON; dispose frees every weight', async (id) => {
    const opts = small(id);
    const start = tf.memory().numTensors;
    const model = buildModel(id, opts);
    const stats = modelStats(id, opts);
    expect(countTrainableParams(model)).toBe(stats.trainableParams);
    expect(model.countParams()).toBe(stats.totalParams);
    expect(countMacs(model)).toBe(stats.macs);
    expect(stats.outputShapes).toEqual([[null, SMALL_CLASSES]]);
    // Only standard, serialisable layers: the config round-trips through tfjs's layers format.
    const copy = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
    expect(copy.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(copy.countParams()).toBe(model.countParams());
    if (id.startsWith('squeezenet') && id.endsWith('_tv')) {
      // torchvision's SqueezeNet classifier: 1×1 convolution to the classes, ReLU, global pool.
      expect(model.getLayer('classifier_conv').getClassName()).toBe('Conv2D');
      expect(model.layers[model.layers.length - 1].getClassName()).toBe('GlobalAveragePooling2D');
    } else {
      // Logits: the last layer is a linear dense layer named `logits`.
      const logits = model.getLayer('logits');
      expect(logits.getClassName()).toBe('Dense');
      expect(logits.getConfig().activation).toBe('linear');
    }
    // Deterministic, unique names.
    expect(new Set(model.layers.map((l) => l.name)).size).toBe(model.layers.length);
    copy.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('saves and loads with its weights in the TF.js layers format', async () => {
    const model = buildModel('resnet18', small('resnet18', { seed: 11 }));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (artifacts === undefined) throw new Error('nothing saved');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 2);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('uses Keras-style layer names', () => {
    const r50 = buildModel('resnet50', small('resnet50'));
    for (const n of ['conv1_conv', 'conv1_bn', 'conv1_relu', 'pool1_pool', 'conv2_block1_0_conv', 'conv2_block1_1_conv', 'conv2_block1_add', 'conv5_block3_out', 'avg_pool', 'logits']) {
      expect(() => r50.getLayer(n), n).not.toThrow();
    }
    r50.dispose();
    const d121 = buildModel('densenet121', small('densenet121'));
    for (const n of ['conv2_block1_0_bn', 'conv2_block1_1_conv', 'conv2_block6_concat', 'pool2_conv', 'pool4_pool', 'conv5_block16_2_conv', 'post_bn']) {
      expect(() => d121.getLayer(n), n).not.toThrow();
    }
    d121.dispose();
    const inc = buildModel('inception_v3', small('inception_v3'));
    for (const n of ['mixed0', 'mixed10', 'mixed4_7x7dbl_5_conv', 'mixed9_3x3_2b_conv']) expect(() => inc.getLayer(n), n).not.toThrow();
    inc.dispose();
  });

  it('has no shortcut in the plain nets and one per block in the ResNets', () => {
    const plain = buildModel('plain34', small('plain34'));
    const res = buildModel('resnet34', small('resnet34'));
    expect(layersOf(plain, 'Add')).toHaveLength(0);
    expect(layersOf(res, 'Add')).toHaveLength(3 + 4 + 6 + 3);
    // Same layers otherwise, apart from the three projection shortcuts.
    expect(layersOf(res, 'Conv2D').length - layersOf(plain, 'Conv2D').length).toBe(3);
    plain.dispose();
    res.dispose();
  });

  it('builds GoogLeNet with true 5×5 convolutions', () => {
    const g = buildModel('googlenet', small('googlenet'));
    expect(g.getLayer('inception3a_5x5_conv').getConfig().kernelSize).toEqual([5, 5]);
    g.dispose();
  });
});

describe('options', () => {
  it('applies the chosen activation wherever ReLU would be', () => {
    const relu = buildModel('resnet18', small('resnet18'));
    const reluCount = layersOf(relu, 'Activation').length;
    relu.dispose();
    const leaky = buildModel('resnet18', small('resnet18', { activation: 'leaky_relu' }));
    const leakyLayers = layersOf(leaky, 'LeakyReLU');
    expect(leakyLayers).toHaveLength(reluCount);
    expect(layersOf(leaky, 'Activation')).toHaveLength(0);
    expect(leakyLayers[0].getConfig().alpha).toBe(LEAKY_RELU_ALPHA);
    expect(leaky.getLayer('conv1_leaky_relu')).toBeDefined();
    leaky.dispose();
    for (const activation of ['elu', 'sigmoid', 'tanh', 'swish'] as const) {
      const m = buildModel('vgg11', small('vgg11', { activation }));
      const acts = layersOf(m, 'Activation');
      expect(acts).toHaveLength(8 + 2);
      for (const a of acts) expect(a.getConfig().activation).toBe(activation);
      const y = tf.tidy(() => Array.from((m.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor).dataSync()));
      for (const v of y) expect(Number.isFinite(v), activation).toBe(true);
      m.dispose();
    }
  });

  it('switches batch-norm on and off for every family', () => {
    for (const v of listVariants()) {
      const on = modelStats(v.id, small(v.id, { batchNorm: true }));
      const off = modelStats(v.id, small(v.id, { batchNorm: false }));
      expect(on.totalParams, v.id).toBeGreaterThan(on.trainableParams);
      expect(off.totalParams, v.id).toBe(off.trainableParams);
    }
    const noBn = buildModel('resnet18', small('resnet18', { batchNorm: false }));
    expect(layersOf(noBn, 'BatchNormalization')).toHaveLength(0);
    // Without batch-norm every convolution gets its bias back.
    for (const c of layersOf(noBn, 'Conv2D')) expect(c.getConfig().useBias).toBe(true);
    noBn.dispose();
    const bnLenet = buildModel('lenet5', { batchNorm: true });
    expect(layersOf(bnLenet, 'BatchNormalization')).toHaveLength(2);
    bnLenet.dispose();
    // VGG-16 with batch-norm switched on is VGG-16-BN.
    expect(modelStats('vgg16', { batchNorm: true }).trainableParams).toBe(modelStats('vgg16_bn').trainableParams);
  });

  it('overrides the classifier dropout', () => {
    const rates = (id: string, dropout?: number): number[] => {
      const m = buildModel(id, small(id, dropout === undefined ? {} : { dropout }));
      const r = layersOf(m, 'Dropout').map((l) => Number(l.getConfig().rate));
      m.dispose();
      return r;
    };
    expect(rates('alexnet')).toEqual([0.5, 0.5]);
    expect(rates('vgg11')).toEqual([0.5, 0.5]);
    expect(rates('alexnet', 0.2)).toEqual([0.2, 0.2]);
    expect(rates('alexnet', 0)).toEqual([]);
    expect(rates('resnet18')).toEqual([]);
    expect(rates('resnet18', 0.3)).toEqual([0.3]);
    expect(rates('googlenet')).toEqual([0.2]);
  });

  it('scales every channel count and hidden layer by the width, keeping at least one channel', () => {
    const half = buildModel('alexnet', { inputSize: 64, width: 0.5, numClasses: 3 });
    expect(half.getLayer('conv1_conv').getConfig().filters).toBe(32);
    expect(half.getLayer('fc6').getConfig().units).toBe(2048);
    expect(half.getLayer('logits').getConfig().units).toBe(3);
    half.dispose();
    const tiny = buildModel('lenet5', { width: 0.001 });
    expect(tiny.getLayer('conv1_conv').getConfig().filters).toBe(1);
    expect(tiny.getLayer('fc1').getConfig().units).toBe(1);
    tiny.dispose();
    expect(modelStats('resnet18', { width: 0.5 }).trainableParams).toBeLessThan(modelStats('resnet18').trainableParams / 3);
  });

  it('takes input channels and classes', () => {
    const m = buildModel('squeezenet1_1', { inputSize: 48, channels: 1, numClasses: 7, width: 0.25 });
    expect(m.inputs[0].shape).toEqual([null, 48, 48, 1]);
    expect(m.outputs[0].shape).toEqual([null, 7]);
    m.dispose();
  });

  it('initialises deterministically from a seed, differently per layer and per seed', async () => {
    const kernels = async (seed: number | undefined): Promise<Float32Array[]> => {
      const m = buildModel('lenet5', { seed, width: 0.5 });
      const w = await Promise.all(['conv1_conv', 'conv2_conv', 'fc1'].map((n) => m.getLayer(n).getWeights()[0].data() as Promise<Float32Array>));
      m.dispose();
      return w;
    };
    const a = await kernels(42);
    const b = await kernels(42);
    const c = await kernels(43);
    const d = await kernels(undefined);
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i])));
    a.forEach((w, i) => expect(Array.from(w)).not.toEqual(Array.from(c[i])));
    a.forEach((w, i) => expect(Array.from(w)).not.toEqual(Array.from(d[i])));
    // Two layers of the same shape would otherwise share values: the seed is derived per layer.
    const m = buildModel('resnet18', small('resnet18', { seed: 42 }));
    const k1 = await m.getLayer('conv2_block1_1_conv').getWeights()[0].data();
    const k2 = await m.getLayer('conv2_block1_2_conv').getWeights()[0].data();
    expect(Array.from(k1)).not.toEqual(Array.from(k2));
    m.dispose();
  });
});

describe('summarizeModel', () => {
  it('prints a Keras-style table with connections and totals', () => {
    const m = buildModel('resnet18', small('resnet18'));
    const s = summarizeModel(m);
    expect(s).toMatch(/^Model: "resnet18"/);
    expect(s).toMatch(/Layer \(type\)\s+Output Shape\s+Param #\s+Connected to/);
    expect(s).toMatch(/conv1_conv \(Conv2D\)\s+\(None, 16, 16, 8\)\s+1,176\s+input\[0\]\[0\]/);
    // An Add layer lists both of its inputs, one per line.
    expect(s).toMatch(/conv2_block1_add \(Add\).*conv2_block1_2_bn\[0\]\[0\]|conv2_block1_add \(Add\).*pool1_pool\[0\]\[0\]/);
    expect(s).toContain(`Total params: ${m.countParams().toLocaleString('en-US')}`);
    expect(s).toContain(`Trainable params: ${countTrainableParams(m).toLocaleString('en-US')}`);
    expect(s).toContain(`Non-trainable params: ${(m.countParams() - countTrainableParams(m)).toLocaleString('en-US')}`);
    expect(s).toContain(`Multiply-adds: ${countMacs(m).toLocaleString('en-US')}`);
    expect(s.split('\n').length).toBeGreaterThan(m.layers.length);
    m.dispose();
  });
});
