/**
 * Plain-words warnings about a run that is not learning, judged after each epoch.
 */
import type { TrainConfig } from '../../shared/config';
import type { Diagnostic, EpochMetrics } from '../../shared/types';

/** The run's settings that the advice depends on (never advise what the run already does). */
export type AdviceSettings = Pick<TrainConfig, 'activation' | 'batchNorm' | 'lr' | 'optimizer' | 'warmupEpochs'>;

export interface EpochEvidence {
  readonly metrics: EpochMetrics;
  /** How many validation (or, without validation, training) predictions fell in each class. */
  readonly predictedCounts: readonly number[];
}

/**
 * Diagnoses the run so far; returns only the diagnostics new at the latest epoch.
 *
 * The advice follows the run's own `settings`: a ReLU run is not told to use ReLU, a run with
 * batch-norm is not told to add it.
 *
 * Thresholds: a loss within 3 % of ln(K) with accuracy below 1.5/K is "stuck" (the softmax
 * is still uniform, Goodfellow et al., Deep Learning §8.2); 90 % of predictions in one class is
 * "one class"; a train/validation accuracy gap above 0.15 that grew over the last two epochs is
 * "overfitting".
 */
export function diagnose(history: readonly EpochEvidence[], classes: readonly string[], settings: AdviceSettings): Diagnostic[] {
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
      message: `The training loss became ${m.trainLoss} in epoch ${epoch}: the weights blew up. ${tryThese([`a smaller learning rate (now ${fmt(m.learningRate)})`, !settings.batchNorm && 'batch-norm', !(settings.warmupEpochs > 0) && 'a warm-up'])}`,
    });
    return out;
  }
  const acc = m.valAccuracy ?? m.trainAccuracy;
  if (Math.abs(m.trainLoss - lnK) < 0.03 * lnK && m.trainAccuracy < 1.5 / numClasses) {
    out.push({
      kind: 'stuck-loss',
      epoch,
      message: `The loss is stuck at ${m.trainLoss.toFixed(3)} ≈ ln(${numClasses}) = ${lnK.toFixed(3)}: the network still guesses uniformly. ${stuckAdvice(settings)}`,
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
        message: `${Math.round((100 * top) / total)} % of the predictions in epoch ${epoch} are "${classes[k]}": the model has collapsed to one class. Check the class balance. ${tryThese([`a smaller learning rate (now ${fmt(settings.lr)})`, !settings.batchNorm && 'batch-norm'])}`,
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

/** Saturating activations, whose gradients vanish in deep stacks (Glorot & Bengio 2010). */
const SATURATING: ReadonlySet<string> = new Set(['sigmoid', 'tanh']);
const ACTIVATION_NAMES: Readonly<Record<string, string>> = { sigmoid: 'sigmoid', tanh: 'tanh' };

/**
 * What to try for a loss stuck at ln(K), from what this run does: only changes it has not made.
 *
 * A large step for the optimizer (Adam-family above 3e-3, SGD above 0.1) is the usual cause;
 * a saturating activation without batch-norm the next one.
 */
function stuckAdvice(s: AdviceSettings): string {
  const adaptive = s.optimizer === 'adam' || s.optimizer === 'adamw' || s.optimizer === 'rmsprop';
  const high = adaptive ? s.lr > 3e-3 : s.lr > 0.1;
  const low = adaptive ? s.lr < 1e-5 : s.lr < 1e-4;
  const lr = high ? `a smaller learning rate (now ${fmt(s.lr)})` : low ? `a larger learning rate (now ${fmt(s.lr)})` : `another learning rate (now ${fmt(s.lr)})`;
  const tries = tryThese([lr, !s.batchNorm && 'batch-norm', SATURATING.has(s.activation) && `ReLU instead of ${ACTIVATION_NAMES[s.activation]}`, high && !(s.warmupEpochs > 0) && 'a warm-up']);
  // A run that already has batch-norm and a non-saturating activation may be fed wrong labels.
  return s.batchNorm && !SATURATING.has(s.activation) ? `${tries} Check that the labels match the pictures.` : tries;
}

/** "Try a, b, or c." from the pieces that apply. */
function tryThese(pieces: readonly (string | false)[]): string {
  const p = pieces.filter((x): x is string => typeof x === 'string');
  const list = p.length <= 2 ? p.join(' or ') : `${p.slice(0, -1).join(', ')}, or ${p[p.length - 1]}`;
  return `Try ${list}.`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function fmt(x: number): string {
  return x.toPrecision(3);
}
