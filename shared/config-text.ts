/**
 * A training configuration in words, for every place that shows one: the run panel, the
 * settings diff, a study's summary line, `bloombench show`, the study report.
 */
import { DEFAULT_CONFIG, formatSchedule, type Schedule, type TrainConfig } from './config';
import { small } from './format';
import type { Locale } from './i18n/locale';
import { sharedText } from './i18n/messages';

/** A setting of `TrainConfig`. */
export type Setting = keyof TrainConfig;

/** Every setting, in the order of `TrainConfig` (the run form's order). */
export const SETTINGS = Object.keys(DEFAULT_CONFIG) as readonly Setting[];

/** A setting's name in a language: `learning rate` / `학습률`. */
export function settingTitle(key: Setting, locale: Locale = 'en'): string {
  return sharedText(locale)(`setting.${key}`);
}

/** A schedule as its id in English (`step:0.1,0.01@3:1`), in words in Korean (`계단식 0.1,0.01 (3:1)`). */
export function scheduleText(s: Schedule, locale: Locale = 'en'): string {
  if (locale === 'en') return formatSchedule(s);
  const t = sharedText(locale);
  switch (s.kind) {
    case 'constant':
      return t('schedule.constant');
    case 'cosine':
      return s.minLr === 0 ? t('schedule.cosine') : t('schedule.cosineMin', { min: String(s.minLr) });
    case 'step':
      return t('schedule.steps', { rates: s.rates.join(','), ratios: s.ratios.join(':') });
  }
}

/** A setting's value as a table cell or an axis label shows it: `cosine`, `flip+pad-crop`, `none`, `on`, `0.001`. */
export function settingValue<K extends Setting>(key: K, value: TrainConfig[K], locale: Locale = 'en'): string {
  const t = sharedText(locale);
  switch (key) {
    case 'schedule':
      return scheduleText(value as TrainConfig['schedule'], locale);
    case 'augment': {
      const list = value as TrainConfig['augment'];
      return list.length ? list.join('+') : t('value.none');
    }
    case 'batchNorm':
      return value ? t('value.on') : t('value.off');
    case 'order':
      // Configs stored before the setting existed were built convolution-first.
      return String(value ?? 'post');
    case 'pretrained':
      // `none`, `imagenet`, or a weights file (shown by its name); configs stored before it started from scratch.
      return value === undefined || value === 'none' ? t('value.scratch') : value === 'imagenet' ? 'ImageNet' : String(value).split(/[\\/]/).pop() || String(value);
    case 'unfreezeAfter':
      return value ? String(value) : t('value.never');
    case 'backboneLrScale':
      return `×${String(value ?? 0.1)}`;
    // The ids read as words in English (`none`, `auto`); other languages name them.
    case 'freeze':
      return locale === 'en' ? String(value) : t(value === 'backbone' ? 'freeze.backbone' : 'freeze.none');
    case 'backend':
      return locale !== 'en' && value === 'auto' ? t('value.auto') : String(value);
    default:
      return String(value);
  }
}

/** A setting as a phrase that says which one it is: `batch 32`, `lr 1e-3`, `4 epochs`, `no batch-norm`. */
export function settingPhrase(c: TrainConfig, key: Setting, locale: Locale = 'en'): string {
  const t = sharedText(locale);
  switch (key) {
    case 'inputSize':
      return t('phrase.inputSize', { size: String(c.inputSize) });
    case 'channels':
      return c.channels === 1 ? t('value.grayscale') : 'RGB';
    case 'width':
      return t('phrase.width', { width: String(c.width) });
    case 'epochs':
      return t('phrase.epochs', { n: c.epochs });
    case 'batchSize':
      return t('phrase.batchSize', { size: String(c.batchSize) });
    case 'optimizer':
      // Only SGD with momentum reads the momentum setting (main/worker/step.ts).
      return c.optimizer === 'momentum' || c.optimizer === 'nesterov' ? `${c.optimizer} ${c.momentum}` : c.optimizer;
    case 'lr':
      return t('phrase.lr', { lr: small(c.lr) });
    case 'momentum':
      return t('phrase.momentum', { value: String(c.momentum) });
    case 'weightDecay':
      return t('phrase.weightDecay', { value: String(c.weightDecay) });
    case 'batchNorm':
      return c.batchNorm ? t('phrase.batchNorm') : t('phrase.noBatchNorm');
    case 'order':
      return settingValue('order', c.order) === 'pre' ? t('phrase.order.pre') : t('phrase.order.post');
    case 'dropout':
      return t('phrase.dropout', { value: String(c.dropout) });
    case 'warmupEpochs':
      return c.warmupEpochs ? t('phrase.warmup', { n: c.warmupEpochs }) : t('phrase.noWarmup');
    case 'labelSmoothing':
      return t('phrase.labelSmoothing', { value: String(c.labelSmoothing) });
    case 'augment':
      return c.augment.length ? c.augment.join('+') : t('phrase.noAugment');
    case 'earlyStopping':
      return c.earlyStopping ? t('phrase.earlyStopping', { n: c.earlyStopping }) : t('phrase.noEarlyStopping');
    case 'monitor':
      return t('phrase.monitor', { metric: c.monitor });
    case 'seed':
      return t('phrase.seed', { seed: String(c.seed) });
    case 'backend':
      return t('phrase.backend', { backend: c.backend });
    case 'threads':
      return c.threads ? t('phrase.threads', { n: c.threads }) : t('phrase.threadsAuto');
    case 'pretrained':
      return c.pretrained === undefined || c.pretrained === 'none' ? t('phrase.fromScratch') : t('phrase.from', { weights: settingValue('pretrained', c.pretrained, locale) });
    case 'freeze':
      return c.freeze === 'backbone' ? t('phrase.backboneFrozen') : t('phrase.nothingFrozen');
    case 'unfreezeAfter':
      return c.unfreezeAfter ? t('phrase.unfrozenAfter', { n: c.unfreezeAfter }) : t('phrase.neverUnfrozen');
    case 'backboneLrScale':
      return t('phrase.backboneLr', { scale: settingValue('backboneLrScale', c.backboneLrScale) });
    default:
      return settingValue(key, c[key], locale);
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
export function configText(c: TrainConfig, opts: { readonly settings?: readonly Setting[]; readonly omit?: Iterable<Setting>; readonly separator?: string; readonly locale?: Locale } = {}): string {
  const omit = new Set<Setting>(opts.omit ?? []);
  return (opts.settings ?? SUMMARY_SETTINGS)
    .filter((k) => !omit.has(k))
    .map((k) => settingPhrase(c, k, opts.locale))
    .join(opts.separator ?? ' · ');
}
