import { describe, expect, it } from 'vitest';
import { binOf, calibration, topKFor } from '../../shared/calibration';

describe('calibration', () => {
  it('puts each confidence in its bin ((m − 1)/M, m/M], 0 in the first', () => {
    expect(binOf(0)).toBe(0);
    expect(binOf(1)).toBe(14);
    expect(binOf(0.5, 4)).toBe(1);
    expect(binOf(0.5000001, 4)).toBe(2);
    expect(binOf(0.9)).toBe(13);
    expect(binOf(0.34)).toBe(5);
  });

  it('computes the reliability bins, ECE, MCE and top-2 accuracy of a case worked by hand', () => {
    // Three classes (top-2). Six test answers:
    //   conf 0.90 right  → bin 13 (0.867, 0.933]
    //   conf 0.95 wrong  → bin 14; true class second → in the top 2
    //   conf 0.50 wrong  → bin 7 (0.467, 0.533]; true class second
    //   conf 0.50 right  → bin 7
    //   conf 0.60 wrong  → bin 8; true class third → not in the top 2
    //   conf 0.34 right  → bin 5 (0.333, 0.4]; its rivals tie at 0.33
    // ECE = (|1 − .9| + |0 − .95| + 2·|.5 − .5| + |0 − .6| + |1 − .34|) / 6 = 2.31 / 6 = 0.385.
    const c = calibration(
      [
        { trueIndex: 0, probabilities: [0.9, 0.05, 0.05] },
        { trueIndex: 1, probabilities: [0.95, 0.03, 0.02] },
        { trueIndex: 1, probabilities: [0.5, 0.4, 0.1] },
        { trueIndex: 1, probabilities: [0.2, 0.5, 0.3] },
        { trueIndex: 2, probabilities: [0.6, 0.3, 0.1] },
        { trueIndex: 0, probabilities: [0.34, 0.33, 0.33] },
      ],
      3,
    )!;
    expect(c.images).toBe(6);
    expect(c.bins).toHaveLength(15);
    expect(c.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 1, 0, 2, 1, 0, 0, 0, 0, 1, 1]);
    expect(c.bins[7]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(c.bins[7].confidence).toBeCloseTo(0.5, 12);
    expect(c.bins[14]).toMatchObject({ accuracy: 0, confidence: 0.95 });
    expect(c.bins[0]).toMatchObject({ lo: 0, count: 0, accuracy: null, confidence: null });
    expect(c.bins[14].hi).toBe(1);
    expect(c.ece).toBeCloseTo(0.385, 12);
    expect(c.mce).toBeCloseTo(0.95, 12);
    expect(c.accuracy).toBe(0.5);
    expect(c.overconfidence).toBeCloseTo(3.79 / 6 - 0.5, 12);
    expect(c.topK).toBe(2);
    expect(c.topKAccuracy).toBeCloseTo(5 / 6, 12);
  });

  it('is 0 for a perfectly calibrated run', () => {
    // Four answers at 0.75, three right.
    const p = [0.75, 0.25];
    const c = calibration([0, 0, 0, 1].map((t) => ({ trueIndex: t, probabilities: p })), 2)!;
    expect(c.ece).toBeCloseTo(0, 12);
    expect(c.topK).toBeNull();
    expect(c.topKAccuracy).toBeNull();
  });

  it('uses top-2 up to 10 classes and top-5 beyond', () => {
    expect([2, 3, 10, 11, 100].map(topKFor)).toEqual([null, 2, 2, 5, 5]);
    // 12 classes, the true class 5th most probable: in the top 5; 6th: not.
    const probs = Array.from({ length: 12 }, (_, i) => (12 - i) / 78);
    const c = calibration([{ trueIndex: 4, probabilities: probs }, { trueIndex: 5, probabilities: probs }], 12)!;
    expect(c.topK).toBe(5);
    expect(c.topKAccuracy).toBe(0.5);
  });

  it('says which answer does not fit, and gives null without answers', () => {
    expect(calibration([], 3)).toBeNull();
    expect(() => calibration([{ trueIndex: 0, probabilities: [1, 0] }], 3)).toThrow(/2 probabilities for 3 classes/);
  });
});
