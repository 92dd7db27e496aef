/**
 * The models `npm run bench` measures, with the sizes the issue names.
 */

/** Untimed steps before each measurement (the first steps of a run are up to 1.4× slower). */
export const WARM_UP_STEPS = 2;

/** Model ids the bench knows (the PyTorch script builds the same four). */
export const BENCH_MODELS = ['lenet5', 'resnet18', 'vgg11_bn', 'googlenet'] as const;
export type BenchModelId = (typeof BENCH_MODELS)[number];

/** Input and width of one bench model. */
export interface BenchModelSpec {
  readonly id: BenchModelId;
  readonly label: string;
  readonly inputSize: number;
  readonly channels: 1 | 3;
  readonly width: number;
  readonly numClasses: number;
}

const SPECS: Readonly<Record<BenchModelId, BenchModelSpec>> = {
  lenet5: { id: 'lenet5', label: 'LeNet-5 28×28×1', inputSize: 28, channels: 1, width: 1, numClasses: 10 },
  resnet18: { id: 'resnet18', label: 'ResNet-18 64×64', inputSize: 64, channels: 3, width: 1, numClasses: 5 },
  vgg11_bn: { id: 'vgg11_bn', label: 'VGG-11-BN 64×64 w0.5', inputSize: 64, channels: 3, width: 0.5, numClasses: 5 },
  googlenet: { id: 'googlenet', label: 'GoogLeNet 64×64 w0.5', inputSize: 64, channels: 3, width: 0.5, numClasses: 5 },
};

/** The spec of a bench model; throws on an unknown id. */
export function benchModel(id: string): BenchModelSpec {
  const spec = (SPECS as Readonly<Record<string, BenchModelSpec | undefined>>)[id];
  if (!spec) throw new Error(`Unknown bench model '${id}'; one of ${BENCH_MODELS.join(', ')}`);
  return spec;
}
