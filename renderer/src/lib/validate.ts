/**
 * Inline validation of the new-run form, before anything is sent.
 *
 * The core checks again (and knows more: the data, the architecture's real limits); its
 * refusal is shown too. These checks exist so the user sees the reason next to the field.
 */
import { parseSchedule, type Schedule } from '@shared/config';
import type { ModelInfo } from '@shared/types';

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

export function validateDraft(d: RunDraft, ctx: { model: ModelInfo | null; trainImages: number | null; hasDataset: boolean }): { errors: DraftErrors; schedule: Schedule | null } {
  const e: DraftErrors = {};
  const int = (k: keyof RunDraft, min: number, max: number, what: string): void => {
    const v = d[k] as number | null;
    if (!num(v)) e[k] = `${what} is required`;
    else if (!Number.isInteger(v)) e[k] = `${what} must be a whole number`;
    else if (v < min) e[k] = `${what} must be at least ${min}`;
    else if (v > max) e[k] = `${what} must be at most ${max}`;
  };
  const real = (k: keyof RunDraft, min: number, max: number, what: string, opts: { exclusiveMin?: boolean; exclusiveMax?: boolean } = {}): void => {
    const v = d[k] as number | null;
    if (!num(v)) e[k] = `${what} is required`;
    else if (opts.exclusiveMin ? v <= min : v < min) e[k] = `${what} must be ${opts.exclusiveMin ? 'greater than' : 'at least'} ${min}`;
    else if (opts.exclusiveMax ? v >= max : v > max) e[k] = `${what} must be ${opts.exclusiveMax ? 'less than' : 'at most'} ${max}`;
  };

  if (!ctx.hasDataset) e.dataset = 'Import or pick a dataset first';
  if (!ctx.model) e.arch = 'Pick an architecture';
  int('epochs', 1, 10000, 'Epochs');
  int('batchSize', 1, 4096, 'Batch size');
  if (!e.batchSize && num(d.batchSize) && ctx.trainImages !== null && d.batchSize > ctx.trainImages) {
    e.batchSize = `Batch size ${d.batchSize} is larger than the ${ctx.trainImages} training images`;
  }
  int('inputSize', 8, 1024, 'Input size');
  if (!e.inputSize && num(d.inputSize) && ctx.model && d.inputSize < ctx.model.minInputSize) {
    e.inputSize = `${ctx.model.title} needs an input of at least ${ctx.model.minInputSize} px`;
  }
  real('width', 0, 8, 'Width multiplier', { exclusiveMin: true });
  real('dropout', 0, 0.95, 'Dropout');
  real('lr', 0, 10, 'Learning rate', { exclusiveMin: true });
  real('momentum', 0, 1, 'Momentum', { exclusiveMax: true });
  real('weightDecay', 0, 1, 'Weight decay');
  real('warmupEpochs', 0, 10000, 'Warm-up');
  if (!e.warmupEpochs && !e.epochs && num(d.warmupEpochs) && num(d.epochs) && d.warmupEpochs >= d.epochs) {
    e.warmupEpochs = 'Warm-up must end before the last epoch';
  }
  real('labelSmoothing', 0, 0.5, 'Label smoothing');
  int('earlyStopping', 0, 10000, 'Early stopping patience');
  int('seed', 0, 2 ** 31 - 1, 'Seed');

  let schedule: Schedule | null = null;
  try {
    schedule = parseSchedule(d.schedule);
  } catch (err) {
    e.schedule = (err as Error).message.replace(/^schedule: /, '');
  }
  return { errors: e, schedule };
}
