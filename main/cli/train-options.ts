/**
 * Turns `bloombench train` flags into a `TrainConfig`, refusing bad values by flag name.
 */
import path from 'node:path';
import {
  ACTIVATIONS,
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

/** A number flag's help: what it is, then its range from `CONFIG_LIMITS`. */
function ranged(what: string, field: NumberSetting): string {
  return `${what}, ${limitText(CONFIG_LIMITS[field])}`;
}

/** The flags `train` accepts, with their config field and a one-line help. */
export const TRAIN_FLAGS = {
  arch: { field: 'arch', help: 'model id from `bloombench models`' },
  epochs: { field: 'epochs', help: ranged('number of epochs', 'epochs') },
  'batch-size': { field: 'batchSize', help: ranged('images per step', 'batchSize') },
  'input-size': { field: 'inputSize', help: ranged('square input side in pixels', 'inputSize') },
  channels: { field: 'channels', help: '3 (RGB) or 1 (grayscale)' },
  width: { field: 'width', help: ranged('width multiplier on every layer', 'width') },
  activation: { field: 'activation', help: ACTIVATIONS.join(' | ') },
  'batch-norm': { field: 'batchNorm', help: 'on | off' },
  dropout: { field: 'dropout', help: ranged('classifier dropout rate', 'dropout') },
  order: { field: 'order', help: 'post (conv → BN → act) | pre (BN → act → conv, pre-activation / ResNet v2)' },
  optimizer: { field: 'optimizer', help: OPTIMIZERS.join(' | ') },
  lr: { field: 'lr', help: ranged('learning rate', 'lr') },
  momentum: { field: 'momentum', help: ranged('momentum for momentum / nesterov', 'momentum') },
  'weight-decay': { field: 'weightDecay', help: ranged('L2 (decoupled for adamw)', 'weightDecay') },
  schedule: { field: 'schedule', help: 'constant | cosine[:minLr] | step:0.1,0.01,0.001@2:1:1' },
  warmup: { field: 'warmupEpochs', help: ranged('linear warm-up epochs', 'warmupEpochs') },
  'label-smoothing': { field: 'labelSmoothing', help: ranged('label smoothing', 'labelSmoothing') },
  augment: { field: 'augment', help: `comma list of ${AUGMENTATIONS.join(', ')} (or none)` },
  'early-stopping': { field: 'earlyStopping', help: ranged('patience in epochs (0 = off)', 'earlyStopping') },
  monitor: { field: 'monitor', help: 'val_accuracy | val_loss (best epoch and early stopping)' },
  seed: { field: 'seed', help: ranged('random seed', 'seed') },
  backend: { field: 'backend', help: `auto | ${BACKENDS.join(' | ')}` },
  threads: { field: 'threads', help: ranged('CPU threads for wasm/cpu training (data-parallel; 0 = auto)', 'threads') },
  pretrained: { field: 'pretrained', help: "start from none | imagenet (torchvision's weights, downloaded once) | a torchvision state dict (.pth, .safetensors); sets --width 1 unless given" },
  freeze: { field: 'freeze', help: `${FREEZE_CHOICES.join(' | ')}: freeze the pretrained layers (and their batch-norm statistics) while the new head trains` },
  'unfreeze-after': { field: 'unfreezeAfter', help: ranged('with --freeze backbone: train every layer after N epochs (0 = never)', 'unfreezeAfter') },
  'backbone-lr': { field: 'backboneLrScale', help: ranged("learning rate of the pretrained layers as a fraction of --lr (the new head's)", 'backboneLrScale') },
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

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${flag}: "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

/** Builds a config from flag values over `base`; throws naming the first bad flag. */
export function configFromFlags(values: Partial<Record<TrainFlag, string>>, base: TrainConfig = DEFAULT_CONFIG): TrainConfig {
  const c: { -readonly [K in keyof TrainConfig]: TrainConfig[K] } = { ...base, augment: [...base.augment] };
  for (const [flag, raw] of Object.entries(values) as [TrainFlag, string | undefined][]) {
    if (raw === undefined) continue;
    const v = String(raw);
    switch (flag) {
      case 'arch':
        c.arch = v;
        break;
      case 'epochs':
        c.epochs = num(flag, v, true);
        break;
      case 'batch-size':
        c.batchSize = num(flag, v, true);
        break;
      case 'input-size':
        c.inputSize = num(flag, v, true);
        break;
      case 'channels': {
        const ch = num(flag, v, true);
        if (ch !== 1 && ch !== 3) throw new Error(`--channels: "${v}" must be 1 or 3`);
        c.channels = ch;
        break;
      }
      case 'width':
        c.width = num(flag, v, false);
        break;
      case 'activation':
        c.activation = oneOf(flag, v, ACTIVATIONS);
        break;
      case 'batch-norm':
        if (!['on', 'off', 'true', 'false'].includes(v)) throw new Error(`--batch-norm: "${v}" is not on or off`);
        c.batchNorm = v === 'on' || v === 'true';
        break;
      case 'dropout':
        c.dropout = num(flag, v, false);
        break;
      case 'order':
        c.order = oneOf(flag, v, LAYER_ORDERS);
        break;
      case 'optimizer':
        c.optimizer = oneOf(flag, v, OPTIMIZERS);
        break;
      case 'lr':
        c.lr = num(flag, v, false);
        break;
      case 'momentum':
        c.momentum = num(flag, v, false);
        break;
      case 'weight-decay':
        c.weightDecay = num(flag, v, false);
        break;
      case 'schedule':
        try {
          c.schedule = parseSchedule(v);
        } catch (e) {
          throw new Error(`--${(e as Error).message}`);
        }
        break;
      case 'warmup':
        c.warmupEpochs = num(flag, v, false);
        break;
      case 'label-smoothing':
        c.labelSmoothing = num(flag, v, false);
        break;
      case 'augment':
        c.augment =
          v === 'none' || v === ''
            ? []
            : [...new Set(v.split(',').map((s) => oneOf<Augmentation>(flag, s.trim(), AUGMENTATIONS)))];
        break;
      case 'early-stopping':
        c.earlyStopping = num(flag, v, true);
        break;
      case 'monitor':
        c.monitor = oneOf(flag, v, ['val_accuracy', 'val_loss'] as const);
        break;
      case 'seed':
        c.seed = num(flag, v, true);
        break;
      case 'backend':
        c.backend = oneOf(flag, v, ['auto', ...BACKENDS] as const);
        break;
      case 'threads':
        c.threads = num(flag, v, true);
        break;
      case 'pretrained':
        if (v.trim() === '') throw new Error('--pretrained: give none, imagenet, or the path of a weights file');
        c.pretrained = v === 'none' || v === 'imagenet' ? v : path.resolve(v);
        break;
      case 'freeze':
        c.freeze = oneOf(flag, v, FREEZE_CHOICES);
        break;
      case 'unfreeze-after':
        c.unfreezeAfter = num(flag, v, true);
        break;
      case 'backbone-lr':
        c.backboneLrScale = num(flag, v, false);
        break;
    }
  }
  // Pretrained weights have their published widths: width 1 unless asked otherwise (and refused then).
  if (values.pretrained !== undefined && c.pretrained !== 'none' && values.width === undefined) c.width = 1;
  return c;
}
