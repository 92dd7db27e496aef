/**
 * Finished runs written into a real store through the run store's own methods (the calls the
 * run queue makes when a worker reports), so that screen tests can look at runs without
 * spending minutes training them on a two-core machine.
 *
 * The numbers are made, not trained: per-batch and per-epoch series of a given shape, and test
 * predictions that are right for a given share of each class's test images (the evaluation is
 * computed from those predictions, as the worker computes it).
 */
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import type { BackendInfo, EpochMetrics, Evaluation } from '../../shared/types';
import type { Workstation } from '../../main/core/workstation';
import { accuracyOf, confusionMatrix, perClassMetrics } from '../../main/worker/metrics';

const BACKEND: BackendInfo = { name: 'cpu', description: 'cpu (seeded by the test)', unavailable: [], forced: false };

export interface SeedOptions {
  readonly name?: string;
  readonly config?: Partial<TrainConfig>;
  readonly epochs?: readonly Partial<EpochMetrics>[];
  /**
   * For test image i of class t: the class it is predicted as (default: right when
   * `(i * 7 + t) % 10 < 7`, else the next class).
   */
  readonly predict?: (trueIndex: number, i: number, numClasses: number) => number;
  readonly status?: 'completed' | 'queued' | 'running';
}

/** Writes one run with its series, epochs, evaluation and predictions; returns its id. */
export function seedRun(ws: Workstation, datasetId: number, opts: SeedOptions = {}): number {
  const runs = ws.queue.runs;
  const epochs = opts.epochs ?? [{}, {}];
  const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, batchSize: 8, epochs: epochs.length, ...opts.config };
  const id = runs.createRun(datasetId, config, opts.name);
  if (opts.status === 'queued') return id;
  const t0 = Date.now() - 60_000;
  runs.markStarted(id, BACKEND, { trainableParams: 61_706, totalParams: 61_706, macs: 416_520 }, t0);
  runs.setStatus(id, 'running');
  // Batches per epoch as the trainer counts them; the last of each is scored 0 (a few images, all wrong).
  const train = (ws.store.db.prepare(`SELECT count(*) AS n FROM images WHERE dataset_id = ? AND split = 'train' AND status = 'ok'`).get(datasetId) as { n: number }).n;
  const steps = Math.floor(train / config.batchSize) + (train % config.batchSize >= 2 ? 1 : 0);
  const rows: { step: number; epoch: number; loss: number; accuracy: number; lr: number; ips: number }[] = [];
  epochs.forEach((_, e) => {
    for (let b = 1; b <= steps; b++) {
      const step = e * steps + b;
      const partial = b === steps;
      rows.push({ step, epoch: e + 1, loss: partial ? 2.208 : 1.4 - 0.02 * step, accuracy: partial ? 0 : 0.4 + 0.01 * step, lr: config.lr, ips: 200 });
    }
  });
  runs.addBatchMetrics(id, rows);
  let best = -1;
  epochs.forEach((over, e) => {
    const m: EpochMetrics = { epoch: e + 1, trainLoss: 1.2 - 0.1 * e, trainAccuracy: 0.5 + 0.05 * e, valLoss: 1.3 - 0.1 * e, valAccuracy: 0.45 + 0.06 * e, learningRate: config.lr, seconds: 20, imagesPerSecond: 200, ...over };
    const isBest = (m.valAccuracy ?? 0) > best;
    if (isBest) best = m.valAccuracy ?? 0;
    runs.addEpoch(id, m, isBest);
  });
  if (opts.status === 'running') return id;
  const ds = ws.store.db.prepare(`SELECT classes_json FROM datasets WHERE id = ?`).get(datasetId) as { classes_json: string };
  const classes = JSON.parse(ds.classes_json) as string[];
  const test = ws.store.db.prepare(`SELECT id, class_index FROM images WHERE dataset_id = ? AND split = 'test' AND status = 'ok' ORDER BY id`).all(datasetId) as { id: number; class_index: number }[];
  const k = classes.length;
  const predict = opts.predict ?? ((t: number, i: number) => ((i * 7 + t) % 10 < 7 ? t : (t + 1) % k));
  const predicted = test.map((r, i) => predict(r.class_index, i, k));
  const confusion = confusionMatrix(
    test.map((r) => r.class_index),
    predicted,
    k,
  );
  const evaluation: Evaluation = { split: 'test', epoch: epochs.length, accuracy: accuracyOf(confusion), loss: 0.9, classes, confusion, perClass: perClassMetrics(confusion, classes) };
  const predictions = test.map((r, i) => {
    const probabilities = Array.from({ length: k }, (_, c) => (c === predicted[i] ? 0.6 + ((i % 4) * 0.1) : 0.4 / (k - 1) - ((i % 4) * 0.1) / (k - 1)));
    return { imageId: r.id, trueIndex: r.class_index, probabilities };
  });
  runs.saveEvaluation(id, evaluation, predictions);
  runs.setStatus(id, 'completed');
  return id;
}
