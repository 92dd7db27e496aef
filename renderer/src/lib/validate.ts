/**
 * Inline validation of the new-run form, before anything is sent.
 *
 * The ranges are the core's own (shared/limits.ts); the core checks again and knows more (the
 * data, the architecture's real limits), and its refusal is shown too. These checks exist so
 * the user sees the reason next to the field.
 */
// Relative rather than `@shared/`: the tests load this file without the renderer's alias.
import { parseSchedule, type Schedule } from '../../../shared/config';
import { CONFIG_LIMITS, type NumberLimit, type NumberSetting } from '../../../shared/limits';
import type { ModelInfo } from '../../../shared/types';
import { scheduleProblemText, t, type PlainKey } from '../i18n/i18n.svelte';

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
const FIELD_TITLES: readonly (readonly [keyof RunDraft & NumberSetting, PlainKey])[] = [
  ['epochs', 'field.epochs'],
  ['batchSize', 'field.batchSize'],
  ['inputSize', 'check.inputName'],
  ['width', 'field.width'],
  ['dropout', 'field.dropout'],
  ['lr', 'field.lr'],
  ['momentum', 'field.momentum'],
  ['weightDecay', 'field.weightDecay'],
  ['warmupEpochs', 'check.warmupName'],
  ['labelSmoothing', 'field.labelSmoothing'],
  ['earlyStopping', 'check.earlyStoppingName'],
  ['seed', 'field.seed'],
];

/** Why `v` is out of `limit`, as a sentence about `field` (the words of shared/limits.ts's `limitProblem`), or null when it fits. */
export function limitMessage(field: string, v: number, limit: NumberLimit): string | null {
  if (limit.integer && !Number.isInteger(v)) return t('check.integer', { field });
  const min = String(limit.min);
  if (limit.minExclusive ? !(v > limit.min) : !(v >= limit.min)) return limit.minExclusive ? t('check.greaterThan', { field, min }) : t('check.atLeast', { field, min });
  if (limit.max !== undefined && (limit.maxExclusive ? !(v < limit.max) : !(v <= limit.max))) {
    const max = String(limit.max);
    return limit.maxExclusive ? t('check.lessThan', { field, max }) : t('check.atMost', { field, max });
  }
  return null;
}

/** Every problem of the draft by field, and its schedule once it reads as one. */
export function validateDraft(d: RunDraft, ctx: { model: ModelInfo | null; trainImages: number | null; hasDataset: boolean }): { errors: DraftErrors; schedule: Schedule | null } {
  const e: DraftErrors = {};
  if (!ctx.hasDataset) e.dataset = t('check.pickDataset');
  if (!ctx.model) e.arch = t('check.pickArch');
  /** What the data or the model says against a value inside its range. */
  const contextProblem = (k: NumberSetting, v: number): string | null => {
    if (k === 'batchSize' && ctx.trainImages !== null && v > ctx.trainImages) return t('check.batchTooLarge', { size: String(v), images: ctx.trainImages });
    if (k === 'inputSize' && ctx.model && v < ctx.model.minInputSize) return t('check.inputTooSmall', { model: ctx.model.title, size: String(ctx.model.minInputSize) });
    if (k === 'warmupEpochs' && !e.epochs && num(d.epochs) && v >= d.epochs) return t('check.warmupTooLong');
    return null;
  };
  for (const [k, title] of FIELD_TITLES) {
    const v = d[k];
    const field = t(title);
    const message = num(v) ? (limitMessage(field, v, CONFIG_LIMITS[k]) ?? contextProblem(k, v)) : t('check.required', { field });
    if (message) e[k] = message;
  }

  let schedule: Schedule | null = null;
  try {
    schedule = parseSchedule(d.schedule);
  } catch (err) {
    e.schedule = scheduleProblemText(err);
  }
  return { errors: e, schedule };
}
