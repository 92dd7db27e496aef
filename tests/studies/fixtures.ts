/**
 * Store fixtures for the study tests: a dataset with test images, and finished runs whose
 * epochs, evaluation and per-image predictions are written directly (no training).
 */
import type Database from 'better-sqlite3';
import type { TrainConfig } from '../../shared/config';
import type { DuplicateGroup, Evaluation } from '../../shared/types';
import { RunStore } from '../../main/store/runs';

/**
 * Inserts a dataset with `imageCount` test images (class of image i: `trueIndex[i]`); returns ids.
 * Its stored import report lists no rejected file and the `duplicates` given.
 */
export function addDataset(db: Database.Database, name: string, classes: readonly string[], trueIndex: readonly number[], duplicates: readonly DuplicateGroup[] = []): { datasetId: number; imageIds: number[] } {
  const report = { rejected: [], duplicates };
  const datasetId = Number(
    db
      .prepare(`INSERT INTO datasets (name, root, created_ms, classes_json, split_seed, val_fraction, test_fraction, report_json) VALUES (?, '/nowhere', 0, ?, 1, 0.15, 0.15, ?)`)
      .run(name, JSON.stringify(classes), JSON.stringify(report)).lastInsertRowid,
  );
  const insert = db.prepare(
    `INSERT INTO images (dataset_id, path, class_index, split, bytes, mtime_ms, status) VALUES (?, ?, ?, 'test', 1, 0, 'ok')`,
  );
  const imageIds = trueIndex.map((t, i) => Number(insert.run(datasetId, `${classes[t]}/img_${i + 1}.jpg`, t).lastInsertRowid));
  // A few training images so that configurations validate (batch size ≤ training images).
  const train = db.prepare(`INSERT INTO images (dataset_id, path, class_index, split, bytes, mtime_ms, status) VALUES (?, ?, ?, 'train', 1, 0, 'ok')`);
  for (let i = 0; i < 64; i++) train.run(datasetId, `${classes[i % classes.length]}/train_${i}.jpg`, i % classes.length);
  return { datasetId, imageIds };
}

/** One epoch as written by the worker. */
export interface FakeEpoch {
  readonly valAccuracy: number | null;
  readonly trainLoss: number;
  readonly seconds?: number;
  readonly imagesPerSecond?: number;
}

/**
 * A completed run: its epochs (the best one by validation accuracy is marked, as the trainer
 * does), and a test evaluation at that epoch with one prediction per image:
 * `[imageId, trueIndex, predictedIndex, confidence]`.
 */
export function addFinishedRun(
  runs: RunStore,
  datasetId: number,
  config: TrainConfig,
  classes: readonly string[],
  epochs: readonly FakeEpoch[],
  predictions: readonly (readonly [number, number, number, number])[],
): number {
  const id = runs.createRun(datasetId, config);
  runs.setStatus(id, 'running');
  let best: number | null = null;
  epochs.forEach((e, i) => {
    const isBest = e.valAccuracy !== null && (best === null || e.valAccuracy > best);
    if (isBest) best = e.valAccuracy;
    runs.addEpoch(
      id,
      { epoch: i + 1, trainLoss: e.trainLoss, trainAccuracy: 0.5, valLoss: e.valAccuracy === null ? null : 1 - e.valAccuracy, valAccuracy: e.valAccuracy, learningRate: 0.001, seconds: e.seconds ?? 1, imagesPerSecond: e.imagesPerSecond ?? 100 },
      isBest,
    );
  });
  const k = classes.length;
  const confusion = classes.map(() => new Array<number>(k).fill(0));
  for (const [, t, p] of predictions) confusion[t][p]++;
  const right = predictions.filter(([, t, p]) => t === p).length;
  const bestEpoch = runs.getRun(id).bestEpoch ?? epochs.length;
  const evaluation: Evaluation = { split: 'test', epoch: bestEpoch, accuracy: predictions.length ? right / predictions.length : 0, loss: 0.5, classes, confusion, perClass: [] };
  runs.saveEvaluation(
    id,
    evaluation,
    predictions.map(([imageId, trueIndex, p, conf]) => ({
      imageId,
      trueIndex,
      probabilities: classes.map((_, c) => (c === p ? conf : (1 - conf) / (k - 1))),
    })),
  );
  runs.setStatus(id, 'completed');
  return id;
}
