/**
 * Picks and starts the TensorFlow.js compute backend of a training worker.
 *
 * Order of preference: tfjs-node-gpu (CUDA), webgpu on a hardware adapter (webgpu.ts), tfjs-node
 * (native CPU), wasm (XNNPACK, SIMD), cpu (pure JavaScript). The native packages are optional dependencies that may be missing,
 * and only one of them can live in a process (both bind libtensorflow), so at most one is
 * ever required here. tfjs-node-gpu without CUDA 11.2 / cuDNN 8.1 silently computes on the
 * CPU; that is reported as a CPU backend, with the reason, never as a GPU.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import fs from 'node:fs';
import path from 'node:path';
import { BACKENDS, type BackendChoice, type BackendName } from '../../shared/config';
import type { BackendInfo, GpuAdapter } from '../../shared/types';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { describeAdapter, findWebgpuAdapter } from './webgpu';

const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const CPU_PACKAGE = '@tensorflow/tfjs-node';
type NativePackage = typeof GPU_PACKAGE | typeof CPU_PACKAGE;

/** How optional packages are found and loaded; tests substitute a fake. */
export interface ModuleLoader {
  /** True when the package is installed (resolvable), without loading it. */
  isInstalled(id: string): boolean;
  /** Loads the package (`require`); throws what loading throws. */
  load(id: string): unknown;
}

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /** Where optional native packages come from (default: this process's `require`). */
  readonly loader?: ModuleLoader;
}

/** The process's own `require`; the one place that loads modules the type checker cannot see. */
const nodeLoader: ModuleLoader = {
  isInstalled(id) {
    try {
      require.resolve(id);
      return true;
    } catch {
      return false;
    }
  },
  load(id) {
    return require(id) as unknown;
  },
};

/** The native package a loader has loaded, and whether it computes on a GPU. */
interface NativeState {
  readonly pkg: NativePackage;
  readonly gpu: boolean;
  /** True when GPUs were hidden (CUDA_VISIBLE_DEVICES) to use tfjs-node-gpu as a CPU backend. */
  readonly gpusHidden: boolean;
}

/** Per loader: the one native package it loaded, or why each one failed. */
const nativeStates = new WeakMap<ModuleLoader, { loaded: NativeState | null; failed: Map<NativePackage, string> }>();

function stateOf(loader: ModuleLoader) {
  let state = nativeStates.get(loader);
  if (!state) {
    state = { loaded: null, failed: new Map() };
    nativeStates.set(loader, state);
  }
  return state;
}

/** The name tfjs knows a backend by (`tf.getBackend()` after `initBackend`). */
export function tfjsBackendName(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

type Attempt = { readonly ok: true; readonly description: string; readonly adapter?: GpuAdapter } | { readonly ok: false; readonly reason: string };

function short(pkg: NativePackage): string {
  return pkg.replace('@tensorflow/', '');
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** Requires one native package (never a second one) and asks it whether it got a GPU. */
function loadNative(loader: ModuleLoader, pkg: NativePackage, hideGpus: boolean): NativeState | string {
  const state = stateOf(loader);
  if (state.loaded) {
    if (state.loaded.pkg === pkg) return state.loaded;
    return `${short(state.loaded.pkg)} is already loaded in this process and ${short(pkg)} cannot be loaded beside it`;
  }
  const failed = state.failed.get(pkg);
  if (failed) return failed;
  let reason: string | null = null;
  if (!loader.isInstalled(pkg)) {
    reason = `${short(pkg)} not installed (optional dependency failed to install)`;
  } else {
    const saved = process.env.CUDA_VISIBLE_DEVICES;
    if (hideGpus) process.env.CUDA_VISIBLE_DEVICES = '-1';
    try {
      loader.load(pkg);
    } catch (e) {
      reason = `${short(pkg)} is installed but failed to load: ${firstLine(e)}`;
      if (hideGpus) restoreEnv('CUDA_VISIBLE_DEVICES', saved);
    }
    // On success the variable stays set: TensorFlow may enumerate devices lazily, and a
    // worker process trains one run only.
  }
  if (reason !== null) {
    state.failed.set(pkg, reason);
    return reason;
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    // It registered into another copy of @tensorflow/tfjs (a version mismatch in node_modules).
    const why = `${short(pkg)} loaded but did not register a 'tensorflow' backend with this @tensorflow/tfjs ${tf.version.tfjs}`;
    state.failed.set(pkg, why);
    return why;
  }
  // The binding reports whether TensorFlow placed ops on a GPU device; reading it needs the
  // backend instance, which tfjs creates on first use.
  const instance: unknown = tf.findBackend('tensorflow');
  if (instance == null) {
    const why = `${short(pkg)} loaded but its backend failed to start (see the warning above)`;
    state.failed.set(pkg, why);
    return why;
  }
  const gpu = typeof instance === 'object' && instance !== null && (instance as { isUsingGpuDevice?: unknown }).isUsingGpuDevice === true;
  state.loaded = { pkg, gpu: pkg === GPU_PACKAGE && gpu && !hideGpus, gpusHidden: hideGpus };
  return state.loaded;
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const NO_CUDA = 'CUDA not found: tfjs-node-gpu would run on the CPU (it needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1)';

function tryGpu(loader: ModuleLoader): Attempt {
  const native = loadNative(loader, GPU_PACKAGE, false);
  if (typeof native === 'string') return { ok: false, reason: native };
  if (native.gpusHidden) return { ok: false, reason: 'tfjs-node-gpu was loaded with its GPUs hidden to serve as a CPU backend' };
  if (!native.gpu) return { ok: false, reason: NO_CUDA };
  return { ok: true, description: 'tensorflow-gpu (CUDA, tfjs-node-gpu)' };
}

function tryNativeCpu(loader: ModuleLoader): Attempt {
  const state = stateOf(loader);
  if (state.loaded?.pkg === GPU_PACKAGE) {
    if (state.loaded.gpu) return { ok: false, reason: 'tfjs-node-gpu is loaded and computes on the GPU; tfjs-node cannot be loaded beside it' };
    const how = state.loaded.gpusHidden ? 'GPUs hidden' : 'no CUDA';
    return { ok: true, description: `tensorflow (native CPU via tfjs-node-gpu, ${how})` };
  }
  const native = loadNative(loader, CPU_PACKAGE, false);
  if (typeof native !== 'string') return { ok: true, description: 'tensorflow (native CPU, tfjs-node)' };
  // tfjs-node missing but tfjs-node-gpu present: the same libtensorflow runs on the CPU when
  // it is shown no GPU.
  if (state.loaded === null && loader.isInstalled(GPU_PACKAGE)) {
    const viaGpuPackage = loadNative(loader, GPU_PACKAGE, true);
    if (typeof viaGpuPackage !== 'string') return { ok: true, description: 'tensorflow (native CPU via tfjs-node-gpu, GPUs hidden)' };
  }
  return { ok: false, reason: native };
}

/** Points the wasm backend at its .wasm files in node_modules (not relative to a bundle). */
function locateWasmBinaries(): string | null {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm not found: ${firstLine(e)}`;
  }
  const missing = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) return `wasm binaries missing in ${dir}: ${missing.join(', ')}`;
  try {
    setWasmPaths(dir + path.sep);
  } catch {
    // Already initialised (or failed before) in this process; the paths no longer matter.
  }
  return null;
}

/** webgpu on the adapter Dawn offers; a software adapter only when webgpu was forced. */
async function tryWebgpu(loader: ModuleLoader, forced: boolean): Promise<Attempt> {
  const found = await findWebgpuAdapter(loader);
  if (typeof found === 'string') return { ok: false, reason: found };
  const { adapter } = found;
  if (adapter.software && !forced) {
    return { ok: false, reason: `only a software adapter (${describeAdapter(adapter)}): a test device, used only with --backend webgpu` };
  }
  try {
    found.register();
  } catch (e) {
    return { ok: false, reason: `tfjs-backend-webgpu failed to load: ${firstLine(e)}` };
  }
  return { ok: true, description: `webgpu (${describeAdapter(adapter)})`, adapter };
}

function tryWasm(): Attempt {
  const problem = locateWasmBinaries();
  if (problem) return { ok: false, reason: problem };
  registerWasmTrainingKernels();
  return { ok: true, description: '' }; // described after it started (SIMD and threads are known then)
}

async function describeWasm(): Promise<string> {
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    // Not initialised: cannot happen after a successful setBackend; keep the honest default.
  }
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

async function attempt(name: BackendName, loader: ModuleLoader, forced: boolean): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryGpu(loader);
    case 'webgpu':
      return tryWebgpu(loader, forced);
    case 'tensorflow':
      return tryNativeCpu(loader);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return { ok: true, description: 'cpu (pure JavaScript)' };
  }
}

/** Makes `name` the active tfjs backend and checks that it computes; null when it works. */
async function activate(name: BackendName): Promise<string | null> {
  const tfName = tfjsBackendName(name);
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfName);
  } catch (e) {
    return `the ${tfName} backend failed to start: ${firstLine(e)}`;
  }
  if (!ok || tf.getBackend() !== tfName) return `the ${tfName} backend failed to start`;
  try {
    // A convolution too: on a GPU it needs cuDNN, which the device check does not cover. Read
    // asynchronously: webgpu in Node has no synchronous read.
    const t = tf.tidy(() => tf.conv2d(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), tf.tensor4d([1, 1, 1, 1], [2, 2, 1, 1]), 1, 'valid'));
    const y = await t.data().finally(() => t.dispose());
    if (y[0] !== 10) return `the ${tfName} backend computed a 2×2 convolution as ${y[0]} instead of 10`;
  } catch (e) {
    return `the ${tfName} backend failed a smoke test: ${firstLine(e)}`;
  }
  return null;
}

/**
 * Starts the best available backend, or the forced one, and says why better ones were not used.
 *
 * `auto` walks tensorflow-gpu → webgpu (a hardware adapter only) → tensorflow → wasm → cpu and
 * takes the first that loads and computes. A named backend is forced: it is the only one tried
 * (webgpu then takes a software adapter too), and the promise rejects with a message that says
 * why it cannot be used. Afterwards `tf.getBackend()` equals
 * `tfjsBackendName(info.name)`.
 */
export async function initBackend(choice: BackendChoice, options: InitBackendOptions = {}): Promise<BackendInfo> {
  const loader = options.loader ?? nodeLoader;
  const forced = choice !== 'auto';
  const unavailable: { name: BackendName; reason: string }[] = [];
  const candidates = forced ? [choice] : BACKENDS;
  if (forced) {
    for (const better of BACKENDS.slice(0, BACKENDS.indexOf(choice))) {
      unavailable.push({ name: better, reason: `not tried: backend '${choice}' was forced` });
    }
  }
  for (const name of candidates) {
    const tried = await attempt(name, loader, forced);
    const reason = tried.ok ? await activate(name) : tried.reason;
    if (reason === null && tried.ok) {
      const description = name === 'wasm' ? await describeWasm() : tried.description;
      return { name, description, unavailable, forced, ...(tried.adapter ? { adapter: tried.adapter } : {}) };
    }
    const why = reason ?? 'unavailable';
    if (forced) throw new Error(`Backend '${name}' was requested but cannot be used: ${why}. Choose another backend (${BACKENDS.filter((b) => b !== name).join(', ')}) or auto.`);
    unavailable.push({ name, reason: why });
  }
  // Unreachable in practice: the pure-JavaScript cpu backend always loads.
  throw new Error(`No TensorFlow.js backend could be started: ${unavailable.map((u) => `${u.name}: ${u.reason}`).join('; ')}`);
}
