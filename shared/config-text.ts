/**
 * A training configuration in words, for every place that shows one: the run panel, the
 * settings diff, a study's summary line, `bloombench show`, the study report.
 */
import { DEFAULT_CONFIG, formatSchedule, type TrainConfig } from './config';
import { plural, small } from './format';

/** A setting of `TrainConfig`. */
export type Setting = keyof TrainConfig;

/** Every setting, in the order of `TrainConfig` (the run form's order). */
export const SETTINGS = Object.keys(DEFAULT_CONFIG) as readonly Setting[];

/** A setting's value as a table cell or an axis label shows it: `cosine`, `flip+crop`, `none`, `on`, `0.001`. */
export function settingValue<K extends Setting>(key: K, value: TrainConfig[K]): string {
  switch (key) {
    case 'schedule':
      return formatSchedule(value as TrainConfig['schedule']);
    case 'augment': {
      const list = value as TrainConfig['augment'];
      return list.length ? list.join('+') : 'none';
    }
    case 'batchNorm':
      return value ? 'on' : 'off';
    case 'order':
      // Configs stored before the setting existed were built convolution-first.
      return String(value ?? 'post');
    case 'pretrained':
      // `none`, `imagenet`, or a weights file (shown by its name); configs stored before it started from scratch.
      return value === undefined || value === 'none' ? 'scratch' : value === 'imagenet' ? 'ImageNet' : String(value).split(/[\\/]/).pop() || String(value);
    case 'unfreezeAfter':
      return value ? String(value) : 'never';
    case 'backboneLrScale':
      return `×${String(value ?? 0.1)}`;
    default:
      return String(value);
  }
}

/** A setting as a phrase that says which one it is: `batch 32`, `lr 1e-3`, `4 epochs`, `no batch-norm`. */
export function settingPhrase(c: TrainConfig, key: Setting): string {
  switch (key) {
    case 'inputSize':
      return `${c.inputSize} px`;
    case 'channels':
      return c.channels === 1 ? 'grayscale' : 'RGB';
    case 'width':
      return `width ×${c.width}`;
    case 'epochs':
      return plural(c.epochs, 'epoch');
    case 'batchSize':
      return `batch ${c.batchSize}`;
    case 'optimizer':
      // Only SGD with momentum reads the momentum setting (main/worker/step.ts).
      return c.optimizer === 'momentum' || c.optimizer === 'nesterov' ? `${c.optimizer} ${c.momentum}` : c.optimizer;
    case 'lr':
      return `lr ${small(c.lr)}`;
    case 'momentum':
      return `momentum ${c.momentum}`;
    case 'weightDecay':
      return `weight decay ${c.weightDecay}`;
    case 'batchNorm':
      return c.batchNorm ? 'batch-norm' : 'no batch-norm';
    case 'order':
      return `${settingValue('order', c.order)}-activation`;
    case 'dropout':
      return `dropout ${c.dropout}`;
    case 'warmupEpochs':
      return c.warmupEpochs ? `warm-up ${plural(c.warmupEpochs, 'epoch')}` : 'no warm-up';
    case 'labelSmoothing':
      return `label smoothing ${c.labelSmoothing}`;
    case 'augment':
      return c.augment.length ? c.augment.join('+') : 'no augmentation';
    case 'earlyStopping':
      return c.earlyStopping ? `early stopping after ${plural(c.earlyStopping, 'epoch')}` : 'no early stopping';
    case 'monitor':
      return `monitor ${c.monitor}`;
    case 'seed':
      return `seed ${c.seed}`;
    case 'backend':
      return `backend ${c.backend}`;
    case 'threads':
      return c.threads ? plural(c.threads, 'thread') : 'threads auto';
    case 'pretrained':
      return `from ${settingValue('pretrained', c.pretrained)}`;
    case 'freeze':
      return c.freeze === 'backbone' ? 'backbone frozen' : 'nothing frozen';
    case 'unfreezeAfter':
      return c.unfreezeAfter ? `unfrozen after ${plural(c.unfreezeAfter, 'epoch')}` : 'never unfrozen';
    case 'backboneLrScale':
      return `backbone lr ${settingValue('backboneLrScale', c.backboneLrScale)}`;
    default:
      return settingValue(key, c[key]);
  }
}

/** The settings a one-line summary of a run names, in form order. */
export const SUMMARY_SETTINGS: readonly Setting[] = ['arch', 'inputSize', 'width', 'epochs', 'batchSize', 'optimizer', 'lr', 'activation', 'batchNorm', 'order', 'schedule', 'augment'];

/** What the model is: architecture, input and the per-model options. */
export const MODEL_SETTINGS: readonly Setting[] = ['arch', 'inputSize', 'channels', 'width', 'activation', 'batchNorm', 'order', 'dropout'];

/** How it is trained: epochs, batches, optimiser, schedule, regularisation, data, seed. */
export const TRAINING_SETTINGS: readonly Setting[] = ['epochs', 'batchSize', 'optimizer', 'lr', 'schedule', 'warmupEpochs', 'weightDecay', 'labelSmoothing', 'augment', 'earlyStopping', 'seed'];

/** How a run starts and fine-tunes (fine-tuning settings only mean something with `pretrained`). */
export const FINE_TUNING_SETTINGS: readonly Setting[] = ['pretrained', 'freeze', 'unfreezeAfter', 'backboneLrScale'];

/**
 * A config in one line: the phrases of `settings` (the summary's by default) but those in
 * `omit`, joined by ` · `: `lenet5 · 32 px · width ×1 · 4 epochs · batch 32 · adam · lr 1e-3 · …`.
 */
export function configText(c: TrainConfig, opts: { readonly settings?: readonly Setting[]; readonly omit?: Iterable<Setting>; readonly separator?: string } = {}): string {
  const omit = new Set<Setting>(opts.omit ?? []);
  return (opts.settings ?? SUMMARY_SETTINGS)
    .filter((k) => !omit.has(k))
    .map((k) => settingPhrase(c, k))
    .join(opts.separator ?? ' · ');
}
