/**
 * Classification metrics from labels and predictions: confusion matrix, per-class scores.
 */
import type { PerClassMetrics } from '../../shared/types';

/** `confusion[t][p]`: count of images of true class t predicted as p. */
export function confusionMatrix(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < trueLabels.length; i++) m[trueLabels[i]][predicted[i]]++;
  return m;
}

/** Precision, recall and F1 per class (0 where undefined, as scikit-learn's zero_division=0). */
export function perClassMetrics(confusion: readonly (readonly number[])[], classes: readonly string[]): PerClassMetrics[] {
  return classes.map((name, k) => {
    const tp = confusion[k][k];
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[k], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { name, precision, recall, f1, support };
  });
}

/** Fraction of the diagonal. */
export function accuracyOf(confusion: readonly (readonly number[])[]): number {
  let right = 0;
  let all = 0;
  confusion.forEach((row, t) => row.forEach((v, p) => ((all += v), t === p && (right += v))));
  return all ? right / all : 0;
}
