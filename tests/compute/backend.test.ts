import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type ModuleLoader, tfjsBackendName } from '../../main/compute/backend';

const GPU = '@tensorflow/tfjs-node-gpu';
const NODE = '@tensorflow/tfjs-node';

function installed(id: string): boolean {
  try {
    require.resolve(id);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled = installed(GPU) || installed(NODE);

describe('initBackend on this machine (real packages)', () => {
  it('auto takes the best backend that loads and says why the better ones did not', async () => {
    const info = await initBackend('auto');
    expect(info.forced).toBe(false);
    expect(tf.getBackend()).toBe(tfjsBackendName(info.name));
    if (nativeInstalled) {
      // A machine where tfjs-node(-gpu) installed: it must be used, not wasm.
      expect(['tensorflow-gpu', 'tensorflow']).toContain(info.name);
      return;
    }
    expect(info.name).toBe('wasm');
    expect(info.description).toBe('wasm (SIMD, 1 thread)');
    expect(info.unavailable.map((u) => u.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    expect(info.unavailable[0].reason).toBe('tfjs-node-gpu not installed (optional dependency failed to install)');
    // No GPU here: no adapter at all, or SwiftShader (software, never picked by auto).
    expect(info.unavailable[1].reason).toMatch(/^(no adapter: |only a software adapter \(|the webgpu package is not installed)/);
    expect(info.unavailable[2].reason).toBe('tfjs-node not installed (optional dependency failed to install)');
  });

  it('forced cpu works and lists the better backends as not tried', async () => {
    const info = await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toMatchObject({ name: 'cpu', forced: true, description: 'cpu (pure JavaScript)' });
    expect(info.unavailable.map((u) => u.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm']);
    expect(info.unavailable[3].reason).toBe("not tried: backend 'cpu' was forced");
  });

  it('forced wasm runs with SIMD and reports its single thread honestly', async () => {
    const info = await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toMatchObject({ name: 'wasm', forced: true, description: 'wasm (SIMD, 1 thread)' });
    // The training kernels came with it.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('forcing a native backend that is not installed fails with a clear message', async () => {
    if (installed(NODE)) return; // nothing to prove on a machine that has it
    const before = tf.getBackend();
    await expect(initBackend('tensorflow')).rejects.toThrow(
      "Backend 'tensorflow' was requested but cannot be used: tfjs-node not installed (optional dependency failed to install).",
    );
    if (!installed(GPU)) {
      await expect(initBackend('tensorflow-gpu')).rejects.toThrow(/tfjs-node-gpu not installed/);
    }
    expect(tf.getBackend()).toBe(before);
  });
});

/**
 * A stand-in for tfjs-node(-gpu): loading it registers a 'tensorflow' backend (the cpu backend's
 * class and kernels under that name) whose `isUsingGpuDevice` says what the binding would.
 */
class FakeNative implements ModuleLoader {
  readonly loads: string[] = [];
  readonly cudaVisible: (string | undefined)[] = [];

  constructor(
    private readonly present: Partial<Record<string, { gpu: boolean } | { throws: string }>>,
  ) {}

  isInstalled(id: string): boolean {
    return this.present[id] !== undefined;
  }

  load(id: string): unknown {
    const pkg = this.present[id];
    if (!pkg) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    this.loads.push(id);
    this.cudaVisible.push(process.env.CUDA_VISIBLE_DEVICES);
    if ('throws' in pkg) throw new Error(pkg.throws);
    // Like the GPU build without CUDA: it reports that the ops landed on the CPU. (`firstUse`
    // off: no "install tfjs-node" banner from the borrowed cpu backend.)
    const gpu = pkg.gpu && process.env.CUDA_VISIBLE_DEVICES !== '-1';
    const CpuBackend = (tf.findBackend('cpu') as object).constructor as new () => tf.KernelBackend;
    tf.registerBackend('tensorflow', () => Object.assign(new CpuBackend(), { isUsingGpuDevice: gpu, firstUse: false }));
    return {};
  }
}

describe('initBackend with tfjs-node(-gpu) (simulated)', () => {
  const cpuKernels = tf.getKernelsForBackend('cpu');
  let savedCuda: string | undefined;

  beforeAll(() => {
    savedCuda = process.env.CUDA_VISIBLE_DEVICES;
    for (const k of cpuKernels) tf.registerKernel({ ...k, backendName: 'tensorflow' });
  });
  afterAll(async () => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    for (const k of cpuKernels) tf.unregisterKernel(k.kernelName, 'tensorflow');
    if (savedCuda === undefined) delete process.env.CUDA_VISIBLE_DEVICES;
    else process.env.CUDA_VISIBLE_DEVICES = savedCuda;
    await tf.setBackend('cpu');
  });
  const fresh = () => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    delete process.env.CUDA_VISIBLE_DEVICES;
  };

  it('tfjs-node-gpu with a GPU is tensorflow-gpu', async () => {
    fresh();
    const loader = new FakeNative({ [GPU]: { gpu: true }, [NODE]: { gpu: false } });
    const info = await initBackend('auto', { loader });
    expect(info).toMatchObject({ name: 'tensorflow-gpu', unavailable: [], forced: false });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(loader.loads).toEqual([GPU]);
  });

  it('tfjs-node-gpu without CUDA is reported as a CPU fallback, and tfjs-node is never loaded beside it', async () => {
    fresh();
    const loader = new FakeNative({ [GPU]: { gpu: false }, [NODE]: { gpu: false } });
    const info = await initBackend('auto', { loader });
    expect(info.name).toBe('tensorflow');
    expect(info.description).toBe('tensorflow (native CPU via tfjs-node-gpu, no CUDA)');
    expect(info.unavailable.map((u) => u.name)).toEqual(['tensorflow-gpu', 'webgpu']);
    expect(info.unavailable[1].reason).toMatch(/^the webgpu package is not installed for this platform/);
    expect(info.unavailable[0].reason).toMatch(/^CUDA not found: tfjs-node-gpu would run on the CPU/);
    expect(tf.getBackend()).toBe('tensorflow');
    expect(loader.loads).toEqual([GPU]);
    // Forcing the GPU now is refused rather than silently running on the CPU.
    await expect(initBackend('tensorflow-gpu', { loader })).rejects.toThrow(/CUDA not found/);
    expect(loader.loads).toEqual([GPU]);
  });

  it('a tfjs-node-gpu that fails to load falls back to tfjs-node, naming the error', async () => {
    fresh();
    const loader = new FakeNative({ [GPU]: { throws: 'libcudart.so.11.0: cannot open shared object file\nmore detail' }, [NODE]: { gpu: false } });
    const info = await initBackend('auto', { loader });
    expect(info).toMatchObject({ name: 'tensorflow', description: 'tensorflow (native CPU, tfjs-node)' });
    expect(info.unavailable).toEqual([
      { name: 'tensorflow-gpu', reason: 'tfjs-node-gpu is installed but failed to load: libcudart.so.11.0: cannot open shared object file' },
      { name: 'webgpu', reason: `the webgpu package is not installed for this platform (${process.platform}-${process.arch}; it is an optional dependency)` },
    ]);
    expect(loader.loads).toEqual([GPU, NODE]);
  });

  it('once tfjs-node is loaded, tfjs-node-gpu is refused instead of loaded beside it', async () => {
    fresh();
    const loader = new FakeNative({ [GPU]: { gpu: true }, [NODE]: { gpu: false } });
    await initBackend('tensorflow', { loader });
    const info = await initBackend('auto', { loader });
    expect(info.name).toBe('tensorflow');
    expect(info.unavailable[0].reason).toBe('tfjs-node is already loaded in this process and tfjs-node-gpu cannot be loaded beside it');
    expect(loader.loads).toEqual([NODE]);
  });

  it('forced tensorflow with only tfjs-node-gpu installed hides the GPUs and runs it on the CPU', async () => {
    fresh();
    const loader = new FakeNative({ [GPU]: { gpu: true } });
    const info = await initBackend('tensorflow', { loader });
    expect(info).toMatchObject({ name: 'tensorflow', forced: true, description: 'tensorflow (native CPU via tfjs-node-gpu, GPUs hidden)' });
    expect(loader.cudaVisible).toEqual(['-1']);
  });
});
