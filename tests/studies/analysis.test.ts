/**
 * Comparing runs (McNemar's exact test, intervals over seeds) and label suspects (confident
 * learning), on runs written directly into a store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { meanInterval } from '../../shared/statistics';
import { parseApiArgs } from '../../shared/contract/api-schemas';
import { addDataset, addFinishedRun } from './fixtures';

const classes = ['daisy', 'rose', 'tulip'];
const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 1, batchSize: 8 };
const epochs = [{ valAccuracy: 0.5, trainLoss: 1 }];

let home: string;
let ws: Workstation;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-analysis-'));
  ws = new Workstation(openStore(home), { recover: false });
});

afterAll(async () => {
  await ws?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('compareRuns', () => {
  // 20 test images; a run "right on the first r" predicts the truth there and the next class elsewhere.
  const truth = Array.from({ length: 20 }, (_, i) => i % 3);
  let img: number[];
  let datasetId: number;
  const ids: Record<string, number> = {};
  beforeAll(() => {
    ({ datasetId, imageIds: img } = addDataset(ws.store.db, 'compare', classes, truth));
    const run = (right: number, c: Partial<TrainConfig>) =>
      addFinishedRun(ws.queue.runs, datasetId, { ...config, ...c }, classes, epochs, img.map((id, i) => [id, truth[i], i < right ? truth[i] : (truth[i] + 1) % 3, 0.8] as const));
    ids.a = run(18, { activation: 'relu', seed: 1 });
    ids.b = run(17, { activation: 'relu', seed: 2 });
    ids.c = run(16, { activation: 'relu', seed: 3 });
    ids.d = run(10, { activation: 'tanh', seed: 1 });
    ids.e = run(11, { activation: 'tanh', seed: 2 });
  });

  it("counts the images only one run gets right and gives McNemar's exact p", async () => {
    const cmp = await ws.compareRuns([ids.a, ids.d]);
    // A right on images 1–18, D on 1–10: both right 10, only A 8, only D 0, both wrong 2; p = 2 · 2⁻⁸.
    expect(cmp.pairs).toEqual([{ runA: ids.a, runB: ids.d, images: 20, bothRight: 10, onlyA: 8, onlyB: 0, bothWrong: 2, accuracyA: 0.9, accuracyB: 0.5, p: 2 / 256 }]);
    expect(cmp.notes).toEqual([]);
    // A against B: one image apart, p = 1.
    const close = await ws.compareRuns([ids.a, ids.b]);
    expect(close.pairs[0]).toMatchObject({ onlyA: 1, onlyB: 0, p: 1 });
  });

  it('groups repeats by their settings but the seed, with a 95% interval, and tests the best group', async () => {
    const cmp = await ws.compareRuns([ids.a, ids.b, ids.c, ids.d, ids.e]);
    expect(cmp.pairs).toHaveLength(10);
    expect(cmp.groups.map((g) => [g.label, g.runIds, g.n])).toEqual([
      ['relu', [ids.a, ids.b, ids.c], 3],
      ['tanh', [ids.d, ids.e], 2],
    ]);
    const relu = meanInterval([0.9, 0.85, 0.8]);
    expect(cmp.groups[0].mean).toBeCloseTo(0.85, 12);
    expect(cmp.groups[0].ci95!.lo).toBeCloseTo(relu.lo!, 12);
    // 0.85 ± 4.302653 · 0.05/√3.
    expect(cmp.groups[0].ci95!.hi).toBeCloseTo(0.85 + 0.1242069, 6);
    expect(cmp.groupVerdict).toMatchObject({ best: 0, runnerUp: 1, seeds: 2, winner: true });
    expect(cmp.groupVerdict!.p).toBeLessThan(0.05);
  });

  it("gives each run's calibration with its detail (what show, the views and the report read)", async () => {
    const c = (await ws.getRun(ids.a)).calibration!;
    // Every answer at 0.8, 18 of 20 right: one bin, ECE = |0.9 − 0.8|; the true class of a wrong
    // answer ties for second (0.1 each), so top-2 is 100%.
    expect(c.images).toBe(20);
    expect(c.bins.filter((b) => b.count).map((b) => b.count)).toEqual([20]);
    expect(c.ece).toBeCloseTo(0.1, 6);
    expect(c.overconfidence).toBeCloseTo(-0.1, 6);
    expect(c.topK).toBe(2);
    expect(c.topKAccuracy).toBe(1);
    expect((await ws.getRun(ws.queue.runs.createRun(datasetId, config))).calibration).toBeNull();
  });

  it('keeps a run retrained on fixed labels out of the repeats of the run it came from', async () => {
    // The same settings, seed and all, on a later version of the labels: not a second seed.
    const retrained = addFinishedRun(ws.queue.runs, datasetId, { ...config, activation: 'relu', seed: 1 }, classes, epochs, img.map((id, i) => [id, truth[i], truth[i], 0.8] as const));
    ws.store.db.prepare('UPDATE runs SET dataset_version = 2 WHERE id = ?').run(retrained);
    const cmp = await ws.compareRuns([ids.a, retrained]);
    expect(cmp.groups.map((g) => [g.label, g.runIds])).toEqual([
      ['v0', [ids.a]],
      ['v2', [retrained]],
    ]);
    expect(cmp.groupVerdict).toBeNull();
  });

  it('says what it could not compare', async () => {
    const other = addDataset(ws.store.db, 'other', classes, [0, 1]);
    const elsewhere = addFinishedRun(ws.queue.runs, other.datasetId, config, classes, epochs, other.imageIds.map((id, i) => [id, i, i, 0.9] as const));
    const queued = ws.queue.runs.createRun(datasetId, config);
    const cmp = await ws.compareRuns([ids.a, elsewhere, queued]);
    expect(cmp.pairs).toEqual([]);
    expect(cmp.notes.join(' ')).toMatch(new RegExp(`Run ${queued} has no test predictions yet.*different datasets are not tested image by image \\(${ids.a} and ${elsewhere}\\)`));
    // The same, as data for the app to say in the user's language.
    expect(cmp.untested).toEqual([queued]);
    expect(cmp.apart).toEqual([[ids.a, elsewhere]]);
    expect(cmp.groupVerdict).toBeNull();
    await expect(ws.compareRuns([ids.a, ids.a])).rejects.toThrow(/selected twice/);
    await expect(ws.compareRuns([ids.a, 9999])).rejects.toThrow(/No run 9999/);
  });
});

describe('labelSuspects', () => {
  // 12 test images, four per class. Image 3 (filed under daisy) is a rose and image 8 (tulip)
  // a daisy: both runs say so with 0.9. Image 5 (rose): one run says tulip at 0.5 — unsure.
  const truth = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
  let img: number[];
  let datasetId: number;
  let runs: number[];
  beforeAll(() => {
    // The import found image 12 (tulip) and a training image filed under daisy to be one picture.
    ({ datasetId, imageIds: img } = addDataset(ws.store.db, 'planted', classes, truth, [{ paths: ['tulip/img_12.jpg', 'daisy/train_0.jpg'], classes: ['tulip', 'daisy'], labelConflict: true }, { paths: ['rose/img_5.jpg', 'rose/img_6.jpg'], classes: ['rose'], labelConflict: false }]));
    const predsOf = (overrides: Record<number, [number, number]>) =>
      img.map((id, i) => {
        const [pred, conf] = overrides[i] ?? [truth[i], 0.85];
        return [id, truth[i], pred, conf] as const;
      });
    runs = [
      addFinishedRun(ws.queue.runs, datasetId, { ...config, seed: 1 }, classes, epochs, predsOf({ 2: [1, 0.9], 8: [0, 0.9], 5: [2, 0.5] })),
      addFinishedRun(ws.queue.runs, datasetId, { ...config, seed: 2 }, classes, epochs, predsOf({ 2: [1, 0.9], 8: [0, 0.9] })),
    ];
    // A run still queued has no predictions and is left out.
    ws.queue.runs.createRun(datasetId, config);
  });

  it('ranks the planted wrong labels first, from every tested run by default', async () => {
    const s = await ws.labelSuspects(datasetId);
    expect(s.runIds).toEqual(runs);
    expect(s.images).toBe(12);
    expect(s.total).toBe(2);
    expect(s.suspects.map((x) => [x.path, x.givenClass, x.suggestedClass, x.agreeing])).toEqual([
      ['daisy/img_3.jpg', 'daisy', 'rose', 2],
      ['tulip/img_9.jpg', 'tulip', 'daisy', 2],
    ]);
    // p(daisy) of image 3: (1 − 0.9)/2 = 0.05 in both runs.
    expect(s.suspects[0].givenProbability).toBeCloseTo(0.05, 6);
    expect(s.suspects[0].suggestedProbability).toBeCloseTo(0.9, 6);
    expect(s.suspects[0].answers.map((a) => a.runId)).toEqual(runs);
    // daisy: three images at 0.85 and one at 0.05 → t = 0.65.
    expect(s.thresholds[0]).toBeCloseTo((3 * 0.85 + 0.05) / 4, 6);
    expect(s.joint[0][1]).toBe(1);
    expect(s.joint[2][0]).toBe(1);
    expect(s.estimatedErrors).toBeGreaterThan(1.5);
    // The picture filed under two labels is listed beside them, with the runs' view of the test copy.
    expect(s.conflicts).toHaveLength(1);
    expect(s.conflicts[0].labels).toEqual(['tulip', 'daisy']);
    expect(s.conflicts[0].copies.map((c) => [c.path, c.givenClass, c.split])).toEqual([
      ['tulip/img_12.jpg', 'tulip', 'test'],
      ['daisy/train_0.jpg', 'daisy', 'train'],
    ]);
    expect(s.conflicts[0].probabilities![2]).toBeCloseTo(0.85, 6);
  });

  it('averages only the runs named, and refuses runs it cannot use by name', async () => {
    const one = await ws.labelSuspects(datasetId, { runIds: [runs[1]], limit: 1 });
    expect(one.runIds).toEqual([runs[1]]);
    expect(one.total).toBe(2);
    expect(one.suspects).toHaveLength(1);
    const other = addDataset(ws.store.db, 'empty', classes, [0, 1, 2]);
    // No run yet: nothing to rank, said with an empty run list.
    expect(await ws.labelSuspects(other.datasetId)).toMatchObject({ runIds: [], images: 0, total: 0, suspects: [], joint: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] });
    await expect(ws.labelSuspects(other.datasetId, { runIds: [runs[0]] })).rejects.toThrow(new RegExp(`Run ${runs[0]} is not on dataset ${other.datasetId}`));
    await expect(ws.labelSuspects(datasetId, { runIds: [424242] })).rejects.toThrow(/No run 424242/);
  });

  it('drops a label conflict once one copy is excluded, and lists it again when it is restored', async () => {
    await ws.editLabels(datasetId, [{ image: 'daisy/train_0.jpg', action: 'exclude' }]);
    expect((await ws.labelSuspects(datasetId)).conflicts).toEqual([]);
    await ws.editLabels(datasetId, [{ image: 'daisy/train_0.jpg', action: 'restore' }]);
    expect((await ws.labelSuspects(datasetId)).conflicts.map((c) => c.labels)).toEqual([['tulip', 'daisy']]);
  });
});

describe('the analysis verbs at a process boundary', () => {
  it('refuses bad arguments, naming the field', () => {
    expect(parseApiArgs('compareRuns', [[1, 2]])).toEqual([[1, 2]]);
    expect(() => parseApiArgs('compareRuns', [[]])).toThrow(/compareRuns: args\[0\]/);
    expect(() => parseApiArgs('compareRuns', [[1, -2]])).toThrow(/args\[0\]\[1\]/);
    expect(parseApiArgs('labelSuspects', [3, { runIds: [4], limit: 10 }])).toEqual([3, { runIds: [4], limit: 10 }]);
    expect(() => parseApiArgs('labelSuspects', [3, { runs: [4] }])).toThrow(/labelSuspects: args\[1\]/);
    expect(() => parseApiArgs('labelSuspects', ['3'])).toThrow(/args\[0\]/);
  });
});
