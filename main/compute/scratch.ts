/**
 * Support for composite kernels (kernels made of other kernels) on the wasm and webgpu
 * backends: scratch space, and the replacement of stock kernels that keeps the stock one for
 * the cases it is left with.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

const WASM = 'wasm';

/** The stock kernels that replacements wrap, by backend and name (`wasm/Sum`). */
const stockKernels = new Map<string, KernelConfig>();

/**
 * Replaces the kernel `name` of `backendName` by `kernelFunc`, keeping the stock one and its
 * setup (on wasm it binds the C++ entry point that the fallback needs). Idempotent.
 */
export function replaceKernel(backendName: string, name: string, kernelFunc: KernelFunc): void {
  const current = tf.getKernel(name, backendName);
  if (current?.kernelFunc === kernelFunc) return;
  if (current) {
    stockKernels.set(`${backendName}/${name}`, current);
    tf.unregisterKernel(name, backendName);
  }
  tf.registerKernel({ kernelName: name, backendName, kernelFunc, setupFunc: current?.setupFunc });
}

/** The stock kernel of `backendName` that `replaceKernel` replaced; throws if there was none. */
export function stockKernel(backendName: string, name: string): KernelConfig {
  const config = stockKernels.get(`${backendName}/${name}`);
  if (!config) throw new Error(`${backendName} kernels: ${name} needs the stock ${backendName} kernel for this case`);
  return config;
}

/** Replaces the wasm kernel `name` by `kernelFunc` (`replaceKernel` on wasm). */
export function replaceWasmKernel(name: string, kernelFunc: KernelFunc): void {
  replaceKernel(WASM, name, kernelFunc);
}

/** The stock wasm kernel that `replaceWasmKernel` replaced; throws if there was none. */
export function stockWasmKernel(name: string): KernelConfig {
  return stockKernel(WASM, name);
}

/**
 * Intermediate results of one composite kernel: runs kernels of one backend (wasm unless told)
 * and frees what it made.
 */
export class Scratch {
  private readonly made: TensorInfo[] = [];

  constructor(
    protected readonly backend: KernelBackend,
    private readonly backendName: string = WASM,
  ) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`${this.backendName} kernels: kernel ${kernelName} is not registered for the ${this.backendName} backend`);
    return this.runWith(kernel, inputs, attrs);
  }

  /** Runs a given kernel (e.g. a stock one that a replacement wraps) rather than the registered one. */
  runWith(kernel: KernelConfig, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    const info = Array.isArray(out) ? out[0] : out;
    this.made.push(info);
    return info;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return perm.every((p, i) => p === i) ? x : this.run(tf.Transpose, { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run(tf.Reshape, { x }, { shape });
  }

  /** Takes `[begin, begin + size)` along each axis; a no-op when that is the whole tensor. */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x;
    return this.run(tf.Slice, { x }, { begin, size });
  }

  /** Pads with zeros; negative amounts crop. */
  padOrCrop(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    const begin = paddings.map(([before]) => Math.max(0, -before));
    const size = paddings.map(([before, after], i) => x.shape[i] - Math.max(0, -before) - Math.max(0, -after));
    const cropped = this.slice(x, begin, size);
    const grow: [number, number][] = paddings.map(([before, after]) => [Math.max(0, before), Math.max(0, after)]);
    if (grow.every(([a, b]) => a === 0 && b === 0)) return cropped;
    return this.run(tf.PadV2, { x: cropped }, { paddings: grow, constantValue: 0 });
  }

  /** Frees `info` with the rest (for outputs made outside `run`). */
  add(info: TensorInfo): TensorInfo {
    this.made.push(info);
    return info;
  }

  /** Keeps `info` alive past `dispose` (the kernel's result). */
  keep(info: TensorInfo): TensorInfo {
    const i = this.made.indexOf(info);
    if (i >= 0) this.made.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }
}

/** Runs `body` with a fresh Scratch (or `scratch`), frees what it made and keeps its result. */
export function withScratch<S extends Scratch = Scratch>(backend: unknown, body: (s: S) => TensorInfo, scratch?: S): TensorInfo {
  const s = scratch ?? (new Scratch(backend as KernelBackend) as S);
  try {
    return s.keep(body(s));
  } finally {
    s.dispose();
  }
}
