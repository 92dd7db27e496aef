/**
 * SqueezeNet 1.0 and 1.1 (Iandola et al. 2016).
 */
import { convBnAct, type FireSpec, fireModule, headBnAct } from './blocks';
import type { NetBuilder, Tensor } from './builder';
import type { VariantSpec } from './variant';

/** One step of a SqueezeNet body: a fire module, or a 3×3/2 max-pool. */
type Step = { readonly fire: FireSpec } | { readonly pool: true };

/** A SqueezeNet configuration. */
interface SqueezeNetConfig {
  readonly title: string;
  readonly description: string;
  /** Valid stem conv/2 then three valid 3×3/2 pools: the stem must leave ≥ 15 pixels. */
  readonly minInputSize: number;
  readonly stem: { readonly filters: number; readonly kernel: number };
  /** Fire modules (fire2, fire3, …) and pools (named after the layer they follow, as in Caffe). */
  readonly body: readonly Step[];
  /**
   * torchvision's layout, for its ImageNet weights: ceil-mode pools and the paper's classifier
   * (1×1 convolution to the classes → ReLU → global average pool) instead of a dense layer.
   */
  readonly torchvision: boolean;
}

const pool: Step = { pool: true };
const fire = (squeeze: number, expand: number): Step => ({ fire: { squeeze, expand1x1: expand, expand3x3: expand } });

/**
 * SqueezeNet variants keyed by id (Iandola et al. 2016, Table 1; v1.1 from the authors' repository).
 *
 * The final 1×1 convolution to the classes, ReLU and global pooling of the paper become global
 * pooling and a linear dense layer: the same 512·classes + classes parameters (torchvision
 * 1,248,424 and 1,235,496) and the same function except for the ReLU, which would forbid
 * negative logits. Its multiply-adds are counted once instead of at every 13×13 position.
 */
const BODY_1_0: readonly Step[] = [pool, fire(16, 64), fire(16, 64), fire(32, 128), pool, fire(32, 128), fire(48, 192), fire(48, 192), fire(64, 256), pool, fire(64, 256)];
const BODY_1_1: readonly Step[] = [pool, fire(16, 64), fire(16, 64), pool, fire(32, 128), fire(32, 128), pool, fire(48, 192), fire(48, 192), fire(64, 256), fire(64, 256)];
const DESCRIPTION_1_0 = 'AlexNet-level accuracy with 50× fewer parameters: fire modules squeeze with 1×1 convolutions, then expand with 1×1 and 3×3.';
const DESCRIPTION_1_1 = 'SqueezeNet with a 3×3 stem and earlier pooling: the accuracy of 1.0 with 2.4× less computation.';
const TORCHVISION_NOTE = " torchvision's layout, the one of its ImageNet weights: ceil-mode pools and a 1×1-convolution classifier.";

const SQUEEZENETS: Readonly<Record<string, SqueezeNetConfig>> = {
  squeezenet1_0: {
    title: 'SqueezeNet 1.0',
    description: DESCRIPTION_1_0,
    // (s − 7) / 2 + 1 ≥ 15 ⇒ s ≥ 35.
    minInputSize: 35,
    stem: { filters: 96, kernel: 7 },
    body: BODY_1_0,
    torchvision: false,
  },
  squeezenet1_1: {
    title: 'SqueezeNet 1.1',
    description: DESCRIPTION_1_1,
    // (s − 3) / 2 + 1 ≥ 15 ⇒ s ≥ 31.
    minInputSize: 31,
    stem: { filters: 64, kernel: 3 },
    body: BODY_1_1,
    torchvision: false,
  },
  squeezenet1_0_tv: {
    title: 'SqueezeNet 1.0 (torchvision)',
    description: DESCRIPTION_1_0 + TORCHVISION_NOTE,
    // A ceil-mode 3×3/2 pool needs 2 pixels: 2 ⇐ 4 ⇐ 8 after the stem, (s − 7) / 2 + 1 ≥ 8 ⇒ s ≥ 21 (torchvision's min_size).
    minInputSize: 21,
    stem: { filters: 96, kernel: 7 },
    body: BODY_1_0,
    torchvision: true,
  },
  squeezenet1_1_tv: {
    title: 'SqueezeNet 1.1 (torchvision)',
    description: DESCRIPTION_1_1 + TORCHVISION_NOTE,
    // As for 1.0: (s − 3) / 2 + 1 ≥ 8 ⇒ s ≥ 17 (torchvision's min_size).
    minInputSize: 17,
    stem: { filters: 64, kernel: 3 },
    body: BODY_1_1,
    torchvision: true,
  },
};

/** Dropout before the classifier (Iandola et al. 2016, §3.3). */
const SQUEEZENET_DROPOUT = 0.5;

/**
 * conv/2 (valid) → fire modules with 3×3/2 max-pools → dropout → global average pool → logits.
 *
 * In `pre` order (see `convBnAct`): conv1 bare, BN → act → conv after it, and BN → act
 * (`post_bn`) before the classifier.
 */
function squeezenetStack(cfg: SqueezeNetConfig): VariantSpec['stack'] {
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = convBnAct(b, input, 'conv1', { filters: cfg.stem.filters, kernel: cfg.stem.kernel, strides: 2, padding: 'valid', stem: true });
    let layer = 1;
    for (const step of cfg.body) {
      if ('pool' in step) x = b.maxPool(x, `pool${layer}`, 3, 2, cfg.torchvision ? 'ceil' : 'valid');
      else x = fireModule(b, x, `fire${++layer}`, step.fire);
    }
    x = headBnAct(b, x);
    x = b.dropout(x, 'dropout', b.opts.dropout);
    if (cfg.torchvision) {
      // Non-negative "logits", as in the paper and torchvision.
      x = b.conv(x, 'classifier_conv', { filters: b.opts.numClasses, kernel: 1, bias: true, exact: true });
      x = b.act(x, 'classifier');
      return [b.globalAvgPool(x)];
    }
    x = b.globalAvgPool(x);
    return [b.logits(x)];
  };
}

/** The SqueezeNet family. */
export const SQUEEZENET_VARIANTS: readonly VariantSpec[] = Object.entries(SQUEEZENETS).map(([id, cfg]) => ({
  id,
  family: 'SqueezeNet',
  title: cfg.title,
  description: cfg.description,
  reference: `Iandola et al. 2016, "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters", Table 1; torchvision ${id.replace(/_tv$/, '')}`,
  canonical: { inputSize: 224, channels: 3, numClasses: 1000 },
  minInputSize: cfg.minInputSize,
  defaultBatchNorm: false,
  defaultDropout: SQUEEZENET_DROPOUT,
  supportsAuxHeads: false,
  torchvision: cfg.torchvision,
  stack: squeezenetStack(cfg),
}));
