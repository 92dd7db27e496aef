/**
 * Support for composite wasm kernels (kernels made of other kernels): scratch space, and the
 * replacement of stock wasm kernels that keeps the stock one for the cases it is left with.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

const WASM = 'wasm';

/** The stock wasm kernels that replacements wrap, by name. */
const stockKernels = new Map<string, KernelConfig>();

/**
 * Replaces the wasm kernel `name` by `kernelFunc`, keeping the stock one and its setup (which
 * binds its C++ entry point, needed by the fallback). Idempotent.
 */
export function replaceWasmKernel(name: string, kernelFunc: KernelFunc): void {
  const current = tf.getKernel(name, WASM);
  if (current?.kernelFunc === kernelFunc) return;
  if (current) {
    stockKernels.set(name, current);
    tf.unregisterKernel(name, WASM);
  }
  tf.registerKernel({ kernelName: name, backendName: WASM, kernelFunc, setupFunc: current?.setupFunc });
}

/** The stock wasm kernel that `replaceWasmKernel` replaced; throws if there was none. */
export function stockWasmKernel(name: string): KernelConfig {
  const config = stockKernels.get(name);
  if (!config) throw new Error(`wasm kernels: ${name} needs the stock wasm kernel for this case`);
  return config;
}

/**
 * Intermediate results of one composite kernel: runs wasm kernels and frees what it made.
 */
export class Scratch {
  private readonly made: TensorInfo[] = [];

  constructor(protected readonly backend: KernelBackend) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, WASM);
    if (!kernel) throw new Error(`wasm training kernels: kernel ${kernelName} is not registered for the wasm backend`);
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
