/**
 * AlexNet, single-tower as in torchvision ("One weird trick", Krizhevsky 2014).
 */
import { convBnAct, headBnAct } from './blocks';
import type { NetBuilder, Tensor } from './builder';
import type { VariantSpec } from './variant';

/** AlexNet widths. */
interface AlexNetConfig {
  readonly title: string;
  /** Filters of conv1 … conv5. */
  readonly conv: readonly [number, number, number, number, number];
  readonly hidden: number;
}

/**
 * AlexNet variants keyed by id.
 *
 * 64/192/384/256/256 filters are torchvision's single-tower widths (Krizhevsky 2014, §2), not
 * the 96/256/384/384/256 of the two-GPU 2012 paper; they give torchvision's 61,100,840.
 */
const ALEXNETS: Readonly<Record<string, AlexNetConfig>> = {
  alexnet: { title: 'AlexNet', conv: [64, 192, 384, 256, 256], hidden: 4096 },
};

/**
 * conv 11×11/4 → pool → conv 5×5 → pool → 3 × conv 3×3 → pool → 2 × (dropout, dense) → logits.
 *
 * torchvision pads conv1 by 2 and pools 3×3/2 without padding: 224 → 55 → 27 → 13 → 6, so the
 * classifier sees 6×6×256 = 9,216 features. torchvision's adaptive 6×6 pooling is the identity
 * at 224; at other sizes we flatten what is there (the first dense layer changes size).
 *
 * In `pre` order (see `convBnAct`): conv1 bare, BN → act → conv after it, and BN → act
 * (`post_bn`) before the classifier; the dense layers keep dense → act.
 */
function alexnetStack(cfg: AlexNetConfig): VariantSpec['stack'] {
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = b.zeroPad(input, 'conv1_pad', 2);
    x = convBnAct(b, x, 'conv1', { filters: cfg.conv[0], kernel: 11, strides: 4, padding: 'valid', stem: true });
    x = b.maxPool(x, 'pool1', 3, 2);
    x = convBnAct(b, x, 'conv2', { filters: cfg.conv[1], kernel: 5 });
    x = b.maxPool(x, 'pool2', 3, 2);
    x = convBnAct(b, x, 'conv3', { filters: cfg.conv[2], kernel: 3 });
    x = convBnAct(b, x, 'conv4', { filters: cfg.conv[3], kernel: 3 });
    x = convBnAct(b, x, 'conv5', { filters: cfg.conv[4], kernel: 3 });
    x = b.maxPool(x, 'pool5', 3, 2);
    x = headBnAct(b, x);
    x = b.flatten(x);
    x = b.dropout(x, 'fc6_dropout', b.opts.dropout);
    x = b.hiddenDense(x, 'fc6', cfg.hidden);
    x = b.dropout(x, 'fc7_dropout', b.opts.dropout);
    x = b.hiddenDense(x, 'fc7', cfg.hidden);
    return [b.logits(x)];
  };
}

/** The AlexNet family. */
export const ALEXNET_VARIANTS: readonly VariantSpec[] = Object.entries(ALEXNETS).map(([id, cfg]) => ({
  id,
  family: 'AlexNet',
  title: cfg.title,
  description: 'Five convolutions (11×11 stride 4 first) and two 4,096-unit dense layers with dropout: the 2012 ImageNet winner, single-tower.',
  reference: 'Krizhevsky, Sutskever & Hinton 2012; single-tower widths of Krizhevsky 2014 (arXiv:1404.5997) as in torchvision',
  canonical: { inputSize: 224, channels: 3, numClasses: 1000 },
  // After pad 2 and 11×11/4: (s − 3) / 4; three 3×3/2 pools need ≥ 7 there ⇒ s ≥ 63 (torchvision's documented minimum too).
  minInputSize: 63,
  defaultBatchNorm: false,
  // Krizhevsky et al. 2012, §4.2.
  defaultDropout: 0.5,
  supportsAuxHeads: false,
  stack: alexnetStack(cfg),
}));
