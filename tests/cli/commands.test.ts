/**
 * The `bloombench` command as a user runs it: real processes, a temporary home, a generated folder.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport, ModelInfo, RunDetail } from '../../shared/types';
import { makeImageFolder } from '../fixtures/images';
import { DEFAULT_CONFIG } from '../../shared/config';
import { BUNDLE_FILES, BUNDLE_FORMAT, type BundleJob } from '../../shared/contract/slurm';

const run = promisify(execFile);

/** A run bundle (what a study on Slurm hands each task) that trains lenet5 for one epoch on the cpu backend. */
function cpuBundle(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const size = 16;
  const recordBytes = size * size * 3;
  const cache = path.join(dir, 'cache.u8');
  // Four records: two dark, two bright.
  fs.writeFileSync(cache, Buffer.concat([0, 0, 255, 255].map((v) => Buffer.alloc(recordBytes, v))));
  const bundle: BundleJob = {
    format: BUNDLE_FORMAT,
    studyId: 1,
    runId: 1,
    attempt: 1,
    submittedMs: Date.now(),
    job: {
      runId: 1,
      config: { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: size, width: 0.25, epochs: 1, batchSize: 2, augment: [], backend: 'cpu' },
      classes: ['dark', 'bright'],
      cache: { file: cache, size, channels: 3, recordBytes },
      train: { records: [0, 2], labels: [0, 1] },
      val: { records: [1, 3], labels: [0, 1] },
      test: { records: [], labels: [], imageIds: [] },
      runDir: dir,
      resume: null,
      weights: null,
    },
  };
  fs.writeFileSync(path.join(dir, BUNDLE_FILES.job), JSON.stringify(bundle));
  return dir;
}
let home: string;
let folder: string;

/** Runs the CLI; resolves with stdout, stderr and the exit code (never rejects). */
async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const entry = path.join(__dirname, '..', '..', 'main', 'cli', 'index.ts');
  try {
    const r = await run(process.execPath, ['--import', 'tsx', entry, '--home', path.join(home, 'store'), ...args], { encoding: 'utf8' });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cli-'));
  folder = (await makeImageFolder(path.join(home, 'colours'), { classes: 3, perClass: 20, size: 32 })).root;
});

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('bloombench CLI', () => {
  it('imports with --json, trains with --json, and shows the run', async () => {
    const imp = await cli('import', folder, '--name', 'colours', '--json');
    expect(imp.code).toBe(0);
    const report = JSON.parse(imp.stdout) as ImportReport;
    expect(report).toMatchObject({ name: 'colours', total: 60 });
    expect(report.classes.map((c) => c.count)).toEqual([20, 20, 20]);

    const train = await cli('train', '--dataset', 'colours', '--arch', 'lenet5', '--input-size', '32', '--width', '0.5', '--epochs', '2', '--batch-size', '8', '--backend', 'wasm', '--json');
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const lines = train.stdout.trim().split('\n');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).event)).toEqual(['epoch', 'epoch']);
    const last = JSON.parse(lines[lines.length - 1]) as RunDetail;
    expect(last).toMatchObject({ status: 'completed', backend: 'wasm', config: { arch: 'lenet5', epochs: 2 } });
    expect(last.runId).toBe(last.id);
    expect(last.epochs).toHaveLength(2);
    for (const e of last.epochs) for (const k of ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'learningRate', 'seconds']) expect(e).toHaveProperty(k);
    expect([1, 2]).toContain(last.bestEpoch);
    expect(Array.isArray(last.diagnostics)).toBe(true);
    expect(last.test?.classes).toEqual(['class_0', 'class_1', 'class_2']);
    expect(last.test?.confusion.flat().reduce((a, b) => a + b, 0)).toBe(last.predictions.length);
    expect(last.test?.perClass[0]).toHaveProperty('f1');
    expect(last.predictions[0]).toMatchObject({ trueClass: expect.any(String), predictedClass: expect.any(String) });

    const show = await cli('show', String(last.id));
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Test accuracy/);
    expect(show.stdout).toMatch(/Confusion matrix/);
  });

  it('says a folder is already imported instead of importing it twice, and re-scans it with --rescan', async () => {
    const again = await cli('import', folder);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${path.resolve(folder)} is already imported as "colours" (dataset 1, 60 images). Train on it with --dataset 1, or re-scan the folder`);
    expect(again.stderr).toContain(`bloombench import "${path.resolve(folder)}" --rescan`);
    expect(JSON.parse((await cli('datasets', '--json')).stdout)).toHaveLength(1);
    // Run 1 trained on it above: it stays, and the re-scan is a dataset beside it.
    const rescan = await cli('import', folder, '--rescan');
    expect(rescan.code, rescan.stderr).toBe(0);
    expect(rescan.stdout).toContain('Dataset 2 "colours (2)"');
    expect(rescan.stdout).toContain('Re-scanned: a new dataset; dataset 1 "colours" stays for its 1 run(s).');
  });

  it('explains an image with Grad-CAM: an overlay PNG, the class and the layer; bad input named', async () => {
    const image = path.join(folder, 'class_1', fs.readdirSync(path.join(folder, 'class_1'))[0]);
    const target = path.join(home, 'explained', 'cam.png');
    const r = await cli('explain', '1', image, target, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { className: string; layer: string; mapSize: number[]; probability: number; classes: string[]; probabilities: number[] };
    // LeNet-5's head starts at its second pooling: 32 px → 5×5 maps.
    expect(j).toMatchObject({ layer: 'pool2', mapSize: [5, 5], classes: ['class_0', 'class_1', 'class_2'] });
    const predicted = j.classes[j.probabilities.indexOf(Math.max(...j.probabilities))];
    expect(j.className).toBe(predicted);
    const meta = await sharp(target).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 320, height: 320 });
    // The overlay changes the picture: it is not the photo scaled up.
    const plain = await sharp(image).resize(320, 320).removeAlpha().raw().toBuffer();
    const laid = await sharp(target).removeAlpha().raw().toBuffer();
    expect(laid.equals(plain)).toBe(false);

    const asked = await cli('explain', '1', image, '--class', 'class_2', target);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toMatch(/Grad-CAM of "class_2" \(\d+\.\d%\) from layer pool2 \(5×5 map\)/);
    const wrongClass = await cli('explain', '1', image, '--class', 'tulips', target);
    expect(wrongClass.code).not.toBe(0);
    expect(wrongClass.stderr).toContain('"tulips" is not a class of run 1; its classes are class_0, class_1, class_2.');
    const notPng = await cli('explain', '1', image, path.join(home, 'cam.jpg'));
    expect(notPng.stderr).toMatch(/give a file name ending in \.png, not .*cam\.jpg/);
    const missing = await cli('explain', '1', path.join(home, 'nope.jpg'), target);
    expect(missing.stderr).toMatch(/Cannot read .*nope\.jpg \(ENOENT\)/);
    const text = path.join(home, 'notes.txt');
    fs.writeFileSync(text, 'not a picture');
    const notImage = await cli('explain', '1', text, target);
    expect(notImage.code).not.toBe(0);
    expect(notImage.stderr).toMatch(/Cannot explain this file/);
  }, 120_000);

  it('says how long a run will take before its first epoch, from the runs measured here', async () => {
    // Run 1 above trained lenet5 at 32 px, width ×0.5 on wasm: this one is priced by it.
    const r = await cli('train', '--dataset', 'colours', '--arch', 'lenet5', '--input-size', '32', '--width', '0.5', '--epochs', '1', '--batch-size', '8', '--backend', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Estimate: ≈ \d+s per epoch, ≈ \d+s for 1 epoch \(measured here: median of 1 run of lenet5 at 32 px, width ×0\.5 on wasm trained here\)/);
    // Another size of the same network: the runs here, scaled by the multiply-adds.
    const other = await cli('train', '--dataset', 'colours', '--arch', 'lenet5', '--input-size', '16', '--width', '0.25', '--epochs', '1', '--batch-size', '8', '--backend', 'wasm');
    expect(other.stderr).toMatch(/Estimate: .*\(scaled from runs here: 2 runs of lenet5 on wasm trained here \(the latest at 32 px, width ×0\.5\), scaled by the multiply-adds to 16 px, width ×0\.25\)/);
  });

  it('lists the model zoo as JSON with the published counts', async () => {
    const r = await cli('models', '--json');
    const models = JSON.parse(r.stdout) as ModelInfo[];
    expect(models.find((m) => m.id === 'resnet18')).toMatchObject({ trainableParams: 11_689_512, inputShape: [224, 224, 3] });
    expect(models.find((m) => m.id === 'lenet5')).toMatchObject({ trainableParams: 431_080, inputShape: [28, 28, 1] });
  });

  it('fails with a non-zero code and the reason on stderr', async () => {
    const bad = await cli('train', '--dataset', 'colours', '--arch', 'lenet5', '--lr', '-1', '--epochs', '0');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--lr: must be > 0 \(got -1\)/);
    expect(bad.stderr).toMatch(/--epochs: must be ≥ 1/);
    const missing = await cli('import', path.join(home, 'no-such-folder'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no-such-folder/);
    const run = await cli('show', '999');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/No run 999/);
  });
  // tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js. To speed
  // things up dramatically, install our node backend …" on its first tensor unless production
  // mode is on: every process that loads tfjs (the compute service, the training worker) must
  // turn it on before any tensor exists.
  it("never prints tfjs's 'install our node backend' banner", async () => {
    const banner = /install our node backend|speed things up dramatically|looks like you are running TensorFlow\.js/i;
    const outputs: string[] = [];
    const check = (r: { stdout: string; stderr: string; code: number }, what: string): void => {
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      outputs.push(`${what}\n${r.stdout}\n${r.stderr}`);
    };
    check(await cli('models', 'lenet5', '--summary'), 'models lenet5 --summary');
    check(await cli('models', '--summary'), 'models --summary');
    const train = await cli('train', '--dataset', folder, '--name', 'on-cpu', '--arch', 'lenet5', '--input-size', '16', '--width', '0.25', '--epochs', '1', '--batch-size', '16', '--backend', 'cpu', '--json');
    check(train, 'train --backend cpu');
    const id = String((JSON.parse(train.stdout.trim().split('\n').pop()!) as RunDetail).id);
    const image = path.join(folder, 'class_0', fs.readdirSync(path.join(folder, 'class_0'))[0]);
    check(await cli('predict', id, image), 'predict');
    check(await cli('explain', id, image, path.join(home, 'cpu-cam.png')), 'explain');
    check(await cli('export', id, path.join(home, 'exported')), 'export');
    // A Slurm task trains in a child whose output is the task's own (the job's log file).
    check(await cli('slurm-task', cpuBundle(path.join(home, 'bundle'))), 'slurm-task on cpu');
    for (const o of outputs) expect(o).not.toMatch(banner);
  }, 120_000);
});
