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
    return this.apply(
      tf.layers.conv2d({
        name,
        filters: o.exact ? o.filters : this.ch(o.filters),
        kernelSize,
        strides: o.strides ?? 1,
        padding: o.padding ?? 'same',
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
      tf.layers.batchNormalization({ name, axis: -1, momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON }),
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

  /** Max pooling. */
  maxPool(x: Tensor, name: string, pool: number, strides: number, padding: 'same' | 'valid' = 'valid'): Tensor {
    return this.apply(tf.layers.maxPooling2d({ name, poolSize: pool, strides, padding }), x);
  }

  /** Average pooling. */
  avgPool(x: Tensor, name: string, pool: number, strides: number, padding: 'same' | 'valid' = 'valid'): Tensor {
    return this.apply(tf.layers.averagePooling2d({ name, poolSize: pool, strides, padding }), x);
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
