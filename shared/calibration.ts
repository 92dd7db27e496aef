/**
 * Is a run calibrated? The reliability diagram and the expected calibration error over
 * equal-width confidence bins (Guo, Pleiss, Sun & Weinberger, "On Calibration of Modern Neural
 * Networks", ICML 2017, §2), and top-k accuracy, from a run's test probabilities.
 *
 * Pure functions over plain numbers: the core (`bloombench show`, the reports) and the renderer
 * compute the same figures.
 */

/** Bins of the reliability diagram and the ECE (Guo et al. use 15). */
export const CALIBRATION_BINS = 15;

/** One confidence bin: (lo, hi], the first one [0, hi]. */
export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  /** Test images whose confidence (top probability) falls in the bin. */
  readonly count: number;
  /** Their accuracy; null for an empty bin. */
  readonly accuracy: number | null;
  /** Their mean confidence; null for an empty bin. */
  readonly confidence: number | null;
}

/** A run's calibration on its test images. */
export interface Calibration {
  /** Test images the figures are over. */
  readonly images: number;
  readonly bins: readonly ReliabilityBin[];
  /** Expected calibration error: Σ (count / images) · |accuracy − confidence| over the bins. */
  readonly ece: number;
  /** Maximum calibration error: the largest |accuracy − confidence| of a non-empty bin. */
  readonly mce: number;
  /** Mean confidence minus accuracy: above 0 the run is over-confident. */
  readonly overconfidence: number;
  /** Top-1 accuracy over the same images. */
  readonly accuracy: number;
  /** k of the top-k accuracy: 2 for up to 10 classes, 5 beyond; null when k would cover every class. */
  readonly topK: number | null;
  /** Share of images whose true class is among the k most probable (a class tied with the true one does not push it out). */
  readonly topKAccuracy: number | null;
}

/** k of the top-k accuracy a run with `classes` classes reports: 2 up to 10 classes, 5 beyond (null when that is every class). */
export function topKFor(classes: number): number | null {
  const k = classes <= 10 ? 2 : 5;
  return k < classes ? k : null;
}

/** One test answer: the true class and the probability of each class. */
export interface ScoredAnswer {
  readonly trueIndex: number;
  readonly probabilities: readonly number[];
}

/** Index of the largest probability (the first of equal ones, as the store's `predicted_index`). */
export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/**
 * The bin of a confidence: bin m of M holds ((m − 1)/M, m/M] (Guo et al.), and a confidence of
 * exactly 0 goes to the first.
 */
export function binOf(confidence: number, bins = CALIBRATION_BINS): number {
  return Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
}

/** The reliability diagram, ECE, MCE and top-k accuracy of some test answers; null without any. */
export function calibration(answers: readonly ScoredAnswer[], classes: number, bins = CALIBRATION_BINS): Calibration | null {
  if (!answers.length) return null;
  const count = new Array<number>(bins).fill(0);
  const right = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const k = topKFor(classes);
  let correct = 0;
  let inTopK = 0;
  let sumConf = 0;
  for (const a of answers) {
    const p = a.probabilities;
    if (p.length !== classes) throw new Error(`A test answer has ${p.length} probabilities for ${classes} classes.`);
    const top = argmax(p);
    const c = p[top];
    const b = binOf(c, bins);
    const ok = top === a.trueIndex;
    count[b]++;
    conf[b] += c;
    sumConf += c;
    if (ok) {
      right[b]++;
      correct++;
    }
    if (k !== null) {
      const mine = p[a.trueIndex];
      let above = 0;
      for (const q of p) if (q > mine) above++;
      if (above < k) inTopK++;
    }
  }
  const n = answers.length;
  let ece = 0;
  let mce = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    if (!count[b]) {
      out.push({ lo, hi, count: 0, accuracy: null, confidence: null });
      continue;
    }
    const accuracy = right[b] / count[b];
    const confidence = conf[b] / count[b];
    const gap = Math.abs(accuracy - confidence);
    ece += (count[b] / n) * gap;
    mce = Math.max(mce, gap);
    out.push({ lo, hi, count: count[b], accuracy, confidence });
  }
  return {
    images: n,
    bins: out,
    ece,
    mce,
    overconfidence: sumConf / n - correct / n,
    accuracy: correct / n,
    topK: k,
    topKAccuracy: k === null ? null : inTopK / n,
  };
}
