/**
 * Inline validation of the new-run form, before anything is sent.
 *
 * The ranges are the core's own (shared/limits.ts); the core checks again and knows more (the
 * data, the architecture's real limits), and its refusal is shown too. These checks exist so
 * the user sees the reason next to the field.
 */
// Relative rather than `@shared/`: the tests load this file without the renderer's alias.
import { parseSchedule, type FreezeChoice, type Schedule, type TrainConfig } from '../../../shared/config';
import { pretrainedProblems } from '../../../shared/pretrained';
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

/** Where a run starts: from scratch, torchvision's ImageNet weights, or a state dict on the core's machine. */
export type StartFrom = 'none' | 'imagenet' | 'file';

/** The fine-tuning part of a form, as typed. */
export interface FineTuneDraft {
  startFrom: StartFrom;
  /** The weights file's path (with `file`). */
  weightsFile: string;
  freeze: FreezeChoice;
  unfreezeAfter: number | null;
  backboneLrScale: number | null;
}

/** The settings pretrained weights fix, and the fine-tuning fields, that can carry a message. */
export type FineTuneField = 'pretrained' | 'weightsFile' | 'freeze' | 'unfreezeAfter' | 'backboneLrScale' | 'width' | 'channels' | 'activation' | 'batchNorm' | 'order';
export type FineTuneErrors = Partial<Record<FineTuneField, string>>;

/** `TrainConfig.pretrained` for a draft: `none`, `imagenet`, or the file's path. */
export function pretrainedSetting(d: Pick<FineTuneDraft, 'startFrom' | 'weightsFile'>): string {
  return d.startFrom === 'file' ? d.weightsFile.trim() : d.startFrom;
}

const FINE_TUNE_TITLES: Readonly<Record<FineTuneField, string>> = {
  pretrained: 'Start from',
  weightsFile: 'Weights file',
  freeze: 'Freeze',
  unfreezeAfter: 'Unfreeze after',
  backboneLrScale: 'Backbone learning-rate factor',
  width: 'Width multiplier',
  channels: 'Channels',
  activation: 'Activation',
  batchNorm: 'Batch normalisation',
  order: 'Layer order',
};

/**
 * What the fine-tuning settings say against the draft: the ranges of `shared/limits.ts`, a
 * weights file named, then `pretrainedProblems` — the core's own check — by field.
 */
export function validateFineTune(
  d: FineTuneDraft,
  model: Pick<TrainConfig, 'arch' | 'channels' | 'activation' | 'batchNorm' | 'order'> & { readonly epochs: number | null; readonly width: number | null },
): FineTuneErrors {
  const e: FineTuneErrors = {};
  for (const k of ['unfreezeAfter', 'backboneLrScale'] as const) {
    const v = d[k];
    const problem = num(v) ? limitProblem(v, CONFIG_LIMITS[k]) : 'is required';
    if (problem) e[k] = `${FINE_TUNE_TITLES[k]} ${problem}`;
  }
  if (d.startFrom === 'file' && !d.weightsFile.trim()) e.weightsFile = 'Name the weights file (a torchvision state dict, .pth or .safetensors)';
  if (e.unfreezeAfter || e.backboneLrScale || !num(model.width) || !num(model.epochs)) return e;
  const problems = pretrainedProblems({
    arch: model.arch,
    pretrained: pretrainedSetting(d) || 'file',
    width: model.width,
    channels: model.channels,
    activation: model.activation,
    batchNorm: model.batchNorm,
    order: model.order,
    freeze: d.freeze,
    unfreezeAfter: d.unfreezeAfter!,
    backboneLrScale: d.backboneLrScale!,
    epochs: model.epochs,
  });
  for (const p of problems) {
    const field = p.field as FineTuneField;
    if (e[field]) continue;
    // "resnet18 has no ImageNet weights: …" reads as it is; the others name their field first.
    e[field] = field === 'pretrained' ? p.message : `${FINE_TUNE_TITLES[field]} ${p.message}`;
  }
  return e;
}
