/**
 * Entry point of the compute service: a long-lived child process that answers the core's
 * tfjs questions — which backend this machine gets, the model zoo's cards, a layer summary,
 * classifying images and exporting a model with a run's kept weights — so that tfjs never
 * loads in the core (nor in Electron's main process). Training runs have workers of their own
 * (worker.ts); this one holds at most a few loaded models.
 */
import * as tf from '@tensorflow/tfjs';
import { describeIssues, serviceCallSchema, serviceSchemas, type ServiceArgs, type ServiceMethod, type ServiceReply, type ServiceResult } from '../../shared/contract/worker';
import type { BackendInfo } from '../../shared/types';
import { initBackend } from '../compute/backend';
import { gradCam } from '../models/grad-cam';
import { buildModel, getVariant, listVariants, modelInfo, summarizeModel } from '../models/registry';
import { loadModel, saveModel } from './checkpoint';
import { convertTorchvisionWeights } from './convert-weights';
import { maxAutoThreads } from './data-parallel';
import { normalize } from './trainer';

// Production mode: no per-op debug checks, and no "install tfjs-node" banner on stdout.
tf.enableProdMode();

/** Models kept loaded, by checkpoint folder, the most recently used last. */
const MAX_LOADED = 4;
const loaded = new Map<string, Promise<tf.LayersModel>>();
let backend: Promise<BackendInfo> | null = null;

function ensureBackend(): Promise<BackendInfo> {
  backend ??= initBackend('auto');
  return backend;
}

function modelAt(dir: string): Promise<tf.LayersModel> {
  let p = loaded.get(dir);
  if (p) loaded.delete(dir);
  else p = ensureBackend().then(() => loadModel(dir));
  loaded.set(dir, p);
  p.catch(() => loaded.delete(dir));
  while (loaded.size > MAX_LOADED) {
    const [oldest, model] = loaded.entries().next().value as [string, Promise<tf.LayersModel>];
    loaded.delete(oldest);
    void model.then((m) => m.dispose()).catch(() => undefined);
  }
  return p;
}

type Handlers = { [M in ServiceMethod]: (args: ServiceArgs<M>) => Promise<ServiceResult<M>> };

const handlers = {
  async backend(): Promise<ServiceResult<'backend'>> {
    const info = await ensureBackend();
    return { info, maxThreads: maxAutoThreads(info.name) };
  },

  async models(): Promise<ServiceResult<'models'>> {
    return listVariants().map((v) => modelInfo(v.id));
  },

  async summary(args: ServiceArgs<'summary'>): Promise<string> {
    await ensureBackend();
    const v = getVariant(args.arch);
    const model = buildModel(v.id, { inputSize: args.inputSize, width: args.width, numClasses: args.numClasses, channels: args.channels });
    try {
      return summarizeModel(model);
    } finally {
      model.dispose();
    }
  },

  async classify(args: ServiceArgs<'classify'>): Promise<number[][]> {
    const model = await modelAt(args.checkpointDir);
    const { size, channels } = args;
    const pixels = size * size * channels;
    const batch = new Float32Array(args.images.length * pixels);
    args.images.forEach((img, i) => {
      if (img.length !== pixels) throw new Error(`image ${i + 1} has ${img.length} bytes, expected ${size}×${size}×${channels} = ${pixels}`);
      for (let j = 0; j < pixels; j++) batch[i * pixels + j] = img[j] / 255;
    });
    const probs = tf.tidy(() => {
      const x = normalize(tf.tensor4d(batch, [args.images.length, size, size, channels]));
      const out = model.predict(x) as tf.Tensor | tf.Tensor[];
      return tf.softmax((Array.isArray(out) ? out[0] : out) as tf.Tensor2D);
    });
    try {
      return (await probs.array()) as number[][];
    } finally {
      probs.dispose();
    }
  },

  async explain(args: ServiceArgs<'explain'>): Promise<ServiceResult<'explain'>> {
    const model = await modelAt(args.checkpointDir);
    const { size, channels } = args;
    if (args.image.length !== size * size * channels) throw new Error(`the image has ${args.image.length} bytes, expected ${size}×${size}×${channels}`);
    const x = tf.tidy(() => normalize(tf.div(tf.tensor4d(Float32Array.from(args.image), [1, size, size, channels]), 255)) as tf.Tensor4D);
    try {
      const cam = gradCam(model, x, args.classIndex);
      return { classIndex: cam.classIndex, layer: cam.layer, mapSize: [cam.mapSize[0], cam.mapSize[1]], size: cam.size, values: cam.values, probabilities: cam.probabilities };
    } finally {
      x.dispose();
    }
  },

  async exportModel(args: ServiceArgs<'exportModel'>): Promise<string[]> {
    await ensureBackend();
    const trained = await loadModel(args.checkpointDir);
    try {
      const probs = tf.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(trained.outputs[0]) as tf.SymbolicTensor;
      const model = tf.model({ inputs: trained.inputs, outputs: probs, name: args.name });
      await saveModel(model, args.outDir);
      return ['model.json', 'weights.bin'];
    } finally {
      trained.dispose();
    }
  },

  async convertWeights(args: ServiceArgs<'convertWeights'>): Promise<string[]> {
    await ensureBackend();
    return convertTorchvisionWeights(args);
  },
} satisfies Handlers;

function reply(message: ServiceReply): void {
  if (process.send && process.connected) process.send(message);
}

process.on('message', (raw: unknown) => {
  const call = serviceCallSchema.safeParse(raw);
  if (!call.success) {
    process.stderr.write(`bloombench service: refused a malformed message: ${describeIssues(call.error)}\n`);
    return;
  }
  const { id, method } = call.data;
  const args = serviceSchemas[method].args.safeParse(call.data.args);
  if (!args.success) {
    reply({ type: 'reply', id, ok: false, error: `${method}: ${describeIssues(args.error)}` });
    return;
  }
  const handler = handlers[method] as (a: unknown) => Promise<unknown>;
  handler(args.data).then(
    (result) => reply({ type: 'reply', id, ok: true, result }),
    (e: unknown) => reply({ type: 'reply', id, ok: false, error: (e as Error).message || String(e) }),
  );
});

// The core went away: nothing is left to answer.
process.on('disconnect', () => process.exit(0));
