/**
 * Pure helpers of the Studies view: how axis values are typed in and shown, how strongly a grid
 * cell is coloured, and how many runs a draft grid expands to (numbers read through
 * shared/format.ts).
 *
 * No state here (the state classes are in state/), so that the tests load this file as it is.
 */
// Relative rather than `@shared/`: the tests compile this file without the renderer's alias.
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, LAYER_ORDERS, OPTIMIZERS, parseSchedule, type Augmentation, type Schedule } from '../../../../shared/config';
import { STUDY_AXIS_TITLES, type StudyAxisKey } from '../../../../shared/contract/studies';
import { CONFIG_LIMITS } from '../../../../shared/limits';
import { errorText } from '../../lib/format';

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
  return preset.startsWith('step-') ? `step ${preset.slice(5)}` : preset;
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
  for (const p of parts) if (!known.includes(p)) throw new Error(`“${p}” is not an augmentation (one of ${known.join(', ')})`);
  if (new Set(parts).size !== parts.length) throw new Error(`“${t}” lists an augmentation twice`);
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
    if (!Number.isFinite(n)) throw new Error(`“${p}” is not a number`);
    if (opts.integer && !Number.isInteger(n)) throw new Error(`“${p}” is not a whole number`);
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
export type AxisInput = { readonly kind: 'choice'; readonly options: readonly string[]; readonly custom?: string } | { readonly kind: 'numbers'; readonly integer: boolean; readonly placeholder: string };

/** The settings whose axis values are ticked from a list, and that list (`arch` lists the model zoo). */
const AXIS_CHOICES: Partial<Record<StudyAxisKey, { readonly options: readonly string[]; readonly custom?: string }>> = {
  activation: { options: ACTIVATIONS },
  optimizer: { options: OPTIMIZERS },
  batchNorm: { options: ['on', 'off'] },
  order: { options: LAYER_ORDERS },
  channels: { options: ['3', '1'] },
  monitor: { options: ['val_accuracy', 'val_loss'] },
  backend: { options: ['auto', ...BACKENDS] },
  schedule: { options: SCHEDULE_PRESETS, custom: 'more, space-separated: step:0.01,0.001@3:1 cosine:1e-5' },
  augment: { options: AUGMENT_COMBOS, custom: 'more, comma-separated: flip+blur, color' },
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
    if (values.length === 0) return { values, error: `Give ${STUDY_AXIS_TITLES[a.key]} at least one value` };
    const seen = new Set(values.map((v) => JSON.stringify(v)));
    if (seen.size !== values.length) return { values, error: `A ${STUDY_AXIS_TITLES[a.key]} value is listed twice` };
    return { values, error: null };
  } catch (e) {
    return { values: [], error: errorText(e).replace(/^schedule: /, '') };
  }
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
