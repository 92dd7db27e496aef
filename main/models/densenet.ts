/**
 * DenseNet-121/169 (DenseNet-BC of Huang et al. 2017).
 */
import { convBnAct, type DenseSpec, denseBlock, transitionBlock } from './blocks';
import type { NetBuilder, Tensor } from './builder';
import type { VariantSpec } from './variant';

/** A DenseNet configuration (Huang et al. 2017, Table 1). */
interface DenseNetConfig {
  readonly title: string;
  /** Layers in each of the four dense blocks. */
  readonly blocks: readonly [number, number, number, number];
}

/**
 * DenseNet variants keyed by id.
 *
 * torchvision conventions (convolutions without bias, batch-norm gamma and beta learnt) give
 * DenseNet-121 7,978,856 and DenseNet-169 14,149,480.
 */
const DENSENETS: Readonly<Record<string, DenseNetConfig>> = {
  densenet121: { title: 'DenseNet-121', blocks: [6, 12, 24, 16] },
  densenet169: { title: 'DenseNet-169', blocks: [6, 12, 32, 32] },
};

/** Growth rate k = 32 and 1×1 bottleneck 4k (Huang et al. 2017, §3 and §4.1). */
const DENSE: DenseSpec = { growthRate: 32, bottleneck: 4 };
/** Stem filters 2k (§3, "Implementation Details"). */
const STEM_FILTERS = 64;
/** Compression θ of the transition layers (§3, "Compression"). */
const COMPRESSION = 0.5;

/**
 * conv 7×7/2 → max-pool 3×3/2 → dense block, transition (×3) → dense block → BN-act →
 * global average pool → logits. Layer names are Keras's (`conv3_block5_1_conv`, `pool3_conv`).
 *
 * DenseNet's layers are pre-activation in both orders (BN-ReLU-Conv, Huang et al. 2017, §3
 * "Composite function"); `pre` only makes conv1 bare, as the first dense layer normalises and
 * activates its input again anyway.
 */
function densenetStack(cfg: DenseNetConfig): VariantSpec['stack'] {
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = convBnAct(b, input, 'conv1', { filters: STEM_FILTERS, kernel: 7, strides: 2, stem: true });
    x = b.maxPool(x, 'pool1', 3, 2, 'same');
    cfg.blocks.forEach((layers, i) => {
      x = denseBlock(b, x, `conv${i + 2}`, layers, DENSE);
      if (i < cfg.blocks.length - 1) x = transitionBlock(b, x, `pool${i + 2}`, COMPRESSION);
    });
    if (b.opts.batchNorm) x = b.bn(x, 'post_bn');
    x = b.act(x, 'post');
    x = b.globalAvgPool(x);
    x = b.dropout(x, 'dropout', b.opts.dropout);
    return [b.logits(x)];
  };
}

/** The DenseNet family. */
export const DENSENET_VARIANTS: readonly VariantSpec[] = Object.entries(DENSENETS).map(([id, cfg]) => ({
  id,
  family: 'DenseNet',
  title: cfg.title,
  description: `Four dense blocks (${cfg.blocks.join(', ')} layers) in which every layer sees the feature maps of all layers before it; growth rate 32, compression 0.5.`,
  reference: `Huang et al. 2017, "Densely Connected Convolutional Networks", Table 1; torchvision ${id}`,
  canonical: { inputSize: 224, channels: 3, numClasses: 1000 },
  // Total stride 32: conv1, pool1 and the three transitions.
  minInputSize: 32,
  defaultBatchNorm: true,
  defaultDropout: 0,
  supportsAuxHeads: false,
  stack: densenetStack(cfg),
}));
