/**
 * Rough cost of an architecture at the chosen settings, for the architecture cards.
 *
 * Convolution cost scales with the number of output pixels (input side squared) and with
 * the product of input and output channels (width multiplier squared). Training a batch costs
 * about three forward passes (forward, and the two gradients). The throughputs are order-of-
 * magnitude figures for each backend; the card says "rough".
 */
import type { BackendName } from '@shared/config';
import type { ModelInfo } from '@shared/types';

/** Sustained multiply-adds per second, order of magnitude, per backend (null: not measured). */
const MACS_PER_SECOND: Record<BackendName, number | null> = {
  'tensorflow-gpu': 2e11,
  // Unmeasured: no GPU machine has run the bench yet (README, "GPU training"); no estimate.
  webgpu: null,
  tensorflow: 1.5e10,
  // Measured on one wasm thread of a 2-core machine at 64 px, width 0.25 (tfjs production
  // mode): ResNet-18 ~100 images/s (≈ 3 × 11 M × 100 ≈ 3.3e9 MAC/s), GoogLeNet ~50 images/s
  // (≈ 1.5e9: many small ops). The middle keeps either within about 1.5×.
  wasm: 2.2e9,
  cpu: 2.5e8,
};

export interface CostEstimate {
  /** Multiply-adds per image at the chosen size and width. */
  readonly macs: number;
  /** Trainable parameters, roughly, at the chosen width. */
  readonly params: number;
  /** Seconds per training epoch, roughly. */
  readonly epochSeconds: number | null;
}

export function estimateCost(model: ModelInfo, opts: { inputSize: number; width: number; trainImages: number | null; backend: BackendName }): CostEstimate {
  const [h, w] = model.inputShape;
  const pixels = (opts.inputSize * opts.inputSize) / (h * w);
  const widthFactor = opts.width * opts.width;
  const macs = model.macs * pixels * widthFactor;
  const params = model.trainableParams * widthFactor;
  const rate = MACS_PER_SECOND[opts.backend];
  const epochSeconds = opts.trainImages && rate !== null ? (3 * macs * opts.trainImages) / rate : null;
  return { macs, params, epochSeconds };
}
