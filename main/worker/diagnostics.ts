/**
 * Plain-words warnings about a run that is not learning, judged after each epoch.
 */
import type { Diagnostic, EpochMetrics } from '../../shared/types';

export interface EpochEvidence {
  readonly metrics: EpochMetrics;
  /** How many validation (or, without validation, training) predictions fell in each class. */
  readonly predictedCounts: readonly number[];
}

/**
 * Diagnoses the run so far; returns only the diagnostics new at the latest epoch.
 *
 * Thresholds: a loss within 3 % of ln(K) with accuracy below 1.5/K is "stuck" (the softmax
 * is still uniform, Goodfellow et al., Deep Learning §8.2); 90 % of predictions in one class is
 * "one class"; a train/validation accuracy gap above 0.15 that grew over the last two epochs is
 * "overfitting".
 */
export function diagnose(history: readonly EpochEvidence[], classes: readonly string[]): Diagnostic[] {
  const numClasses = classes.length;
  const out: Diagnostic[] = [];
  const last = history[history.length - 1];
  if (!last) return out;
  const m = last.metrics;
  const epoch = m.epoch;
  const lnK = Math.log(numClasses);
  if (!Number.isFinite(m.trainLoss)) {
    out.push({
      kind: 'nan-loss',
      epoch,
      message: `The training loss became ${m.trainLoss} in epoch ${epoch}: the weights blew up. Lower the learning rate (now ${fmt(m.learningRate)}), add batch-norm or warm-up.`,
    });
    return out;
  }
  const acc = m.valAccuracy ?? m.trainAccuracy;
  if (Math.abs(m.trainLoss - lnK) < 0.03 * lnK && m.trainAccuracy < 1.5 / numClasses) {
    out.push({
      kind: 'stuck-loss',
      epoch,
      message: `The loss is stuck at ${m.trainLoss.toFixed(3)} ≈ ln(${numClasses}) = ${lnK.toFixed(3)}: the network still guesses uniformly. Try a smaller learning rate, batch-norm, or ReLU instead of sigmoid/tanh.`,
    });
  }
  const total = last.predictedCounts.reduce((a, b) => a + b, 0);
  if (total > 0 && numClasses > 1) {
    const top = Math.max(...last.predictedCounts);
    if (top / total >= 0.9 && acc < 0.9) {
      const k = last.predictedCounts.indexOf(top);
      out.push({
        kind: 'one-class',
        epoch,
        message: `${Math.round((100 * top) / total)} % of the predictions in epoch ${epoch} are "${classes[k]}": the model has collapsed to one class. Check the class balance, lower the learning rate, or use batch-norm.`,
      });
    }
  }
  if (history.length >= 3) {
    const gap = (e: EpochEvidence) => (e.metrics.valAccuracy === null ? null : e.metrics.trainAccuracy - e.metrics.valAccuracy);
    const g = history.slice(-3).map(gap);
    if (g.every((x) => x !== null) && (g[2] as number) > 0.15 && (g[2] as number) > (g[1] as number) && (g[1] as number) > (g[0] as number)) {
      out.push({
        kind: 'overfitting',
        epoch,
        message: `Training accuracy is ${pct(m.trainAccuracy)} but validation only ${pct(m.valAccuracy ?? 0)}, and the gap has widened for two epochs: the model is memorising. Add augmentation, dropout or weight decay, or stop earlier.`,
      });
    }
  }
  return out;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function fmt(x: number): string {
  return x.toPrecision(3);
}
