/**
 * Counting parameters and multiply-adds, and printing a model summary.
 *
 * Multiply-adds (MACs) count one multiply-accumulate per kernel weight use in Conv2D and Dense
 * layers. Bias additions, batch-norm, activations, pooling, padding, concatenation and
 * element-wise sums are not counted: they are memory-bound, and batch-norm folds into the
 * preceding convolution at inference. This is the convention behind torchvision's published
 * "GFLOPS" column (which are in fact GMACs: ResNet-50 4.09, VGG-16 15.47).
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerRecord, pair, type Shape } from './builder';

/** Parameters and multiply-adds of one layer call. */
export interface LayerCost {
  /** Learnable weights: kernels, biases, batch-norm gamma and beta. */
  readonly trainable: number;
  /** Weights that are not learnt by gradient: batch-norm moving mean and variance. */
  readonly nonTrainable: number;
  readonly macs: number;
}

/** Totals over a model. */
export interface ModelCost {
  readonly trainableParams: number;
  readonly totalParams: number;
  readonly macs: number;
}

/**
 * Parameters and multiply-adds of one call of `layer`, from its config and shapes alone.
 *
 * Works on a layer that was never built, which is what lets a dry run count a model without
 * allocating its weights. Knows the layer types the zoo uses; any other type that has weights
 * is an error rather than a silent zero.
 */
export function layerCost(layer: tf.layers.Layer, inputShapes: readonly Shape[], outputShape: Shape): LayerCost {
  const cfg = layer.getConfig();
  const cls = layer.getClassName();
  const lastIn = lastDim(inputShapes[0], layer.name);
  switch (cls) {
    case 'Conv2D': {
      const [kh, kw] = pair(cfg.kernelSize);
      const filters = Number(cfg.filters);
      const weights = kh * kw * lastIn * filters + (cfg.useBias ? filters : 0);
      const positions = spatialProduct(outputShape, layer.name);
      return split(layer, weights, 0, positions * filters * kh * kw * lastIn);
    }
    case 'Dense': {
      const units = Number(cfg.units);
      const weights = lastIn * units + (cfg.useBias ? units : 0);
      // A dense layer on a rank > 2 input applies its kernel at every position.
      const positions = inputShapes[0].slice(1, -1).reduce<number>((p, d) => p * (d ?? 1), 1);
      return split(layer, weights, 0, positions * lastIn * units);
    }
    case 'BatchNormalization': {
      const learnt = (cfg.center === false ? 0 : lastIn) + (cfg.scale === false ? 0 : lastIn);
      return split(layer, learnt, 2 * lastIn, 0);
    }
    case 'InputLayer':
    case 'Activation':
    case 'LeakyReLU':
    case 'ReLU':
    case 'ELU':
    case 'Add':
    case 'Concatenate':
    case 'MaxPooling2D':
    case 'AveragePooling2D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
    case 'ZeroPadding2D':
    case 'Flatten':
    case 'Dropout':
    case 'Reshape':
      return { trainable: 0, nonTrainable: 0, macs: 0 };
    default:
      throw new Error(`layerCost: layer ${layer.name} has type ${cls}, which the model zoo does not know how to count`);
  }
}

/** Sums the costs of the layer calls a dry run recorded. */
export function sumRecords(records: readonly LayerRecord[]): ModelCost {
  let trainable = 0;
  let nonTrainable = 0;
  let macs = 0;
  for (const r of records) {
    const c = layerCost(r.layer, r.inputShapes, r.outputShape);
    trainable += c.trainable;
    nonTrainable += c.nonTrainable;
    macs += c.macs;
  }
  return { trainableParams: trainable, totalParams: trainable + nonTrainable, macs };
}

/**
 * Learnable parameters of a built model: kernels, biases, batch-norm gamma and beta.
 *
 * The torchvision convention: batch-norm moving mean and variance are not counted (tfjs's
 * `countParams()` counts them).
 */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + product(w.shape, `weight ${w.name}`), 0);
}

/**
 * Multiply-adds of one forward pass of one image through a built model.
 *
 * Counts Conv2D and Dense kernels (see the file comment for what is left out). A layer that is
 * called more than once counts once per call.
 */
export function countMacs(model: tf.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls !== 'Conv2D' && cls !== 'Dense') continue;
    for (const node of layer.inboundNodes) {
      const ins = shapeList(node.inputShapes);
      const outs = shapeList(node.outputShapes);
      macs += layerCost(layer, ins, outs[0]).macs;
    }
  }
  return macs;
}

/**
 * A Keras-style table of a model: layer (type), output shape, parameters, inputs; totals below.
 */
export function summarizeModel(model: tf.LayersModel): string {
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const rows: string[][] = [];
  for (const layer of model.layers) {
    const node = layer.inboundNodes[0];
    const inputs =
      node === undefined
        ? []
        : node.inboundLayers.map((l, i) => `${l.name}[${node.nodeIndices[i]}][${node.tensorIndices[i]}]`);
    const outShapes = node === undefined ? [] : shapeList(node.outputShapes);
    const first = [
      `${layer.name} (${layer.getClassName()})`,
      outShapes.map(formatShape).join(', '),
      formatInt(layer.countParams()),
      inputs[0] ?? '',
    ];
    rows.push(first);
    for (const extra of inputs.slice(1)) rows.push(['', '', '', extra]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i] - 2).padEnd(widths[i]) : c.padEnd(widths[i])))
      .join('')
      .trimEnd();
  const rule = (ch: string): string => ch.repeat(widths.reduce((a, b) => a + b, 0));
  const total = model.countParams();
  const trainable = countTrainableParams(model);
  const macs = countMacs(model);
  const out = [
    `Model: "${model.name}"`,
    rule('_'),
    line(header),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${formatInt(total)}`,
    `Trainable params: ${formatInt(trainable)}`,
    `Non-trainable params: ${formatInt(total - trainable)}`,
    `Multiply-adds: ${formatInt(macs)} (${formatMacs(macs)})`,
    rule('_'),
  ];
  return out.join('\n');
}

/** `1814073344` → `1.81 G`. */
export function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(2)} G`;
  if (macs >= 1e6) return `${(macs / 1e6).toFixed(2)} M`;
  if (macs >= 1e3) return `${(macs / 1e3).toFixed(2)} K`;
  return String(macs);
}

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

function formatShape(s: Shape): string {
  return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

function split(layer: tf.layers.Layer, learnable: number, fixed: number, macs: number): LayerCost {
  // A frozen layer's learnable weights are not trainable either.
  return layer.trainable
    ? { trainable: learnable, nonTrainable: fixed, macs }
    : { trainable: 0, nonTrainable: learnable + fixed, macs };
}

function lastDim(shape: Shape | undefined, name: string): number {
  const d = shape === undefined ? null : shape[shape.length - 1];
  if (d === null || d === undefined) throw new Error(`layer ${name}: input has no static channel count`);
  return d;
}

function spatialProduct(shape: Shape, name: string): number {
  return product(shape.slice(1, -1), `output of layer ${name}`);
}

function product(dims: Shape, what: string): number {
  return dims.reduce<number>((p, d) => {
    if (d === null) throw new Error(`${what} has no static shape`);
    return p * d;
  }, 1);
}

/** tfjs stores a single shape as `Shape` and several as `Shape[]`; always return a list. */
function shapeList(s: Shape | Shape[]): Shape[] {
  return s.length > 0 && Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}
