/**
 * `bloombench weights` and `bloombench train --pretrained` as a user runs them: real
 * processes, a temporary home, a generated image folder, and a torchvision ResNet-18 state
 * dict (random weights: there are no real ImageNet weights offline) written by PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary } from '../../shared/types';
import type { PretrainedStatus } from '../../shared/pretrained';
import { makeImageFolder } from '../fixtures/images';
import { makeTorchvisionFixtures, nchwToNhwc, readFloat32, relativeError } from '../fixtures/torchvision';

const run = promisify(execFile);
let home: string;
let folder: string;
let weightsFile: string;

/** Runs the CLI; resolves with stdout, stderr and the exit code (never rejects). */
async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const entry = path.join(__dirname, '..', '..', 'main', 'cli', 'index.ts');
  try {
    const r = await run(process.execPath, ['--import', 'tsx', entry, '--home', path.join(home, 'store'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

/** A port with nothing listening on it (a refused connection, as offline). */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cli-w-'));
  folder = (await makeImageFolder(path.join(home, 'colours'), { classes: 3, perClass: 24, size: 40 })).root;
  await makeTorchvisionFixtures(path.join(home, 'tv'), [
    { kind: 'parity', name: 'resnet18', builder: 'resnet18', size: 64, format: 'zip' },
    { kind: 'parity', name: 'resnet34', builder: 'resnet34', size: 32, format: 'zip' },
  ]);
  weightsFile = path.join(home, 'tv', 'resnet18.pth');
}, 600_000);

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('bloombench weights', () => {
  it('converts a torchvision state dict into a model plain tf.loadLayersModel reads, with PyTorch\'s logits', async () => {
    const out = path.join(home, 'converted');
    const r = await cli({}, 'weights', 'convert', 'resnet18', weightsFile, out, '--input-size', '64');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Wrote model\.json, weights\.bin, metadata\.json to .*converted: resnet18 with resnet18\.pth \(sha256 [0-9a-f]{12}…\), input 64×64×3, logits\./);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8'));
    expect(meta).toMatchObject({ arch: 'resnet18', input: { height: 64, width: 64, channels: 3, layout: 'NHWC', channelOrder: 'RGB' }, preprocessing: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }, output: { kind: 'logits', classes: 1000 } });
    // Not torchvision's published file: the metadata does not claim its name or ImageNet accuracy.
    expect(meta.torchvision).toEqual({ builder: 'torchvision.models.resnet18' });
    expect(meta.weights).toMatchObject({ file: 'resnet18.pth' });
    // Served over HTTP and loaded as a browser would: tfjs and nothing else.
    const server = http.createServer((req, res) => {
      const f = path.join(out, path.basename(req.url ?? ''));
      if (!fs.existsSync(f)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': f.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
      res.end(fs.readFileSync(f));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      await tf.setBackend('cpu');
      const model = await tf.loadLayersModel(`http://127.0.0.1:${(server.address() as AddressInfo).port}/model.json`);
      const x = nchwToNhwc(readFloat32(path.join(home, 'tv', 'resnet18.input.bin')), 2, 3, 64);
      const logits = tf.tidy(() => (model.predict(tf.tensor4d(x, [2, 64, 64, 3])) as tf.Tensor).dataSync());
      expect(relativeError(logits, readFloat32(path.join(home, 'tv', 'resnet18.logits.bin')))).toBeLessThan(1e-4);
      model.dispose();
    } finally {
      server.close();
    }
    const soft = await cli({}, 'weights', 'convert', 'resnet18', weightsFile, path.join(home, 'converted-softmax'), '--input-size', '64', '--softmax', '--json');
    expect(soft.code).toBe(0);
    expect(JSON.parse(soft.stdout)).toMatchObject({ arch: 'resnet18', inputSize: 64, weights: { source: 'file', title: 'resnet18.pth' } });
    expect(JSON.parse(fs.readFileSync(path.join(home, 'converted-softmax', 'model.json'), 'utf8')).modelTopology.config.layers.at(-1).class_name).toBe('Activation');
  });

  it('lists what has weights and what is on disk, and refuses what has none', async () => {
    const r = await cli({}, 'weights', 'list', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as PretrainedStatus[];
    expect(list).toHaveLength(20);
    expect(list.find((w) => w.arch === 'resnet18')).toMatchObject({ title: 'torchvision ResNet-18 V1', url: 'https://download.pytorch.org/models/resnet18-f37072fd.pth', bytes: null, top1: 69.758 });
    const text = await cli({}, 'weights', 'list');
    expect(text.stdout).toMatch(/googlenet: its "5×5" branches are true 5×5 convolutions/);
    const none = await cli({}, 'weights', 'get', 'plain18');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/plain18 has no ImageNet weights: torchvision publishes no plain/);
  });

  it('without network, says exactly where to get the file and where to put it', async () => {
    const port = await closedPort();
    const r = await cli({ BLOOMBENCH_WEIGHTS_URL: `http://127.0.0.1:${port}` }, 'weights', 'get', 'resnet18');
    expect(r.code).toBe(1);
    const dir = path.join(home, 'store', 'weights');
    expect(r.stderr).toContain(`Could not download the ImageNet weights of resnet18 (torchvision ResNet-18 V1) from http://127.0.0.1:${port}/resnet18-f37072fd.pth: 127.0.0.1:${port} refused the connection.`);
    expect(r.stderr).toContain('https://download.pytorch.org/models/resnet18-f37072fd.pth');
    expect(r.stderr).toContain(`(so that it is ${path.join(dir, 'resnet18-f37072fd.pth')}), or pass the file itself: --pretrained /path/to/resnet18-f37072fd.pth`);
  });
});

describe('bloombench train --pretrained', () => {
  it('fine-tunes 2 epochs from a state dict (backbone frozen for the first) and stores where its weights came from', async () => {
    const r = await cli({}, 'train', '--dataset', folder, '--arch', 'resnet18', '--pretrained', weightsFile, '--input-size', '32', '--epochs', '2', '--batch-size', '16', '--freeze', 'backbone', '--unfreeze-after', '1', '--backend', 'wasm', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const detail = JSON.parse(lines[lines.length - 1]) as RunDetail;
    expect(detail).toMatchObject({ status: 'completed', config: { arch: 'resnet18', width: 1, pretrained: weightsFile, freeze: 'backbone', unfreezeAfter: 1 } });
    expect(detail.weights).toMatchObject({ source: 'file', title: 'resnet18.pth', file: weightsFile });
    expect(detail.weights!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.epochs).toHaveLength(2);
    expect(detail.trainableParams).toBe(11_689_512 - 513_000 + 513 * 3);
    const show = await cli({}, 'show', String(detail.id));
    expect(show.stdout).toMatch(/start {5}from resnet18\.pth \(sha256 [0-9a-f]{8}…\); backbone frozen for 1 epoch, then backbone lr × 0\.1/);
    expect(show.stdout).toContain(`weights ${weightsFile} (sha256 ${detail.weights!.sha256})`);
    const runs = await cli({}, 'runs');
    expect(runs.stdout).toMatch(/start/);
    expect(runs.stdout).toMatch(/from resnet18\.pth/);
    // A run from scratch says so.
    const list = JSON.parse((await cli({}, 'runs', '--json')).stdout) as RunSummary[];
    expect(list.find((x) => x.id === detail.id)?.weights?.source).toBe('file');
  });

  it('refuses, by flag, what pretrained weights cannot go with', async () => {
    const bad = await cli({}, 'train', '--dataset', folder, '--arch', 'resnet18', '--pretrained', weightsFile, '--width', '0.5', '--activation', 'tanh', '--batch-norm', 'off');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--width: must be 1 with pretrained weights \(got 0\.5\): the pretrained torchvision ResNet-18 V1 weights fix it/);
    expect(bad.stderr).toMatch(/--activation: must be relu with pretrained weights \(got "tanh"\)/);
    expect(bad.stderr).toMatch(/--batch-norm: must be on for resnet18 with pretrained weights \(got false\)/);
    const noWeights = await cli({}, 'train', '--dataset', folder, '--arch', 'googlenet', '--pretrained', 'imagenet');
    expect(noWeights.stderr).toMatch(/--pretrained: googlenet has no ImageNet weights: its "5×5" branches .*use googlenet_tv/);
    const scratch = await cli({}, 'train', '--dataset', folder, '--arch', 'resnet18', '--freeze', 'backbone');
    expect(scratch.stderr).toMatch(/--freeze: freezing needs pretrained weights; this run starts from scratch/);
    const missing = await cli({}, 'train', '--dataset', folder, '--arch', 'resnet18', '--pretrained', path.join(home, 'nope.pth'));
    expect(missing.stderr).toMatch(/--pretrained: the weights file .*nope\.pth does not exist/);
  });

  it('fails the run with the message that names the first tensor when the file is another architecture\'s', async () => {
    const r = await cli({}, 'train', '--dataset', folder, '--arch', 'resnet18', '--pretrained', path.join(home, 'tv', 'resnet34.pth'), '--input-size', '32', '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: resnet34\.pth does not fit resnet18: it holds tensor layer1\.2\.conv1\.weight/);
  });

  it('without network, the run fails with what to do', async () => {
    const port = await closedPort();
    const r = await cli({ BLOOMBENCH_WEIGHTS_URL: `http://127.0.0.1:${port}` }, 'train', '--dataset', folder, '--arch', 'resnet18', '--pretrained', 'imagenet', '--input-size', '32', '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Could not download the ImageNet weights of resnet18 (torchvision ResNet-18 V1)');
    expect(r.stderr).toContain('or pass the file itself: --pretrained /path/to/resnet18-f37072fd.pth');
  });
});
