/**
 * The graph builder every architecture is written against.
 *
 * A `NetBuilder` wraps the tfjs functional API. In `build` mode it applies each layer to
 * symbolic tensors (which creates and initialises the weights). In `dry` mode it only asks each
 * layer for its output shape and records it, so the zoo can report parameters and
 * multiply-adds of a 140-million-parameter net without allocating a single weight.
 * The same architecture code runs in both modes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, LayerOrder } from '../../shared/config';

/** A symbolic tensor inside a model under construction. */
export type Tensor = tf.SymbolicTensor;

/** A tfjs shape: `null` for the batch dimension. */
export type Shape = readonly (number | null)[];

/** Build options after defaults and validation. */
export interface ResolvedOptions {
  readonly inputSize: number;
  readonly channels: number;
  readonly numClasses: number;
  readonly width: number;
  readonly activation: Activation;
  readonly batchNorm: boolean;
  readonly dropout: number;
  readonly order: LayerOrder;
  readonly auxHeads: boolean;
  readonly seed: number | undefined;
  /**
   * torchvision's numerics, for its pretrained weights: strided `same` convolutions and pools
   * pad symmetrically (PyTorch `padding=k//2`; TensorFlow's `same` puts the odd pixel at the
   * end, shifting the sampling grid by one pixel on even sizes), `same` average pools count
   * the padding (`count_include_pad=True`), and batch-norm uses `batchNormEpsilon`.
   */
  readonly torchvision: boolean;
  readonly batchNormEpsilon: number;
  /** A fixed per-channel affine map `x·scale + offset` applied to the input (non-trainable `input_normalization`). */
  readonly inputAffine: InputAffine | undefined;
}

/** A per-channel affine map of the input, e.g. from Bloombench's [-1, 1] pixels to ImageNet mean/std. */
export interface InputAffine {
  readonly scale: readonly number[];
  readonly offset: readonly number[];
}

/** One layer call seen by a dry run: enough to count its parameters and multiply-adds. */
export interface LayerRecord {
  readonly layer: tf.layers.Layer;
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
}

/**
 * Thrown when a layer would produce a feature map smaller than 1×1.
 *
 * `stage` is the layer name up to its first underscore (`conv5` for `conv5_block1_1_conv`).
 */
export class FeatureMapTooSmallError extends Error {
  constructor(
    readonly stage: string,
    readonly layerName: string,
  ) {
    super(`the feature map shrinks below 1×1 at layer ${layerName}`);
    this.name = 'FeatureMapTooSmallError';
  }
}

/**
 * Slope of the LeakyReLU activation for negative inputs.
 *
 * 0.1 as in Darknet / YOLO (Redmon et al. 2016, §2.2); Keras defaults to 0.3 and PyTorch to
 * 0.01. 0.1 keeps a visible gradient without turning the unit almost linear.
 */
export const LEAKY_RELU_ALPHA = 0.1;

/**
 * Batch-normalisation momentum of the moving statistics (Keras convention).
 *
 * 0.9 equals PyTorch's default `momentum=0.1`; the Keras default 0.99 lags too far behind on
 * the few hundred steps a small image folder gets.
 */
export const BATCH_NORM_MOMENTUM = 0.9;

/** Batch-normalisation epsilon, as in Keras and torchvision's GoogLeNet / Inception-v3. */
export const BATCH_NORM_EPSILON = 1e-3;

/** PyTorch's `nn.BatchNorm2d` default epsilon (torchvision's ResNet, VGG-BN, DenseNet). */
export const TORCH_BATCH_NORM_EPSILON = 1e-5;

/** Pool padding: TensorFlow's `same` and `valid`, or PyTorch's `ceil_mode=True` without padding. */
export type PoolPadding = 'same' | 'valid' | 'ceil';

/** Options of a convolution; `filters` are canonical (published) counts unless `exact`. */
export interface ConvOptions {
  readonly filters: number;
  readonly kernel: number | readonly [number, number];
  readonly strides?: number;
  readonly padding?: 'same' | 'valid';
  /** Add a bias; by default only when batch-norm is off (a BN beta plays the bias' part). */
  readonly bias?: boolean;
  /** `filters` is already the real channel count: do not apply the width multiplier. */
  readonly exact?: boolean;
}

type Nominal = readonly [number, number];

/**
 * The functional-API builder: naming, width, seeds, activation and the one `.apply()` cast.
 */
export class NetBuilder {
  /** Layer calls seen so far (dry mode only). */
  readonly records: LayerRecord[] = [];
  /**
   * Spatial size of each tensor as a real number: `same` padding divides by the stride,
   * `valid` takes (size − kernel) / stride + 1 without rounding. The input-size check uses it,
   * so that a 16-pixel image in a net with total stride 32 counts as "below 1×1 after conv5"
   * even though `same` padding would still round it up to one pixel.
   */
  private readonly nominal = new Map<Tensor, Nominal>();

  constructor(
    readonly opts: ResolvedOptions,
    readonly mode: 'build' | 'dry',
  ) {}

  /** The model input, `[inputSize, inputSize, channels]`. */
  input(): Tensor {
    const { inputSize: s, channels } = this.opts;
    const x = tf.input({ shape: [s, s, channels], name: 'input' });
    this.nominal.set(x, [s, s]);
    return x;
  }

  /**
   * The input after `opts.inputAffine` (itself when there is none): a frozen 1×1 depthwise
   * convolution with bias, which plain `tf.loadLayersModel` reads like any other layer.
   */
  normalizedInput(x: Tensor): Tensor {
    const a = this.opts.inputAffine;
    if (!a || this.mode === 'dry') return x;
    const c = this.channelsOf(x);
    if (a.scale.length !== c || a.offset.length !== c) throw new Error(`inputAffine: ${a.scale.length} scales and ${a.offset.length} offsets for ${c} channels`);
    const layer = tf.layers.depthwiseConv2d({ name: 'input_normalization', kernelSize: 1, depthMultiplier: 1, useBias: true, trainable: false });
    const y = this.apply(layer, x);
    const values = [tf.tensor4d([...a.scale], [1, 1, c, 1]), tf.tensor1d([...a.offset])];
    layer.setWeights(values);
    tf.dispose(values);
    return y;
  }

  /**
   * Applies a layer to one or more symbolic tensors.
   *
   * This is the one place where the zoo casts tfjs's `apply()` result (typed as any mix of
   * tensors and symbolic tensors) to the single symbolic tensor every layer here returns.
   */
  apply(layer: tf.layers.Layer, inputs: Tensor | readonly Tensor[]): Tensor {
    const list: readonly Tensor[] = inputs instanceof tf.SymbolicTensor ? [inputs] : inputs;
    const inputShapes = list.map((t) => t.shape);
    const arg = list.length === 1 ? inputShapes[0] : inputShapes;
    const outputShape = layer.computeOutputShape(arg) as Shape;
    const nominal = nominalSize(layer, this.nominal.get(list[0]));
    const spatial = outputShape.length === 4 ? [outputShape[1], outputShape[2]] : [];
    if (spatial.some((d) => d !== null && d < 1) || (nominal !== undefined && Math.min(...nominal) < 1 - 1e-9)) {
      throw new FeatureMapTooSmallError(layer.name.split('_')[0], layer.name);
    }
    let out: Tensor;
    if (this.mode === 'dry') {
      out = new tf.SymbolicTensor('float32', [...outputShape], layer, [...list], {});
      this.records.push({ layer, inputShapes, outputShape });
    } else {
      out = layer.apply(list.length === 1 ? list[0] : [...list]) as Tensor;
    }
    if (nominal !== undefined) this.nominal.set(out, nominal);
    return out;
  }

  /** A canonical channel count scaled by the width multiplier (at least 1). */
  ch(n: number): number {
    return Math.max(1, Math.round(n * this.opts.width));
  }

  /** A per-layer initialiser seed derived from the build seed and the layer name. */
  seedFor(name: string): number | undefined {
    if (this.opts.seed === undefined) return undefined;
    // FNV-1a over "seed:name", kept to 31 bits so that seedrandom sees a plain integer.
    let h = 0x811c9dc5;
    for (const c of `${this.opts.seed}:${name}`) {
      h ^= c.codePointAt(0) ?? 0;
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0) & 0x7fffffff;
  }

  /** Kernel initialiser: He-normal ahead of ReLU-like units, Glorot-uniform ahead of sigmoid/tanh. */
  kernelInit(name: string): ReturnType<typeof tf.initializers.heNormal> {
    const seed = this.seedFor(name);
    const squashing = this.opts.activation === 'sigmoid' || this.opts.activation === 'tanh';
    return squashing ? tf.initializers.glorotUniform({ seed }) : tf.initializers.heNormal({ seed });
  }

  /** A 2-D convolution named `name`, linear. */
  conv(x: Tensor, name: string, o: ConvOptions): Tensor {
    const kernelSize = typeof o.kernel === 'number' ? o.kernel : [o.kernel[0], o.kernel[1]];
    let padding = o.padding ?? 'same';
    if (padding === 'same' && (o.strides ?? 1) > 1 && this.opts.torchvision) {
      x = this.torchPad(x, `${name}_pad`, pair(kernelSize));
      padding = 'valid';
    }
    return this.apply(
      tf.layers.conv2d({
        name,
        filters: o.exact ? o.filters : this.ch(o.filters),
        kernelSize,
        strides: o.strides ?? 1,
        padding,
        useBias: o.bias ?? !this.opts.batchNorm,
        kernelInitializer: this.kernelInit(name),
        biasInitializer: 'zeros',
      }),
      x,
    );
  }

  /** Batch normalisation over channels, gamma and beta trainable (torchvision convention). */
  bn(x: Tensor, name: string): Tensor {
    return this.apply(
      tf.layers.batchNormalization({ name, axis: -1, momentum: BATCH_NORM_MOMENTUM, epsilon: this.opts.batchNormEpsilon }),
      x,
    );
  }

  /**
   * The configured activation, named `${prefix}_${activation}` (e.g. `conv1_relu`) unless a
   * full `name` is given (Keras's `conv2_block1_out`).
   */
  act(x: Tensor, prefix: string, name = `${prefix}_${this.opts.activation}`): Tensor {
    const a = this.opts.activation;
    if (a === 'leaky_relu') return this.apply(tf.layers.leakyReLU({ name, alpha: LEAKY_RELU_ALPHA }), x);
    return this.apply(tf.layers.activation({ name, activation: a }), x);
  }

  /**
   * Max pooling. With torchvision numerics a strided `same` pool pads `pool//2` zeros on every
   * side, and `ceil` (PyTorch's `ceil_mode=True`, no padding) pads zeros at the end so that the
   * last window may hang over the edge. PyTorch pads max pools with −∞; zeros give the same
   * maximum because every pool here follows a ReLU (the pretrained nets' only activation).
   */
  maxPool(x: Tensor, name: string, pool: number, strides: number, padding: PoolPadding = 'valid'): Tensor {
    const [y, p] = this.poolInput(x, name, pool, strides, padding);
    return this.apply(tf.layers.maxPooling2d({ name, poolSize: pool, strides, padding: p }), y);
  }

  /**
   * Average pooling. With torchvision numerics `same` pads zeros that count in the average
   * (PyTorch's `count_include_pad=True`; TensorFlow's `same` averages the real pixels only).
   */
  avgPool(x: Tensor, name: string, pool: number, strides: number, padding: PoolPadding = 'valid'): Tensor {
    const [y, p] = this.poolInput(x, name, pool, strides, padding, true);
    return this.apply(tf.layers.averagePooling2d({ name, poolSize: pool, strides, padding: p }), y);
  }

  /** A pool's input after any explicit padding, and the padding left for the tfjs layer. */
  private poolInput(x: Tensor, name: string, pool: number, strides: number, padding: PoolPadding, average = false): [Tensor, 'same' | 'valid'] {
    if (padding === 'ceil') {
      const pads = [1, 2].map((axis) => {
        const n = x.shape[axis];
        if (n === null) throw new Error(`${name}: a ceil-mode pool needs a static input size`);
        // PyTorch: ⌈(n − k) / s⌉ + 1 windows, the last one starting inside the input.
        const out = Math.ceil((n - pool) / strides) + 1;
        if (out < 1) throw new FeatureMapTooSmallError(name.split('_')[0], name);
        return Math.max(0, (out - 1) * strides + pool - n);
      });
      if (pads[0] === 0 && pads[1] === 0) return [x, 'valid'];
      return [this.apply(tf.layers.zeroPadding2d({ name: `${name}_pad`, padding: [[0, pads[0]], [0, pads[1]]] }), x), 'valid'];
    }
    if (padding === 'same' && this.opts.torchvision && (strides > 1 || average)) return [this.torchPad(x, `${name}_pad`, [pool, pool]), 'valid'];
    return [x, padding];
  }

  /** PyTorch's symmetric `padding=k//2` in front of a `valid` layer (none for 1×1). */
  private torchPad(x: Tensor, name: string, kernel: readonly [number, number]): Tensor {
    const [ph, pw] = [Math.floor(kernel[0] / 2), Math.floor(kernel[1] / 2)];
    if (ph === 0 && pw === 0) return x;
    return this.apply(tf.layers.zeroPadding2d({ name, padding: [[ph, ph], [pw, pw]] }), x);
  }

  /** Global average pooling to a vector. */
  globalAvgPool(x: Tensor, name = 'avg_pool'): Tensor {
    return this.apply(tf.layers.globalAveragePooling2d({ name }), x);
  }

  /** Symmetric zero padding of `pad` pixels on every side. */
  zeroPad(x: Tensor, name: string, pad: number): Tensor {
    return this.apply(tf.layers.zeroPadding2d({ name, padding: pad }), x);
  }

  /** Channel concatenation. */
  concat(xs: readonly Tensor[], name: string): Tensor {
    return this.apply(tf.layers.concatenate({ name, axis: -1 }), xs);
  }

  /** Element-wise sum. */
  add(xs: readonly Tensor[], name: string): Tensor {
    return this.apply(tf.layers.add({ name }), xs);
  }

  /** Flattens a feature map to a vector. */
  flatten(x: Tensor, name = 'flatten'): Tensor {
    return this.apply(tf.layers.flatten({ name }), x);
  }

  /** Dropout; a rate of 0 adds no layer. */
  dropout(x: Tensor, name: string, rate: number): Tensor {
    if (rate <= 0) return x;
    return this.apply(tf.layers.dropout({ name, rate, seed: this.seedFor(name) }), x);
  }

  /** A hidden fully connected layer of `units` canonical units, followed by the activation. */
  hiddenDense(x: Tensor, name: string, units: number): Tensor {
    const y = this.apply(
      tf.layers.dense({ name, units: this.ch(units), kernelInitializer: this.kernelInit(name), biasInitializer: 'zeros' }),
      x,
    );
    return this.act(y, name);
  }

  /** The linear classifier producing `numClasses` logits. */
  logits(x: Tensor, name = 'logits'): Tensor {
    return this.apply(
      tf.layers.dense({
        name,
        units: this.opts.numClasses,
        activation: 'linear',
        kernelInitializer: tf.initializers.glorotUniform({ seed: this.seedFor(name) }),
        biasInitializer: 'zeros',
      }),
      x,
    );
  }

  /** Channels of a tensor (its last dimension). */
  channelsOf(x: Tensor): number {
    const c = x.shape[x.shape.length - 1];
    if (c === null) throw new Error(`tensor ${x.name} has no static channel count`);
    return c;
  }

  /** Spatial side of a square feature map. */
  sideOf(x: Tensor): number {
    const s = x.shape[1];
    if (s === null) throw new Error(`tensor ${x.name} has no static height`);
    return s;
  }
}

/** The nominal (real-valued) spatial size after `layer`, or undefined once the map is a vector. */
function nominalSize(layer: tf.layers.Layer, input: Nominal | undefined): Nominal | undefined {
  if (input === undefined) return undefined;
  const cls = layer.getClassName();
  const cfg = layer.getConfig();
  switch (cls) {
    case 'Conv2D':
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const k = pair(cls === 'Conv2D' ? cfg.kernelSize : cfg.poolSize);
      const s = pair(cfg.strides);
      const side = (i: 0 | 1): number => (cfg.padding === 'same' ? input[i] / s[i] : (input[i] - k[i]) / s[i] + 1);
      return [side(0), side(1)];
    }
    case 'ZeroPadding2D': {
      const p = cfg.padding as number[][];
      return [input[0] + p[0][0] + p[0][1], input[1] + p[1][0] + p[1][1]];
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
    case 'Flatten':
    case 'Dense':
      return undefined;
    default:
      return input;
  }
}

/** A kernel size, stride or pool size from a layer config as `[height, width]`. */
export function pair(v: unknown): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  throw new Error(`expected a number or a pair of numbers, got ${JSON.stringify(v)}`);
}
