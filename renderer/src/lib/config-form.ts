/**
 * The settings both the new-run form and the new-study form edit: a `TrainConfig` as form
 * fields (numbers null while an input is empty, the schedule as text) and back.
 *
 * Per-field checks and their messages live in `validate.ts` (`validateDraft`).
 */
import { formatSchedule, type Activation, type Augmentation, type LayerOrder, type OptimizerName, type Schedule, type TrainConfig } from '@shared/config';
import type { RunDraft } from './validate';

/** The fields both forms show. */
export interface ConfigFields extends RunDraft {
  arch: string;
  activation: Activation;
  batchNorm: boolean;
  order: LayerOrder;
  optimizer: OptimizerName;
  augment: Augmentation[];
}

/** Settings a form does not show as `ConfigFields`; they come from elsewhere (the fine-tuning ones from the config loaded into the form, until the form shows them). */
export type OtherSettings = Pick<TrainConfig, 'channels' | 'monitor' | 'backend' | 'threads' | 'pretrained' | 'freeze' | 'unfreezeAfter' | 'backboneLrScale'>;

/** A config as form fields. */
export function configFields(c: TrainConfig): ConfigFields {
  return {
    arch: c.arch,
    epochs: c.epochs,
    batchSize: c.batchSize,
    inputSize: c.inputSize,
    width: c.width,
    activation: c.activation,
    batchNorm: c.batchNorm,
    // Configs stored before the setting existed have none: they were built convolution-first.
    order: c.order ?? 'post',
    dropout: c.dropout,
    optimizer: c.optimizer,
    lr: c.lr,
    momentum: c.momentum,
    weightDecay: c.weightDecay,
    schedule: formatSchedule(c.schedule),
    warmupEpochs: c.warmupEpochs,
    labelSmoothing: c.labelSmoothing,
    augment: [...c.augment],
    earlyStopping: c.earlyStopping,
    seed: c.seed,
  };
}

/** The config the fields stand for; call only once `validateDraft` found no errors (and parsed `schedule`). */
export function configFromFields(f: ConfigFields, schedule: Schedule, other: OtherSettings): TrainConfig {
  return {
    arch: f.arch,
    epochs: f.epochs!,
    batchSize: f.batchSize!,
    inputSize: f.inputSize!,
    channels: other.channels,
    width: f.width!,
    activation: f.activation,
    batchNorm: f.batchNorm,
    dropout: f.dropout!,
    order: f.order,
    optimizer: f.optimizer,
    lr: f.lr!,
    momentum: f.momentum!,
    weightDecay: f.weightDecay!,
    schedule,
    warmupEpochs: f.warmupEpochs!,
    labelSmoothing: f.labelSmoothing!,
    augment: [...f.augment],
    earlyStopping: f.earlyStopping!,
    monitor: other.monitor,
    seed: f.seed!,
    backend: other.backend,
    threads: other.threads,
    pretrained: other.pretrained,
    freeze: other.freeze,
    unfreezeAfter: other.unfreezeAfter,
    backboneLrScale: other.backboneLrScale,
  };
}
