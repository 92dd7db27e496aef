/**
 * Read-only queries over several runs at once — their metrics at the kept epoch, per-epoch
 * series, test evaluations and predictions — for the study views, comparisons and reports.
 *
 * Statements are prepared once; lists of run ids travel as one JSON array parameter.
 */
import type { RunMetrics } from '../../shared/contract/studies';
import type { Evaluation, RunStatus } from '../../shared/types';
import type { Store } from './db';
import { prepareAll } from './sql';

/** One test prediction as stored. */
export interface PredictionRow {
  readonly run_id: number;
  readonly image_id: number;
  readonly true_index: number;
  readonly predicted_index: number;
  readonly confidence: number;
  readonly probs_json: string;
}

/** Run ids passed as one JSON array: `IN (SELECT value FROM json_each(?))`. */
const IDS = `(SELECT value FROM json_each(?))`;

/** Queries across runs of one store. */
export class RunQueries {
  private readonly stmts;

  constructor(store: Store) {
    this.stmts = prepareAll(store.db, {
      runMetrics: `
        WITH k AS (
          SELECT r.id AS run_id, r.status, COALESCE(s.epochs_done, 0) AS epochs_done, s.test_accuracy,
                 ev.loss AS test_loss, COALESCE(r.best_epoch, ev.epoch, NULLIF(s.epochs_done, 0)) AS kept
          FROM runs r
          LEFT JOIN run_summary s ON s.run_id = r.id
          LEFT JOIN evaluations ev ON ev.run_id = r.id AND ev.split = 'test'
          WHERE r.id IN ${IDS} AND r.deleted = 0
        )
        SELECT k.*,
          (SELECT value FROM metrics m WHERE m.run_id = k.run_id AND m.key = 'val_accuracy' AND m.step = k.kept) AS val_accuracy,
          (SELECT value FROM metrics m WHERE m.run_id = k.run_id AND m.key = 'val_loss' AND m.step = k.kept) AS val_loss,
          (SELECT value FROM metrics m WHERE m.run_id = k.run_id AND m.key = 'train_loss' AND m.step = k.kept) AS train_loss,
          (SELECT value FROM metrics m WHERE m.run_id = k.run_id AND m.key = 'train_accuracy' AND m.step = k.kept) AS train_accuracy,
          (SELECT SUM(value) FROM metrics m WHERE m.run_id = k.run_id AND m.key = 'epoch_seconds' AND m.step = m.epoch) AS seconds,
          (SELECT AVG(value) FROM metrics m WHERE m.run_id = k.run_id AND m.key = 'images_per_second' AND m.step = m.epoch) AS images_per_second
        FROM k`,
      epochSeries: `SELECT run_id, step, value FROM metrics WHERE run_id IN ${IDS} AND key = ? AND step = epoch ORDER BY run_id, step`,
      runDatasets: `SELECT id, dataset_id, name, deleted FROM runs WHERE id IN ${IDS}`,
      predictionCounts: `SELECT run_id, COUNT(*) AS n FROM predictions WHERE run_id IN ${IDS} GROUP BY run_id`,
      // Per test image: how many of the runs predicted it, and how many got it right.
      imageTally: `
        SELECT image_id, true_index, COUNT(*) AS n, SUM(predicted_index = true_index) AS right
        FROM predictions WHERE run_id IN ${IDS}
        GROUP BY image_id HAVING COUNT(*) = ?`,
      predictionsOf: `SELECT run_id, image_id, true_index, predicted_index, confidence, probs_json FROM predictions
         WHERE run_id IN ${IDS} AND image_id IN ${IDS}`,
      imagePaths: `SELECT id, path FROM images WHERE id IN ${IDS}`,
      // Per test image and run: right or wrong (McNemar's counts).
      correctness: `SELECT run_id, image_id, predicted_index = true_index AS right FROM predictions WHERE run_id IN ${IDS}`,
      // The completed runs of a dataset that have test predictions (label suspects).
      testedRuns: `
        SELECT r.id FROM runs r WHERE r.dataset_id = ? AND r.deleted = 0 AND r.status = 'completed'
          AND EXISTS (SELECT 1 FROM predictions p WHERE p.run_id = r.id) ORDER BY r.id`,
      // Every prediction of the runs with the image's path and its label now (label suspects).
      labelledPredictions: `
        SELECT p.run_id, p.image_id, p.predicted_index, p.confidence, p.probs_json, i.path, i.class_index
        FROM predictions p JOIN images i ON i.id = p.image_id
        WHERE p.run_id IN ${IDS} ORDER BY p.image_id, p.run_id`,
      // Images of a dataset by path, with their split (label conflicts).
      imagesByPath: `SELECT id, path, split, class_index FROM images WHERE dataset_id = ? AND status = 'ok' AND path IN ${IDS}`,
      testEvaluation: `SELECT epoch, accuracy, loss, classes_json, confusion_json, per_class_json FROM evaluations WHERE run_id = ? AND split = 'test'`,
    });
  }

  /** Each run's metrics at the epoch whose weights it kept. */
  runMetrics(runIds: readonly number[]): Map<number, RunMetrics> {
    const rows = this.stmts.runMetrics.all(JSON.stringify(runIds)) as {
      run_id: number;
      status: RunStatus;
      epochs_done: number;
      test_accuracy: number | null;
      test_loss: number | null;
      kept: number | null;
      val_accuracy: number | null;
      val_loss: number | null;
      train_loss: number | null;
      train_accuracy: number | null;
      seconds: number | null;
      images_per_second: number | null;
    }[];
    const out = new Map<number, RunMetrics>();
    for (const r of rows) {
      out.set(r.run_id, {
        runId: r.run_id,
        status: r.status,
        keptEpoch: r.kept,
        epochsDone: r.epochs_done,
        testAccuracy: r.test_accuracy,
        bestValAccuracy: r.val_accuracy,
        valLoss: r.val_loss,
        trainLoss: r.train_loss,
        trainAccuracy: r.train_accuracy,
        // The store writes -1 for a test loss that was not finite.
        testLoss: r.test_loss === null || r.test_loss < 0 ? null : r.test_loss,
        seconds: r.seconds,
        imagesPerSecond: r.images_per_second,
      });
    }
    return out;
  }

  /** Per-epoch values of one metric key for each run (`values[e - 1]` is epoch e). */
  epochSeries(runIds: readonly number[], key: string): Map<number, (number | null)[]> {
    const out = new Map<number, (number | null)[]>();
    for (const id of runIds) out.set(id, []);
    for (const r of this.stmts.epochSeries.all(JSON.stringify(runIds), key) as { run_id: number; step: number; value: number | null }[]) {
      const list = out.get(r.run_id)!;
      while (list.length < r.step - 1) list.push(null);
      list[r.step - 1] = r.value;
    }
    return out;
  }

  /** Dataset and name of each run id that exists (deleted ones flagged). */
  runDatasets(runIds: readonly number[]): Map<number, { datasetId: number; name: string; deleted: boolean }> {
    const rows = this.stmts.runDatasets.all(JSON.stringify(runIds)) as { id: number; dataset_id: number; name: string; deleted: number }[];
    return new Map(rows.map((r) => [r.id, { datasetId: r.dataset_id, name: r.name, deleted: r.deleted === 1 }]));
  }

  predictionCounts(runIds: readonly number[]): Map<number, number> {
    const rows = this.stmts.predictionCounts.all(JSON.stringify(runIds)) as { run_id: number; n: number }[];
    return new Map(rows.map((r) => [r.run_id, r.n]));
  }

  /** Test images every one of the runs predicted, with how many got each right. */
  imageTally(runIds: readonly number[]): { image_id: number; true_index: number; n: number; right: number }[] {
    return this.stmts.imageTally.all(JSON.stringify(runIds), runIds.length) as { image_id: number; true_index: number; n: number; right: number }[];
  }

  predictionsOf(runIds: readonly number[], imageIds: readonly number[]): PredictionRow[] {
    if (!imageIds.length) return [];
    return this.stmts.predictionsOf.all(JSON.stringify(runIds), JSON.stringify(imageIds)) as PredictionRow[];
  }

  imagePaths(imageIds: readonly number[]): Map<number, string> {
    if (!imageIds.length) return new Map();
    const rows = this.stmts.imagePaths.all(JSON.stringify(imageIds)) as { id: number; path: string }[];
    return new Map(rows.map((r) => [r.id, r.path]));
  }

  /** Per run, the test images it got right and wrong. */
  correctness(runIds: readonly number[]): Map<number, Map<number, boolean>> {
    const out = new Map<number, Map<number, boolean>>(runIds.map((id) => [id, new Map()]));
    for (const r of this.stmts.correctness.all(JSON.stringify(runIds)) as { run_id: number; image_id: number; right: number }[]) out.get(r.run_id)!.set(r.image_id, r.right === 1);
    return out;
  }

  /** The completed, not deleted runs of a dataset with test predictions, oldest first. */
  testedRuns(datasetId: number): number[] {
    return (this.stmts.testedRuns.all(datasetId) as { id: number }[]).map((r) => r.id);
  }

  /** The runs' test predictions with each image's path and current label, by image then run. */
  labelledPredictions(runIds: readonly number[]): { run_id: number; image_id: number; predicted_index: number; confidence: number; probs_json: string; path: string; class_index: number }[] {
    return this.stmts.labelledPredictions.all(JSON.stringify(runIds)) as { run_id: number; image_id: number; predicted_index: number; confidence: number; probs_json: string; path: string; class_index: number }[];
  }

  /** The accepted images of a dataset at these relative paths (their split and label now), by path. */
  imagesByPath(datasetId: number, paths: readonly string[]): Map<string, { id: number; split: 'train' | 'val' | 'test' | null; classIndex: number }> {
    if (!paths.length) return new Map();
    const rows = this.stmts.imagesByPath.all(datasetId, JSON.stringify(paths)) as { id: number; path: string; split: 'train' | 'val' | 'test' | null; class_index: number }[];
    return new Map(rows.map((r) => [r.path, { id: r.id, split: r.split, classIndex: r.class_index }]));
  }

  testEvaluation(runId: number): Evaluation | null {
    const r = this.stmts.testEvaluation.get(runId) as
      | { epoch: number; accuracy: number; loss: number; classes_json: string; confusion_json: string; per_class_json: string }
      | undefined;
    if (!r) return null;
    return {
      split: 'test',
      epoch: r.epoch,
      accuracy: r.accuracy,
      loss: r.loss,
      classes: JSON.parse(r.classes_json) as string[],
      confusion: JSON.parse(r.confusion_json) as number[][],
      perClass: JSON.parse(r.per_class_json) as Evaluation['perClass'],
    };
  }
}
