/**
 * VGG-11/13/16/19, with and without batch-norm (Simonyan & Zisserman 2015, Table 1).
 */
import { convBnAct, headBnAct } from './blocks';
import type { NetBuilder, Tensor } from './builder';
import type { VariantSpec } from './variant';

/** Filters of the five blocks (64, 128, 256, 512, 512), each followed by a 2×2 max-pool. */
const BLOCK_FILTERS = [64, 128, 256, 512, 512] as const;

/** A VGG configuration: 3×3 convolutions per block, and whether batch-norm is on by default. */
interface VggConfig {
  readonly title: string;
  /** Table 1 column: A (11 layers), B (13), D (16), E (19). */
  readonly column: 'A' | 'B' | 'D' | 'E';
  readonly convs: readonly [number, number, number, number, number];
  readonly batchNorm: boolean;
}

/**
 * VGG variants keyed by id.
 *
 * Convolutions keep their bias even with batch-norm, as torchvision's `vgg*_bn` do
 * (VGG-16-BN 138,365,992 = VGG-16 + 2 × 4,224 BN channels).
 */
const VGGS: Readonly<Record<string, VggConfig>> = {
  vgg11: { title: 'VGG-11', column: 'A', convs: [1, 1, 2, 2, 2], batchNorm: false },
  vgg13: { title: 'VGG-13', column: 'B', convs: [2, 2, 2, 2, 2], batchNorm: false },
  vgg16: { title: 'VGG-16', column: 'D', convs: [2, 2, 3, 3, 3], batchNorm: false },
  vgg19: { title: 'VGG-19', column: 'E', convs: [2, 2, 4, 4, 4], batchNorm: false },
  vgg11_bn: { title: 'VGG-11 (batch-norm)', column: 'A', convs: [1, 1, 2, 2, 2], batchNorm: true },
  vgg13_bn: { title: 'VGG-13 (batch-norm)', column: 'B', convs: [2, 2, 2, 2, 2], batchNorm: true },
  vgg16_bn: { title: 'VGG-16 (batch-norm)', column: 'D', convs: [2, 2, 3, 3, 3], batchNorm: true },
  vgg19_bn: { title: 'VGG-19 (batch-norm)', column: 'E', convs: [2, 2, 4, 4, 4], batchNorm: true },
};

/** Hidden units of the two fully connected layers (Simonyan & Zisserman 2015, §2.1). */
const VGG_HIDDEN = 4096;

/**
 * Five blocks of 3×3 convolutions and 2×2 pools, then dense 4096 → dense 4096 → logits.
 *
 * At 224 the last block leaves 7×7×512 = 25,088 features, torchvision's adaptive 7×7 pooling
 * being the identity there; at other sizes the first dense layer follows the map size.
 *
 * In `pre` order (see `convBnAct`): block1_conv1 bare, BN → act → conv after it, and BN → act
 * (`post_bn`) before the classifier; the dense layers keep dense → act.
 */
function vggStack(cfg: VggConfig): VariantSpec['stack'] {
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = input;
    cfg.convs.forEach((n, i) => {
      for (let j = 1; j <= n; j++) {
        const stem = i === 0 && j === 1;
        x = convBnAct(b, x, `block${i + 1}_conv${j}`, { filters: BLOCK_FILTERS[i], kernel: 3, bias: true, stem });
      }
      x = b.maxPool(x, `block${i + 1}_pool`, 2, 2);
    });
    x = headBnAct(b, x);
    x = b.flatten(x);
    x = b.hiddenDense(x, 'fc1', VGG_HIDDEN);
    x = b.dropout(x, 'fc1_dropout', b.opts.dropout);
    x = b.hiddenDense(x, 'fc2', VGG_HIDDEN);
    x = b.dropout(x, 'fc2_dropout', b.opts.dropout);
    return [b.logits(x)];
  };
}

/** The VGG family. */
export const VGG_VARIANTS: readonly VariantSpec[] = Object.entries(VGGS).map(([id, cfg]) => {
  const depth = cfg.convs.reduce((a, c) => a + c, 0) + 3;
  return {
    id,
    family: 'VGG',
    title: cfg.title,
    description: `${depth} weight layers: stacks of 3×3 convolutions in five blocks, then two 4,096-unit dense layers${cfg.batchNorm ? ', with batch-norm after every convolution' : ''}.`,
    reference: `Simonyan & Zisserman 2015, "Very Deep Convolutional Networks", Table 1 column ${cfg.column}; torchvision ${id}`,
    canonical: { inputSize: 224, channels: 3, numClasses: 1000 },
    // Five 2×2 pools: 32 = 2^5.
    minInputSize: 32,
    defaultBatchNorm: cfg.batchNorm,
    // Simonyan & Zisserman 2015, §3.1.
    defaultDropout: 0.5,
    supportsAuxHeads: false,
    stack: vggStack(cfg),
  };
});
