/**
 * `bloombench weights convert`: a torchvision state dict as a whole ImageNet model in
 * TensorFlow.js layers format, which plain `tf.loadLayersModel` reads with no Bloombench code,
 * taking the input torchvision's model takes (NHWC here) and giving its 1000 logits or their
 * softmax; `metadata.json` says the input size, mean/std and channel order.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceArgs } from '../../shared/contract/worker';
import { IMAGENET_MEAN, IMAGENET_STD, pretrainedFor } from '../../shared/pretrained';
import { buildPretrainedModel } from '../models/pretrained';
import { saveModel } from './checkpoint';

/** Builds, loads and writes the model; returns the file names written into `outDir`. */
export async function convertTorchvisionWeights(args: ServiceArgs<'convertWeights'>): Promise<string[]> {
  const entry = pretrainedFor(args.arch);
  const { model } = buildPretrainedModel(args.arch, args.file, { inputSize: args.inputSize, numClasses: 1000, input: 'torchvision', loadHead: true });
  try {
    const name = `${args.arch}_imagenet`;
    const output = args.softmax ? (tf.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(model.outputs[0]) as tf.SymbolicTensor) : model.outputs[0];
    const whole = tf.model({ inputs: model.inputs, outputs: output, name });
    fs.mkdirSync(args.outDir, { recursive: true });
    await saveModel(whole, args.outDir);
    const meta = {
      format: 'tfjs layers-model',
      arch: args.arch,
      // The published weights' name and accuracy only for the published file (its SHA-256);
      // any other state dict (one's own training, a random init) is only named by its file.
      torchvision: entry ? {
        builder: `torchvision.models.${entry.torchvision}`,
        ...(entry.sha256Prefix && args.sha256.startsWith(entry.sha256Prefix) ? { weights: entry.weights, imagenetTop1: entry.top1 } : {}),
      } : null,
      weights: { title: args.title, file: path.basename(args.file), sha256: args.sha256 },
      input: { height: args.inputSize, width: args.inputSize, channels: 3, layout: 'NHWC', channelOrder: 'RGB', dtype: 'float32' },
      preprocessing: {
        description: 'RGB pixels scaled to [0, 1] (value / 255), then per channel (x - mean) / std, as torchvision\'s transforms.Normalize',
        scale: 1 / 255,
        mean: IMAGENET_MEAN,
        std: IMAGENET_STD,
        resize: `torchvision's recipe for these weights: resize the short side to ${Math.round((args.inputSize * 256) / 224)}, center-crop ${args.inputSize}×${args.inputSize}`,
      },
      output: {
        kind: args.softmax ? 'softmax probabilities' : 'logits',
        classes: 1000,
        order: `ImageNet-1k class indices as torchvision's ${entry?.weights ?? 'weights'}.meta["categories"] lists them`,
      },
      convertedBy: 'bloombench weights convert',
    };
    fs.writeFileSync(path.join(args.outDir, 'metadata.json'), JSON.stringify(meta, null, 2));
    return ['model.json', 'weights.bin', 'metadata.json'];
  } finally {
    model.dispose();
  }
}
