/**
 * `bloombench predict` and `bloombench export`.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { Workstation } from '../core/workstation';
import { getDataset } from '../datasets/queries';
import { loadModel, saveModel } from '../worker/checkpoint';

export type PredictResult =
  | { readonly file: string; readonly predictedClass: string; readonly probability: number; readonly classes: readonly string[]; readonly probabilities: readonly number[] }
  | { readonly file: string; readonly error: string };

/** Classifies image files with a run's kept weights; a file that cannot be read gets an error row. */
export async function predictFiles(ws: Workstation, runId: number, files: readonly string[]): Promise<PredictResult[]> {
  const out: PredictResult[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      out.push({ file, error: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    try {
      const r = await ws.classifyImage(runId, bytes);
      let best = 0;
      r.probabilities.forEach((p, i) => p > r.probabilities[best] && (best = i));
      out.push({ file, predictedClass: r.classes[best], probability: r.probabilities[best], classes: r.classes, probabilities: r.probabilities });
    } catch (e) {
      if (/has no saved weights|No run/.test((e as Error).message)) throw e;
      out.push({ file, error: (e as Error).message });
    }
  }
  return out;
}

/**
 * Writes a run's kept model as TensorFlow.js layers format with a softmax on top, plus
 * `metadata.json` (classes, input size, preprocessing) beside it.
 */
export async function exportRun(ws: Workstation, runId: number, dir: string): Promise<string[]> {
  const run = ws.queue.runs.getRun(runId);
  const ck = ws.queue.runs.checkpoint(runId, 'best') ?? ws.queue.runs.checkpoint(runId, 'last');
  if (!ck) throw new Error(`Run ${runId} has no saved weights to export (it has not finished an epoch).`);
  await ws.backendReport();
  const trained = await loadModel(ck.dir);
  const logits = trained.outputs[0];
  const probs = tf.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(logits) as tf.SymbolicTensor;
  const model = tf.model({ inputs: trained.inputs, outputs: probs, name: `${run.arch}_bloombench_${runId}` });
  fs.mkdirSync(dir, { recursive: true });
  await saveModel(model, dir);
  const ds = getDataset(ws.store, run.datasetId);
  const meta = {
    format: 'tfjs layers-model',
    runId,
    arch: run.arch,
    epoch: ck.epoch,
    classes: ds.classes,
    input: { height: run.config.inputSize, width: run.config.inputSize, channels: run.config.channels },
    preprocessing: 'decode to RGB (or grayscale for 1 channel), resize to height×width ignoring aspect ratio, then x / 127.5 - 1 (values in [-1, 1])',
    output: 'softmax probabilities in the order of `classes`',
    config: run.config,
    testAccuracy: run.testAccuracy,
  };
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(meta, null, 2));
  trained.dispose();
  return ['model.json', 'weights.bin', 'metadata.json'];
}
