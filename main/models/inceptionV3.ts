/**
 * Inception-v3 as in Keras Applications (Szegedy et al. 2016), without the auxiliary head.
 */
import { convBnAct, headBnAct, inceptionA, inceptionB, inceptionC, inceptionD, inceptionE } from './blocks';
import type { NetBuilder, Tensor } from './builder';
import type { VariantSpec } from './variant';

/** An Inception-v3 configuration: the pool-projection widths of modules A and the 7×7 widths of modules C. */
interface InceptionV3Config {
  readonly title: string;
  /** Pool-projection width of mixed0, mixed1, mixed2 (35×35). */
  readonly aPool: readonly number[];
  /** Inner width of the factorised 7×7 branches of mixed4 … mixed7 (17×17). */
  readonly c7: readonly number[];
  /** Number of 8×8 modules (mixed9, mixed10). */
  readonly eModules: number;
}

/**
 * Inception-v3 variants keyed by id.
 *
 * Keras' InceptionV3 has 23,851,784 weights: 23,817,352 trainable (its batch-norm has
 * `scale=False`, beta only) plus 2 × 17,216 moving statistics. Our batch-norm learns gamma
 * too, so the learnable count is 23,817,352 + 17,216 = 23,834,568 and tfjs's countParams()
 * 23,869,000.
 */
const INCEPTIONS: Readonly<Record<string, InceptionV3Config>> = {
  inception_v3: { title: 'Inception-v3', aPool: [32, 64, 64], c7: [128, 160, 160, 192], eModules: 2 },
};

/**
 * Stem (3×3/2, 3×3, 3×3, pool, 1×1, 3×3, pool; valid padding as in Keras) → 3 × A → B →
 * 4 × C → D → 2 × E → global average pool → logits. Concatenations are named mixed0 … mixed10.
 *
 * In `pre` order (see `convBnAct`): conv1 bare, BN → act → conv after it, and BN → act
 * (`post_bn`) before the classifier.
 */
function inceptionV3Stack(cfg: InceptionV3Config): VariantSpec['stack'] {
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = convBnAct(b, input, 'conv1', { filters: 32, kernel: 3, strides: 2, padding: 'valid', stem: true });
    x = convBnAct(b, x, 'conv2', { filters: 32, kernel: 3, padding: 'valid' });
    x = convBnAct(b, x, 'conv3', { filters: 64, kernel: 3 });
    x = b.maxPool(x, 'pool1', 3, 2);
    x = convBnAct(b, x, 'conv4', { filters: 80, kernel: 1, padding: 'valid' });
    x = convBnAct(b, x, 'conv5', { filters: 192, kernel: 3, padding: 'valid' });
    x = b.maxPool(x, 'pool2', 3, 2);
    let m = 0;
    for (const pool of cfg.aPool) x = inceptionA(b, x, `mixed${m++}`, pool);
    x = inceptionB(b, x, `mixed${m++}`);
    for (const c7 of cfg.c7) x = inceptionC(b, x, `mixed${m++}`, c7);
    x = inceptionD(b, x, `mixed${m++}`);
    for (let i = 0; i < cfg.eModules; i++) x = inceptionE(b, x, `mixed${m++}`);
    x = headBnAct(b, x);
    x = b.globalAvgPool(x);
    x = b.dropout(x, 'dropout', b.opts.dropout);
    return [b.logits(x)];
  };
}

/** The Inception-v3 family. */
export const INCEPTION_V3_VARIANTS: readonly VariantSpec[] = Object.entries(INCEPTIONS).map(([id, cfg]) => ({
  id,
  family: 'Inception-v3',
  title: cfg.title,
  description: 'Inception modules with factorised convolutions (5×5 as two 3×3, 7×7 as 1×7 and 7×1) and efficient grid reduction; batch-norm throughout.',
  reference: 'Szegedy et al. 2016, "Rethinking the Inception Architecture for Computer Vision", Table 1; layer widths of Keras Applications InceptionV3',
  canonical: { inputSize: 299, channels: 3, numClasses: 1000 },
  // The valid-padded stem and grid reductions: 75 → 37 → 35 → 17 → 15 → 7 → 3 → 1 (Keras' minimum too).
  minInputSize: 75,
  defaultBatchNorm: true,
  // Keras Applications has no dropout before the classifier (torchvision uses 0.5).
  defaultDropout: 0,
  supportsAuxHeads: false,
  // torchvision's BasicConv2d: BatchNorm2d(eps=0.001); with its numerics the 3×3/1 average
  // pools of modules A, C and E count their zero padding (F.avg_pool2d's default).
  torchvisionBatchNormEpsilon: 1e-3,
  stack: inceptionV3Stack(cfg),
}));
