/**
 * The size of an architecture at the chosen settings, for the architecture cards.
 *
 * Convolution cost scales with the number of output pixels (input side squared) and with the
 * product of input and output channels (width multiplier squared). How long it trains is the
 * core's estimate (`Api.estimateRuns`, from runs measured on this machine), not this.
 */
import type { ModelInfo } from '@shared/types';

export interface CostEstimate {
  /** Multiply-adds per image at the chosen size and width. */
  readonly macs: number;
  /** Trainable parameters, roughly, at the chosen width. */
  readonly params: number;
}

export function estimateCost(model: ModelInfo, opts: { inputSize: number; width: number }): CostEstimate {
  const [h, w] = model.inputShape;
  const pixels = (opts.inputSize * opts.inputSize) / (h * w);
  const widthFactor = opts.width * opts.width;
  return { macs: model.macs * pixels * widthFactor, params: model.trainableParams * widthFactor };
}
