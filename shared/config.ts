/**
 * Training configuration: the one record that says everything needed to re-run a run.
 *
 * Plain data only (this folder imports nothing outside `shared/`); the ranges of its numbers
 * are in `limits.ts`, and the validator of a config that crosses a process boundary in
 * `contract/config.ts`.
 */

/** Activation functions every architecture accepts. */
export const ACTIVATIONS = ['relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'swish'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * Where each convolution sits relative to its batch-norm and activation.
 *
 * - `post`: convolution → batch-norm → activation, the published order of every family but
 *   DenseNet (VGG, ResNet v1 of He et al. 2016a). The default.
 * - `pre`: batch-norm → activation → convolution, "pre-activation" (ResNet v2 of He et al.
 *   2016b, "Identity Mappings in Deep Residual Networks"; DenseNet's BN-ReLU-Conv). The
 *   network's first convolution stays a bare convolution and a final batch-norm → activation
 *   precedes the classifier.
 */
export const LAYER_ORDERS = ['post', 'pre'] as const;
export type LayerOrder = (typeof LAYER_ORDERS)[number];

/** Optimizers; `momentum` is SGD with momentum, `nesterov` SGD with Nesterov momentum. */
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/**
 * Augmentations, applied on the fly to training batches only.
 *
 * Two crops, each under its own name: `resized-crop` (a random part of the picture resized back
 * up, Inception-style) and `pad-crop` (pad by 4 pixels, then a random crop of the input size:
 * the CIFAR-10 ResNet recipe). Runs stored before both existed said `crop` for the first; they
 * are read back as `resized-crop` (`readStoredConfig`).
 */
export const AUGMENTATIONS = ['flip', 'resized-crop', 'pad-crop', 'rotate', 'color', 'blur', 'cutout'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];

/** Pixels of zeros `pad-crop` adds on each side before its random crop (He et al. 2016, §4.2: "4 pixels are padded on each side"). */
export const PAD_CROP_PIXELS = 4;

/** What each augmentation does, in a line (the CLI's help, the form, the reports). */
export const AUGMENTATION_INFO: Readonly<Record<Augmentation, string>> = {
  flip: 'mirror left–right, half of the images',
  'resized-crop': 'random-resized crop: a random 50–100% of the area (aspect 3:4 to 4:3) resized back to the input size',
  'pad-crop': `pad-and-crop: pad ${PAD_CROP_PIXELS} black pixels on each side, then take a random crop of the input size (the CIFAR-10 ResNet recipe)`,
  rotate: 'rotate by up to ±15°',
  color: 'brightness, contrast, saturation and hue jitter',
  blur: '3×3 Gaussian blur, half of the images',
  cutout: 'one grey square of a quarter of the side',
};


/**
 * Compute backends in order of preference; `auto` picks the best one that loads (webgpu only on
 * a hardware adapter: a software one is a test device, used when forced).
 */
export const BACKENDS = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = BackendName | 'auto';

/** What to freeze while fine-tuning: nothing, or every pretrained layer (the new head trains). */
export const FREEZE_CHOICES = ['none', 'backbone'] as const;
export type FreezeChoice = (typeof FREEZE_CHOICES)[number];

/**
 * Default learning-rate factor of the pretrained layers against the new head's rate.
 *
 * A tenth: pretrained features need small steps, a fresh head large ones (fastai's `fine_tune`
 * spreads 1/100 … 1 of the base rate over its layer groups; one factor for the whole backbone
 * sits inside that range).
 */
export const DEFAULT_BACKBONE_LR_SCALE = 0.1;

/** Metric that early stopping and "best epoch" watch. */
export type MonitorMetric = 'val_accuracy' | 'val_loss';

/** A learning-rate schedule over the run's epochs. */
export type Schedule =
  | { readonly kind: 'constant' }
  | { readonly kind: 'cosine'; readonly minLr: number }
  /** Piecewise constant: `rates[i]` (absolute learning rates) for `ratios[i]` parts of the epochs. */
  | { readonly kind: 'step'; readonly rates: readonly number[]; readonly ratios: readonly number[] };

export interface TrainConfig {
  /** Model id from the zoo, e.g. `resnet18`. */
  readonly arch: string;
  readonly epochs: number;
  readonly batchSize: number;
  /** Square input side in pixels. */
  readonly inputSize: number;
  /** 3 for RGB, 1 for grayscale. */
  readonly channels: 1 | 3;
  /** Width multiplier on every layer's channel count. */
  readonly width: number;
  readonly activation: Activation;
  /** Batch normalisation after each convolution (where the family has it). */
  readonly batchNorm: boolean;
  /** Dropout rate before the classifier (0 disables). */
  readonly dropout: number;
  /** Convolution before (`post`) or after (`pre`) its batch-norm and activation. */
  readonly order: LayerOrder;
  readonly optimizer: OptimizerName;
  /** Base learning rate (for `step` schedules the schedule's rates win). */
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly schedule: Schedule;
  /** Linear warm-up from lr/10 over this many epochs (may be fractional, 0 disables). */
  readonly warmupEpochs: number;
  readonly labelSmoothing: number;
  readonly augment: readonly Augmentation[];
  /** Stop after this many epochs without improvement of `monitor` (0 disables). */
  readonly earlyStopping: number;
  readonly monitor: MonitorMetric;
  readonly seed: number;
  readonly backend: BackendChoice;
  /**
   * CPU threads for the wasm and cpu backends: that many model replicas each train on a slice of
   * every batch and average their gradients (data-parallel). 0 = auto: every core, for models
   * large enough to gain from it. The native backends ignore it (they thread on their own).
   */
  readonly threads: number;
  /**
   * Where the weights start: `none` (from scratch, the default), `imagenet` (torchvision's
   * published ImageNet weights for `arch`, downloaded once) or the path of a torchvision state
   * dict (`.pth` or `.safetensors`). With weights, the 1000-class head is replaced by a fresh
   * one for the dataset's classes.
   */
  readonly pretrained: string;
  /** While fine-tuning: train every layer (`none`) or freeze the pretrained ones (`backbone`), batch-norm statistics included. */
  readonly freeze: FreezeChoice;
  /** With `freeze: backbone`, train the whole network after this many epochs (0: stay frozen). */
  readonly unfreezeAfter: number;
  /** Learning rate of the pretrained layers as a fraction of the head's (`lr`). */
  readonly backboneLrScale: number;
}

/** Defaults a new run starts from. */
export const DEFAULT_CONFIG: TrainConfig = {
  arch: 'resnet18',
  epochs: 10,
  batchSize: 32,
  inputSize: 64,
  channels: 3,
  width: 0.25,
  activation: 'relu',
  batchNorm: true,
  dropout: 0,
  order: 'post',
  optimizer: 'adam',
  lr: 0.001,
  momentum: 0.9,
  weightDecay: 0,
  schedule: { kind: 'constant' },
  warmupEpochs: 0,
  labelSmoothing: 0,
  augment: ['flip', 'resized-crop'],
  earlyStopping: 0,
  monitor: 'val_accuracy',
  seed: 1,
  backend: 'auto',
  threads: 0,
  pretrained: 'none',
  freeze: 'none',
  unfreezeAfter: 0,
  backboneLrScale: DEFAULT_BACKBONE_LR_SCALE,
};

/**
 * Learning rate for one step.
 *
 * `progress` is the fractional epoch (0 at the first step, `epochs` after the last).
 */
export function learningRateAt(config: Pick<TrainConfig, 'lr' | 'schedule' | 'epochs' | 'warmupEpochs'>, progress: number): number {
  const { schedule, epochs } = config;
  let lr: number;
  switch (schedule.kind) {
    case 'constant':
      lr = config.lr;
      break;
    case 'cosine': {
      const t = Math.min(1, Math.max(0, progress / epochs));
      lr = schedule.minLr + 0.5 * (config.lr - schedule.minLr) * (1 + Math.cos(Math.PI * t));
      break;
    }
    case 'step':
      lr = schedule.rates[stepIndex(schedule.ratios, epochs, progress)];
      break;
  }
  if (config.warmupEpochs > 0 && progress < config.warmupEpochs) {
    const start = lr / 10;
    lr = start + (lr - start) * (progress / config.warmupEpochs);
  }
  return lr;
}

/** Which piece of a step schedule a fractional epoch falls in. */
export function stepIndex(ratios: readonly number[], epochs: number, progress: number): number {
  const total = ratios.reduce((a, b) => a + b, 0);
  let edge = 0;
  for (let i = 0; i < ratios.length; i++) {
    edge += (ratios[i] / total) * epochs;
    // A small tolerance so that 12 epochs at 2:1:1 switch exactly after epochs 6 and 9.
    if (progress < edge - 1e-9) return i;
  }
  return ratios.length - 1;
}

/** Why a schedule's text does not read as one, with what its message names (a translation says it by `code`). */
export type ScheduleProblem =
  | { readonly code: 'min-lr'; readonly params: { readonly value: string } }
  | { readonly code: 'rates'; readonly params: { readonly value: string } }
  | { readonly code: 'ratios'; readonly params: { readonly value: string } }
  | { readonly code: 'counts'; readonly params: { readonly rates: number; readonly ratios: number; readonly text: string } }
  | { readonly code: 'unknown'; readonly params: { readonly text: string } };

/** A schedule text that is not one; `message` is the English sentence. */
export class ScheduleError extends Error {
  constructor(
    readonly problem: ScheduleProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** Parses `constant`, `cosine`, `cosine:1e-5` or `step:0.1,0.01,0.001@2:1:1`; throws a `ScheduleError`. */
export function parseSchedule(text: string): Schedule {
  const t = text.trim();
  if (t === 'constant') return { kind: 'constant' };
  if (t === 'cosine') return { kind: 'cosine', minLr: 0 };
  const cos = /^cosine:(.+)$/.exec(t);
  if (cos) {
    const minLr = Number(cos[1]);
    if (!Number.isFinite(minLr) || minLr < 0) throw new ScheduleError({ code: 'min-lr', params: { value: cos[1] } }, `schedule: minimum learning rate "${cos[1]}" is not a number ≥ 0`);
    return { kind: 'cosine', minLr };
  }
  const step = /^step:([^@]+)@(.+)$/.exec(t);
  if (step) {
    const rates = step[1].split(',').map((s) => Number(s.trim()));
    const ratios = step[2].split(':').map((s) => Number(s.trim()));
    if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new ScheduleError({ code: 'rates', params: { value: step[1] } }, `schedule: rates "${step[1]}" must be positive numbers`);
    if (ratios.some((r) => !Number.isFinite(r) || r <= 0)) throw new ScheduleError({ code: 'ratios', params: { value: step[2] } }, `schedule: ratios "${step[2]}" must be positive numbers`);
    if (rates.length !== ratios.length) throw new ScheduleError({ code: 'counts', params: { rates: rates.length, ratios: ratios.length, text: t } }, `schedule: ${rates.length} rates but ${ratios.length} ratios in "${t}"`);
    return { kind: 'step', rates, ratios };
  }
  throw new ScheduleError({ code: 'unknown', params: { text } }, `schedule: "${text}" is not one of constant, cosine[:minLr], step:RATES@RATIOS (e.g. step:0.1,0.01,0.001@2:1:1)`);
}

/** The inverse of `parseSchedule`. */
export function formatSchedule(s: Schedule): string {
  switch (s.kind) {
    case 'constant':
      return 'constant';
    case 'cosine':
      return s.minLr === 0 ? 'cosine' : `cosine:${s.minLr}`;
    case 'step':
      return `step:${s.rates.join(',')}@${s.ratios.join(':')}`;
  }
}
