/**
 * The building blocks of the zoo, written once against `NetBuilder`.
 *
 * Channel counts passed to blocks are the published ones; the builder scales them by the width
 * multiplier. Layer names follow Keras Applications: a block prefix plus `_conv`, `_bn`,
 * `_${activation}`, `_add`, `_concat` (e.g. `conv2_block1_1_conv`).
 */
import type { ConvOptions, NetBuilder, Tensor } from './builder';

/** Options of `convBnAct` beyond the convolution's own. */
export interface ConvBnActOptions extends ConvOptions {
  /** Apply the activation (default true; `post` order only). */
  readonly act?: boolean;
  /**
   * The network's first convolution. In `pre` order it is a bare convolution: its input is the
   * image, and the next unit normalises and activates its output (the stem of ResNet v2).
   */
  readonly stem?: boolean;
}

/**
 * One convolution unit in the configured order: `${prefix}_conv`, `_bn`, `_relu` in both.
 *
 * `post`: convolution → batch-norm (when enabled) → activation.
 * `pre`: batch-norm (when enabled) → activation → convolution; a `stem` convolution is bare.
 * In a plain stack `pre` moves each batch-norm and activation past the pooling that follows
 * the convolution; without batch-norm a ReLU commutes with max-pooling, so there the two
 * orders compute the same function.
 */
export function convBnAct(b: NetBuilder, x: Tensor, prefix: string, o: ConvBnActOptions): Tensor {
  if (b.opts.order === 'pre') {
    if (o.act === false) throw new Error(`${prefix}: act: false has no meaning in pre-activation order`);
    return o.stem === true ? b.conv(x, `${prefix}_conv`, o) : bnActConv(b, x, prefix, `${prefix}_conv`, o);
  }
  let y = b.conv(x, `${prefix}_conv`, o);
  if (b.opts.batchNorm) y = b.bn(y, `${prefix}_bn`);
  return o.act === false ? y : b.act(y, prefix);
}

/**
 * Batch-norm (when enabled) → activation → convolution, the pre-activation order of DenseNet.
 *
 * Names: `${prefix}_bn`, `${prefix}_relu`, and `convName` for the convolution.
 */
export function bnActConv(b: NetBuilder, x: Tensor, prefix: string, convName: string, o: ConvOptions): Tensor {
  return b.conv(bnAct(b, x, prefix), convName, o);
}

/** Batch-norm (when enabled) → activation: `${prefix}_bn`, `${prefix}_relu`. */
export function bnAct(b: NetBuilder, x: Tensor, prefix: string): Tensor {
  const y = b.opts.batchNorm ? b.bn(x, `${prefix}_bn`) : x;
  return b.act(y, prefix);
}

/**
 * In `pre` order, batch-norm → activation on the last feature map before a classifier
 * (`post_bn`, `post_relu` as in Keras' ResNetV2), which is otherwise a convolution's linear
 * output; in `post` order the map is returned as it is.
 */
export function headBnAct(b: NetBuilder, x: Tensor, prefix = 'post'): Tensor {
  return b.opts.order === 'pre' ? bnAct(b, x, prefix) : x;
}

/** Shortcut handling of a residual block. */
export interface ResidualOptions {
  /** false builds the "plain" network of He et al. 2016, §4.1: the same layers, no shortcut. */
  readonly shortcut: boolean;
}

/**
 * The shortcut of a residual block: identity, or a strided 1×1 projection + batch-norm when the
 * shape changes (option B of He et al. 2016, §3.3, as in torchvision).
 */
function shortcutOf(b: NetBuilder, x: Tensor, name: string, filters: number, strides: number): Tensor {
  if (strides === 1 && b.channelsOf(x) === b.ch(filters)) return x;
  return convBnAct(b, x, `${name}_0`, { filters, kernel: 1, strides, act: false });
}

/**
 * The pre-activation shortcut (He et al. 2016b, "Identity Mappings in Deep Residual
 * Networks", Fig. 1b and §4.1): identity `x`, or a bare strided 1×1 projection of the block's
 * pre-activated input when the shape changes (as in Keras' ResNetV2, `${name}_0_conv`).
 */
function preActShortcutOf(b: NetBuilder, x: Tensor, preact: Tensor, name: string, filters: number, strides: number): Tensor {
  if (strides === 1 && b.channelsOf(x) === b.ch(filters)) return x;
  return b.conv(preact, `${name}_0_conv`, { filters, kernel: 1, strides });
}

/**
 * The basic residual block of ResNet-18/34: two 3×3 convolutions.
 *
 * `filters` output channels, the first convolution strided by `strides`. In `pre` order it is
 * the ResNet v2 block (He et al. 2016b, Fig. 1b): BN → act (`${name}_preact_bn`, shared with a
 * projection shortcut) → conv → BN → act → conv, added to the shortcut with no activation after
 * the sum (`${name}_out`), so the identity path stays clean.
 */
export function residualBlock(b: NetBuilder, x: Tensor, name: string, filters: number, strides: number, o: ResidualOptions): Tensor {
  if (b.opts.order === 'pre') {
    const preact = bnAct(b, x, `${name}_preact`);
    let y = b.conv(preact, `${name}_1_conv`, { filters, kernel: 3, strides });
    y = bnActConv(b, y, `${name}_1`, `${name}_2_conv`, { filters, kernel: 3 });
    return o.shortcut ? b.add([preActShortcutOf(b, x, preact, name, filters, strides), y], `${name}_out`) : y;
  }
  let y = convBnAct(b, x, `${name}_1`, { filters, kernel: 3, strides });
  y = convBnAct(b, y, `${name}_2`, { filters, kernel: 3, act: false });
  if (o.shortcut) y = b.add([shortcutOf(b, x, name, filters, strides), y], `${name}_add`);
  return b.act(y, name, `${name}_out`);
}

/** Output channels of a bottleneck block per bottleneck channel (He et al. 2016, §4.1, Fig. 5). */
export const BOTTLENECK_EXPANSION = 4;

/**
 * The bottleneck block of ResNet-50/101/152: 1×1 reduce, 3×3, 1×1 expand ×4.
 *
 * The stride sits on the 3×3 convolution, as in torchvision ("ResNet v1.5"); the parameter
 * count is the same as with the stride on the first 1×1 (the paper's v1). In `pre` order it is
 * the ResNet v2 bottleneck: BN → act (shared with a projection shortcut) → 1×1 → BN → act → 3×3
 * → BN → act → 1×1, added to the shortcut with no activation after the sum.
 */
export function bottleneckBlock(b: NetBuilder, x: Tensor, name: string, planes: number, strides: number, o: ResidualOptions): Tensor {
  const out = planes * BOTTLENECK_EXPANSION;
  if (b.opts.order === 'pre') {
    const preact = bnAct(b, x, `${name}_preact`);
    let y = b.conv(preact, `${name}_1_conv`, { filters: planes, kernel: 1 });
    y = bnActConv(b, y, `${name}_1`, `${name}_2_conv`, { filters: planes, kernel: 3, strides });
    y = bnActConv(b, y, `${name}_2`, `${name}_3_conv`, { filters: out, kernel: 1 });
    return o.shortcut ? b.add([preActShortcutOf(b, x, preact, name, out, strides), y], `${name}_out`) : y;
  }
  let y = convBnAct(b, x, `${name}_1`, { filters: planes, kernel: 1 });
  y = convBnAct(b, y, `${name}_2`, { filters: planes, kernel: 3, strides });
  y = convBnAct(b, y, `${name}_3`, { filters: out, kernel: 1, act: false });
  if (o.shortcut) y = b.add([shortcutOf(b, x, name, out, strides), y], `${name}_add`);
  return b.act(y, name, `${name}_out`);
}

/** Branch widths of a GoogLeNet inception module (Szegedy et al. 2015, Table 1). */
export interface InceptionSpec {
  readonly c1x1: number;
  readonly c3x3reduce: number;
  readonly c3x3: number;
  readonly c5x5reduce: number;
  readonly c5x5: number;
  readonly poolProj: number;
}

/**
 * A GoogLeNet (Inception-v1) module: 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max-pool→1×1, concatenated.
 *
 * The 5×5 branch is a true 5×5 convolution as in the paper unless `fiveByFiveKernel` says
 * otherwise (torchvision uses 3×3 there, a known deviation kept for its pretrained weights; the
 * layer keeps its `_5x5` name). In `pre` order each branch's first unit normalises and
 * activates the module input itself (its own batch-norm, as DenseNet's layers).
 */
export function inceptionModule(b: NetBuilder, x: Tensor, name: string, s: InceptionSpec, fiveByFiveKernel: 3 | 5 = 5): Tensor {
  const b1 = convBnAct(b, x, `${name}_1x1`, { filters: s.c1x1, kernel: 1 });
  let b2 = convBnAct(b, x, `${name}_3x3_reduce`, { filters: s.c3x3reduce, kernel: 1 });
  b2 = convBnAct(b, b2, `${name}_3x3`, { filters: s.c3x3, kernel: 3 });
  let b3 = convBnAct(b, x, `${name}_5x5_reduce`, { filters: s.c5x5reduce, kernel: 1 });
  b3 = convBnAct(b, b3, `${name}_5x5`, { filters: s.c5x5, kernel: fiveByFiveKernel });
  let b4 = b.maxPool(x, `${name}_pool`, 3, 1, 'same');
  b4 = convBnAct(b, b4, `${name}_pool_proj`, { filters: s.poolProj, kernel: 1 });
  return b.concat([b1, b2, b3, b4], `${name}_concat`);
}

/** DenseNet hyper-parameters (Huang et al. 2017, §3 "Implementation Details"). */
export interface DenseSpec {
  /** Channels each layer adds (k = 32 for ImageNet). */
  readonly growthRate: number;
  /** Bottleneck width as a multiple of the growth rate (4k, the "DenseNet-B" 1×1). */
  readonly bottleneck: number;
}

/**
 * A dense block: `layers` times BN-act-1×1 conv (4k) → BN-act-3×3 conv (k), each concatenated
 * to its input. Names follow Keras: `conv2_block1_0_bn` … `conv2_block1_concat`.
 */
export function denseBlock(b: NetBuilder, x: Tensor, name: string, layers: number, s: DenseSpec): Tensor {
  let y = x;
  for (let i = 1; i <= layers; i++) {
    const p = `${name}_block${i}`;
    let z = bnActConv(b, y, `${p}_0`, `${p}_1_conv`, { filters: s.bottleneck * s.growthRate, kernel: 1 });
    z = bnActConv(b, z, `${p}_1`, `${p}_2_conv`, { filters: s.growthRate, kernel: 3 });
    y = b.concat([y, z], `${p}_concat`);
  }
  return y;
}

/**
 * A DenseNet transition: BN-act-1×1 conv to `reduction` of the channels, then 2×2 average
 * pooling (compression θ = 0.5, "DenseNet-BC", Huang et al. 2017, §3).
 */
export function transitionBlock(b: NetBuilder, x: Tensor, name: string, reduction: number): Tensor {
  const filters = Math.max(1, Math.floor(b.channelsOf(x) * reduction));
  const y = bnActConv(b, x, name, `${name}_conv`, { filters, kernel: 1, exact: true });
  return b.avgPool(y, `${name}_pool`, 2, 2);
}

/** Widths of a SqueezeNet fire module (Iandola et al. 2016, Table 1). */
export interface FireSpec {
  readonly squeeze: number;
  readonly expand1x1: number;
  readonly expand3x3: number;
}

/**
 * A SqueezeNet fire module: 1×1 squeeze, then 1×1 and 3×3 expand, concatenated.
 *
 * In `pre` order: BN → act → squeeze, then each expand branch BN → act → conv of the squeeze.
 */
export function fireModule(b: NetBuilder, x: Tensor, name: string, s: FireSpec): Tensor {
  const sq = convBnAct(b, x, `${name}_squeeze1x1`, { filters: s.squeeze, kernel: 1 });
  const e1 = convBnAct(b, sq, `${name}_expand1x1`, { filters: s.expand1x1, kernel: 1 });
  const e3 = convBnAct(b, sq, `${name}_expand3x3`, { filters: s.expand3x3, kernel: 3 });
  return b.concat([e1, e3], `${name}_concat`);
}

/**
 * Inception-v3 module A (35×35): 1×1, 1×1→5×5, 1×1→3×3→3×3, avg-pool→1×1.
 *
 * Szegedy et al. 2016, Fig. 5, with Keras Applications' widths (the 5×5 branch is kept there).
 */
export function inceptionA(b: NetBuilder, x: Tensor, name: string, poolFeatures: number): Tensor {
  const b1 = convBnAct(b, x, `${name}_1x1`, { filters: 64, kernel: 1 });
  let b5 = convBnAct(b, x, `${name}_5x5_1`, { filters: 48, kernel: 1 });
  b5 = convBnAct(b, b5, `${name}_5x5_2`, { filters: 64, kernel: 5 });
  let b3 = convBnAct(b, x, `${name}_3x3dbl_1`, { filters: 64, kernel: 1 });
  b3 = convBnAct(b, b3, `${name}_3x3dbl_2`, { filters: 96, kernel: 3 });
  b3 = convBnAct(b, b3, `${name}_3x3dbl_3`, { filters: 96, kernel: 3 });
  let bp = b.avgPool(x, `${name}_pool`, 3, 1, 'same');
  bp = convBnAct(b, bp, `${name}_pool_proj`, { filters: poolFeatures, kernel: 1 });
  return b.concat([b1, b5, b3, bp], name);
}

/**
 * Inception-v3 grid reduction 35→17 (Szegedy et al. 2016, §7, Fig. 10).
 */
export function inceptionB(b: NetBuilder, x: Tensor, name: string): Tensor {
  const b3 = convBnAct(b, x, `${name}_3x3`, { filters: 384, kernel: 3, strides: 2, padding: 'valid' });
  let bd = convBnAct(b, x, `${name}_3x3dbl_1`, { filters: 64, kernel: 1 });
  bd = convBnAct(b, bd, `${name}_3x3dbl_2`, { filters: 96, kernel: 3 });
  bd = convBnAct(b, bd, `${name}_3x3dbl_3`, { filters: 96, kernel: 3, strides: 2, padding: 'valid' });
  const bp = b.maxPool(x, `${name}_pool`, 3, 2);
  return b.concat([b3, bd, bp], name);
}

/**
 * Inception-v3 module C (17×17): the 7×7 convolutions factorised into 1×7 and 7×1
 * (Szegedy et al. 2016, §3.2, Fig. 6, n = 7); `c7` is the width inside the factorised branches.
 */
export function inceptionC(b: NetBuilder, x: Tensor, name: string, c7: number): Tensor {
  const b1 = convBnAct(b, x, `${name}_1x1`, { filters: 192, kernel: 1 });
  let b7 = convBnAct(b, x, `${name}_7x7_1`, { filters: c7, kernel: 1 });
  b7 = convBnAct(b, b7, `${name}_7x7_2`, { filters: c7, kernel: [1, 7] });
  b7 = convBnAct(b, b7, `${name}_7x7_3`, { filters: 192, kernel: [7, 1] });
  let bd = convBnAct(b, x, `${name}_7x7dbl_1`, { filters: c7, kernel: 1 });
  bd = convBnAct(b, bd, `${name}_7x7dbl_2`, { filters: c7, kernel: [7, 1] });
  bd = convBnAct(b, bd, `${name}_7x7dbl_3`, { filters: c7, kernel: [1, 7] });
  bd = convBnAct(b, bd, `${name}_7x7dbl_4`, { filters: c7, kernel: [7, 1] });
  bd = convBnAct(b, bd, `${name}_7x7dbl_5`, { filters: 192, kernel: [1, 7] });
  let bp = b.avgPool(x, `${name}_pool`, 3, 1, 'same');
  bp = convBnAct(b, bp, `${name}_pool_proj`, { filters: 192, kernel: 1 });
  return b.concat([b1, b7, bd, bp], name);
}

/**
 * Inception-v3 grid reduction 17→8.
 */
export function inceptionD(b: NetBuilder, x: Tensor, name: string): Tensor {
  let b3 = convBnAct(b, x, `${name}_3x3_1`, { filters: 192, kernel: 1 });
  b3 = convBnAct(b, b3, `${name}_3x3_2`, { filters: 320, kernel: 3, strides: 2, padding: 'valid' });
  let b7 = convBnAct(b, x, `${name}_7x7x3_1`, { filters: 192, kernel: 1 });
  b7 = convBnAct(b, b7, `${name}_7x7x3_2`, { filters: 192, kernel: [1, 7] });
  b7 = convBnAct(b, b7, `${name}_7x7x3_3`, { filters: 192, kernel: [7, 1] });
  b7 = convBnAct(b, b7, `${name}_7x7x3_4`, { filters: 192, kernel: 3, strides: 2, padding: 'valid' });
  const bp = b.maxPool(x, `${name}_pool`, 3, 2);
  return b.concat([b3, b7, bp], name);
}

/**
 * Inception-v3 module E (8×8): expanded filter banks, 3×3 split into parallel 1×3 and 3×1
 * (Szegedy et al. 2016, §6, Fig. 7).
 */
export function inceptionE(b: NetBuilder, x: Tensor, name: string): Tensor {
  const b1 = convBnAct(b, x, `${name}_1x1`, { filters: 320, kernel: 1 });
  const b3 = convBnAct(b, x, `${name}_3x3_1`, { filters: 384, kernel: 1 });
  const b3a = convBnAct(b, b3, `${name}_3x3_2a`, { filters: 384, kernel: [1, 3] });
  const b3b = convBnAct(b, b3, `${name}_3x3_2b`, { filters: 384, kernel: [3, 1] });
  const b3cat = b.concat([b3a, b3b], `${name}_3x3_concat`);
  let bd = convBnAct(b, x, `${name}_3x3dbl_1`, { filters: 448, kernel: 1 });
  bd = convBnAct(b, bd, `${name}_3x3dbl_2`, { filters: 384, kernel: 3 });
  const bda = convBnAct(b, bd, `${name}_3x3dbl_3a`, { filters: 384, kernel: [1, 3] });
  const bdb = convBnAct(b, bd, `${name}_3x3dbl_3b`, { filters: 384, kernel: [3, 1] });
  const bdcat = b.concat([bda, bdb], `${name}_3x3dbl_concat`);
  let bp = b.avgPool(x, `${name}_pool`, 3, 1, 'same');
  bp = convBnAct(b, bp, `${name}_pool_proj`, { filters: 192, kernel: 1 });
  return b.concat([b1, b3cat, bdcat, bp], name);
}
