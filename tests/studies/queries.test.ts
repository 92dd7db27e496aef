/**
 * The study queries on runs written directly into a store: kept-epoch metrics, failures across
 * runs, confusion diffs, and a study's grid over linked runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';
import { MIGRATIONS } from '../../main/store/migrations';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { addDataset, addFinishedRun } from './fixtures';

const classes = ['daisy', 'rose', 'tulip'];
// Test images 1–7 and their true classes.
const truth = [0, 1, 2, 0, 1, 2, 0];
const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 3, batchSize: 8 };

let home: string;
let ws: Workstation;
let img: number[];
let datasetId: number;
let runA: number;
let runB: number;
let runC: number;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-studyq-'));
  ws = new Workstation(openStore(home), { recover: false });
  ({ datasetId, imageIds: img } = addDataset(ws.store.db, 'flowers', classes, truth));
  const runs = ws.queue.runs;
  const p = (preds: number[], conf: number[], skip: number[] = []) =>
    preds.flatMap((pred, i) => (skip.includes(i) ? [] : [[img[i], truth[i], pred, conf[i]] as const]));
  //            image:    1    2    3    4    5    6    7
  // true:              daisy rose tulip daisy rose tulip daisy
  // A predicts:         rose daisy tulip daisy rose daisy  daisy
  // B predicts:        tulip daisy daisy daisy rose  rose  rose
  // C predicts:         rose daisy  rose  rose rose tulip  (none)
  runA = addFinishedRun(runs, datasetId, { ...config, activation: 'relu' }, classes,
    [{ valAccuracy: 0.6, trainLoss: 1.0, seconds: 2 }, { valAccuracy: 0.8, trainLoss: 0.8, seconds: 3 }, { valAccuracy: 0.7, trainLoss: 0.5, seconds: 4 }],
    p([1, 0, 2, 0, 1, 0, 0], [0.9, 0.5, 0.8, 0.7, 0.9, 0.6, 0.6]));
  runB = addFinishedRun(runs, datasetId, { ...config, activation: 'tanh' }, classes,
    [{ valAccuracy: 0.5, trainLoss: 1.1, imagesPerSecond: 100 }, { valAccuracy: 0.55, trainLoss: 0.9, imagesPerSecond: 200 }],
    p([2, 0, 0, 0, 1, 1, 1], [0.8, 0.5, 0.7, 0.6, 0.8, 0.7, 0.7]));
  runC = addFinishedRun(runs, datasetId, { ...config, activation: 'elu' }, classes,
    [{ valAccuracy: null, trainLoss: 1.2 }, { valAccuracy: null, trainLoss: 1.0 }],
    p([1, 0, 1, 1, 1, 2, 0], [0.7, 0.5, 0.9, 0.6, 0.6, 0.9, 0.9], [6]));
});

afterAll(async () => {
  await ws?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('migration 2', () => {
  it('adds the studies and study_runs tables', () => {
    expect(MIGRATIONS.map((m) => m.version).slice(0, 2)).toEqual([1, 2]);
    const tables = (ws.store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['studies', 'study_runs']));
  });
});

describe('kept-epoch metrics', () => {
  it('reads every metric at the epoch whose weights the run kept, not the last one', async () => {
    const [a, b, c] = await ws.studies.runMetrics({ runIds: [runA, runB, runC] });
    expect(a).toMatchObject({ runId: runA, keptEpoch: 2, epochsDone: 3, bestValAccuracy: 0.8, trainLoss: 0.8, seconds: 9 });
    expect(a.valLoss).toBeCloseTo(0.2, 12);
    expect(a.testAccuracy).toBeCloseTo(4 / 7, 12);
    expect(b).toMatchObject({ keptEpoch: 2, trainLoss: 0.9, imagesPerSecond: 150 });
    // No validation split: the last epoch is the kept one.
    expect(c).toMatchObject({ keptEpoch: 2, bestValAccuracy: null, trainLoss: 1.0 });
  });
});

describe('failures across runs', () => {
  it('finds the images all runs get wrong, where they disagree, and where only one is right', async () => {
    const f = await ws.studies.failuresAcrossRuns({ runIds: [runA, runB, runC] });
    // Image 7 has no prediction from C, so only images 1–6 are compared.
    expect(f.testImages).toBe(6);
    expect(f.classes).toEqual(classes);
    // All wrong: 1 (wrong confidence 0.9+0.8+0.7) before 2 (0.5 each).
    expect(f.allWrong.images.map((i) => i.imageId)).toEqual([img[0], img[1]]);
    expect(f.allWrong.count).toBe(2);
    // Disagree: 3 and 6 (one right), then 4 (two right).
    expect(f.disagree.images.map((i) => [i.imageId, i.rightCount])).toEqual([
      [img[2], 1],
      [img[5], 1],
      [img[3], 2],
    ]);
    expect(f.onlyOneRight.images.map((i) => i.imageId)).toEqual([img[2], img[5]]);
    expect(f.onlyOneRight.perRun).toEqual([
      { runId: runA, count: 1 },
      { runId: runB, count: 0 },
      { runId: runC, count: 1 },
    ]);
    const first = f.allWrong.images[0];
    expect(first).toMatchObject({ path: 'daisy/img_1.jpg', trueClass: 'daisy', trueIndex: 0, rightCount: 0 });
    expect(first.answers.map((a) => [a.runId, a.predictedClass, a.probability, a.correct])).toEqual([
      [runA, 'rose', 0.9, false],
      [runB, 'tulip', 0.8, false],
      [runC, 'rose', 0.7, false],
    ]);
    expect(first.answers[0].trueProbability).toBeCloseTo(0.05, 6);
  });

  it('compares any two runs on the dataset, and cuts lists at the limit but not the counts', async () => {
    const f = await ws.studies.failuresAcrossRuns({ runIds: [runB, runA] }, { limit: 1 });
    expect(f.testImages).toBe(7);
    // Both wrong: 1, 2, 6; only A right: 3 and 7.
    expect(f.allWrong.count).toBe(3);
    expect(f.allWrong.images).toHaveLength(1);
    expect(f.onlyOneRight.count).toBe(2);
    expect(f.onlyOneRight.perRun).toEqual([
      { runId: runB, count: 0 },
      { runId: runA, count: 2 },
    ]);
    expect(f.disagree.count).toBe(2);
  });

  it('refuses runs on another dataset, unknown runs and runs without predictions', async () => {
    const other = addDataset(ws.store.db, 'other', classes, [0, 1]);
    const x = addFinishedRun(ws.queue.runs, other.datasetId, config, classes, [{ valAccuracy: 0.5, trainLoss: 1 }], [[other.imageIds[0], 0, 0, 0.9]]);
    await expect(ws.studies.failuresAcrossRuns({ runIds: [runA, x] })).rejects.toThrow(/share one dataset/);
    await expect(ws.studies.failuresAcrossRuns({ runIds: [runA, 9999] })).rejects.toThrow(/No run 9999/);
    const queued = ws.queue.runs.createRun(datasetId, config);
    await expect(ws.studies.failuresAcrossRuns({ runIds: [runA, queued] })).rejects.toThrow(new RegExp(`Run ${queued} has no test predictions`));
    ws.queue.runs.delete(queued);
  });
});

describe('confusion diff', () => {
  it('puts two confusion matrices side by side with their difference', async () => {
    const d = await ws.studies.confusionDiff(runA, runB);
    expect(d.classes).toEqual(classes);
    // A: daisy→[2 right (4, 7), 1 as rose (1)]; B: daisy→[1 right (4), 1 rose (7), 1 tulip (1)].
    expect(d.a[0]).toEqual([2, 1, 0]);
    expect(d.b[0]).toEqual([1, 1, 1]);
    expect(d.diff[0]).toEqual([-1, 0, 1]);
    expect(d.perClass[0].recallA).toBeCloseTo(2 / 3, 12);
    expect(d.perClass[0].recallB).toBeCloseTo(1 / 3, 12);
    expect(d.changes.every((c) => c.a !== c.b && c.trueClass !== c.predictedClass)).toBe(true);
    expect(d.changes).toContainEqual({ trueClass: 'daisy', predictedClass: 'tulip', a: 0, b: 1 });
  });
});

describe('a study over runs that already exist', () => {
  it('matches linked runs to cells and grids their kept-epoch metrics', async () => {
    const study = await ws.studies.createStudy({
      name: 'act',
      datasetId,
      base: config,
      axes: [{ key: 'activation', values: ['relu', 'tanh', 'elu', 'swish'] }],
    });
    expect(study.state).toBe('idle');
    expect(study.counts.pending).toBe(4);
    for (const id of [runA, runB, runC]) ws.studies.db.link(study.id, id);
    const d = await ws.studies.getStudy(study.id);
    expect(d.cells.map((c) => [c.labels[0], c.runId, c.status])).toEqual([
      ['relu', runA, 'completed'],
      ['tanh', runB, 'completed'],
      ['elu', runC, 'completed'],
      ['swish', null, 'pending'],
    ]);
    expect(d.state).toBe('paused');
    const g = await ws.studies.studyGrid(study.id, { metric: 'best_val_accuracy' });
    expect(g.tables[0].cells.map((r) => r[0].mean)).toEqual([0.8, 0.55, null, null]);
    expect(g.best).toEqual({ table: 0, row: 0, col: 0 });
    const loss = await ws.studies.studyGrid(study.id, { metric: 'train_loss' });
    expect(loss.tables[0].cells.map((r) => r[0].mean)).toEqual([0.8, 0.9, 1.0, null]);
    expect(loss.best).toEqual({ table: 0, row: 0, col: 0 });

    const curves = await ws.studies.studyCurves(study.id, { metric: 'train_loss' });
    expect(curves.groups.map((g) => [g.label, g.runIds])).toEqual([['relu', [runA]], ['tanh', [runB]], ['elu', [runC]], ['swish', []]]);
    expect(curves.groups[0].runs[0]).toEqual({ runId: runA, keptEpoch: 2, values: [1.0, 0.8, 0.5] });

    const f = await ws.studies.failuresAcrossRuns({ studyId: study.id });
    expect(f.runIds).toEqual([runA, runB, runC]);
    const csv = await ws.studies.exportStudy(study.id, 'csv', { perRun: true });
    expect(csv.split('\n')[0]).toBe('run_id,activation,seed,status,kept_epoch,epochs_done,test_accuracy,best_val_accuracy,val_loss,train_loss,test_loss,time_s,images_per_second');
    expect(csv.split('\n')[1]).toMatch(new RegExp(`^${runA},relu,1,completed,2,3,0\\.57142857,0\\.8,0\\.2,0\\.8,0\\.5,9,100$`));
    const md = await ws.studies.exportStudy(study.id, 'markdown');
    // One seed per cell: the best mean is not bold (no winner beyond chance).
    expect(md).toContain(`| relu | 57.1% (n=1: #${runA}) |`);
    expect(md).toContain('No clear winner with 1 seed');
  });

  it('refuses bad studies before storing anything, naming the cell', async () => {
    const before = (await ws.studies.listStudies()).length;
    await expect(ws.studies.createStudy({ datasetId, base: config, axes: [{ key: 'lr', values: [0.01, -1] }] })).rejects.toThrow(/Cell lr=-1: lr/);
    await expect(ws.studies.createStudy({ datasetId, base: config, axes: [{ key: 'batchSize', values: [8, 1000] }] })).rejects.toThrow(/batchSize=1000.*larger than the 64 training images/);
    await expect(ws.studies.createStudy({ name: 'act', datasetId, base: config, axes: [] })).rejects.toThrow(/already a study named "act"/);
    await expect(ws.studies.createStudy({ datasetId, base: config, axes: [], repeats: 0 })).rejects.toThrow(/repeats/);
    expect((await ws.studies.listStudies()).length).toBe(before);
    const s = await ws.studies.createStudy({ datasetId, base: config, axes: [] });
    expect(s.name).toBe(`study-${s.id}`);
    expect(s.runCount).toBe(1);
  });
});
