/**
 * Label suspects on a dataset: confident learning (shared/confident-learning.ts) over the mean
 * of its runs' test probabilities.
 *
 * The test split is the set every run keeps out of training (it is stored with the dataset), so
 * its probabilities are out of sample, as confident learning needs; averaging several runs
 * makes them steadier. Images outside the test split have no held-out prediction and are not
 * ranked. Pictures the import found filed under two labels (identical files) are listed beside
 * the ranking as conflicts: one of their labels is wrong whatever the runs say.
 */
import { confidentLearning, meanProbabilities } from '../../shared/confident-learning';
import type { LabelConflict, LabelSuspect, LabelSuspects, SuspectAnswer } from '../../shared/contract/analysis';
import type { DuplicateGroup } from '../../shared/types';
import { UserError } from '../../shared/contract/errors';
import type { RunQueries } from '../store/run-queries';

export interface SuspectOptions {
  /** The import report's duplicate groups (those filed under two labels become `conflicts`). */
  readonly duplicates?: readonly DuplicateGroup[];
  /** The runs to average (default: every completed run of the dataset with test predictions). */
  readonly runIds?: readonly number[];
  /** How many suspects to list (default 100; the counts cover all of them). */
  readonly limit?: number;
  /** The images whose label or inclusion was edited, at the dataset's newest version: an excluded image is no suspect, a relabelled one is judged by its new label. */
  readonly labels?: ReadonlyMap<number, { readonly classIndex: number; readonly excluded: boolean }>;
}

/** Ranks the images of `datasetId` whose labels its runs confidently contradict. */
export function labelSuspects(queries: RunQueries, datasetId: number, classes: readonly string[], opts: SuspectOptions = {}): LabelSuspects {
  let runIds: number[];
  if (opts.runIds?.length) {
    runIds = [...new Set(opts.runIds)];
    const info = queries.runDatasets(runIds);
    const missing = runIds.filter((id) => !info.get(id) || info.get(id)!.deleted);
    if (missing.length) throw new UserError('not-found', `No run ${missing.join(', ')} in this store (bloombench runs lists them).`);
    const elsewhere = runIds.filter((id) => info.get(id)!.datasetId !== datasetId);
    if (elsewhere.length) throw new UserError('invalid', `Run${elsewhere.length > 1 ? 's' : ''} ${elsewhere.join(', ')} ${elsewhere.length > 1 ? 'are' : 'is'} not on dataset ${datasetId}.`);
    const counts = queries.predictionCounts(runIds);
    const untested = runIds.filter((id) => !counts.get(id));
    if (untested.length) throw new UserError('conflict', `Run${untested.length > 1 ? 's' : ''} ${untested.join(', ')} ha${untested.length > 1 ? 've' : 's'} no test predictions yet (not completed, or the dataset has no test split).`);
  } else {
    runIds = queries.testedRuns(datasetId);
    // No run yet: nothing to rank (the caller says so; `runIds` is empty); the conflicts stand.
    if (!runIds.length) {
      const none = Array.from({ length: classes.length }, () => new Array<number>(classes.length).fill(0));
      return { datasetId, classes: [...classes], runIds: [], images: 0, thresholds: classes.map(() => null), joint: none, unconfident: 0, estimatedErrors: 0, total: 0, suspects: [], conflicts: labelConflicts(queries, datasetId, classes, opts, new Map()) };
    }
  }

  // Per image: its label now, its path, and every run's probabilities.
  const byImage = new Map<number, { path: string; given: number; probs: number[][]; answers: SuspectAnswer[] }>();
  const edited: NonNullable<SuspectOptions['labels']> = opts.labels ?? new Map();
  for (const r of queries.labelledPredictions(runIds)) {
    const now = edited.get(r.image_id);
    if (now?.excluded) continue;
    const probs = JSON.parse(r.probs_json) as number[];
    if (probs.length !== classes.length) throw new Error(`Run ${r.run_id} has ${probs.length} probabilities for image ${r.image_id}, but the dataset has ${classes.length} classes.`);
    const img = byImage.get(r.image_id) ?? { path: r.path, given: now?.classIndex ?? r.class_index, probs: [], answers: [] };
    img.probs.push(probs);
    img.answers.push({ runId: r.run_id, predictedIndex: r.predicted_index, probability: r.confidence });
    byImage.set(r.image_id, img);
  }
  const ids = [...byImage.keys()];
  const images = ids.map((id) => byImage.get(id)!);
  const cl = confidentLearning(
    images.map((x) => ({ given: x.given, probabilities: meanProbabilities(x.probs) })),
    classes.length,
  );
  const limit = opts.limit ?? 100;
  const suspects: LabelSuspect[] = cl.issues.slice(0, limit).map((issue) => {
    const img = images[issue.index];
    return {
      imageId: ids[issue.index],
      path: img.path,
      givenIndex: issue.given,
      givenClass: classes[issue.given],
      suggestedIndex: issue.suggested,
      suggestedClass: classes[issue.suggested],
      givenProbability: issue.givenProbability,
      suggestedProbability: issue.suggestedProbability,
      agreeing: img.answers.filter((a) => a.predictedIndex === issue.suggested).length,
      answers: img.answers,
    };
  });
  return {
    datasetId,
    classes: [...classes],
    runIds,
    images: images.length,
    thresholds: cl.thresholds,
    joint: cl.joint,
    unconfident: cl.unconfident,
    estimatedErrors: cl.estimatedErrors,
    total: cl.issues.length,
    suspects,
    conflicts: labelConflicts(queries, datasetId, classes, opts, new Map(ids.map((id, i) => [id, meanProbabilities(images[i].probs)]))),
  };
}

/** The pictures filed under two labels or more, with the runs' mean probabilities where a copy was tested. */
function labelConflicts(queries: RunQueries, datasetId: number, classes: readonly string[], opts: SuspectOptions, tested: ReadonlyMap<number, readonly number[]>): LabelConflict[] {
  const groups = (opts.duplicates ?? []).filter((d) => d.labelConflict);
  const edited: NonNullable<SuspectOptions['labels']> = opts.labels ?? new Map();
  const found = queries.imagesByPath(datasetId, groups.flatMap((g) => g.paths));
  const out: LabelConflict[] = [];
  for (const g of groups) {
    const copies = g.paths.flatMap((p) => {
      const img = found.get(p);
      const now = img ? edited.get(img.id) : undefined;
      if (!img || now?.excluded) return [];
      const cls = now?.classIndex ?? img.classIndex;
      return [{ imageId: img.id, path: p, givenClass: classes[cls] ?? String(cls), split: img.split }];
    });
    // A copy left out since (excluded, or not imported): one label is left, no conflict.
    if (new Set(copies.map((c) => c.givenClass)).size < 2) continue;
    const probs = copies.map((c) => tested.get(c.imageId)).find((p) => p !== undefined) ?? null;
    out.push({ copies, labels: [...new Set(copies.map((c) => c.givenClass))], probabilities: probs });
  }
  return out;
}
