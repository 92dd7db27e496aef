/**
 * The WebAssembly SIMD passes of fused-simd.wat.ts, linked to a tfjs wasm backend's memory.
 *
 * The stock wasm backend runs one C++ kernel per element-wise op; these passes do a whole
 * composite (an Adam step, a channel reduction, a batch-norm forward) in one sweep over the same
 * heap, reading and writing tensors in place of a copy. They take byte offsets into that heap.
 */
// The wasm backend's module must be loaded before its memory is looked up.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs';
import { SIMD_WASM } from './fused-simd.wat';

/** The module's exports; every pointer is a byte offset into the wasm backend's heap. */
export interface SimdPasses {
  /** One Adam step over n float32s (see FusedAdamOptimizer): x, m, v, g in, x′, m′, v′ out, then β1, 1 − β1, β2, 1 − β2, c1, c2, ε, −lr. */
  adam(x: number, m: number, v: number, g: number, xo: number, mo: number, vo: number, n: number, ...scalars: number[]): void;
  /** out[k] = Σ_{r < rows} x[r·cols + k], accumulated in float32. */
  columnSums(x: number, out: number, rows: number, cols: number): void;
  /** out[r·c + k] = (x[r·c + k] − mean[k])·a[k] + b[k]. */
  batchNorm(x: number, out: number, rows: number, c: number, mean: number, a: number, b: number): void;
  /** out[r·c + k] = x[r·c + k] + v[k] for r < rows (channels-last x, a per-channel v). */
  channelAdd(x: number, v: number, out: number, rows: number, c: number): void;
  /** out[r·c + k] = x[r·c + k] − v[k]. */
  channelSub(x: number, v: number, out: number, rows: number, c: number): void;
  /** out[r·c + k] = v[k] − x[r·c + k]. */
  channelSubFrom(x: number, v: number, out: number, rows: number, c: number): void;
  /** out[r·c + k] = x[r·c + k] · v[k]. */
  channelMul(x: number, v: number, out: number, rows: number, c: number): void;
  /** One momentum step over n float32s: acc′ = m·acc + g, x′ = c·acc′ + x (c = −lr). */
  momentum(x: number, acc: number, g: number, xo: number, acco: number, n: number, m: number, c: number): void;
  /** The same with Nesterov's look-ahead: x′ = c·(g + acc′·m) + x. */
  nesterov(x: number, acc: number, g: number, xo: number, acco: number, n: number, m: number, c: number): void;
  /**
   * Max-pool gradient of one output position: dy[k] to the first of the n taps (byte offsets
   * into x and dx, an int32 array at `taps`) whose x equals the forward maximum y[k].
   */
  maxPoolGradWindow(x: number, dx: number, y: number, dy: number, taps: number, n: number, c: number): void;
}

const linked = new WeakMap<BackendWasm, SimdPasses | null>();

/** False while tests or benchmarks measure the paths without SIMD. */
let enabled = true;

/** Turns the SIMD passes off (tests and benchmarks of the fallbacks) or back on. */
export function setSimdPassesEnabled(on: boolean): void {
  enabled = on;
}

/** The part of the WebAssembly global used here (the project's `lib` has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * The passes linked to this wasm backend's memory, or null where they cannot link: a threaded
 * build's shared memory, or an engine without WebAssembly SIMD.
 */
export function simdPasses(backend: BackendWasm): SimdPasses | null {
  if (!enabled) return null;
  if (linked.has(backend)) return linked.get(backend) ?? null;
  const passes = linkToHeap<SimdPasses>(backend, SIMD_WASM);
  linked.set(backend, passes);
  return passes;
}

/**
 * Instantiates a WebAssembly module (base64) that imports the wasm backend's memory as
 * `env.memory`, or null where it cannot link: a threaded build's shared memory, or an engine
 * without WebAssembly SIMD.
 */
export function linkToHeap<T>(backend: BackendWasm, base64: string): T | null {
  try {
    // Emscripten keeps the module's exports, the memory among them, on `asm`.
    const memory = (backend.wasm as unknown as { asm?: { memory?: object } }).asm?.memory;
    if (!memory) return null;
    return new wasmApi.Instance(new wasmApi.Module(Buffer.from(base64, 'base64')), { env: { memory } }).exports as T;
  } catch {
    return null;
  }
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  const offset = backend.dataIdMap.get(info.dataId)?.memoryOffset;
  if (offset == null) throw new Error('fused SIMD: tensor has no data on the wasm heap');
  return offset;
}
