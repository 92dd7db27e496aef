/**
 * GoogLeNet (Inception-v1) with batch-norm and its two auxiliary classifiers.
 */
import { convBnAct, headBnAct, type InceptionSpec, inceptionModule } from './blocks';
import type { NetBuilder, PoolPadding, Tensor } from './builder';
import type { VariantSpec } from './variant';

/**
 * Weight of each auxiliary classifier's loss in the training loss.
 *
 * Szegedy et al. 2015, §5: "their loss gets added to the total loss of the network with a
 * discount weight (the losses of the auxiliary classifiers were weighted by 0.3)".
 */
export const GOOGLENET_AUX_LOSS_WEIGHT = 0.3;

/** Inception modules by name, Szegedy et al. 2015, Table 1. */
const MODULES: Readonly<Record<string, InceptionSpec>> = {
  inception3a: { c1x1: 64, c3x3reduce: 96, c3x3: 128, c5x5reduce: 16, c5x5: 32, poolProj: 32 },
  inception3b: { c1x1: 128, c3x3reduce: 128, c3x3: 192, c5x5reduce: 32, c5x5: 96, poolProj: 64 },
  inception4a: { c1x1: 192, c3x3reduce: 96, c3x3: 208, c5x5reduce: 16, c5x5: 48, poolProj: 64 },
  inception4b: { c1x1: 160, c3x3reduce: 112, c3x3: 224, c5x5reduce: 24, c5x5: 64, poolProj: 64 },
  inception4c: { c1x1: 128, c3x3reduce: 128, c3x3: 256, c5x5reduce: 24, c5x5: 64, poolProj: 64 },
  inception4d: { c1x1: 112, c3x3reduce: 144, c3x3: 288, c5x5reduce: 32, c5x5: 64, poolProj: 64 },
  inception4e: { c1x1: 256, c3x3reduce: 160, c3x3: 320, c5x5reduce: 32, c5x5: 128, poolProj: 128 },
  inception5a: { c1x1: 256, c3x3reduce: 160, c3x3: 320, c5x5reduce: 32, c5x5: 128, poolProj: 128 },
  inception5b: { c1x1: 384, c3x3reduce: 192, c3x3: 384, c5x5reduce: 48, c5x5: 128, poolProj: 128 },
};

/** A GoogLeNet configuration. */
interface GoogLeNetConfig {
  readonly title: string;
  /** Module names per grid size (28, 14, 7 at 224), pooled 3×3/2 between the first two, 2×2/2 before the last. */
  readonly stages: readonly (readonly string[])[];
  /** Modules whose output feeds an auxiliary classifier. */
  readonly auxAfter: readonly [string, string];
  /** Kernel of the "5×5" branches: the paper's 5, or torchvision's 3. */
  readonly fiveByFive: 3 | 5;
  /** Strided max-pools: TensorFlow's `same`, or torchvision's `ceil_mode=True`. */
  readonly pools: PoolPadding;
  /** torchvision's layout and numerics, for its pretrained weights. */
  readonly torchvision: boolean;
  readonly description: string;
  /** Smallest input side (see `VariantSpec.minInputSize`). */
  readonly minInputSize: number;
}

const STAGES: GoogLeNetConfig['stages'] = [
  ['inception3a', 'inception3b'],
  ['inception4a', 'inception4b', 'inception4c', 'inception4d', 'inception4e'],
  ['inception5a', 'inception5b'],
];

/**
 * GoogLeNet variants keyed by id.
 *
 * 7,005,832 learnable parameters without the auxiliary heads: torchvision's 6,624,904 plus
 * 16 · Σ(5×5-reduce · 5×5) = 16 · 23,808 = 380,928, because torchvision's "5×5" branch is a
 * 3×3 convolution (a bug it keeps for its pretrained weights) and ours is the paper's 5×5.
 */
const GOOGLENETS: Readonly<Record<string, GoogLeNetConfig>> = {
  googlenet: {
    title: 'GoogLeNet (Inception-v1)',
    description: 'Nine inception modules (parallel 1×1, 3×3, 5×5 and pooling branches) with batch-norm; two auxiliary classifiers help training and are dropped for inference.',
    stages: STAGES,
    auxAfter: ['inception4a', 'inception4d'],
    fiveByFive: 5,
    pools: 'same',
    torchvision: false,
    // Total stride 32 (conv1, pool1, pool2, pool3, pool4).
    minInputSize: 32,
  },
  // torchvision's googlenet, whose ImageNet weights it takes: 3×3 "5×5" branches, ceil-mode
  // pools and symmetric padding; 6,624,904 learnable parameters.
  googlenet_tv: {
    title: 'GoogLeNet (torchvision)',
    description: "torchvision's GoogLeNet, the layout of its ImageNet weights: the inception modules with 3×3 convolutions in the \"5×5\" branches and ceil-mode pooling.",
    stages: STAGES,
    auxAfter: ['inception4a', 'inception4d'],
    fiveByFive: 3,
    pools: 'ceil',
    torchvision: true,
    // torchvision's min_size: at 14 the ceil-mode pool3 has no window left (conv1 7, pool1 3, pool2 1).
    minInputSize: 15,
  },
};

/** Auxiliary head sizes, Szegedy et al. 2015, §5. */
const AUX = { poolSize: 5, poolStride: 3, conv: 128, hidden: 1024, dropout: 0.7 } as const;

/**
 * An auxiliary classifier: 5×5/3 average pool → 1×1 conv 128 → dense 1024 → dropout 0.7 → logits.
 *
 * At 224 the pool turns 14×14 into 4×4 (torchvision's adaptive 4×4 pooling); on a map smaller
 * than 5×5 (small inputs) the pool is skipped.
 */
function auxHead(b: NetBuilder, x: Tensor, name: string): Tensor {
  let y = x;
  if (b.sideOf(y) >= AUX.poolSize) y = b.avgPool(y, `${name}_pool`, AUX.poolSize, AUX.poolStride);
  y = convBnAct(b, y, `${name}_conv`, { filters: AUX.conv, kernel: 1 });
  y = headBnAct(b, y, `${name}_post`);
  y = b.flatten(y, `${name}_flatten`);
  y = b.hiddenDense(y, `${name}_fc`, AUX.hidden);
  y = b.dropout(y, `${name}_dropout`, AUX.dropout);
  return b.logits(y, `${name}_logits`);
}

/**
 * conv 7×7/2 → pool → conv 1×1 → conv 3×3 → pool → 3a, 3b → pool → 4a–4e → pool → 5a, 5b →
 * global average pool → dropout → logits (Szegedy et al. 2015, Table 1; no LRN, batch-norm instead).
 *
 * In `pre` order (see `convBnAct`): conv1 bare, BN → act → conv after it, and BN → act
 * (`post_bn`) before the classifier and in each auxiliary head; the dense layers keep dense → act.
 */
function googlenetStack(cfg: GoogLeNetConfig): VariantSpec['stack'] {
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = convBnAct(b, input, 'conv1', { filters: 64, kernel: 7, strides: 2, stem: true });
    x = b.maxPool(x, 'pool1', 3, 2, cfg.pools);
    x = convBnAct(b, x, 'conv2', { filters: 64, kernel: 1 });
    x = convBnAct(b, x, 'conv3', { filters: 192, kernel: 3 });
    x = b.maxPool(x, 'pool2', 3, 2, cfg.pools);
    const aux: Tensor[] = [];
    cfg.stages.forEach((modules, i) => {
      if (i === 1) x = b.maxPool(x, 'pool3', 3, 2, cfg.pools);
      if (i === 2) x = b.maxPool(x, 'pool4', 2, 2, cfg.pools);
      for (const m of modules) {
        x = inceptionModule(b, x, m, MODULES[m], cfg.fiveByFive);
        const k = cfg.auxAfter.indexOf(m);
        if (k >= 0 && b.opts.auxHeads) aux.push(auxHead(b, x, `aux${k + 1}`));
      }
    });
    x = headBnAct(b, x);
    x = b.globalAvgPool(x);
    x = b.dropout(x, 'dropout', b.opts.dropout);
    return [b.logits(x), ...aux];
  };
}

/** The GoogLeNet family. */
export const GOOGLENET_VARIANTS: readonly VariantSpec[] = Object.entries(GOOGLENETS).map(([id, cfg]) => ({
  id,
  family: 'GoogLeNet',
  title: cfg.title,
  description: cfg.description,
  reference: cfg.torchvision
    ? 'Szegedy et al. 2015, "Going deeper with convolutions", Table 1; torchvision googlenet (GoogLeNet_Weights.IMAGENET1K_V1)'
    : 'Szegedy et al. 2015, "Going deeper with convolutions", Table 1 and §5; batch-norm as in torchvision googlenet',
  canonical: { inputSize: 224, channels: 3, numClasses: 1000 },
  minInputSize: cfg.minInputSize,
  defaultBatchNorm: true,
  // torchvision googlenet; the paper uses 0.4 (§5).
  defaultDropout: 0.2,
  supportsAuxHeads: true,
  torchvision: cfg.torchvision,
  // torchvision's BasicConv2d: BatchNorm2d(eps=0.001).
  torchvisionBatchNormEpsilon: 1e-3,
  stack: googlenetStack(cfg),
}));
