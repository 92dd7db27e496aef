/**
 * Inline validation of the new-run form, before anything is sent.
 *
 * The ranges are the core's own (shared/limits.ts); the core checks again and knows more (the
 * data, the architecture's real limits), and its refusal is shown too. These checks exist so
 * the user sees the reason next to the field.
 */
// Relative rather than `@shared/`: the tests load this file without the renderer's alias.
import { parseSchedule, type Schedule } from '../../../shared/config';
import { CONFIG_LIMITS, limitProblem, type NumberSetting } from '../../../shared/limits';
import type { ModelInfo } from '../../../shared/types';

/** The form as typed: numbers may be empty (null) while editing. */
export interface RunDraft {
  epochs: number | null;
  batchSize: number | null;
  inputSize: number | null;
  width: number | null;
  dropout: number | null;
  lr: number | null;
  momentum: number | null;
  weightDecay: number | null;
  warmupEpochs: number | null;
  labelSmoothing: number | null;
  earlyStopping: number | null;
  seed: number | null;
  schedule: string;
}

export type DraftErrors = Partial<Record<keyof RunDraft | 'arch' | 'dataset', string>>;

function num(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A number input's `min` and `max` attributes from the setting's range (an open end is refused by `validateDraft`). */
export function inputRange(key: NumberSetting): { min: number; max?: number } {
  const l = CONFIG_LIMITS[key];
  return l.max === undefined ? { min: l.min } : { min: l.min, max: l.max };
}

/** What each number field is called in its message, in form order. */
const FIELD_TITLES: readonly (readonly [keyof RunDraft & NumberSetting, string])[] = [
  ['epochs', 'Epochs'],
  ['batchSize', 'Batch size'],
  ['inputSize', 'Input size'],
  ['width', 'Width multiplier'],
  ['dropout', 'Dropout'],
  ['lr', 'Learning rate'],
  ['momentum', 'Momentum'],
  ['weightDecay', 'Weight decay'],
  ['warmupEpochs', 'Warm-up'],
  ['labelSmoothing', 'Label smoothing'],
  ['earlyStopping', 'Early stopping patience'],
  ['seed', 'Seed'],
];

/** Every problem of the draft by field, and its schedule once it reads as one. */
export function validateDraft(d: RunDraft, ctx: { model: ModelInfo | null; trainImages: number | null; hasDataset: boolean }): { errors: DraftErrors; schedule: Schedule | null } {
  const e: DraftErrors = {};
  if (!ctx.hasDataset) e.dataset = 'Import or pick a dataset first';
  if (!ctx.model) e.arch = 'Pick an architecture';
  /** What the data or the model says against a value inside its range. */
  const contextProblem = (k: NumberSetting, v: number): string | null => {
    if (k === 'batchSize' && ctx.trainImages !== null && v > ctx.trainImages) return `Batch size ${v} is larger than the ${ctx.trainImages} training images`;
    if (k === 'inputSize' && ctx.model && v < ctx.model.minInputSize) return `${ctx.model.title} needs an input of at least ${ctx.model.minInputSize} px`;
    if (k === 'warmupEpochs' && !e.epochs && num(d.epochs) && v >= d.epochs) return 'Warm-up must end before the last epoch';
    return null;
  };
  for (const [k, what] of FIELD_TITLES) {
    const v = d[k];
    const problem = num(v) ? limitProblem(v, CONFIG_LIMITS[k]) : 'is required';
    const message = problem ? `${what} ${problem}` : contextProblem(k, v as number);
    if (message) e[k] = message;
  }

  let schedule: Schedule | null = null;
  try {
    schedule = parseSchedule(d.schedule);
  } catch (err) {
    e.schedule = (err as Error).message.replace(/^schedule: /, '');
  }
  return { errors: e, schedule };
}
