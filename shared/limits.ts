/**
 * The allowed range of every number in a training configuration, written once.
 *
 * Read by the validator at every process boundary (shared/contract/config.ts), by the forms'
 * inline checks (renderer/src/lib/validate.ts) and by the CLI's help, so the three cannot
 * disagree. Plain data: no validator library here.
 */
import type { TrainConfig } from './config';

/** A number setting's range: `min` to `max`, either end open when marked exclusive. */
export interface NumberLimit {
  readonly min: number;
  /** Absent: no upper bound. */
  readonly max?: number;
  /** The value must lie above `min`, not on it. */
  readonly minExclusive?: boolean;
  /** The value must lie below `max`, not on it. */
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
}

/** The number settings of `TrainConfig` that take a range (`channels` is 1 or 3, not a range). */
export type NumberSetting = Exclude<{ [K in keyof TrainConfig]: TrainConfig[K] extends number ? K : never }[keyof TrainConfig], 'channels'>;

/** The largest seed: seeds are 31-bit so that every random generator takes them as they are. */
export const MAX_SEED = 2 ** 31 - 1;

/**
 * The range of each number setting.
 *
 * Upper bounds are sanity limits (a mistyped extra zero), not what a run can afford; momentum
 * stays below 1, where the velocity would never decay.
 */
export const CONFIG_LIMITS: Readonly<Record<NumberSetting, NumberLimit>> = {
  epochs: { min: 1, max: 10_000, integer: true },
  batchSize: { min: 1, max: 4096, integer: true },
  inputSize: { min: 8, max: 1024, integer: true },
  width: { min: 0, minExclusive: true, max: 8 },
  dropout: { min: 0, max: 0.95 },
  lr: { min: 0, minExclusive: true, max: 10 },
  momentum: { min: 0, max: 1, maxExclusive: true },
  weightDecay: { min: 0, max: 1 },
  warmupEpochs: { min: 0, max: 10_000 },
  labelSmoothing: { min: 0, max: 0.5 },
  earlyStopping: { min: 0, max: 10_000, integer: true },
  seed: { min: 0, max: MAX_SEED, integer: true },
  threads: { min: 0, max: 64, integer: true },
  unfreezeAfter: { min: 0, max: 10_000, integer: true },
  // A fraction of the head's rate: above 0, at most 1 (the same rate).
  backboneLrScale: { min: 0, minExclusive: true, max: 1 },
};

/** Why `v` is out of `limit`, as the end of a sentence (`must be at least 1`), or null when it fits. */
export function limitProblem(v: number, limit: NumberLimit): string | null {
  if (limit.integer && !Number.isInteger(v)) return 'must be a whole number';
  if (limit.minExclusive ? !(v > limit.min) : !(v >= limit.min)) return `must be ${limit.minExclusive ? 'greater than' : 'at least'} ${limit.min}`;
  if (limit.max !== undefined && (limit.maxExclusive ? !(v < limit.max) : !(v <= limit.max))) return `must be ${limit.maxExclusive ? 'less than' : 'at most'} ${limit.max}`;
  return null;
}

/** A range as help text: `1–10000`, `> 0, ≤ 10`, `≥ 0, < 1`. */
export function limitText(limit: NumberLimit): string {
  const low = limit.minExclusive ? `> ${limit.min}` : `≥ ${limit.min}`;
  if (limit.max === undefined) return low;
  if (!limit.minExclusive && !limit.maxExclusive) return `${limit.min}–${limit.max}`;
  return `${low}, ${limit.maxExclusive ? '<' : '≤'} ${limit.max}`;
}
