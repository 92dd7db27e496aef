import { describe, expect, it } from 'vitest';
import { accuracyOf, confusionMatrix, perClassMetrics } from '../../main/worker/metrics';
import { diagnose } from '../../main/worker/diagnostics';
import type { EpochMetrics } from '../../shared/types';

describe('classification metrics', () => {
  it('confusion rows are true classes, columns predictions; scores by hand', () => {
    const truth = [0, 0, 0, 1, 1, 2];
    const pred = [0, 0, 1, 1, 2, 2];
    const m = confusionMatrix(truth, pred, 3);
    expect(m).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(accuracyOf(m)).toBeCloseTo(4 / 6, 12);
    const pc = perClassMetrics(m, ['a', 'b', 'c']);
    expect(pc[0]).toMatchObject({ precision: 1, recall: 2 / 3, support: 3 });
    expect(pc[1].precision).toBeCloseTo(0.5, 12);
    expect(pc[1].f1).toBeCloseTo(0.5, 12);
    expect(pc[2].precision).toBeCloseTo(0.5, 12);
    expect(pc[2].recall).toBe(1);
  });

  it('a class never predicted has precision 0, not NaN', () => {
    const pc = perClassMetrics(confusionMatrix([0, 1], [0, 0], 2), ['a', 'b']);
    expect(pc[1]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

const epoch = (e: number, over: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch: e,
  trainLoss: 1,
  trainAccuracy: 0.6,
  valLoss: 1,
  valAccuracy: 0.55,
  learningRate: 0.01,
  seconds: 1,
  imagesPerSecond: 100,
  ...over,
});

const FIVE = ['a', 'b', 'c', 'd', 'e'];
const TWO = ['a', 'b'];

describe('diagnostics', () => {
  it('flags a loss stuck at ln(K)', () => {
    const d = diagnose([{ metrics: epoch(1, { trainLoss: Math.log(5), trainAccuracy: 0.2 }), predictedCounts: [3, 3, 3, 3, 3] }], FIVE);
    expect(d.map((x) => x.kind)).toEqual(['stuck-loss']);
    expect(d[0].message).toMatch(/ln\(5\)/);
  });

  it('flags one class predicted for everything', () => {
    const d = diagnose([{ metrics: epoch(2, { valAccuracy: 0.2 }), predictedCounts: [0, 50, 0, 0, 0] }], FIVE);
    expect(d.map((x) => x.kind)).toEqual(['one-class']);
    expect(d[0].message).toMatch(/100 % of the predictions in epoch 2 are "b"/);
  });

  it('flags NaN loss alone', () => {
    const d = diagnose([{ metrics: epoch(1, { trainLoss: NaN }), predictedCounts: [1, 1] }], TWO);
    expect(d.map((x) => x.kind)).toEqual(['nan-loss']);
  });

  it('flags a widening train/validation gap, not a stable one', () => {
    const widening = [0.1, 0.2, 0.3].map((g, i) => ({ metrics: epoch(i + 1, { trainAccuracy: 0.6 + g, valAccuracy: 0.6 }), predictedCounts: [5, 5] }));
    expect(diagnose(widening, TWO).map((x) => x.kind)).toEqual(['overfitting']);
    const stable = [0.3, 0.3, 0.3].map((g, i) => ({ metrics: epoch(i + 1, { trainAccuracy: 0.6 + g, valAccuracy: 0.6 }), predictedCounts: [5, 5] }));
    expect(diagnose(stable, TWO)).toEqual([]);
  });
});
