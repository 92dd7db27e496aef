/**
 * The rows `npm run bench` measures: the zoo's reference sizes (width 1 or 0.5), and the
 * networks users train — the app's default (ResNet-18, width 0.25, 64 px) and the course
 * studies' ResNet-34 and ResNet-152 at width 0.25, 80 px.
 */

/** Untimed steps before each measurement (the first steps of a run are up to 1.4× slower). */
export const WARM_UP_STEPS = 2;

/** Row ids the bench knows (the PyTorch script builds the same layouts). */
export const BENCH_MODELS = ['lenet5', 'resnet18', 'vgg11_bn', 'googlenet', 'resnet18_w025', 'resnet34_w025', 'resnet152_w025'] as const;
export type BenchModelId = (typeof BENCH_MODELS)[number];

/** The zoo model, input and width of one bench row. */
export interface BenchModelSpec {
  /** A bench row id, or `arch@size@width` for any zoo setting (`zooSpec`). */
  readonly id: string;
  /** The zoo's model id. */
  readonly arch: string;
  readonly label: string;
  readonly inputSize: number;
  readonly channels: 1 | 3;
  readonly width: number;
  readonly numClasses: number;
}

const SPECS: Readonly<Record<BenchModelId, BenchModelSpec>> = {
  lenet5: { id: 'lenet5', arch: 'lenet5', label: 'LeNet-5 28×28×1', inputSize: 28, channels: 1, width: 1, numClasses: 10 },
  resnet18: { id: 'resnet18', arch: 'resnet18', label: 'ResNet-18 64×64', inputSize: 64, channels: 3, width: 1, numClasses: 5 },
  vgg11_bn: { id: 'vgg11_bn', arch: 'vgg11_bn', label: 'VGG-11-BN 64×64 w0.5', inputSize: 64, channels: 3, width: 0.5, numClasses: 5 },
  googlenet: { id: 'googlenet', arch: 'googlenet', label: 'GoogLeNet 64×64 w0.5', inputSize: 64, channels: 3, width: 0.5, numClasses: 5 },
  resnet18_w025: { id: 'resnet18_w025', arch: 'resnet18', label: 'ResNet-18 64×64 w0.25 (the default)', inputSize: 64, channels: 3, width: 0.25, numClasses: 5 },
  resnet34_w025: { id: 'resnet34_w025', arch: 'resnet34', label: 'ResNet-34 80×80 w0.25', inputSize: 80, channels: 3, width: 0.25, numClasses: 5 },
  resnet152_w025: { id: 'resnet152_w025', arch: 'resnet152', label: 'ResNet-152 80×80 w0.25', inputSize: 80, channels: 3, width: 0.25, numClasses: 5 },
};

/** Any zoo network at `size` px and width `width` (1 channel for LeNet-5, as the zoo's), id `arch@size@width`. */
export function zooSpec(arch: string, size: number, width: number): BenchModelSpec {
  return { id: `${arch}@${size}@${width}`, arch, label: `${arch} ${size}×${size} w${width}`, inputSize: size, channels: arch === 'lenet5' ? 1 : 3, width, numClasses: 5 };
}

/** The spec of a bench row, or of `arch@size@width`; throws on an unknown id. */
export function benchModel(id: string): BenchModelSpec {
  const at = id.split('@');
  if (at.length === 3) return zooSpec(at[0], Number(at[1]), Number(at[2]));
  const spec = (SPECS as Readonly<Record<string, BenchModelSpec | undefined>>)[id];
  if (!spec) throw new Error(`Unknown bench model '${id}'; one of ${BENCH_MODELS.join(', ')}`);
  return spec;
}
