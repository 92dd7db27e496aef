/**
 * The webgpu backend in Node: tfjs-backend-webgpu on Dawn (the `webgpu` npm package), which
 * reaches the GPU through Metal, Direct3D 12 or Vulkan with no CUDA install.
 *
 * The `webgpu` package ships Dawn's addon for win32-x64/arm64, linux-x64/arm64 and macOS
 * (universal); elsewhere, or when it failed to install, the backend is unavailable with that
 * reason. The adapter is asked for once per process; a software adapter (SwiftShader, llvmpipe,
 * WARP, an adapter that calls itself a fallback or a CPU) is reported as such so that `auto`
 * passes it over. Tensors on this backend must be read with `await t.data()`: Node has no
 * synchronous GPU read (tfjs's `readSync` needs an OffscreenCanvas), and a `dataSync()` fails
 * with a message that says so.
 */
import * as tf from '@tensorflow/tfjs';
import type { GpuAdapter } from '../../shared/types';
import { registerWebgpuKernels } from './webgpu-kernels';

/** The npm package that holds Dawn's Node addon. */
export const DAWN_PACKAGE = 'webgpu';

/** What this module needs of a module loader (backend.ts's `ModuleLoader`). */
export interface PackageLoader {
  isInstalled(id: string): boolean;
  load(id: string): unknown;
}

// The few WebGPU shapes used here (the full types are @webgpu/types; tfjs-backend-webgpu uses them).
interface DawnAdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}
interface DawnAdapter {
  readonly info: DawnAdapterInfo;
  readonly features: ReadonlySet<string>;
  readonly limits: Readonly<Record<string, number>>;
  requestDevice(descriptor: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<unknown>;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<DawnAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

/** An adapter found by `findWebgpuAdapter`, ready to become the tfjs backend. */
export interface FoundAdapter {
  readonly adapter: GpuAdapter;
  /** Registers the 'webgpu' tfjs backend on this adapter (once per process). */
  register(): void;
}

/** Words that mark a software adapter in a driver's vendor, architecture, device or description. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b|\bcpu\b/i;

/** True for an adapter that rasterises on the CPU (a test device, never a product backend). */
export function isSoftwareAdapter(info: DawnAdapterInfo): boolean {
  if (info.isFallbackAdapter === true) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((s) => typeof s === 'string' && SOFTWARE_ADAPTER.test(s));
}

/** The adapter in words, as a run records and shows it. */
export function describeAdapter(a: GpuAdapter): string {
  const name = a.description || [a.vendor, a.architecture].filter(Boolean).join(' ') || a.device || 'unnamed adapter';
  const who = [a.vendor, a.architecture].filter(Boolean).join(' ');
  return `${name}${who && !name.toLowerCase().includes(who.toLowerCase()) ? ` — ${who}` : ''}${a.software ? ', software' : ''}`;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** Where the machine's WebGPU comes from, per platform, for the "no adapter" message. */
function driverHint(): string {
  switch (process.platform) {
    case 'darwin':
      return 'Metal found no GPU';
    case 'win32':
      return 'Direct3D 12 found no GPU (update the graphics driver)';
    default:
      return 'Vulkan found no driver: install the GPU vendor\'s Vulkan driver and the Vulkan loader (Debian/Ubuntu: libvulkan1), or point VK_ICD_FILENAMES at a driver';
  }
}

/** Per loader (tests bring their own): the adapter found, or why none was. */
const found = new WeakMap<PackageLoader, Promise<FoundAdapter | string>>();
let registered = false;

/**
 * Finds the GPU adapter Dawn offers this process (the high-performance one), once per process.
 *
 * Resolves to the adapter, or to the reason there is none: the package missing or failing to
 * load, or no adapter at all.
 */
export function findWebgpuAdapter(loader: PackageLoader): Promise<FoundAdapter | string> {
  let f = found.get(loader);
  if (!f) {
    f = find(loader);
    found.set(loader, f);
  }
  return f;
}

async function find(loader: PackageLoader): Promise<FoundAdapter | string> {
  if (!loader.isInstalled(DAWN_PACKAGE)) {
    return `the webgpu package is not installed for this platform (${process.platform}-${process.arch}; it is an optional dependency)`;
  }
  let dawn: DawnModule;
  try {
    dawn = loader.load(DAWN_PACKAGE) as DawnModule;
  } catch (e) {
    return `the webgpu package is installed but Dawn failed to load on ${process.platform}-${process.arch}: ${firstLine(e)}`;
  }
  let adapter: DawnAdapter | null;
  let gpu: DawnGpu;
  try {
    gpu = dawn.create([]);
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return `Dawn failed to look for a GPU adapter: ${firstLine(e)}`;
  }
  if (!adapter) return `no adapter: ${driverHint()}`;
  const info = adapter.info;
  const described: GpuAdapter = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info),
  };
  const chosen = adapter;
  return {
    adapter: described,
    register: () => {
      if (registered) return;
      registerOn(dawn, gpu, chosen);
      registered = true;
    },
  };
}

/** Makes tfjs-backend-webgpu run on Dawn's `gpu` and registers its backend on `adapter`. */
function registerOn(dawn: DawnModule, gpu: DawnGpu, adapter: DawnAdapter): void {
  // tfjs-backend-webgpu reads the WebGPU constants (GPUBufferUsage, GPUMapMode, …) as globals.
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  // Loaded before `navigator.gpu` exists, so that it does not register a backend of its own
  // (on whichever adapter it would pick); its kernels register either way.
  const { WebGPUBackend } = require('@tensorflow/tfjs-backend-webgpu') as typeof import('@tensorflow/tfjs-backend-webgpu');
  // After the stock kernels, which registered as the package loaded.
  registerWebgpuKernels();
  // Its backend checks `navigator.gpu` (Node 21+ has a `navigator` without it; Node 20 none).
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!('gpu' in nav)) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });

  /** tfjs's WebGPUBackend with a clear message where Node cannot read a tensor synchronously. */
  class NodeWebGPUBackend extends WebGPUBackend {
    override readSync(dataId: object): ReturnType<InstanceType<typeof WebGPUBackend>['readSync']> {
      const data = this.tensorMap.get(dataId) as { values?: unknown; dtype?: string } | undefined;
      if (data && data.values == null && data.dtype !== 'string' && typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined') {
        throw new Error('dataSync() is not available on the webgpu backend in Node (no synchronous GPU read): use await tensor.data()');
      }
      return super.readSync(dataId);
    }
  }

  // Priority 0: never chosen by tfjs on its own; backend.ts sets it by name.
  tf.registerBackend(
    'webgpu',
    async () => {
      // As tfjs-backend-webgpu's own factory asks (base.ts), on the adapter found above.
      const limits = adapter.limits;
      const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) => adapter.features.has(f));
      const requiredLimits: Record<string, number> = {};
      for (const k of ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup']) {
        if (typeof limits[k] === 'number') requiredLimits[k] = limits[k];
      }
      const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
      return new NodeWebGPUBackend(device as ConstructorParameters<typeof WebGPUBackend>[0], adapter.info as ConstructorParameters<typeof WebGPUBackend>[1]);
    },
    0,
  );
}
