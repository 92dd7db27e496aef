/**
 * Pure helpers of the Studies view: how axis values are typed in and shown, how strongly a grid
 * cell is coloured, and how many runs a draft grid expands to (numbers read through
 * shared/format.ts).
 *
 * No state here (the state classes are in state/), so that the tests load this file as it is.
 */
// Relative rather than `@shared/`: the tests compile this file without the renderer's alias.
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, LAYER_ORDERS, OPTIMIZERS, parseSchedule, type Augmentation, type Schedule } from '../../../../shared/config';
import type { StudyAxisKey, StudyAxisView } from '../../../../shared/contract/studies';
import { settingTitle, settingValue } from '../../../../shared/config-text';
import { CONFIG_LIMITS } from '../../../../shared/limits';
import { i18n, scheduleProblemText, t, type PlainKey } from '../../i18n/i18n.svelte';

const tr = t;

/** Step schedules every course uses: the rate drops ×10 twice, over these parts of the epochs. */
export const STEP_RATIOS = ['2:1:1', '5:3:2', '5:4:1'] as const;

/** The schedules the axis editor offers, by id. */
export const SCHEDULE_PRESETS = ['constant', 'step-2:1:1', 'step-5:3:2', 'step-5:4:1', 'cosine'] as const;
export type SchedulePreset = (typeof SCHEDULE_PRESETS)[number];

/** A number without float noise: 0.1 * 0.001 → 0.0001. */
function clean(x: number): number {
  return Number(x.toPrecision(6));
}

/**
 * The schedule a preset stands for at base learning rate `lr`: step presets run at lr, lr/10
 * and lr/100 (absolute rates, as `Schedule` stores them).
 */
export function presetSchedule(preset: SchedulePreset, lr: number): Schedule {
  if (preset === 'constant') return { kind: 'constant' };
  if (preset === 'cosine') return { kind: 'cosine', minLr: 0 };
  const ratios = preset.slice('step-'.length).split(':').map(Number);
  return { kind: 'step', rates: [clean(lr), clean(lr / 10), clean(lr / 100)], ratios };
}

/** What a preset is called on its checkbox. */
export function presetTitle(preset: SchedulePreset): string {
  return preset.startsWith('step-') ? `${t('schedule.step')} ${preset.slice(5)}` : t(`schedule.${preset as 'constant' | 'cosine'}`);
}

/**
 * A value label as a person reads it: `step:0.001,0.0001,0.00001@2:1:1` → `step 2:1:1`
 * (the full label stays available as a tooltip).
 */
export function shortLabel(label: string): string {
  return label.replace(/step:[^@\s·]+@([\d.:]+)/g, 'step $1');
}

/** Augmentation combinations the axis editor offers; `none` is no augmentation. */
export const AUGMENT_COMBOS = ['none', 'flip', 'flip+resized-crop', 'flip+pad-crop', 'flip+resized-crop+color', 'flip+resized-crop+rotate', 'flip+resized-crop+cutout'] as const;

/** `flip+pad-crop` → `['flip', 'pad-crop']`; throws naming an unknown augmentation. */
export function parseAugmentCombo(text: string, known: readonly string[]): Augmentation[] {
  const t = text.trim();
  if (t === '' || t === 'none') return [];
  const parts = t.split('+').map((s) => s.trim());
  for (const p of parts) if (!known.includes(p)) throw new Error(tr('axis.notAugment', { part: p, known: known.join(', ') }));
  if (new Set(parts).size !== parts.length) throw new Error(tr('axis.augmentTwice', { text: t }));
  return parts as Augmentation[];
}

/** `0.01, 0.001 1e-4` → numbers; throws naming the first entry that is not one. */
export function parseNumberList(text: string, opts: { integer?: boolean } = {}): number[] {
  const parts = text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isFinite(n)) throw new Error(t('axis.notNumber', { part: p }));
    if (opts.integer && !Number.isInteger(n)) throw new Error(t('axis.notWhole', { part: p }));
    return n;
  });
}

/** How many runs a grid of these axis sizes expands to. */
export function runCount(axisSizes: readonly number[], repeats: number): number {
  return axisSizes.reduce((n, k) => n * k, 1) * Math.max(0, repeats);
}

/**
 * How strongly a cell is coloured, 0..1: 1 for the best mean of the grid, 0 for the worst,
 * whichever direction is better for the metric.
 */
export function heat(v: number | null, min: number, max: number, higherIsBetter: boolean): number {
  if (v === null || !Number.isFinite(v)) return 0;
  if (!(max > min)) return 1;
  const t = (v - min) / (max - min);
  return higherIsBetter ? t : 1 - t;
}

/** Text for a file download: a name safe on every platform. */
export function exportFileName(study: string, ext: string): string {
  const base = study.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'study';
  return `${base}.${ext}`;
}

/** How the values of an axis are entered: ticked from a list, or typed as numbers. */
export type AxisInput = { readonly kind: 'choice'; readonly options: readonly string[]; readonly custom?: PlainKey } | { readonly kind: 'numbers'; readonly integer: boolean; readonly placeholder: string };

/** The settings whose axis values are ticked from a list, and that list (`arch` lists the model zoo). */
const AXIS_CHOICES: Partial<Record<StudyAxisKey, { readonly options: readonly string[]; readonly custom?: PlainKey }>> = {
  activation: { options: ACTIVATIONS },
  optimizer: { options: OPTIMIZERS },
  batchNorm: { options: ['on', 'off'] },
  order: { options: LAYER_ORDERS },
  channels: { options: ['3', '1'] },
  monitor: { options: ['val_accuracy', 'val_loss'] },
  backend: { options: ['auto', ...BACKENDS] },
  schedule: { options: SCHEDULE_PRESETS, custom: 'axis.customSchedule' },
  augment: { options: AUGMENT_COMBOS, custom: 'axis.customAugment' },
};

/** Example values of the settings typed as numbers. */
const AXIS_EXAMPLES: Partial<Record<StudyAxisKey, string>> = {
  lr: '0.01, 0.001, 0.0001',
  width: '0.125, 0.25, 0.5',
  dropout: '0, 0.25, 0.5',
  momentum: '0.8, 0.9, 0.99',
  weightDecay: '0, 1e-4, 5e-4',
  warmupEpochs: '0, 1',
  labelSmoothing: '0, 0.1',
  inputSize: '32, 64',
  batchSize: '16, 32, 64',
  threads: '1, 2',
};

/** The input an axis takes; `arch` lists the model zoo. */
export function axisInput(key: StudyAxisKey, archIds: readonly string[]): AxisInput {
  if (key === 'arch') return { kind: 'choice', options: archIds };
  const choice = AXIS_CHOICES[key];
  if (choice) return { kind: 'choice', ...choice };
  const limit = (CONFIG_LIMITS as Partial<Record<StudyAxisKey, { readonly integer?: boolean }>>)[key];
  return { kind: 'numbers', integer: limit?.integer === true, placeholder: AXIS_EXAMPLES[key] ?? '5, 10' };
}

/** One axis of the form: a setting, the options ticked, and what was typed. */
export interface AxisDraft {
  readonly id: number;
  key: StudyAxisKey;
  picked: string[];
  text: string;
}

/** The values an axis draft stands for, or why it cannot be read. */
export function axisValues(a: AxisDraft, lr: number, archIds: readonly string[]): { values: unknown[]; error: string | null } {
  const input = axisInput(a.key, archIds);
  try {
    let values: unknown[];
    if (input.kind === 'numbers') {
      values = parseNumberList(a.text, { integer: input.integer });
    } else {
      const picked = input.options.filter((o) => a.picked.includes(o));
      switch (a.key) {
        case 'schedule':
          values = [...picked.map((p) => presetSchedule(p as SchedulePreset, lr)), ...a.text.split(/\s+/).filter(Boolean).map(parseSchedule)];
          break;
        case 'augment':
          values = [...picked, ...a.text.split(',').filter((s) => s.trim())].map((c) => parseAugmentCombo(c, AUGMENTATIONS));
          break;
        case 'batchNorm':
          values = picked.map((p) => p === 'on');
          break;
        case 'channels':
          values = picked.map(Number);
          break;
        default:
          values = picked;
      }
    }
    if (values.length === 0) return { values, error: t('axis.needValue', { axis: axisTitle(a.key) }) };
    const seen = new Set(values.map((v) => JSON.stringify(v)));
    if (seen.size !== values.length) return { values, error: t('axis.twice', { axis: axisTitle(a.key) }) };
    return { values, error: null };
  } catch (e) {
    return { values: [], error: scheduleProblemText(e) };
  }
}

/** A setting's name as an axis shows it, in the app's language: `learning rate` / `학습률`. */
export function axisTitle(key: StudyAxisKey): string {
  return settingTitle(key, i18n.locale);
}

/** A value of an axis as the views show it, in the app's language: `on` / `사용`, `step 2:1:1` / `계단식 2:1:1`. */
export function valueText(key: StudyAxisKey, value: unknown): string {
  if (key === 'schedule' && (value as Schedule).kind === 'step') return `${t('schedule.step')} ${(value as Extract<Schedule, { kind: 'step' }>).ratios.join(':')}`;
  return settingValue(key, value as never, i18n.locale);
}

/** A value label the core sent (English, `settingValue`'s) in the app's language, found by its place on its axis. */
export function labelText(axes: readonly StudyAxisView[], key: StudyAxisKey, label: string): string {
  const axis = axes.find((a) => a.key === key);
  const i = axis ? axis.labels.indexOf(label) : -1;
  return axis && i >= 0 ? valueText(key, axis.values[i]) : shortLabel(label);
}

/** The value labels of a grid point (`coords` indexes each axis in turn), joined: `tanh · cosine`. */
export function pointText(axes: readonly StudyAxisView[], keys: readonly StudyAxisKey[], coords: readonly number[]): string {
  return keys.map((k, i) => {
    const axis = axes.find((a) => a.key === k);
    return axis ? valueText(k, axis.values[coords[i]]) : '';
  }).join(' · ');
}

/** A label of several axes' values (`tanh · cosine`, a curve group's or a cell's) in the app's language. */
export function joinedLabelText(axes: readonly StudyAxisView[], label: string): string {
  const parts = label.split(' · ');
  if (parts.length !== axes.length) return shortLabel(label);
  return parts.map((p, i) => labelText(axes, axes[i].key, p)).join(' · ');
}

/** What the study's time left is estimated from. */
export interface TimeLeftInput {
  /** Mean seconds of the study's completed runs, or null before the first. */
  readonly perRunSeconds: number | null;
  /** Runs still to start (pending, queued, interrupted, cancelled): not the one training. */
  readonly waiting: number;
  /** The run training now: when it started, and its own latest estimate (seconds left, and when it said so). */
  readonly active: { readonly startedMs: number | null; readonly etaSeconds: number | null; readonly etaAtMs: number | null } | null;
  readonly nowMs: number;
}

/**
 * Seconds left in a study, or null when nothing is known yet.
 *
 * The run in training counts by its own ETA (counted down since it said so), else by the mean
 * run less the time it has trained; the runs waiting count by the mean, or, before any run
 * finished, by the training run's expected length. Recomputed as time passes, the estimate
 * moves down between events instead of freezing at "≈ 13 s left".
 */
export function studyTimeLeft(i: TimeLeftInput): number | null {
  const a = i.active;
  const elapsed = a?.startedMs != null ? Math.max(0, (i.nowMs - a.startedMs) / 1000) : null;
  let activeLeft: number | null = null;
  if (a && a.etaSeconds !== null && a.etaAtMs !== null) activeLeft = Math.max(0, a.etaSeconds - (i.nowMs - a.etaAtMs) / 1000);
  else if (a && i.perRunSeconds !== null && elapsed !== null) activeLeft = Math.max(0, i.perRunSeconds - elapsed);
  const perRun = i.perRunSeconds ?? (activeLeft !== null && elapsed !== null ? elapsed + activeLeft : null);
  if (perRun === null) return i.waiting === 0 ? activeLeft : null;
  return (activeLeft ?? (a ? perRun : 0)) + i.waiting * perRun;
}
