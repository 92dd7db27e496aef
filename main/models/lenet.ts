/**
 * LeNet-5 in the 20/50/500 form of the Caffe and MXNet MNIST tutorials.
 */
import { convBnAct, headBnAct } from './blocks';
import type { NetBuilder, Tensor } from './builder';
import type { VariantSpec } from './variant';

/** Widths of a LeNet: two 5×5 convolutions and one hidden dense layer. */
interface LeNetConfig {
  readonly title: string;
  readonly conv: readonly [number, number];
  readonly hidden: number;
}

/**
 * LeNet variants keyed by id.
 *
 * 20 and 50 filters with 500 hidden units is Caffe's `examples/mnist/lenet.prototxt`:
 * 520 + 25,050 + 400,500 + 5,010 = 431,080 parameters at 28×28×1 and 10 classes.
 */
const LENETS: Readonly<Record<string, LeNetConfig>> = {
  lenet5: { title: 'LeNet-5', conv: [20, 50], hidden: 500 },
};

/**
 * conv 5×5 → act → max-pool 2 → conv 5×5 → act → max-pool 2 → dense → act → logits.
 *
 * Valid padding throughout, as in the original. Caffe's version has no non-linearity after the
 * convolutions; we apply the chosen activation there too, as the MXNet/Gluon LeNet does, so
 * that the activation option changes every layer of the net.
 *
 * In `pre` order (see `convBnAct`): conv1 bare, BN → act → conv after it, and BN → act
 * (`post_bn`) before the classifier; the dense layers keep dense → act.
 */
function lenetStack(cfg: LeNetConfig): VariantSpec['stack'] {
  return (b: NetBuilder, input: Tensor): Tensor[] => {
    let x = convBnAct(b, input, 'conv1', { filters: cfg.conv[0], kernel: 5, padding: 'valid', stem: true });
    x = b.maxPool(x, 'pool1', 2, 2);
    x = convBnAct(b, x, 'conv2', { filters: cfg.conv[1], kernel: 5, padding: 'valid' });
    x = b.maxPool(x, 'pool2', 2, 2);
    x = headBnAct(b, x);
    x = b.flatten(x);
    x = b.hiddenDense(x, 'fc1', cfg.hidden);
    x = b.dropout(x, 'fc1_dropout', b.opts.dropout);
    return [b.logits(x)];
  };
}

/** The LeNet family. */
export const LENET_VARIANTS: readonly VariantSpec[] = Object.entries(LENETS).map(([id, cfg]) => ({
  id,
  family: 'LeNet',
  title: cfg.title,
  description: `Two 5×5 convolutions (${cfg.conv[0]} and ${cfg.conv[1]} filters) with max-pooling and a ${cfg.hidden}-unit hidden layer: the digit recogniser every course starts with.`,
  reference: 'LeCun et al. 1998, "Gradient-based learning applied to document recognition"; widths from Caffe examples/mnist/lenet.prototxt',
  canonical: { inputSize: 28, channels: 1, numClasses: 10 },
  // 5×5 valid, pool 2, 5×5 valid, pool 2: (s − 4) / 2 − 4 ≥ 2 ⇒ s ≥ 16.
  minInputSize: 16,
  defaultBatchNorm: false,
  defaultDropout: 0,
  supportsAuxHeads: false,
  stack: lenetStack(cfg),
}));
