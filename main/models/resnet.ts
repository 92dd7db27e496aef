/**
 * ResNet-18/34/50/101/152 and the plain (shortcut-free) 18/34 of He et al. 2016.
 */
import { bottleneckBlock, convBnAct, headBnAct, residualBlock } from './blocks';
import type { NetBuilder, Tensor } from './builder';
import type { VariantSpec } from './variant';

/** A ResNet configuration (He et al. 2016, Table 1). */
interface ResNetConfig {
  readonly title: string;
  readonly block: 'basic' | 'bottleneck';
  /** Blocks in conv2_x … conv5_x. */
  readonly depths: readonly [number, number, number, number];
  /** false: the "plain" baseline of §4.1, the same layers without identity shortcuts. */
  readonly shortcut: boolean;
}

/**
 * ResNet variants keyed by id.
 *
 * torchvision conventions: convolutions without bias, batch-norm gamma and beta learnt,
 * projection shortcuts (option B) where the shape changes, stride on the 3×3 of a bottleneck.
 */
const RESNETS: Readonly<Record<string, ResNetConfig>> = {
  plain18: { title: 'Plain-18', block: 'basic', depths: [2, 2, 2, 2], shortcut: false },
  plain34: { title: 'Plain-34', block: 'basic', depths: [3, 4, 6, 3], shortcut: false },
  resnet18: { title: 'ResNet-18', block: 'basic', depths: [2, 2, 2, 2], shortcut: true },
  resnet34: { title: 'ResNet-34', block: 'basic', depths: [3, 4, 6, 3], shortcut: true },
  resnet50: { title: 'ResNet-50', block: 'bottleneck', depths: [3, 4, 6, 3], shortcut: true },
  resnet101: { title: 'ResNet-101', block: 'bottleneck', depths: [3, 4, 23, 3], shortcut: true },
  resnet152: { title: 'ResNet-152', block: 'bottleneck', depths: [3, 8, 36, 3], shortcut: true },
};

/** Channels of conv2_x … conv5_x (bottleneck width for bottleneck blocks). */
const STAGE_FILTERS = [64, 128, 256, 512] as const;

/**
 * conv 7×7/2 → max-pool 3×3/2 → conv2_x … conv5_x (stride 2 at the start of conv3–5) →
 * global average pool → logits. Layer names are Keras's (`conv3_block2_1_conv`).
 *
 * In `pre` order this is ResNet v2 (He et al. 2016b, "Identity Mappings in Deep Residual
 * Networks"): a bare conv1, pre-activation blocks, and BN → act (`post_bn`) before the pool,
 * as in Keras' ResNetV2 (stride kept on the 3×3, as in v1.5).
 */
function resnetStack(cfg: ResNetConfig): VariantSpec['stack'] {
  const block = cfg.block === 'basic' ? residualBlock : bottleneckBlock;
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = convBnAct(b, input, 'conv1', { filters: 64, kernel: 7, strides: 2, stem: true });
    x = b.maxPool(x, 'pool1_pool', 3, 2, 'same');
    cfg.depths.forEach((n, stage) => {
      for (let i = 1; i <= n; i++) {
        const strides = stage > 0 && i === 1 ? 2 : 1;
        x = block(b, x, `conv${stage + 2}_block${i}`, STAGE_FILTERS[stage], strides, { shortcut: cfg.shortcut });
      }
    });
    x = headBnAct(b, x);
    x = b.globalAvgPool(x);
    x = b.dropout(x, 'dropout', b.opts.dropout);
    return [b.logits(x)];
  };
}

/** The ResNet family. */
export const RESNET_VARIANTS: readonly VariantSpec[] = Object.entries(RESNETS).map(([id, cfg]) => {
  const depth = 2 + cfg.depths.reduce((a, n) => a + n, 0) * (cfg.block === 'basic' ? 2 : 3);
  const blocks = cfg.block === 'basic' ? 'basic blocks of two 3×3 convolutions' : 'bottleneck blocks (1×1, 3×3, 1×1)';
  return {
    id,
    family: 'ResNet',
    title: cfg.title,
    description: cfg.shortcut
      ? `${depth} layers of ${blocks} with identity shortcuts and batch-norm.`
      : `The ${depth}-layer plain baseline: ResNet-${depth}'s ${blocks} without shortcuts, to show the degradation problem.`,
    reference: cfg.shortcut
      ? `He et al. 2016, "Deep Residual Learning for Image Recognition", Table 1; torchvision ${id}`
      : `He et al. 2016, "Deep Residual Learning for Image Recognition", §4.1 (plain networks)`,
    canonical: { inputSize: 224, channels: 3, numClasses: 1000 },
    // Total stride 32: conv1, pool1, conv3, conv4, conv5 each halve the map.
    minInputSize: 32,
    defaultBatchNorm: true,
    defaultDropout: 0,
    supportsAuxHeads: false,
    stack: resnetStack(cfg),
  };
});
