/**
 * How torchvision's state-dict names map to the zoo's layers, and how each tensor changes
 * layout on the way: convolution kernels OIHW → HWIO, dense weights transposed, batch-norm
 * weight / bias / running_mean / running_var → gamma / beta / moving mean / moving variance
 * (`num_batches_tracked` is dropped), and the first dense layer of VGG and AlexNet folded with
 * torchvision's adaptive average pooling so that it fits any input size.
 */
import type * as tf from '@tensorflow/tfjs';
import { type LayerRecord, pair } from '../builder';
import type { StateDict } from './state-dict';

/** A layer as the mapping sees it: its name, class, and the shapes of its weights in order. */
export interface LayerWeights {
  readonly name: string;
  readonly className: string;
  readonly weights: readonly { readonly kind: string; readonly shape: readonly number[] }[];
  /** For a dense layer: side and channels of the last feature map before it (through flatten and dropout). */
  readonly featureMap?: readonly [number, number];
}

/** The layers of a built model, for `planMapping`. */
export function layersOfModel(model: tf.LayersModel): LayerWeights[] {
  return model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    weights: layer.weights.map((w) => ({ kind: w.originalName.slice(w.originalName.lastIndexOf('/') + 1), shape: w.shape as number[] })),
    featureMap: layer.getClassName() === 'Dense' ? featureMapBefore(layer) : undefined,
  }));
}

/**
 * The layers of a dry run (`variantRecords`), their weight shapes worked out from the layer
 * configs: the whole mapping of a 140-million-parameter net checked without allocating it.
 */
export function layersOfDryRun(records: readonly LayerRecord[]): LayerWeights[] {
  let lastMap: [number, number] | undefined;
  return records.map((r) => {
    const cfg = r.layer.getConfig();
    const cls = r.layer.getClassName();
    const inShape = r.inputShapes[0];
    const last = (inShape?.[inShape.length - 1] ?? 0) as number;
    if (inShape?.length === 4) lastMap = [inShape[1] as number, inShape[3] as number];
    const weights: { kind: string; shape: number[] }[] = [];
    if (cls === 'Conv2D') {
      const [kh, kw] = pair(cfg.kernelSize);
      weights.push({ kind: 'kernel', shape: [kh, kw, last, Number(cfg.filters)] });
      if (cfg.useBias) weights.push({ kind: 'bias', shape: [Number(cfg.filters)] });
    } else if (cls === 'Dense') {
      weights.push({ kind: 'kernel', shape: [last, Number(cfg.units)] });
      if (cfg.useBias) weights.push({ kind: 'bias', shape: [Number(cfg.units)] });
    } else if (cls === 'BatchNormalization') {
      if (cfg.scale !== false) weights.push({ kind: 'gamma', shape: [last] });
      if (cfg.center !== false) weights.push({ kind: 'beta', shape: [last] });
      weights.push({ kind: 'moving_mean', shape: [last] }, { kind: 'moving_variance', shape: [last] });
    }
    return { name: r.layer.name, className: cls, weights, featureMap: cls === 'Dense' ? lastMap : undefined };
  });
}

/** What a layer of ours is in torchvision: a module path (`layer1.0.conv1`) and how to read it. */
interface TorchModule {
  readonly prefix: string;
  /** VGG's and AlexNet's first dense layer: torchvision pools to `pooled`×`pooled` first. */
  readonly pooled?: number;
}

/** Our layer name → its torchvision module, or null when torchvision has none. */
type NameMap = (layer: string) => TorchModule | null;

/** One tensor of the file and the weight of ours it becomes. */
export interface TensorMapping {
  /** The state-dict key (`layer1.0.conv1.weight`). */
  readonly torch: string;
  /** The shape the file must hold; `-1` where any size is fine (the class count of a head that is not loaded). */
  readonly torchShape: readonly number[];
  readonly layer: string;
  /** Index into the layer's `weights`. */
  readonly weightIndex: number;
  readonly transform: 'conv' | 'dense' | 'vector' | { readonly pooledDense: { readonly channels: number; readonly pooled: number; readonly side: number } };
  /** Part of the classifier that fine-tuning replaces. */
  readonly head: boolean;
}

/** A variant's full mapping at some build options. */
export interface MappingPlan {
  readonly arch: string;
  readonly tensors: readonly TensorMapping[];
  /** File tensors that are known and deliberately not read (`num_batches_tracked`, auxiliary heads). */
  readonly ignored: (torch: string) => boolean;
}

const HEADS = new Set(['logits', 'classifier_conv']);

function resnetNames(n: string): TorchModule | null {
  if (n === 'conv1_conv') return { prefix: 'conv1' };
  if (n === 'conv1_bn') return { prefix: 'bn1' };
  if (n === 'logits') return { prefix: 'fc' };
  const m = /^conv(\d)_block(\d+)_(\d)_(conv|bn)$/.exec(n);
  if (!m) return null;
  const base = `layer${Number(m[1]) - 1}.${Number(m[2]) - 1}`;
  if (m[3] === '0') return { prefix: `${base}.downsample.${m[4] === 'conv' ? 0 : 1}` };
  return { prefix: `${base}.${m[4]}${m[3]}` };
}

/** VGG's `features` is one nn.Sequential: conv[, bn], ReLU per convolution, a max-pool per block. */
function vggNames(layers: readonly LayerWeights[]): NameMap {
  const map = new Map<string, TorchModule>();
  const names = new Set(layers.map((l) => l.name));
  const has = (name: string): boolean => names.has(name);
  let i = 0;
  for (let b = 1; b <= 5; b++) {
    for (let j = 1; has(`block${b}_conv${j}_conv`); j++) {
      map.set(`block${b}_conv${j}_conv`, { prefix: `features.${i++}` });
      if (has(`block${b}_conv${j}_bn`)) map.set(`block${b}_conv${j}_bn`, { prefix: `features.${i++}` });
      i++; // ReLU
    }
    i++; // MaxPool2d
  }
  // classifier: Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear.
  map.set('fc1', { prefix: 'classifier.0', pooled: 7 });
  map.set('fc2', { prefix: 'classifier.3' });
  map.set('logits', { prefix: 'classifier.6' });
  return (n) => map.get(n) ?? null;
}

/** AlexNet: features Conv, ReLU, Pool, Conv, ReLU, Pool, Conv, ReLU, Conv, ReLU, Conv, ReLU, Pool; classifier Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear. */
const ALEXNET: ReadonlyMap<string, TorchModule> = new Map([
  ['conv1_conv', { prefix: 'features.0' }],
  ['conv2_conv', { prefix: 'features.3' }],
  ['conv3_conv', { prefix: 'features.6' }],
  ['conv4_conv', { prefix: 'features.8' }],
  ['conv5_conv', { prefix: 'features.10' }],
  ['fc6', { prefix: 'classifier.1', pooled: 6 }],
  ['fc7', { prefix: 'classifier.4' }],
  ['logits', { prefix: 'classifier.6' }],
]);

/** GoogLeNet: BasicConv2d modules (`.conv`, `.bn`); inception branches 1, 2.0/2.1, 3.0/3.1, 4.1 (4.0 is the pool). */
function googlenetNames(n: string): TorchModule | null {
  if (n === 'logits') return { prefix: 'fc' };
  const stem = /^(conv[123])_(conv|bn)$/.exec(n);
  if (stem) return { prefix: `${stem[1]}.${stem[2]}` };
  const m = /^(inception\d[a-e])_(1x1|3x3_reduce|3x3|5x5_reduce|5x5|pool_proj)_(conv|bn)$/.exec(n);
  if (!m) return null;
  const branch = { '1x1': 'branch1', '3x3_reduce': 'branch2.0', '3x3': 'branch2.1', '5x5_reduce': 'branch3.0', '5x5': 'branch3.1', pool_proj: 'branch4.1' }[m[2]];
  return { prefix: `${m[1]}.${branch}.${m[3]}` };
}

const INCEPTION_STEM: Readonly<Record<string, string>> = { conv1: 'Conv2d_1a_3x3', conv2: 'Conv2d_2a_3x3', conv3: 'Conv2d_2b_3x3', conv4: 'Conv2d_3b_1x1', conv5: 'Conv2d_4a_3x3' };
const INCEPTION_MIXED = ['Mixed_5b', 'Mixed_5c', 'Mixed_5d', 'Mixed_6a', 'Mixed_6b', 'Mixed_6c', 'Mixed_6d', 'Mixed_6e', 'Mixed_7a', 'Mixed_7b', 'Mixed_7c'];

/** Inception-v3: `mixed4_7x7dbl_2_conv` is `Mixed_6b.branch7x7dbl_2.conv`; the pool projection is `branch_pool`. */
function inceptionV3Names(n: string): TorchModule | null {
  if (n === 'logits') return { prefix: 'fc' };
  const stem = /^(conv[1-5])_(conv|bn)$/.exec(n);
  if (stem) return { prefix: `${INCEPTION_STEM[stem[1]]}.${stem[2]}` };
  const m = /^mixed(\d+)_(\w+?)_(conv|bn)$/.exec(n);
  if (!m || !INCEPTION_MIXED[Number(m[1])]) return null;
  return { prefix: `${INCEPTION_MIXED[Number(m[1])]}.branch${m[2] === 'pool_proj' ? '_pool' : m[2]}.${m[3]}` };
}

/** DenseNet: `features.denseblockB.denselayerL.{norm1,conv1,norm2,conv2}`, `features.transitionT.{norm,conv}`. */
function densenetNames(n: string): TorchModule | null {
  const fixed: Record<string, string> = { conv1_conv: 'features.conv0', conv1_bn: 'features.norm0', post_bn: 'features.norm5', logits: 'classifier' };
  if (fixed[n]) return { prefix: fixed[n] };
  const layer = /^conv(\d)_block(\d+)_(0_bn|1_conv|1_bn|2_conv)$/.exec(n);
  if (layer) {
    const part = { '0_bn': 'norm1', '1_conv': 'conv1', '1_bn': 'norm2', '2_conv': 'conv2' }[layer[3]];
    return { prefix: `features.denseblock${Number(layer[1]) - 1}.denselayer${layer[2]}.${part}` };
  }
  const tr = /^pool(\d)_(bn|conv)$/.exec(n);
  if (tr) return { prefix: `features.transition${Number(tr[1]) - 1}.${tr[2] === 'bn' ? 'norm' : 'conv'}` };
  return null;
}

/** SqueezeNet: `features` holds conv, ReLU, then pools and Fire modules in the body's order; `classifier` Dropout, Conv, ReLU, pool. */
function squeezenetNames(layers: readonly LayerWeights[]): NameMap {
  const map = new Map<string, TorchModule>([
    ['conv1_conv', { prefix: 'features.0' }],
    ['classifier_conv', { prefix: 'classifier.1' }],
  ]);
  // After features.0 (conv) and features.1 (ReLU), each pool and fire module is one entry.
  const steps = layers.filter((l) => /^pool\d+$/.test(l.name) || /^fire\d+_concat$/.test(l.name));
  steps.forEach((l, k) => {
    const fire = /^(fire\d+)_concat$/.exec(l.name);
    if (!fire) return;
    const parts = { squeeze1x1: 'squeeze', expand1x1: 'expand1x1', expand3x3: 'expand3x3' };
    for (const [ours, theirs] of Object.entries(parts)) map.set(`${fire[1]}_${ours}_conv`, { prefix: `features.${k + 2}.${theirs}` });
  });
  return (n) => map.get(n) ?? null;
}

/** The name map of each variant that takes torchvision weights. */
function namesFor(arch: string, layers: readonly LayerWeights[]): NameMap {
  if (/^resnet\d+$/.test(arch)) return resnetNames;
  if (/^vgg\d+(_bn)?$/.test(arch)) return vggNames(layers);
  if (arch === 'alexnet') return (n) => ALEXNET.get(n) ?? null;
  if (arch === 'googlenet_tv') return googlenetNames;
  if (arch === 'inception_v3') return inceptionV3Names;
  if (/^densenet\d+$/.test(arch)) return densenetNames;
  if (/^squeezenet1_[01]_tv$/.test(arch)) return squeezenetNames(layers);
  throw new Error(`${arch} has no torchvision weight mapping`);
}

/** Tensors torchvision files hold that no layer of ours takes. */
function ignoredFor(arch: string): (torch: string) => boolean {
  const aux = arch === 'googlenet_tv' ? /^aux[12]\./ : arch === 'inception_v3' ? /^AuxLogits\./ : null;
  return (t) => t.endsWith('.num_batches_tracked') || (aux !== null && aux.test(t));
}

/**
 * Old DenseNet files (the published densenet121-a639ec97.pth among them) name their layers
 * `norm.1`, `conv.2`; torchvision renames them when loading (`_load_state_dict`), as this does.
 */
export function torchvisionKey(arch: string, key: string): string {
  if (!/^densenet/.test(arch)) return key;
  return key.replace(/^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$/, '$1$2');
}

/**
 * The mapping of every weight of a build of `arch` (its `layers`) from torchvision's state
 * dict. `headFree`: the classifier's class count may differ from the model's (a backbone for
 * fine-tuning); otherwise it must match (the whole ImageNet model).
 */
export function planMapping(arch: string, layers: readonly LayerWeights[], headFree: boolean): MappingPlan {
  const names = namesFor(arch, layers);
  const tensors: TensorMapping[] = [];
  for (const layer of layers) {
    if (!layer.weights.length || layer.name === 'input_normalization') continue;
    const mod = names(layer.name);
    if (!mod) throw new Error(`${arch}: layer ${layer.name} has no counterpart in torchvision's ${arch} (are the build options torchvision's?)`);
    const head = HEADS.has(layer.name);
    const cls = layer.className;
    layer.weights.forEach(({ kind, shape }, weightIndex) => {
      const add = (suffix: string, torchShape: readonly number[], transform: TensorMapping['transform']): void => {
        if (head && headFree) torchShape = [-1, ...torchShape.slice(1)];
        tensors.push({ torch: `${mod.prefix}.${suffix}`, torchShape, layer: layer.name, weightIndex, transform, head });
      };
      if (cls === 'Conv2D' && kind === 'kernel') add('weight', [shape[3], shape[2], shape[0], shape[1]], 'conv');
      else if ((cls === 'Conv2D' || cls === 'Dense') && kind === 'bias') add('bias', shape, 'vector');
      else if (cls === 'Dense' && kind === 'kernel') {
        if (mod.pooled) {
          if (!layer.featureMap) throw new Error(`${arch}: no feature map before layer ${layer.name}`);
          const [side, channels] = layer.featureMap;
          add('weight', [shape[1], channels * mod.pooled * mod.pooled], { pooledDense: { channels, pooled: mod.pooled, side } });
        } else add('weight', [shape[1], shape[0]], 'dense');
      } else if (cls === 'BatchNormalization') {
        const suffix = { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' }[kind];
        if (!suffix) throw new Error(`${arch}: unexpected batch-norm weight ${layer.name}/${kind}`);
        add(suffix, shape, 'vector');
      } else throw new Error(`${arch}: no torchvision layout for weight ${layer.name}/${kind} of a ${cls} layer`);
    });
  }
  return { arch, tensors, ignored: ignoredFor(arch) };
}

/** Side and channels of the last feature map before a dense layer (back through flatten and dropout). */
function featureMapBefore(layer: tf.layers.Layer): [number, number] | undefined {
  let t = layer.inboundNodes[0].inputTensors[0];
  while (t.shape.length !== 4) {
    const inbound = t.sourceLayer.inboundNodes[0];
    if (!inbound || !inbound.inputTensors.length) return undefined;
    t = inbound.inputTensors[0];
  }
  return [t.shape[1] as number, t.shape[3] as number];
}

const shapeText = (s: readonly number[]): string => `[${s.map((d) => (d < 0 ? '*' : d)).join(', ')}]`;

/**
 * Checks that a file's tensors are exactly what `plan` reads: the first tensor, in the file's
 * order, that is not a weight of the variant or has the wrong shape is an Error naming it; then
 * the first weight the file lacks.
 */
export function checkStateDict(plan: MappingPlan, dict: Pick<StateDict, 'file' | 'tensors'>, what: string): void {
  const byTorch = new Map(plan.tensors.map((t) => [t.torch, t]));
  const file = dict.file.slice(Math.max(dict.file.lastIndexOf('/'), dict.file.lastIndexOf('\\')) + 1);
  const counted = [...dict.tensors.keys()].filter((k) => !plan.ignored(torchvisionKey(plan.arch, k))).length;
  const seen = new Set<string>();
  for (const [rawKey, t] of dict.tensors) {
    const key = torchvisionKey(plan.arch, rawKey);
    if (plan.ignored(key)) continue;
    const m = byTorch.get(key);
    if (!m) {
      throw new Error(
        `${file} does not fit ${what}: it holds tensor ${rawKey} ${shapeText(t.shape)}, which ${plan.arch} has no place for (${plan.arch} takes ${plan.tensors.length} tensors, the file has ${counted}): it is probably the weights of another architecture.`,
      );
    }
    const ok = t.shape.length === m.torchShape.length && t.shape.every((d, i) => m.torchShape[i] < 0 || d === m.torchShape[i]);
    if (!ok) throw new Error(`${file} does not fit ${what}: tensor ${rawKey} has shape ${shapeText(t.shape)}, ${plan.arch} needs ${shapeText(m.torchShape)} there (its layer ${m.layer}).`);
    if (m.head && m.torchShape[0] < 0) {
      const peer = plan.tensors.find((p) => p.head && p !== m && dict.tensors.has(p.torch));
      if (peer && dict.tensors.get(peer.torch)!.shape[0] !== t.shape[0]) throw new Error(`${file}: the classifier tensors ${peer.torch} and ${rawKey} disagree on the number of classes.`);
    }
    seen.add(key);
  }
  const missing = plan.tensors.find((m) => !seen.has(m.torch));
  if (missing) throw new Error(`${file} does not fit ${what}: it lacks tensor ${missing.torch} ${shapeText(missing.torchShape)} (for layer ${missing.layer}); it is probably the weights of another architecture.`);
}

/** A torch tensor's values in our layout for `m`. */
export function toOurLayout(m: TensorMapping, src: Float32Array, torchShape: readonly number[]): Float32Array {
  if (m.transform === 'vector') return src;
  if (m.transform === 'conv') {
    // OIHW → HWIO.
    const [O, I, H, W] = torchShape;
    const out = new Float32Array(src.length);
    for (let o = 0; o < O; o++)
      for (let i = 0; i < I; i++)
        for (let h = 0; h < H; h++) {
          const s0 = ((o * I + i) * H + h) * W;
          for (let w = 0; w < W; w++) out[((h * W + w) * I + i) * O + o] = src[s0 + w];
        }
    return out;
  }
  if (m.transform === 'dense') return transpose(src, torchShape[0], torchShape[1]);
  return foldAdaptivePool(src, torchShape[0], m.transform.pooledDense);
}

/** A row-major [rows, cols] matrix transposed, in cache-sized tiles. */
function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  const T = 64;
  for (let r0 = 0; r0 < rows; r0 += T)
    for (let c0 = 0; c0 < cols; c0 += T) {
      const r1 = Math.min(rows, r0 + T);
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c];
    }
  return out;
}

/** PyTorch's adaptive average pooling bins from `side` to `pooled`: bin i averages [⌊i·side/pooled⌋, ⌈(i+1)·side/pooled⌉). */
function adaptiveBins(side: number, pooled: number): { start: number; end: number }[] {
  return Array.from({ length: pooled }, (_, i) => ({ start: Math.floor((i * side) / pooled), end: Math.ceil(((i + 1) * side) / pooled) }));
}

/**
 * torchvision's `AdaptiveAvgPool2d((p, p))` → `flatten` (NCHW order) → `Linear` as one dense
 * kernel on our NHWC `side`×`side`×C flatten: both are linear, so the pool folds into the
 * weights exactly. At 224 (`side` = `pooled`) this is only the NCHW → NHWC reordering.
 */
function foldAdaptivePool(src: Float32Array, units: number, g: { channels: number; pooled: number; side: number }): Float32Array {
  const { channels: C, pooled: P, side: S } = g;
  const bins = adaptiveBins(S, P);
  const inputs = C * P * P;
  // src is [units, C·P·P]; read it as rows of `units` values per torch input, then add each
  // row into the NHWC input rows it pools over, weighted by 1 / (bin area).
  const rows = transpose(src, units, inputs);
  const out = new Float32Array(S * S * C * units);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < P; i++)
      for (let j = 0; j < P; j++) {
        const { start: h0, end: h1 } = bins[i];
        const { start: w0, end: w1 } = bins[j];
        const weight = 1 / ((h1 - h0) * (w1 - w0));
        const from = ((c * P + i) * P + j) * units;
        for (let h = h0; h < h1; h++)
          for (let w = w0; w < w1; w++) {
            const to = ((h * S + w) * C + c) * units;
            for (let u = 0; u < units; u++) out[to + u] += rows[from + u] * weight;
          }
      }
  return out;
}
