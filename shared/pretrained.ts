/**
 * torchvision's published ImageNet weights: which zoo variant each file fits, where it is
 * downloaded from, and what a run that starts from it is called.
 *
 * Plain data for every process: the core downloads and checks the files (main/weights/), the
 * worker reads them into a model (main/models/pretrained/), the views name a run's start.
 */
import { DEFAULT_BACKBONE_LR_SCALE, type TrainConfig } from './config';
import type { Locale } from './i18n/locale';
import { sharedText } from './i18n/messages';

/** ImageNet channel means of RGB pixels in [0, 1], as every torchvision classification weight expects. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet channel standard deviations (torchvision `transforms.Normalize` in its weights' presets). */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/**
 * What the first convolution of a weight file expects of an RGB pixel `u` in [0, 1]:
 * `imagenet` (u − mean) / std, or `inception` 2u − 1 — torchvision's GoogLeNet and
 * Inception-v3 weights were ported from TensorFlow and turn their mean/std input back into
 * 2u − 1 first (`transform_input=True`, set by their builders whenever weights are loaded).
 */
export type PretrainedInput = 'imagenet' | 'inception';

/** One published weight file and the zoo variant that takes it. */
export interface PretrainedEntry {
  /** The zoo variant id (`resnet18`, `googlenet_tv`). */
  readonly arch: string;
  /** The torchvision builder (`torchvision.models.resnet18`). */
  readonly torchvision: string;
  /** The weights enum member, as torchvision's docs name it. */
  readonly weights: string;
  /** How a run started from it is described: "torchvision ResNet-18 V1". */
  readonly title: string;
  /** `*_Weights.IMAGENET1K_V1.url`. */
  readonly url: string;
  /** The first hex digits of the file's SHA-256, which torchvision puts in the file name. */
  readonly sha256Prefix: string;
  /** ImageNet-1k validation top-1 accuracy (%) torchvision reports for these weights. */
  readonly top1: number;
  /** Whether the network has batch-norm (a run must keep the variant's batch-norm setting). */
  readonly batchNorm: boolean;
  readonly input: PretrainedInput;
}

const BASE = 'https://download.pytorch.org/models/';

function entry(arch: string, torchvision: string, weights: string, title: string, file: string, top1: number, batchNorm: boolean, input: PretrainedInput = 'imagenet'): PretrainedEntry {
  return { arch, torchvision, weights, title: `torchvision ${title} V1`, url: BASE + file, sha256Prefix: sha256PrefixOf(file) ?? '', top1, batchNorm, input };
}

/**
 * Every published IMAGENET1K_V1 file Bloombench reads, by zoo id: URLs, file names and top-1
 * from torchvision 0.14's `torchvision/models/{resnet,vgg,alexnet,googlenet,inception,densenet,squeezenet}.py`.
 */
export const PRETRAINED: readonly PretrainedEntry[] = [
  entry('resnet18', 'resnet18', 'ResNet18_Weights.IMAGENET1K_V1', 'ResNet-18', 'resnet18-f37072fd.pth', 69.758, true),
  entry('resnet34', 'resnet34', 'ResNet34_Weights.IMAGENET1K_V1', 'ResNet-34', 'resnet34-b627a593.pth', 73.314, true),
  entry('resnet50', 'resnet50', 'ResNet50_Weights.IMAGENET1K_V1', 'ResNet-50', 'resnet50-0676ba61.pth', 76.13, true),
  entry('resnet101', 'resnet101', 'ResNet101_Weights.IMAGENET1K_V1', 'ResNet-101', 'resnet101-63fe2227.pth', 77.374, true),
  entry('resnet152', 'resnet152', 'ResNet152_Weights.IMAGENET1K_V1', 'ResNet-152', 'resnet152-394f9c45.pth', 78.312, true),
  entry('vgg11', 'vgg11', 'VGG11_Weights.IMAGENET1K_V1', 'VGG-11', 'vgg11-8a719046.pth', 69.02, false),
  entry('vgg11_bn', 'vgg11_bn', 'VGG11_BN_Weights.IMAGENET1K_V1', 'VGG-11-BN', 'vgg11_bn-6002323d.pth', 70.37, true),
  entry('vgg13', 'vgg13', 'VGG13_Weights.IMAGENET1K_V1', 'VGG-13', 'vgg13-19584684.pth', 69.928, false),
  entry('vgg13_bn', 'vgg13_bn', 'VGG13_BN_Weights.IMAGENET1K_V1', 'VGG-13-BN', 'vgg13_bn-abd245e5.pth', 71.586, true),
  entry('vgg16', 'vgg16', 'VGG16_Weights.IMAGENET1K_V1', 'VGG-16', 'vgg16-397923af.pth', 71.592, false),
  entry('vgg16_bn', 'vgg16_bn', 'VGG16_BN_Weights.IMAGENET1K_V1', 'VGG-16-BN', 'vgg16_bn-6c64b313.pth', 73.36, true),
  entry('vgg19', 'vgg19', 'VGG19_Weights.IMAGENET1K_V1', 'VGG-19', 'vgg19-dcbb9e9d.pth', 72.376, false),
  entry('vgg19_bn', 'vgg19_bn', 'VGG19_BN_Weights.IMAGENET1K_V1', 'VGG-19-BN', 'vgg19_bn-c79401a0.pth', 74.218, true),
  entry('alexnet', 'alexnet', 'AlexNet_Weights.IMAGENET1K_V1', 'AlexNet', 'alexnet-owt-7be5be79.pth', 56.522, false),
  entry('googlenet_tv', 'googlenet', 'GoogLeNet_Weights.IMAGENET1K_V1', 'GoogLeNet', 'googlenet-1378be20.pth', 69.778, true, 'inception'),
  entry('inception_v3', 'inception_v3', 'Inception_V3_Weights.IMAGENET1K_V1', 'Inception-v3', 'inception_v3_google-0cc3c7bd.pth', 77.294, true, 'inception'),
  entry('densenet121', 'densenet121', 'DenseNet121_Weights.IMAGENET1K_V1', 'DenseNet-121', 'densenet121-a639ec97.pth', 74.434, true),
  entry('densenet169', 'densenet169', 'DenseNet169_Weights.IMAGENET1K_V1', 'DenseNet-169', 'densenet169-b2777c0a.pth', 75.6, true),
  entry('squeezenet1_0_tv', 'squeezenet1_0', 'SqueezeNet1_0_Weights.IMAGENET1K_V1', 'SqueezeNet 1.0', 'squeezenet1_0-b66bff10.pth', 58.092, false),
  entry('squeezenet1_1_tv', 'squeezenet1_1', 'SqueezeNet1_1_Weights.IMAGENET1K_V1', 'SqueezeNet 1.1', 'squeezenet1_1-b8a52dc0.pth', 58.178, false),
];

/**
 * Why the other zoo variants have no pretrained weights (and which variant to use instead).
 */
/** Why a zoo variant has no torchvision weights, by its message in the shared catalogue. */
const NO_PRETRAINED_KEY: Readonly<Record<string, 'noPretrained.lenet5' | 'noPretrained.plain' | 'noPretrained.googlenet' | 'noPretrained.squeezenet1_0' | 'noPretrained.squeezenet1_1'>> = {
  lenet5: 'noPretrained.lenet5',
  plain18: 'noPretrained.plain',
  plain34: 'noPretrained.plain',
  googlenet: 'noPretrained.googlenet',
  squeezenet1_0: 'noPretrained.squeezenet1_0',
  squeezenet1_1: 'noPretrained.squeezenet1_1',
};

/** Why a zoo variant has no torchvision weights (English). */
export const NO_PRETRAINED_REASON: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(NO_PRETRAINED_KEY).map(([arch, key]) => [arch, sharedText('en')(key)]));

/** The published weights for a zoo variant, or undefined. */
export function pretrainedFor(arch: string): PretrainedEntry | undefined {
  return PRETRAINED.find((p) => p.arch === arch);
}

/** The file name of an entry's download (`resnet18-f37072fd.pth`). */
export function pretrainedFileName(p: PretrainedEntry): string {
  return p.url.slice(p.url.lastIndexOf('/') + 1);
}

/**
 * The SHA-256 prefix torch.hub reads from a weight file's name: the hex digits after the last
 * dash before the extension (`resnet18-f37072fd.pth` → `f37072fd`), or undefined.
 */
export function sha256PrefixOf(fileName: string): string | undefined {
  // torch.hub's HASH_REGEX, r'-([a-f0-9]*)\.', anchored on the extension.
  const m = /-([a-f0-9]{6,64})\.[^.\-]+$/.exec(fileName);
  return m ? m[1] : undefined;
}

/** Why `arch` cannot start from ImageNet weights, or null when it can. */
export function noPretrainedReason(arch: string, locale: Locale = 'en'): string | null {
  if (pretrainedFor(arch)) return null;
  return sharedText(locale)(NO_PRETRAINED_KEY[arch] ?? 'noPretrained.other');
}

/** Where a run's weights came from, as the run store keeps it. */
export interface RunWeights {
  /** `imagenet`: torchvision's published file (downloaded, or a local copy with its checksum); `file`: another state dict. */
  readonly source: 'imagenet' | 'file';
  /** "torchvision ResNet-18 V1", or the file's name for another state dict. */
  readonly title: string;
  /** The file the worker read. */
  readonly file: string;
  /** Its full SHA-256 (hex). */
  readonly sha256: string;
}

/** "from ImageNet (torchvision ResNet-18 V1)", "from resnet18-mine.pth (sha256 1a2b3c4d…)" or "from scratch". */
export function describeStart(weights: RunWeights | null | undefined, locale: Locale = 'en'): string {
  const t = sharedText(locale);
  if (!weights) return t('phrase.fromScratch');
  if (weights.source === 'imagenet') return t('start.imagenet', { title: weights.title });
  return t('start.file', { title: weights.title, sha: weights.sha256.slice(0, 8) });
}

/** A published weights file and whether it is in the weights folder (`bloombench weights list`). */
export interface PretrainedStatus {
  readonly arch: string;
  readonly title: string;
  readonly url: string;
  /** Its path in the weights folder (there or not). */
  readonly file: string;
  readonly top1: number;
  /** Size on disk, or null when it has not been downloaded. */
  readonly bytes: number | null;
  /** Bytes of an unfinished download that the next `get` resumes, or null. */
  readonly partialBytes: number | null;
}

/**
 * How views name a run's start: its resolved weights (`describeStart`), or — for a run that has
 * not reached training yet — what it asked for ("from ImageNet", "from mine.pth").
 */
export function describeRunStart(run: { readonly weights: RunWeights | null; readonly config: Pick<TrainConfig, 'pretrained'> }, locale: Locale = 'en'): string {
  const p = run.config.pretrained;
  if (run.weights || p === 'none') return describeStart(run.weights, locale);
  const t = sharedText(locale);
  return p === 'imagenet' ? t('start.imagenetAsked') : t('phrase.from', { weights: p.split(/[\\/]/).pop() ?? p });
}

/** How a fine-tuning run trains its pretrained layers, in words ("" from scratch): "backbone frozen for 1 epoch, then backbone lr × 0.1". */
export function describeFineTuning(c: Pick<TrainConfig, 'pretrained' | 'freeze' | 'unfreezeAfter' | 'backboneLrScale'>, locale: Locale = 'en'): string {
  if (c.pretrained === 'none') return '';
  const t = sharedText(locale);
  const freeze = c.freeze === 'backbone' ? (c.unfreezeAfter ? t('tuning.frozenFor', { n: c.unfreezeAfter }) : t('tuning.frozen')) : '';
  const rate = t('tuning.rate', { scale: String(c.backboneLrScale) });
  return c.freeze === 'backbone' && !c.unfreezeAfter ? freeze : [freeze, rate].filter(Boolean).join(' ');
}

/** Values of `TrainConfig.pretrained` other than a file path. */
export const PRETRAINED_CHOICES = ['none', 'imagenet'] as const;

/** A problem with a configuration's fine-tuning settings, by field. */
export interface PretrainedProblem {
  readonly field: keyof TrainConfig;
  readonly message: string;
}

/**
 * What in a configuration cannot go with its `pretrained` setting: an architecture without
 * torchvision weights, and every option the weights fix (width 1, RGB, ReLU, post-activation,
 * the network's own batch-norm); fine-tuning options on a run from scratch.
 */
export function pretrainedProblems(
  c: Pick<TrainConfig, 'arch' | 'pretrained' | 'width' | 'channels' | 'activation' | 'batchNorm' | 'order' | 'freeze' | 'unfreezeAfter' | 'backboneLrScale' | 'epochs'>,
  locale: Locale = 'en',
): PretrainedProblem[] {
  const t = sharedText(locale);
  const out: PretrainedProblem[] = [];
  const got = (v: unknown): string => t('pretrained.got', { value: JSON.stringify(v) });
  if (c.pretrained === 'none') {
    if (c.freeze !== 'none') out.push({ field: 'freeze', message: t('pretrained.freezeNeeds', { got: got(c.freeze) }) });
    if (c.unfreezeAfter !== 0) out.push({ field: 'unfreezeAfter', message: t('pretrained.unfreezeNeeds', { got: got(c.unfreezeAfter) }) });
    if (c.backboneLrScale !== DEFAULT_BACKBONE_LR_SCALE) out.push({ field: 'backboneLrScale', message: t('pretrained.backboneNeeds', { got: got(c.backboneLrScale) }) });
    return out;
  }
  const entry = pretrainedFor(c.arch);
  if (!entry) {
    out.push({ field: 'pretrained', message: t('pretrained.noWeights', { arch: c.arch, reason: noPretrainedReason(c.arch, locale) ?? '' }) });
    return out;
  }
  const fixed = t('pretrained.fixed', { title: entry.title });
  if (c.width !== 1) out.push({ field: 'width', message: t('pretrained.width', { got: got(c.width), fixed }) });
  if (c.channels !== 3) out.push({ field: 'channels', message: t('pretrained.channels', { got: got(c.channels), fixed }) });
  if (c.activation !== 'relu') out.push({ field: 'activation', message: t('pretrained.activation', { got: got(c.activation), fixed }) });
  if (c.batchNorm !== entry.batchNorm) out.push({ field: 'batchNorm', message: t(entry.batchNorm ? 'pretrained.batchNormOn' : 'pretrained.batchNormOff', { arch: c.arch, got: got(c.batchNorm), fixed }) });
  if (c.order !== 'post') out.push({ field: 'order', message: t('pretrained.order', { got: got(c.order), fixed }) });
  if (c.freeze === 'none' && c.unfreezeAfter !== 0) out.push({ field: 'unfreezeAfter', message: t('pretrained.unfreezeNoFreeze', { got: got(c.unfreezeAfter) }) });
  if (c.unfreezeAfter !== 0 && c.unfreezeAfter >= c.epochs) out.push({ field: 'unfreezeAfter', message: t('pretrained.unfreezeLate', { epochs: String(c.epochs), got: got(c.unfreezeAfter) }) });
  return out;
}
