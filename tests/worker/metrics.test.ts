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
/** The defaults: ReLU, batch-norm, Adam at 1e-3, no warm-up. */
const RELU_BN = { activation: 'relu', batchNorm: true, lr: 0.001, optimizer: 'adam', warmupEpochs: 0 } as const;
const TWO = ['a', 'b'];

describe('diagnostics', () => {
  it('flags a loss stuck at ln(K)', () => {
    const d = diagnose([{ metrics: epoch(1, { trainLoss: Math.log(5), trainAccuracy: 0.2 }), predictedCounts: [3, 3, 3, 3, 3] }], FIVE, RELU_BN);
    expect(d.map((x) => x.kind)).toEqual(['stuck-loss']);
    expect(d[0].message).toMatch(/ln\(5\)/);
  });

  it("gives stuck-at-ln(K) advice that follows the run's own settings", () => {
    const stuck = [{ metrics: epoch(1, { trainLoss: Math.log(5), trainAccuracy: 0.2 }), predictedCounts: [3, 3, 3, 3, 3] }];
    const message = (s: Parameters<typeof diagnose>[2]): string => diagnose(stuck, FIVE, s)[0].message;
    // A ReLU run with batch-norm is told neither to use ReLU nor to add batch-norm.
    const relu = message(RELU_BN);
    expect(relu).not.toMatch(/ReLU/);
    expect(relu).not.toMatch(/batch-norm/);
    expect(relu).toMatch(/learning rate \(now 0\.00100\)/);
    expect(relu).toMatch(/labels/);
    // A sigmoid run without batch-norm, at a high SGD rate, is told all three.
    const sigmoid = message({ activation: 'sigmoid', batchNorm: false, lr: 0.5, optimizer: 'sgd', warmupEpochs: 0 });
    expect(sigmoid).toMatch(/a smaller learning rate \(now 0\.500\)/);
    expect(sigmoid).toMatch(/ReLU instead of sigmoid/);
    expect(sigmoid).toMatch(/batch-norm/);
    expect(sigmoid).toMatch(/warm-up/);
    // tanh is named as tanh; a run that warms up is not told to.
    const tanh = message({ activation: 'tanh', batchNorm: true, lr: 0.01, optimizer: 'adam', warmupEpochs: 1 });
    expect(tanh).toMatch(/ReLU instead of tanh/);
    expect(tanh).not.toMatch(/warm-up|batch-norm|sigmoid/);
    // A tiny rate is called tiny, not large.
    expect(message({ ...RELU_BN, lr: 1e-6 })).toMatch(/a larger learning rate/);
  });

  it('does not advise batch-norm or warm-up to a run that has them when it blows up or collapses', () => {
    const nan = diagnose([{ metrics: epoch(1, { trainLoss: NaN }), predictedCounts: [1, 1] }], TWO, { ...RELU_BN, warmupEpochs: 2 })[0].message;
    expect(nan).not.toMatch(/batch-norm|warm-up/);
    expect(diagnose([{ metrics: epoch(1, { trainLoss: NaN }), predictedCounts: [1, 1] }], TWO, { ...RELU_BN, batchNorm: false })[0].message).toMatch(/batch-norm, or a warm-up/);
    const collapsed = diagnose([{ metrics: epoch(2, { valAccuracy: 0.2 }), predictedCounts: [0, 50, 0, 0, 0] }], FIVE, RELU_BN)[0].message;
    expect(collapsed).not.toMatch(/batch-norm/);
  });

  it('flags one class predicted for everything', () => {
    const d = diagnose([{ metrics: epoch(2, { valAccuracy: 0.2 }), predictedCounts: [0, 50, 0, 0, 0] }], FIVE, RELU_BN);
    expect(d.map((x) => x.kind)).toEqual(['one-class']);
    expect(d[0].message).toMatch(/100 % of the predictions in epoch 2 are "b"/);
  });

  it('flags NaN loss alone', () => {
    const d = diagnose([{ metrics: epoch(1, { trainLoss: NaN }), predictedCounts: [1, 1] }], TWO, RELU_BN);
    expect(d.map((x) => x.kind)).toEqual(['nan-loss']);
  });

  it('flags a widening train/validation gap, not a stable one', () => {
    const widening = [0.1, 0.2, 0.3].map((g, i) => ({ metrics: epoch(i + 1, { trainAccuracy: 0.6 + g, valAccuracy: 0.6 }), predictedCounts: [5, 5] }));
    expect(diagnose(widening, TWO, RELU_BN).map((x) => x.kind)).toEqual(['overfitting']);
    const stable = [0.3, 0.3, 0.3].map((g, i) => ({ metrics: epoch(i + 1, { trainAccuracy: 0.6 + g, valAccuracy: 0.6 }), predictedCounts: [5, 5] }));
    expect(diagnose(stable, TWO, RELU_BN)).toEqual([]);
  });
});
