/**
 * Failures across runs: the test images that every selected run gets wrong, the ones they
 * disagree on, the ones only one run gets right; and two runs' confusion matrices side by side.
 *
 * Every run on a dataset is tested on the same images (the split is stored with the dataset),
 * so the runs' rows in `predictions` line up by image id.
 */
import type { ConfusionDiff, FailuresAcrossRuns, ImageAcrossRuns, RunAnswer } from '../../shared/contract/studies';
import type { RunQueries } from '../store/run-queries';

/** Checks that the runs exist, share a dataset and have test predictions; returns the dataset id. */
export function checkComparable(store: RunQueries, runIds: readonly number[]): number {
  if (runIds.length === 0) throw new Error('Select at least one run.');
  if (new Set(runIds).size !== runIds.length) throw new Error('A run is selected twice.');
  const info = store.runDatasets(runIds);
  const missing = runIds.filter((id) => !info.get(id) || info.get(id)!.deleted);
  if (missing.length) throw new Error(`No run ${missing.join(', ')} in this store (bloombench runs lists them).`);
  const datasets = new Set(runIds.map((id) => info.get(id)!.datasetId));
  if (datasets.size > 1) {
    const list = runIds.map((id) => `run ${id} on dataset ${info.get(id)!.datasetId}`).join(', ');
    throw new Error(`The runs must share one dataset to be compared image by image (${list}).`);
  }
  const counts = store.predictionCounts(runIds);
  const untested = runIds.filter((id) => !counts.get(id));
  if (untested.length) throw new Error(`Run${untested.length > 1 ? 's' : ''} ${untested.join(', ')} ha${untested.length > 1 ? 've' : 's'} no test predictions yet (not completed, or the dataset has no test split).`);
  return [...datasets][0];
}

/** Sum of the confidence of the wrong answers, for "most confident mistakes first". */
function wrongConfidence(img: ImageAcrossRuns): number {
  return img.answers.filter((a) => !a.correct).reduce((s, a) => s + a.probability, 0) / Math.max(1, img.answers.length);
}

/** The three groups of images across runs; `limit` caps each list (the counts are complete). */
export function failuresAcrossRuns(
  store: RunQueries,
  runIds: readonly number[],
  classesOf: (datasetId: number) => readonly string[],
  limit = 100,
): FailuresAcrossRuns {
  const datasetId = checkComparable(store, runIds);
  const classes = classesOf(datasetId);
  const tally = store.imageTally(runIds);
  const n = runIds.length;
  const allWrongIds = tally.filter((t) => t.right === 0).map((t) => t.image_id);
  const disagreeIds = tally.filter((t) => t.right > 0 && t.right < n).map((t) => t.image_id);
  const oneRightIds = n > 1 ? tally.filter((t) => t.right === 1).map((t) => t.image_id) : [];

  // Details for every image in a group (sorting needs them); the groups are small next to the test split.
  const wanted = [...new Set([...allWrongIds, ...disagreeIds, ...oneRightIds])];
  const rows = store.predictionsOf(runIds, wanted);
  const paths = store.imagePaths(wanted);
  const order = new Map(runIds.map((id, i) => [id, i]));
  const byImage = new Map<number, RunAnswer[]>();
  const truth = new Map<number, number>();
  for (const r of rows) {
    const probs = JSON.parse(r.probs_json) as number[];
    const list = byImage.get(r.image_id) ?? new Array<RunAnswer>(n);
    list[order.get(r.run_id)!] = {
      runId: r.run_id,
      predictedIndex: r.predicted_index,
      predictedClass: classes[r.predicted_index] ?? String(r.predicted_index),
      probability: r.confidence,
      trueProbability: probs[r.true_index] ?? 0,
      correct: r.predicted_index === r.true_index,
    };
    byImage.set(r.image_id, list);
    truth.set(r.image_id, r.true_index);
  }
  const image = (id: number): ImageAcrossRuns => {
    const answers = byImage.get(id)!;
    const t = truth.get(id)!;
    return { imageId: id, path: paths.get(id) ?? '', trueIndex: t, trueClass: classes[t] ?? String(t), rightCount: answers.filter((a) => a.correct).length, answers };
  };

  const allWrong = allWrongIds.map(image).sort((a, b) => wrongConfidence(b) - wrongConfidence(a) || a.imageId - b.imageId);
  const disagree = disagreeIds.map(image).sort((a, b) => a.rightCount - b.rightCount || wrongConfidence(b) - wrongConfidence(a) || a.imageId - b.imageId);
  const rightRun = (img: ImageAcrossRuns) => img.answers.findIndex((a) => a.correct);
  const oneRight = oneRightIds.map(image).sort((a, b) => rightRun(a) - rightRun(b) || wrongConfidence(b) - wrongConfidence(a) || a.imageId - b.imageId);
  const perRun = runIds.map((runId, i) => ({ runId, count: oneRight.filter((img) => rightRun(img) === i).length }));

  return {
    datasetId,
    classes,
    runIds: [...runIds],
    testImages: tally.length,
    allWrong: { count: allWrong.length, images: allWrong.slice(0, limit) },
    disagree: { count: disagree.length, images: disagree.slice(0, limit) },
    onlyOneRight: { count: oneRight.length, images: oneRight.slice(0, limit), perRun },
  };
}

/** Two runs' test confusion matrices, their difference and per-class recall and precision. */
export function confusionDiff(store: RunQueries, runA: number, runB: number): ConfusionDiff {
  const info = store.runDatasets([runA, runB]);
  for (const id of [runA, runB]) if (!info.get(id) || info.get(id)!.deleted) throw new Error(`No run ${id} in this store (bloombench runs lists them).`);
  const ea = store.testEvaluation(runA);
  const eb = store.testEvaluation(runB);
  for (const [id, e] of [
    [runA, ea],
    [runB, eb],
  ] as const) {
    if (!e) throw new Error(`Run ${id} has no test evaluation yet (it has not completed).`);
  }
  const a = ea!;
  const b = eb!;
  if (a.classes.join('\u0000') !== b.classes.join('\u0000')) {
    throw new Error(`Runs ${runA} and ${runB} have different classes (${a.classes.join(', ')} vs ${b.classes.join(', ')}); compare runs on one dataset.`);
  }
  const k = a.classes.length;
  const diff = a.confusion.map((row, t) => row.map((v, p) => b.confusion[t][p] - v));
  const recall = (m: readonly (readonly number[])[], c: number) => {
    const s = m[c].reduce((x, y) => x + y, 0);
    return s ? m[c][c] / s : 0;
  };
  const precision = (m: readonly (readonly number[])[], c: number) => {
    let s = 0;
    for (let t = 0; t < k; t++) s += m[t][c];
    return s ? m[c][c] / s : 0;
  };
  const changes: { trueClass: string; predictedClass: string; a: number; b: number }[] = [];
  for (let t = 0; t < k; t++)
    for (let p = 0; p < k; p++) if (t !== p && diff[t][p] !== 0) changes.push({ trueClass: a.classes[t], predictedClass: a.classes[p], a: a.confusion[t][p], b: b.confusion[t][p] });
  changes.sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a));
  return {
    classes: a.classes,
    runA,
    runB,
    accuracyA: a.accuracy,
    accuracyB: b.accuracy,
    a: a.confusion,
    b: b.confusion,
    diff,
    perClass: a.classes.map((name, c) => ({ name, recallA: recall(a.confusion, c), recallB: recall(b.confusion, c), precisionA: precision(a.confusion, c), precisionB: precision(b.confusion, c) })),
    changes,
  };
}
