/**
 * Turns `bloombench train` flags into a `TrainConfig`, refusing bad values by flag name.
 */
import path from 'node:path';
import {
  ACTIVATIONS,
  AUGMENTATION_INFO,
  AUGMENTATIONS,
  BACKENDS,
  DEFAULT_CONFIG,
  FREEZE_CHOICES,
  LAYER_ORDERS,
  OPTIMIZERS,
  parseSchedule,
  type Augmentation,
  type TrainConfig,
} from '../../shared/config';
import { CONFIG_LIMITS, limitText, type NumberSetting } from '../../shared/limits';

/** One flag: the config field it sets, its one-line help, and how its text becomes the value. */
interface FlagSpec<F extends keyof TrainConfig> {
  readonly field: F;
  readonly help: string;
  readonly parse: (flag: string, text: string) => TrainConfig[F];
}

function spec<F extends keyof TrainConfig>(field: F, help: string, parse: (flag: string, text: string) => TrainConfig[F]): FlagSpec<F> {
  return { field, help, parse };
}

/** A number flag: its range from `CONFIG_LIMITS` in the help, whole numbers where the limit says so. */
function ranged<F extends NumberSetting>(field: F, what: string): FlagSpec<F> {
  const limit = CONFIG_LIMITS[field];
  return spec(field, `${what}, ${limitText(limit)}`, (flag, text) => num(flag, text, limit.integer === true) as TrainConfig[F]);
}

/** A flag whose value is one of `allowed`. */
function choice<F extends keyof TrainConfig>(field: F, allowed: readonly (TrainConfig[F] & string)[], help = allowed.join(' | ')): FlagSpec<F> {
  return spec(field, help, (flag, text) => oneOf(flag, text, allowed));
}

/** The flags `train` accepts, with their config field, a one-line help and their parser. */
export const TRAIN_FLAGS = {
  arch: spec('arch', 'model id from `bloombench models`', (_flag, text) => text),
  epochs: ranged('epochs', 'number of epochs'),
  'batch-size': ranged('batchSize', 'images per step'),
  'input-size': ranged('inputSize', 'square input side in pixels'),
  channels: spec('channels', '3 (RGB) or 1 (grayscale)', (_flag, text) => {
    if (text !== '1' && text !== '3') throw new Error(`--channels: "${text}" must be 1 or 3`);
    return text === '1' ? 1 : 3;
  }),
  width: ranged('width', 'width multiplier on every layer'),
  activation: choice('activation', ACTIVATIONS),
  'batch-norm': spec('batchNorm', 'on | off', (_flag, text) => {
    if (!['on', 'off', 'true', 'false'].includes(text)) throw new Error(`--batch-norm: "${text}" is not on or off`);
    return text === 'on' || text === 'true';
  }),
  dropout: ranged('dropout', 'classifier dropout rate'),
  order: choice('order', LAYER_ORDERS, 'post (conv → BN → act) | pre (BN → act → conv, pre-activation / ResNet v2)'),
  optimizer: choice('optimizer', OPTIMIZERS),
  lr: ranged('lr', 'learning rate'),
  momentum: ranged('momentum', 'momentum for momentum / nesterov'),
  'weight-decay': ranged('weightDecay', 'L2 (decoupled for adamw)'),
  schedule: spec('schedule', 'constant | cosine[:minLr] | step:0.1,0.01,0.001@2:1:1', (_flag, text) => {
    try {
      return parseSchedule(text);
    } catch (e) {
      throw new Error(`--${(e as Error).message}`);
    }
  }),
  warmup: ranged('warmupEpochs', 'linear warm-up epochs'),
  'label-smoothing': ranged('labelSmoothing', 'label smoothing'),
  augment: spec('augment', `comma list of ${AUGMENTATIONS.join(', ')} (or none; see Augmentations below)`, (flag, text) =>
    text === 'none' || text === '' ? [] : [...new Set(text.split(',').map((s) => augmentation(flag, s.trim())))],
  ),
  'early-stopping': ranged('earlyStopping', 'patience in epochs (0 = off)'),
  monitor: choice('monitor', ['val_accuracy', 'val_loss'], 'val_accuracy | val_loss (best epoch and early stopping)'),
  seed: ranged('seed', 'random seed'),
  backend: choice('backend', ['auto', ...BACKENDS], `auto | ${BACKENDS.join(' | ')}`),
  threads: ranged('threads', 'CPU threads for wasm/cpu training (data-parallel; 0 = auto)'),
  pretrained: spec('pretrained', "start from none | imagenet (torchvision's weights, downloaded once) | a torchvision state dict (.pth, .safetensors); sets --width 1 unless given", (_flag, text) => {
    if (text.trim() === '') throw new Error('--pretrained: give none, imagenet, or the path of a weights file');
    return text === 'none' || text === 'imagenet' ? text : path.resolve(text);
  }),
  freeze: choice('freeze', FREEZE_CHOICES, `${FREEZE_CHOICES.join(' | ')}: freeze the pretrained layers (and their batch-norm statistics) while the new head trains`),
  'unfreeze-after': ranged('unfreezeAfter', 'with --freeze backbone: train every layer after N epochs (0 = never)'),
  'backbone-lr': ranged('backboneLrScale', "learning rate of the pretrained layers as a fraction of --lr (the new head's)"),
} as const;

export type TrainFlag = keyof typeof TRAIN_FLAGS;

/** `batchSize` → `--batch-size`. */
export function flagOf(field: string): string {
  for (const [flag, spec] of Object.entries(TRAIN_FLAGS)) if (spec.field === field) return `--${flag}`;
  return field === 'dataset' ? '--dataset' : `--${field}`;
}

function num(flag: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`--${flag}: "${v}" is not a number`);
  if (integer && !Number.isInteger(n)) throw new Error(`--${flag}: "${v}" must be a whole number`);
  return n;
}

/** One augmentation by name; `crop`, which named one of two crops before the other existed, is asked about. */
function augmentation(flag: string, v: string): Augmentation {
  if (v === 'crop') {
    throw new Error(
      `--${flag}: "crop" is two augmentations now — resized-crop (${AUGMENTATION_INFO['resized-crop']}; what "crop" meant before) or pad-crop (${AUGMENTATION_INFO['pad-crop']}). Name the one you mean.`,
    );
  }
  return oneOf<Augmentation>(flag, v, AUGMENTATIONS);
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${flag}: "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

/** Builds a config from flag values over `base`; throws naming the first bad flag. */
export function configFromFlags(values: Partial<Record<TrainFlag, string>>, base: TrainConfig = DEFAULT_CONFIG): TrainConfig {
  const c: Record<string, unknown> = { ...base, augment: [...base.augment] };
  for (const [flag, raw] of Object.entries(values) as [TrainFlag, string | undefined][]) {
    if (raw === undefined) continue;
    const f: FlagSpec<keyof TrainConfig> = TRAIN_FLAGS[flag];
    c[f.field] = f.parse(flag, String(raw));
  }
  // Pretrained weights have their published widths: width 1 unless asked otherwise (and refused then).
  if (values.pretrained !== undefined && c.pretrained !== 'none' && values.width === undefined) c.width = 1;
  return c as unknown as TrainConfig;
}
