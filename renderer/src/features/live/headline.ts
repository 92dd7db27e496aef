/**
 * The number a live chart shows in its header: an epoch's value, or the smoothed batch curve
 * while an epoch is under way; never one batch (an epoch's last batch is often a few images:
 * 2,568 mod 32 = 8, and its accuracy reads 0 % or 100 %).
 */
import type { EpochMetrics } from '../../../../shared/types';

type Point = readonly [number, number];

/** A chart's headline: training (from the epoch, or smoothed) and the latest validation. */
export interface Headline {
  /** Training loss or accuracy; null before any. */
  readonly train: number | null;
  /** `epoch`: the last finished epoch's; `smoothed`: the smoothed batch curve of the epoch under way. */
  readonly source: 'epoch' | 'smoothed' | null;
  /** The last finished epoch's validation value, or null. */
  readonly val: number | null;
  /** The last finished epoch, or null. */
  readonly epoch: number | null;
}

export interface HeadlineInput {
  /** The smoothed batch curve, [step, value]. */
  readonly smoothed: readonly Point[];
  readonly epochs: readonly EpochMetrics[];
  /** Batches per epoch (0 when not known yet). */
  readonly stepsPerEpoch: number;
  /** True while the run trains (or waits): a finished run always shows its epochs. */
  readonly active: boolean;
}

/**
 * The headline of the loss or the accuracy chart.
 *
 * Once an epoch has ended and no batch of the next one has arrived (or the run is over), the
 * epoch's own train and validation values; while a later epoch trains, the smoothed batch
 * value beside the last epoch's validation.
 */
export function headline(metric: 'loss' | 'accuracy', input: HeadlineInput): Headline {
  const last = input.epochs.reduce<EpochMetrics | null>((a, m) => (a === null || m.epoch > a.epoch ? m : a), null);
  const trainOf = (m: EpochMetrics): number => (metric === 'loss' ? m.trainLoss : m.trainAccuracy);
  const valOf = (m: EpochMetrics): number | null => (metric === 'loss' ? m.valLoss : m.valAccuracy);
  const val = last ? valOf(last) : null;
  const epoch = last?.epoch ?? null;
  const smooth = input.smoothed.at(-1) ?? null;
  // A batch after the last epoch's end: the next epoch is under way.
  const pastEpoch = smooth !== null && (last === null || (input.stepsPerEpoch > 0 ? smooth[0] > last.epoch * input.stepsPerEpoch : false));
  if (input.active && pastEpoch) return { train: smooth[1], source: 'smoothed', val, epoch };
  if (last) return { train: trainOf(last), source: 'epoch', val, epoch };
  if (smooth) return { train: smooth[1], source: 'smoothed', val: null, epoch: null };
  return { train: null, source: null, val: null, epoch: null };
}
