/**
 * Time estimates before a run starts: from what runs on this machine measured, scaled from the
 * same network at another size, from the bench's reference speeds (issue 17), and from the
 * multiply-adds only for a backend the bench did not measure (issue 14, item 12).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_SHARE, estimateRun, macsAt, REFERENCE, type Reference } from '../../main/core/estimates';
import { importImageFolder } from '../../main/datasets/import';
import { listVariants } from '../../main/models/registry';
import { openStore, type Store } from '../../main/store/db';
import { RunStore } from '../../main/store/runs';
import { RunTimings, type RunTiming } from '../../main/store/timings';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import type { EstimateRequest } from '../../shared/contract/api';
import type { ModelInfo } from '../../shared/types';
import { makeImageFolder } from '../fixtures/images';

/** Two cards as the zoo gives them (published multiply-adds at 224 px). */
const models: ModelInfo[] = [
  { id: 'resnet18', family: 'ResNet', title: 'ResNet-18', description: '', trainableParams: 11_689_512, totalParams: 11_699_112, macs: 1.814e9, inputShape: [224, 224, 3], numClasses: 1000, minInputSize: 32, reference: '' },
  { id: 'googlenet', family: 'GoogLeNet', title: 'GoogLeNet', description: '', trainableParams: 6_624_904, totalParams: 6_624_904, macs: 1.5e9, inputShape: [224, 224, 3], numClasses: 1000, minInputSize: 32, reference: '' },
];

const flowers = { train: 2568, val: 550, test: 552 };
const work = flowers.train + flowers.val * EVAL_SHARE;

function timing(over: Partial<RunTiming>): RunTiming {
  return { runId: 1, arch: 'resnet18', backend: 'wasm', inputSize: 64, width: 0.25, channels: 3, batchSize: 32, trainImages: flowers.train, valImages: flowers.val, epochSeconds: 22, epochs: 10, endedMs: 1, ...over };
}

const request = (arch: string, over: Partial<EstimateRequest> = {}): EstimateRequest => ({ arch, inputSize: 64, width: 0.25, epochs: 10, backend: 'wasm', ...over });

/** No bench rows: the estimates of a machine before `npm run bench:speeds` measured anything. */
const noBench: Reference = { backend: 'wasm', cpuModel: 'none', cpus: 1, speeds: [] };

/**
 * A bench that measured resnet18 at width 0.25 and 0.5 (4× the multiply-adds, 2.5× the time:
 * it grows as the multiply-adds to the power log 2.5 / log 4 ≈ 0.66) and googlenet at 0.25.
 */
const bench: Reference = {
  backend: 'wasm',
  cpuModel: 'AMD EPYC',
  cpus: 2,
  speeds: [
    { arch: 'resnet18', inputSize: 64, width: 0.25, secondsPerImage: 0.004 },
    { arch: 'resnet18', inputSize: 64, width: 0.5, secondsPerImage: 0.01 },
    { arch: 'googlenet', inputSize: 64, width: 0.25, secondsPerImage: 0.008 },
  ],
};
const growth = Math.log(2.5) / Math.log(4);

describe('estimateRun', () => {
  it('without history, is the multiply-add model (which puts resnet18 above googlenet)', () => {
    const r = estimateRun(request('resnet18'), 'wasm', flowers, [], models, noBench);
    const g = estimateRun(request('googlenet'), 'wasm', flowers, [], models, noBench);
    expect(r).toMatchObject({ source: 'model', runs: 0, backend: 'wasm' });
    expect(r.basis).toMatch(/typical speed of wasm \(no run on it measured here yet\)/);
    // 3 passes × MACs at 64 px, width 0.25 / 2.2 G/s, over the epoch's work.
    expect(r.secondsPerImage).toBeCloseTo((3 * macsAt(models[0], 64, 0.25)) / 2.2e9, 12);
    expect(r.epochSeconds).toBeCloseTo(r.secondsPerImage * work, 9);
    expect(r.epochSeconds!).toBeGreaterThan(g.epochSeconds!);
  });

  it("follows this machine's epochs: resnet18 22 s and googlenet 45 s, in that order", () => {
    const timings = [timing({ runId: 1, epochSeconds: 22 }), timing({ runId: 2, arch: 'googlenet', epochSeconds: 39 }), timing({ runId: 3, arch: 'googlenet', epochSeconds: 51 })];
    const r = estimateRun(request('resnet18'), 'wasm', flowers, timings, models);
    const g = estimateRun(request('googlenet'), 'wasm', flowers, timings, models);
    expect(r).toMatchObject({ source: 'measured', runs: 1 });
    expect(r.epochSeconds).toBeCloseTo(22, 9);
    expect(g).toMatchObject({ source: 'measured', runs: 2 });
    expect(g.epochSeconds).toBeCloseTo(45, 9);
    expect(g.basis).toBe('median of 2 runs of googlenet at 64 px, width ×0.25 on wasm trained here');
    // The total: ten epochs and the test images' forward passes.
    expect(r.totalSeconds).toBeCloseTo(220 + (22 / work) * flowers.test * EVAL_SHARE, 9);
    // On another dataset the same rate per image: half the images, half the time.
    const half = estimateRun(request('resnet18'), 'wasm', { train: flowers.train / 2, val: flowers.val / 2, test: 0 }, timings, models);
    expect(half.epochSeconds).toBeCloseTo(11, 9);
  });

  it('scales the same network at another size by the multiply-adds, and keeps backends apart', () => {
    const timings = [timing({ inputSize: 32, epochSeconds: 6 })];
    const r = estimateRun(request('resnet18'), 'wasm', flowers, timings, models, noBench);
    expect(r).toMatchObject({ source: 'scaled', runs: 1 });
    expect(r.epochSeconds).toBeCloseTo(24, 9); // 4× the pixels
    expect(r.basis).toMatch(/1 run of resnet18 on wasm trained here \(the latest at 32 px, width ×0.25\), scaled by the multiply-adds to 64 px, width ×0.25/);
    // Measured on cpu: says nothing about wasm but the multiply-adds.
    expect(estimateRun(request('resnet18'), 'wasm', flowers, [timing({ backend: 'cpu' })], models, noBench).source).toBe('model');
  });

  it("prices a network never run here at this machine's measured speed on the backend", () => {
    const timings = [timing({ arch: 'googlenet', epochSeconds: 45 })];
    const r = estimateRun(request('resnet18'), 'wasm', flowers, timings, models, noBench);
    expect(r).toMatchObject({ source: 'model', runs: 1 });
    expect(r.basis).toMatch(/this machine's speed on wasm over 1 run of a network of like size \(none of resnet18 yet\)/);
    // googlenet's measured multiply-adds per second, applied to resnet18's multiply-adds.
    const rate = (3 * macsAt(models[1], 64, 0.25)) / (45 / work);
    expect(r.epochSeconds).toBeCloseTo(((3 * macsAt(models[0], 64, 0.25)) / rate) * work, 6);
  });

  it('does not price a large network at the speed of a tiny one (per-layer overhead is no multiply-add)', () => {
    const tiny: ModelInfo = { ...models[0], id: 'lenet5', macs: 2.29e6, inputShape: [28, 28, 1] };
    const timings = [timing({ arch: 'lenet5', inputSize: 32, width: 0.25, epochSeconds: 1.5 })];
    const r = estimateRun(request('resnet18'), 'wasm', flowers, timings, [...models, tiny], noBench);
    expect(r).toMatchObject({ source: 'model', runs: 0 });
    expect(r.basis).toMatch(/a typical speed of wasm/);
  });

  it("without history, takes the bench's speed of the network at the size and width asked", () => {
    const r = estimateRun(request('resnet18'), 'wasm', flowers, [], models, bench);
    expect(r).toMatchObject({ source: 'bench', runs: 0, basisRef: { key: 'estimateBasis.bench', params: { cpu: 'AMD EPYC', cpus: 2 } } });
    expect(r.secondsPerImage).toBeCloseTo(0.004, 12);
    expect(r.epochSeconds).toBeCloseTo(0.004 * work, 9);
    expect(r.basis).toMatch(/resnet18's training speed that the bench measured on a 2-core AMD EPYC \(wasm\), at 64 px, width ×0.25/);
    expect(estimateRun(request('resnet18', { width: 0.5 }), 'wasm', flowers, [], models, bench).secondsPerImage).toBeCloseTo(0.01, 12);
    // Width 1 (16× the multiply-adds of the first row, 4× the second's): the second row grown
    // by the fitted power, well under the 4× the multiply-adds alone would say.
    const wide = estimateRun(request('resnet18', { width: 1 }), 'wasm', flowers, [], models, bench);
    expect(wide.secondsPerImage).toBeCloseTo(0.01 * 4 ** growth, 12);
    expect(wide.secondsPerImage).toBeLessThan(0.04);
    // One row only: in proportion to the multiply-adds.
    expect(estimateRun(request('googlenet', { inputSize: 128 }), 'wasm', flowers, [], models, bench).secondsPerImage).toBeCloseTo(0.008 * 4, 12);
  });

  it("scales the bench's speed to this machine by its runs of other networks against their own bench rows", () => {
    // googlenet trained here at twice its bench time per image: this machine is half as fast.
    const timings = [timing({ arch: 'googlenet', epochSeconds: 2 * 0.008 * work })];
    const r = estimateRun(request('resnet18'), 'wasm', flowers, timings, models, bench);
    expect(r).toMatchObject({ source: 'bench', runs: 1, basisRef: { key: 'estimateBasis.benchHere', params: { n: 1 } } });
    expect(r.secondsPerImage).toBeCloseTo(2 * 0.004, 12);
    expect(r.basis).toMatch(/times this machine's speed on wasm against the bench's over 1 run of another network/);
    // A run far below its network's rows (16 px: a sixteenth of the multiply-adds) says nothing
    // about this machine: there the time floors at per-layer work, which the rows do not follow.
    const tiny = estimateRun(request('googlenet'), 'wasm', flowers, [timing({ inputSize: 16, epochSeconds: 20 * 0.004 * work })], models, bench);
    expect(tiny).toMatchObject({ source: 'bench', runs: 0 });
    expect(tiny.secondsPerImage).toBeCloseTo(0.008, 12);
    // A run of the same network (another width) here comes first, grown by the bench's power.
    const same = estimateRun(request('resnet18'), 'wasm', flowers, [timing({ width: 0.5, epochSeconds: 0.02 * work })], models, bench);
    expect(same).toMatchObject({ source: 'scaled', runs: 1 });
    expect(same.secondsPerImage).toBeCloseTo(0.02 / 4 ** growth, 12);
  });

  it('leaves the bench out on a backend it did not measure, and ships rows for every zoo network', () => {
    expect(estimateRun(request('resnet18', { backend: 'tensorflow' }), 'tensorflow', flowers, [], models, bench).source).toBe('model');
    expect(estimateRun(request('resnet18'), 'wasm', flowers, [], models, bench).source).toBe('bench');
    // The committed rows (npm run bench:speeds): two settings of every zoo network, positive speeds.
    for (const v of listVariants()) expect(REFERENCE.speeds.filter((r) => r.arch === v.id && r.secondsPerImage > 0), v.id).toHaveLength(2);
    expect(REFERENCE.backend).toBe('wasm');
  });

  it('gives a rate per image without a dataset', () => {
    const r = estimateRun(request('resnet18'), 'wasm', null, [timing({})], models);
    expect(r.epochSeconds).toBeNull();
    expect(r.totalSeconds).toBeNull();
    expect(r.secondsPerImage).toBeCloseTo(22 / work, 12);
  });
});

describe('RunTimings', () => {
  let tmp: string;
  let store: Store;
  let runs: RunStore;
  let datasetId: number;
  const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, width: 0.5 };
  const backend = { name: 'wasm' as const, description: 'wasm', unavailable: [], forced: false };

  function run(epochSeconds: readonly number[]): number {
    const id = runs.createRun(datasetId, config);
    runs.setStatus(id, 'running');
    runs.markStarted(id, backend, { trainableParams: 1, totalParams: 1, macs: 1 });
    epochSeconds.forEach((seconds, i) => runs.addEpoch(id, { epoch: i + 1, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, learningRate: 0.001, seconds, imagesPerSecond: 10 }, false));
    runs.setStatus(id, 'completed');
    return id;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-timings-'));
    store = openStore(path.join(tmp, 'home'));
    runs = new RunStore(store);
    const folder = await makeImageFolder(path.join(tmp, 'pics'), { classes: 3, perClass: 20, size: 16 });
    datasetId = (await importImageFolder(store, folder.root)).datasetId;
  });

  afterAll(() => {
    store?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("lists each run's median epoch (the first, warming up, left out) with its setting and images", () => {
    const id = run([30, 10, 12, 11]);
    const [t] = new RunTimings(store).list().filter((x) => x.runId === id);
    expect(t).toMatchObject({ arch: 'lenet5', backend: 'wasm', inputSize: 32, width: 0.5, epochs: 4, epochSeconds: 11, trainImages: 42, valImages: 9 });
    const two = run([30, 10]);
    expect(new RunTimings(store).list().find((x) => x.runId === two)?.epochSeconds).toBe(20);
  });

  it('counts only runs this machine trained: not another host, not a Slurm task, not a run with no epoch', () => {
    const elsewhere = run([5, 5, 5]);
    store.db.prepare('UPDATE runs SET owner_host = ? WHERE id = ?').run(`not-${os.hostname()}`, elsewhere);
    const onSlurm = run([5, 5, 5]);
    store.db.prepare(`INSERT INTO studies (id, name, dataset_id, base_json, axes_json, created_ms, updated_ms) VALUES (1, 's', ?, '{}', '[]', 0, 0)`).run(datasetId);
    store.db.prepare(`INSERT INTO slurm_submissions (id, study_id, array_job_id, script, settings_json, submitted_ms) VALUES (1, 1, '77', '', '{}', 0)`).run();
    store.db
      .prepare(`INSERT INTO slurm_tasks (run_id, attempt, submission_id, array_index, cell_index, bundle_dir, state, checked_ms) VALUES (?, 1, 1, 0, 0, '/b', 'done', 0)`)
      .run(onSlurm);
    const never = runs.createRun(datasetId, config);
    const ids = new Set(new RunTimings(store).list().map((t) => t.runId));
    expect(ids.has(elsewhere)).toBe(false);
    expect(ids.has(never)).toBe(false);
    expect(ids.has(onSlurm)).toBe(false);
    expect(ids.size).toBeGreaterThan(0);
  });
});
