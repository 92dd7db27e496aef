/**
 * "Is the difference real?" and "which labels are wrong?": comparing runs with statistics
 * (McNemar's exact test on the same test images, 95% intervals over seeds) and ranking label
 * suspects by confident learning. Plain data and the `AnalysisApi` verbs, with their
 * validators; the core implements them in `main/studies/compare.ts` and `main/studies/suspects.ts`.
 */
import { z } from 'zod';

/** Two runs on the same test images: who gets which right, and McNemar's exact test. */
export interface PairedTest {
  readonly runA: number;
  readonly runB: number;
  /** Test images both runs have a prediction for (the test split, less any image one of them lacks). */
  readonly images: number;
  readonly bothRight: number;
  /** Images only run A gets right. */
  readonly onlyA: number;
  /** Images only run B gets right. */
  readonly onlyB: number;
  readonly bothWrong: number;
  /** Accuracies over those same images. */
  readonly accuracyA: number;
  readonly accuracyB: number;
  /** McNemar's exact two-sided p: how likely a split at least this uneven is if both runs were equally good. */
  readonly p: number;
}

/** Runs with the same settings but the seed: their test accuracy as a mean with its 95% interval. */
export interface SeedGroup {
  /** The settings that set this group apart from the others (`tanh · cosine`), or the run name; empty: every run has the same settings. */
  readonly label: string;
  readonly runIds: readonly number[];
  /** Runs with a test accuracy. */
  readonly n: number;
  readonly mean: number | null;
  readonly std: number | null;
  /** 95% interval (Student's t, n − 1 degrees of freedom); null below two runs. */
  readonly ci95: { readonly lo: number; readonly hi: number } | null;
}

/** What `compareRuns` says about some runs. */
export interface RunComparison {
  readonly runIds: readonly number[];
  /** Every pair of runs on one dataset with test predictions, in the order given (A before B). */
  readonly pairs: readonly PairedTest[];
  /** The runs grouped by their settings but the seed (a group of one when nothing repeats it). */
  readonly groups: readonly SeedGroup[];
  /**
   * The best group against the runner-up by Welch's t-test (when at least two groups have two
   * runs or more); `winner` when p < 0.05.
   */
  readonly groupVerdict: { readonly best: number; readonly runnerUp: number; readonly p: number | null; readonly seeds: number; readonly winner: boolean } | null;
  /** Runs without test predictions yet (left out of the paired tests). */
  readonly untested: readonly number[];
  /** Pairs of runs on different datasets (not tested image by image). */
  readonly apart: readonly (readonly [number, number])[];
  /** What could not be compared, and why, in English (the CLI's words; the app says it from `untested` and `apart`). */
  readonly notes: readonly string[];
}

/** One run's answer on a suspect image. */
export interface SuspectAnswer {
  readonly runId: number;
  readonly predictedIndex: number;
  /** Its probability of the predicted class. */
  readonly probability: number;
}

/** An image whose given label the runs confidently contradict. */
export interface LabelSuspect {
  readonly imageId: number;
  /** Relative to the dataset root. */
  readonly path: string;
  readonly givenIndex: number;
  readonly givenClass: string;
  /** The class the runs are confident it belongs to instead. */
  readonly suggestedIndex: number;
  readonly suggestedClass: string;
  /** The runs' mean probability of the given class (the ranking: lowest first). */
  readonly givenProbability: number;
  readonly suggestedProbability: number;
  /** How many runs put the suggested class first, of those with a prediction for it. */
  readonly agreeing: number;
  readonly answers: readonly SuspectAnswer[];
}

/**
 * One picture filed under two labels or more (identical files, found by their hashes at import):
 * at least one copy's label is wrong whatever the runs say.
 */
export interface LabelConflict {
  readonly copies: readonly { readonly imageId: number; readonly path: string; readonly givenClass: string; readonly split: 'train' | 'val' | 'test' | null }[];
  /** The distinct labels of the copies. */
  readonly labels: readonly string[];
  /** The runs' mean probability of each class for the picture, when a copy is a test image; else null. */
  readonly probabilities: readonly number[] | null;
}

/** Label suspects on a dataset, by confident learning over its runs' held-out predictions. */
export interface LabelSuspects {
  readonly datasetId: number;
  readonly classes: readonly string[];
  /** The runs whose test predictions were averaged (an ensemble); empty when no run of the dataset has any yet. */
  readonly runIds: readonly number[];
  /** Held-out images with at least one run's prediction: the test split (every run keeps it out of training). */
  readonly images: number;
  /** Per-class thresholds t_j (null: no image labelled j). */
  readonly thresholds: readonly (number | null)[];
  /** The confident joint C[given][suggested]. */
  readonly joint: readonly (readonly number[])[];
  /** Images no class was confident about. */
  readonly unconfident: number;
  /** Label errors the calibrated joint estimates among these images. */
  readonly estimatedErrors: number;
  /** Images off the joint's diagonal. */
  readonly total: number;
  /** The first of them, lowest probability of the given label first. */
  readonly suspects: readonly LabelSuspect[];
  /** Pictures filed under two labels or more (from the import's hashes), with the runs' view of them: listed before the suspects. */
  readonly conflicts: readonly LabelConflict[];
}

/** The analysis verbs, beside the workstation's `Api`. */
export interface AnalysisApi {
  /** McNemar's test for each pair of runs on the same test images, and 95% intervals over seeds. */
  compareRuns(runIds: readonly number[]): Promise<RunComparison>;
  /**
   * Ranks the images of a dataset whose labels its runs contradict (confident learning over the
   * runs' test predictions; every completed run with predictions unless `runIds` names some).
   */
  labelSuspects(datasetId: number, opts?: { readonly runIds?: readonly number[]; readonly limit?: number }): Promise<LabelSuspects>;
}

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Validators of the `AnalysisApi` verbs' arguments (part of `apiArgSchemas`). */
export const analysisArgSchemas = {
  compareRuns: z.tuple([z.array(id).min(1).max(50)]),
  labelSuspects: z.tuple([id, z.object({ runIds: z.array(id).min(1).max(200).optional(), limit: z.number().int().min(0).max(100_000).optional() }).strict().optional()]),
} satisfies { readonly [V in keyof AnalysisApi]: z.ZodType<unknown> };
