/**
 * Checkpoints and exports in the TensorFlow.js layers format (`model.json` + `weights.bin`),
 * the format `tf.loadLayersModel` and `tensorflowjs_converter` read.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILES } from '../../shared/contract/worker';

const MODEL_JSON = CHECKPOINT_FILES.model;
const WEIGHTS_BIN = CHECKPOINT_FILES.weights;
const OPTIMIZER_JSON = CHECKPOINT_FILES.optimizerSpecs;
const OPTIMIZER_BIN = CHECKPOINT_FILES.optimizerData;
const STATE_JSON = CHECKPOINT_FILES.state;

/**
 * A checkpoint that could not be written because the disk is full (`code` stays `ENOSPC`, so
 * the worker reports the run interrupted, not failed). The half-written copy is already gone.
 */
export class CheckpointDiskFullError extends Error {
  readonly code = 'ENOSPC';
  constructor(readonly dir: string) {
    super(`The disk is full: the checkpoint could not be written to ${path.dirname(dir)}. The partial copy was removed and the previous checkpoint kept; free some space, then resume the run from it.`);
    this.name = 'CheckpointDiskFullError';
  }
}

function toBuffer(data: ArrayBuffer | ArrayBuffer[]): Buffer {
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

/** Writes a model as `model.json` + `weights.bin` into `dir` (created). */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? toBuffer(artifacts.weightData as ArrayBuffer | ArrayBuffer[]) : Buffer.alloc(0);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: 'Bloombench',
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      };
      fs.writeFileSync(path.join(dir, WEIGHTS_BIN), weightData);
      fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

/** Reads `model.json` + its weight files from `dir` as in-memory artifacts. */
export function readModelArtifactsSync(dir: string): tf.io.ModelArtifacts {
  const file = path.join(dir, MODEL_JSON);
  if (!fs.existsSync(file)) throw new Error(`No model in ${dir} (missing ${MODEL_JSON}).`);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
  };
}

/** Loads a saved layers model for inference. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(readModelArtifactsSync(dir)));
}

/** Copies the weights saved in `dir` into a model of the same architecture, matched by name. */
export function loadWeightsIntoSync(model: tf.LayersModel, dir: string): void {
  const a = readModelArtifactsSync(dir);
  const named = tf.io.decodeWeights(a.weightData as ArrayBuffer, a.weightSpecs ?? []);
  try {
    model.loadWeights(named, true);
  } finally {
    tf.dispose(Object.values(named));
  }
}

export interface TrainingState {
  /** The last epoch whose weights are in the checkpoint. */
  readonly epoch: number;
  readonly bestEpoch: number | null;
  readonly bestValue: number | null;
  readonly epochsWithoutImprovement: number;
  readonly step: number;
}

/**
 * A full checkpoint: model weights, optimizer slots and loop state, written to a temporary
 * folder and renamed into place so that a crash or a full disk never leaves a half checkpoint.
 * The previous checkpoint is moved aside (`<dir>.old`) until the new one is in place, so one
 * complete checkpoint exists at every moment. On a full disk the temporary folder is removed
 * and a `CheckpointDiskFullError` thrown; the previous checkpoint stays.
 */
export async function saveCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer, state: TrainingState, dir: string): Promise<void> {
  const tmp = `${dir}.tmp`;
  const old = `${dir}.old`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    await saveModel(model, tmp);
    const slots = await optimizer.getWeights();
    const { data, specs } = await tf.io.encodeWeights(slots);
    fs.writeFileSync(path.join(tmp, OPTIMIZER_BIN), toBuffer(data as ArrayBuffer));
    fs.writeFileSync(path.join(tmp, OPTIMIZER_JSON), JSON.stringify(specs));
    fs.writeFileSync(path.join(tmp, STATE_JSON), JSON.stringify(state));
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new CheckpointDiskFullError(dir);
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Restores weights, optimizer slots and loop state from a checkpoint folder; with a null
 * `optimizer`, the slots are left out (a fine-tuning run whose frozen layers changed since).
 */
export async function restoreCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer | null, dir: string): Promise<TrainingState> {
  loadWeightsIntoSync(model, dir);
  const specs = JSON.parse(fs.readFileSync(path.join(dir, OPTIMIZER_JSON), 'utf8')) as tf.io.WeightsManifestEntry[];
  const buf = fs.readFileSync(path.join(dir, OPTIMIZER_BIN));
  if (optimizer && specs.length) {
    const named = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, specs);
    await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: named[s.name] })));
  }
  return JSON.parse(fs.readFileSync(path.join(dir, STATE_JSON), 'utf8')) as TrainingState;
}
