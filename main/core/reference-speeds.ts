/**
 * Training speed of every zoo network on a reference machine, the base of a time estimate for a
 * network this machine has not trained yet (main/core/estimates.ts).
 *
 * Written by `npm run bench:speeds` (bench/speeds.ts): do not edit by hand. Each row is one
 * training step of batch 32 as the app runs it (Adam, threads: auto, data-parallel where the
 * app would split), after warm-up steps, in seconds per training image.
 */

/** One measured setting of one architecture. */
export interface ReferenceSpeed {
  readonly arch: string;
  readonly inputSize: number;
  readonly width: number;
  readonly secondsPerImage: number;
}

/** The machine and backend the rows were measured on. */
export const REFERENCE_MACHINE = { backend: 'wasm', cpuModel: 'AMD EPYC', cpus: 2, threads: 2, when: '2026-12-04' } as const;

export const REFERENCE_SPEEDS: readonly ReferenceSpeed[] = [
  { arch: 'lenet5', inputSize: 64, width: 0.25, secondsPerImage: 0.001250 },
  { arch: 'lenet5', inputSize: 64, width: 0.5, secondsPerImage: 0.002593 },
  { arch: 'alexnet', inputSize: 64, width: 0.25, secondsPerImage: 0.002120 },
  { arch: 'alexnet', inputSize: 64, width: 0.5, secondsPerImage: 0.004611 },
  { arch: 'vgg11', inputSize: 64, width: 0.25, secondsPerImage: 0.005809 },
  { arch: 'vgg11', inputSize: 64, width: 0.5, secondsPerImage: 0.01970 },
  { arch: 'vgg13', inputSize: 64, width: 0.25, secondsPerImage: 0.007604 },
  { arch: 'vgg13', inputSize: 64, width: 0.5, secondsPerImage: 0.02114 },
  { arch: 'vgg16', inputSize: 64, width: 0.25, secondsPerImage: 0.01172 },
  { arch: 'vgg16', inputSize: 64, width: 0.5, secondsPerImage: 0.02564 },
  { arch: 'vgg19', inputSize: 64, width: 0.25, secondsPerImage: 0.01469 },
  { arch: 'vgg19', inputSize: 64, width: 0.5, secondsPerImage: 0.02870 },
  { arch: 'vgg11_bn', inputSize: 64, width: 0.25, secondsPerImage: 0.008077 },
  { arch: 'vgg11_bn', inputSize: 64, width: 0.5, secondsPerImage: 0.01604 },
  { arch: 'vgg13_bn', inputSize: 64, width: 0.25, secondsPerImage: 0.009791 },
  { arch: 'vgg13_bn', inputSize: 64, width: 0.5, secondsPerImage: 0.02098 },
  { arch: 'vgg16_bn', inputSize: 64, width: 0.25, secondsPerImage: 0.01144 },
  { arch: 'vgg16_bn', inputSize: 64, width: 0.5, secondsPerImage: 0.02733 },
  { arch: 'vgg19_bn', inputSize: 64, width: 0.25, secondsPerImage: 0.01709 },
  { arch: 'vgg19_bn', inputSize: 64, width: 0.5, secondsPerImage: 0.03695 },
  { arch: 'googlenet', inputSize: 64, width: 0.25, secondsPerImage: 0.007062 },
  { arch: 'googlenet', inputSize: 64, width: 0.5, secondsPerImage: 0.01315 },
  { arch: 'googlenet_tv', inputSize: 64, width: 0.25, secondsPerImage: 0.006129 },
  { arch: 'googlenet_tv', inputSize: 64, width: 0.5, secondsPerImage: 0.009301 },
  { arch: 'inception_v3', inputSize: 80, width: 0.25, secondsPerImage: 0.01048 },
  { arch: 'inception_v3', inputSize: 80, width: 0.5, secondsPerImage: 0.01863 },
  { arch: 'plain18', inputSize: 64, width: 0.25, secondsPerImage: 0.004749 },
  { arch: 'plain18', inputSize: 64, width: 0.5, secondsPerImage: 0.008375 },
  { arch: 'plain34', inputSize: 64, width: 0.25, secondsPerImage: 0.008907 },
  { arch: 'plain34', inputSize: 64, width: 0.5, secondsPerImage: 0.01273 },
  { arch: 'resnet18', inputSize: 64, width: 0.25, secondsPerImage: 0.005875 },
  { arch: 'resnet18', inputSize: 64, width: 0.5, secondsPerImage: 0.01051 },
  { arch: 'resnet34', inputSize: 64, width: 0.25, secondsPerImage: 0.008446 },
  { arch: 'resnet34', inputSize: 64, width: 0.5, secondsPerImage: 0.01526 },
  { arch: 'resnet50', inputSize: 64, width: 0.25, secondsPerImage: 0.01086 },
  { arch: 'resnet50', inputSize: 64, width: 0.5, secondsPerImage: 0.02081 },
  { arch: 'resnet101', inputSize: 64, width: 0.25, secondsPerImage: 0.02047 },
  { arch: 'resnet101', inputSize: 64, width: 0.5, secondsPerImage: 0.04515 },
  { arch: 'resnet152', inputSize: 64, width: 0.25, secondsPerImage: 0.02732 },
  { arch: 'resnet152', inputSize: 64, width: 0.5, secondsPerImage: 0.05416 },
  { arch: 'densenet121', inputSize: 64, width: 0.25, secondsPerImage: 0.01524 },
  { arch: 'densenet121', inputSize: 64, width: 0.5, secondsPerImage: 0.02362 },
  { arch: 'densenet169', inputSize: 64, width: 0.25, secondsPerImage: 0.01612 },
  { arch: 'densenet169', inputSize: 64, width: 0.5, secondsPerImage: 0.02778 },
  { arch: 'squeezenet1_0', inputSize: 64, width: 0.25, secondsPerImage: 0.002640 },
  { arch: 'squeezenet1_0', inputSize: 64, width: 0.5, secondsPerImage: 0.006733 },
  { arch: 'squeezenet1_1', inputSize: 64, width: 0.25, secondsPerImage: 0.002379 },
  { arch: 'squeezenet1_1', inputSize: 64, width: 0.5, secondsPerImage: 0.003248 },
  { arch: 'squeezenet1_0_tv', inputSize: 64, width: 0.25, secondsPerImage: 0.002869 },
  { arch: 'squeezenet1_0_tv', inputSize: 64, width: 0.5, secondsPerImage: 0.005546 },
  { arch: 'squeezenet1_1_tv', inputSize: 64, width: 0.25, secondsPerImage: 0.002033 },
  { arch: 'squeezenet1_1_tv', inputSize: 64, width: 0.5, secondsPerImage: 0.002763 },
];
