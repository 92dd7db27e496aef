/**
 * Label suspects by confident learning (Northcutt, Jiang & Chuang, "Confident Learning:
 * Estimating Uncertainty in Dataset Labels", JAIR 70, 2021): from out-of-sample predicted
 * probabilities, per-class thresholds, the confident joint, and the images off its diagonal —
 * those whose given label the models confidently contradict.
 *
 * Pure functions over plain numbers; the core feeds them the runs' held-out (test) predictions.
 */

/** One image: its given label and the predicted probability of each class (out of sample). */
export interface LabelledScores {
  readonly given: number;
  readonly probabilities: readonly number[];
}

/** An image off the diagonal of the confident joint. */
export interface LabelIssue {
  /** Position of the image in the input. */
  readonly index: number;
  readonly given: number;
  /** The class it confidently belongs to instead (y* of the paper). */
  readonly suggested: number;
  /** p̂(given; x): the self-confidence the ranking sorts by, lowest first. */
  readonly givenProbability: number;
  readonly suggestedProbability: number;
  /** p̂(suggested; x) − p̂(given; x). */
  readonly margin: number;
}

export interface ConfidentLearning {
  readonly classes: number;
  /** t_j: the mean p̂(j; x) over the images labelled j (§3.1); null for a class with none. */
  readonly thresholds: readonly (number | null)[];
  /**
   * C[given][y*]: the images labelled `given` whose confident class is y* (eq. 1). An image
   * counts when at least one class reaches its threshold; y* is the most probable of those.
   */
  readonly joint: readonly (readonly number[])[];
  /** Images no class was confident about (left out of the joint). */
  readonly unconfident: number;
  /**
   * The estimated number of label errors: the off-diagonal mass of the calibrated joint Q
   * (eq. 2: each row of C rescaled to its label's count, then all of it to n) times n.
   */
  readonly estimatedErrors: number;
  /** The off-diagonal images, lowest self-confidence first (cleanlab's default ranking). */
  readonly issues: readonly LabelIssue[];
}

/**
 * Slack on the thresholds, as cleanlab's `compute_confident_joint` (1e-6): a probability equal
 * to its class's mean, after the rounding the store applies, still counts.
 */
const THRESHOLD_SLACK = 1e-6;

/** Confident learning over some images' out-of-sample probabilities. */
export function confidentLearning(images: readonly LabelledScores[], classes: number): ConfidentLearning {
  if (!Number.isInteger(classes) || classes < 2) throw new Error(`Confident learning needs at least two classes (got ${classes}).`);
  images.forEach((x, i) => {
    if (x.probabilities.length !== classes) throw new Error(`Image ${i} has ${x.probabilities.length} probabilities for ${classes} classes.`);
    if (!Number.isInteger(x.given) || x.given < 0 || x.given >= classes) throw new Error(`Image ${i} has the label ${x.given}, not one of the ${classes} classes.`);
  });
  // Per-class thresholds: the expected self-confidence of each class.
  const sum = new Array<number>(classes).fill(0);
  const labelled = new Array<number>(classes).fill(0);
  for (const x of images) {
    sum[x.given] += x.probabilities[x.given];
    labelled[x.given]++;
  }
  const thresholds = sum.map((s, j) => (labelled[j] ? s / labelled[j] : null));

  const joint = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const issues: LabelIssue[] = [];
  let unconfident = 0;
  images.forEach((x, index) => {
    let suggested = -1;
    for (let j = 0; j < classes; j++) {
      const t = thresholds[j];
      if (t === null || x.probabilities[j] < t - THRESHOLD_SLACK) continue;
      if (suggested < 0 || x.probabilities[j] > x.probabilities[suggested]) suggested = j;
    }
    if (suggested < 0) {
      unconfident++;
      return;
    }
    joint[x.given][suggested]++;
    if (suggested !== x.given) {
      const givenProbability = x.probabilities[x.given];
      const suggestedProbability = x.probabilities[suggested];
      issues.push({ index, given: x.given, suggested, givenProbability, suggestedProbability, margin: suggestedProbability - givenProbability });
    }
  });
  issues.sort((a, b) => a.givenProbability - b.givenProbability || b.margin - a.margin || a.index - b.index);

  // Calibrate: rows to the label counts, then the whole to n (eq. 2); off-diagonal mass × n.
  const n = images.length;
  let total = 0;
  let offDiagonal = 0;
  const calibrated = joint.map((row, i) => {
    const rowSum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (rowSum ? (v / rowSum) * labelled[i] : 0));
  });
  calibrated.forEach((row, i) =>
    row.forEach((v, j) => {
      total += v;
      if (i !== j) offDiagonal += v;
    }),
  );
  const estimatedErrors = total ? (offDiagonal / total) * n : 0;
  return { classes, thresholds, joint, unconfident, estimatedErrors, issues };
}

/** The mean of several runs' probability vectors for one image (an ensemble of the runs). */
export function meanProbabilities(vectors: readonly (readonly number[])[]): number[] {
  if (!vectors.length) throw new Error('Averaging needs at least one probability vector.');
  const k = vectors[0].length;
  const out = new Array<number>(k).fill(0);
  for (const v of vectors) {
    if (v.length !== k) throw new Error(`Probability vectors of different lengths (${k} and ${v.length}).`);
    for (let j = 0; j < k; j++) out[j] += v[j] / vectors.length;
  }
  return out;
}
