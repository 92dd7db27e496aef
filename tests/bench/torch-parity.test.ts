/**
 * The PyTorch side of `npm run bench:parity` (bench/torch_parity.py) computes what the zoo
 * computes: the graph it builds from a model's `toJSON` topology gives the tfjs model's logits
 * with the same weights (TensorFlow's `same` padding at stride 2, `same` average pools over the
 * real pixels only, a Flatten into a dense layer), and its random-resized crop samples the
 * pixels tf.image.cropAndResize does for the same boxes. Needs Debian's python3-torch.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../main/models/registry';
import { PYTHON } from '../fixtures/torchvision';

const run = promisify(execFile);
const SCRIPT_DIR = path.join(__dirname, '..', '..', 'bench');

/** Loads the weights into torch_parity's Graph and prints max |torch − tfjs| / max |tfjs| per model. */
const CHECK_GRAPH = `
import json, sys, numpy as np, torch
sys.path.insert(0, sys.argv[1])
import torch_parity as tp
out = {}
for name in sys.argv[3:]:
    d = json.load(open(f'{sys.argv[2]}/{name}.json'))
    w = np.fromfile(f'{sys.argv[2]}/{name}.bin', dtype=np.float32)
    g = tp.Graph(d['topology'], 'layout', 'torch')
    g.eval()
    o = 0
    with torch.no_grad():
        for e in d['manifest']:
            mod = g.mods[e['layer'].replace('.', '_')]
            arrs = []
            for s in e['shapes']:
                n = int(np.prod(s)); arrs.append(torch.from_numpy(w[o:o + n].reshape(s).copy())); o += n
            if isinstance(mod, torch.nn.Conv2d):
                mod.weight.copy_(arrs[0].permute(3, 2, 0, 1))
                if len(arrs) > 1: mod.bias.copy_(arrs[1])
            elif isinstance(mod, torch.nn.BatchNorm2d):
                mod.weight.copy_(arrs[0]); mod.bias.copy_(arrs[1]); mod.running_mean.copy_(arrs[2]); mod.running_var.copy_(arrs[3])
            else:
                # A dense layer after a Flatten reads channels-last features: Graph flattens so.
                mod.weight.copy_(arrs[0].T); mod.bias.copy_(arrs[1])
        s = d['size']
        x = torch.tensor(d['x']).reshape(2, s, s, 3).permute(0, 3, 1, 2)
        y = g(x).numpy().ravel()
    ref = np.array(d['y'])
    out[name] = float(np.abs(y - ref).max() / max(1e-6, np.abs(ref).max()))
print(json.dumps(out))
`;

/** tf.image.cropAndResize's crops against torch_parity's grid for the same boxes. */
const CHECK_CROP = `
import json, sys, numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, sys.argv[1])
import torch_parity as tp
d = json.load(open(sys.argv[2]))
b, h, w = d['b'], d['h'], d['w']
x = torch.tensor(d['x']).reshape(b, h, w, 3).permute(0, 3, 1, 2)
boxes = torch.tensor(d['boxes']).reshape(b, 4)
grid = tp.box_grid(boxes[:, 0], boxes[:, 1], boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1], h, w)
y = F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=True).permute(0, 2, 3, 1).numpy().ravel()
print(json.dumps({'error': float(np.abs(y - np.array(d['y'])).max())}))
`;

/** The models checked: a stride-2 same-padded ResNet, Inception-v3's same average pools, LeNet-5's Flatten. */
const MODELS: readonly { id: string; size: number }[] = [
  { id: 'resnet18', size: 40 },
  { id: 'inception_v3', size: 75 },
  { id: 'lenet5', size: 32 },
];

describe('bench/torch_parity.py', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-torch-parity-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds the graph of a zoo model: the same logits for the same weights', async () => {
    for (const { id, size } of MODELS) {
      const model = buildModel(id, { inputSize: size, channels: 3, numClasses: 5, width: 0.25, seed: 3 });
      const manifest: { layer: string; shapes: number[][] }[] = [];
      const values: Float32Array[] = [];
      for (const layer of model.layers) {
        if (!layer.getWeights().length) continue;
        // Batch-norm statistics away from 0 and 1, so that inference mode is what is compared.
        if (layer.getClassName() === 'BatchNormalization') {
          const c = layer.getWeights()[0].shape[0];
          layer.setWeights([tf.randomUniform([c], 0.5, 1.5, 'float32', 1), tf.randomUniform([c], -0.2, 0.2, 'float32', 2), tf.randomUniform([c], -0.2, 0.2, 'float32', 3), tf.randomUniform([c], 0.5, 1.5, 'float32', 4)]);
        }
        const ws = layer.getWeights();
        manifest.push({ layer: layer.name, shapes: ws.map((w) => w.shape) });
        for (const w of ws) values.push(w.dataSync() as Float32Array);
      }
      const x = tf.randomUniform([2, size, size, 3], -1, 1, 'float32', 7);
      const y = model.predict(x) as tf.Tensor;
      fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ topology: model.toJSON(null, false), manifest, size, x: Array.from(x.dataSync()), y: Array.from(y.dataSync()) }));
      fs.writeFileSync(path.join(dir, `${id}.bin`), Buffer.concat(values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
      tf.dispose([x, y]);
      model.dispose();
    }
    const { stdout } = await run(PYTHON, ['-c', CHECK_GRAPH, SCRIPT_DIR, dir, ...MODELS.map((m) => m.id)], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const errors = JSON.parse(stdout) as Record<string, number>;
    for (const { id } of MODELS) expect(errors[id], id).toBeLessThan(1e-4);
  });

  it('crops and resizes as tf.image.cropAndResize does', async () => {
    const [b, h, w] = [3, 12, 10];
    const x = tf.randomUniform([b, h, w, 3], 0, 1, 'float32', 5);
    const boxes = [0, 0, 1, 1, 0.1, 0.2, 0.8, 0.7, 0.35, 0.05, 0.95, 0.6];
    const y = tf.image.cropAndResize(x as tf.Tensor4D, tf.tensor2d(boxes, [b, 4]), tf.tensor1d([0, 1, 2], 'int32'), [h, w], 'bilinear');
    const file = path.join(dir, 'crop.json');
    fs.writeFileSync(file, JSON.stringify({ b, h, w, boxes, x: Array.from(x.dataSync()), y: Array.from(y.dataSync()) }));
    const { stdout } = await run(PYTHON, ['-c', CHECK_CROP, SCRIPT_DIR, file]);
    expect((JSON.parse(stdout) as { error: number }).error).toBeLessThan(1e-5);
  });
});
