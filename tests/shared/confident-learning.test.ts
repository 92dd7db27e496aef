import { describe, expect, it } from 'vitest';
import { confidentLearning, meanProbabilities } from '../../shared/confident-learning';

describe('confident learning', () => {
  // Three classes, three images each; a2 is really a 1 and c2 really a 0 (planted).
  const images = [
    { given: 0, probabilities: [0.8, 0.1, 0.1] }, // a0
    { given: 0, probabilities: [0.7, 0.2, 0.1] }, // a1
    { given: 0, probabilities: [0.1, 0.8, 0.1] }, // a2: planted
    { given: 1, probabilities: [0.1, 0.8, 0.1] }, // b0
    { given: 1, probabilities: [0.2, 0.6, 0.2] }, // b1: exactly at t1
    { given: 1, probabilities: [0.3, 0.4, 0.3] }, // b2: no class confident
    { given: 2, probabilities: [0.1, 0.1, 0.8] }, // c0
    { given: 2, probabilities: [0.05, 0.05, 0.9] }, // c1
    { given: 2, probabilities: [0.6, 0.1, 0.3] }, // c2: planted
  ];

  it('computes the thresholds, the confident joint and the suspects of a case worked by hand', () => {
    const cl = confidentLearning(images, 3);
    // t0 = (.8 + .7 + .1)/3, t1 = (.8 + .6 + .4)/3, t2 = (.8 + .9 + .3)/3.
    expect(cl.thresholds[0]).toBeCloseTo(1.6 / 3, 12);
    expect(cl.thresholds[1]).toBeCloseTo(0.6, 12);
    expect(cl.thresholds[2]).toBeCloseTo(2 / 3, 12);
    // a2 → 1 (only p1 = .8 ≥ .6), b1 counts (= t1), b2 has none, c2 → 0 (p0 = .6 ≥ .533).
    expect(cl.joint).toEqual([
      [2, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    expect(cl.unconfident).toBe(1);
    // Calibrated rows [2, 1, 0], [0, 3, 0], [1, 0, 2]: 2 of 9 off the diagonal, × 9 images.
    expect(cl.estimatedErrors).toBeCloseTo(2, 12);
    expect(cl.issues.map((i) => [i.index, i.given, i.suggested])).toEqual([
      [2, 0, 1],
      [8, 2, 0],
    ]);
    expect(cl.issues[0].givenProbability).toBeCloseTo(0.1, 12);
    expect(cl.issues[0].margin).toBeCloseTo(0.7, 12);
    expect(cl.issues[1].margin).toBeCloseTo(0.3, 12);
  });

  it('takes y* as the most probable of the classes that reach their thresholds, not the overall most probable', () => {
    // Class 0's images are very sure of themselves (t0 = .95), class 1's are not (t1 = .3).
    const cl = confidentLearning(
      [
        { given: 0, probabilities: [0.95, 0.05, 0] },
        { given: 1, probabilities: [0.6, 0.3, 0.1] },
        { given: 2, probabilities: [0.1, 0.1, 0.8] },
        { given: 2, probabilities: [0.6, 0.35, 0.05] },
      ],
      3,
    );
    expect(cl.thresholds[1]).toBeCloseTo(0.3, 12);
    // The last image: p0 = .6 < t0; p1 = .35 ≥ t1 → y* = 1 although class 0 is the most probable.
    expect(cl.issues.find((i) => i.index === 3)?.suggested).toBe(1);
    // The second: p0 = .6 < .95, p1 = .3 = t1 → stays on the diagonal.
    expect(cl.joint[1]).toEqual([0, 1, 0]);
  });

  it('leaves a class with no labelled image out of the candidates', () => {
    const cl = confidentLearning(
      [
        { given: 0, probabilities: [0.6, 0.1, 0.3] },
        { given: 1, probabilities: [0.2, 0.7, 0.1] },
      ],
      3,
    );
    expect(cl.thresholds[2]).toBeNull();
    expect(cl.issues).toEqual([]);
  });

  it('names what is wrong with its input', () => {
    expect(() => confidentLearning([], 1)).toThrow(/at least two classes/);
    expect(() => confidentLearning([{ given: 0, probabilities: [1, 0] }], 3)).toThrow(/Image 0 has 2 probabilities for 3 classes/);
    expect(() => confidentLearning([{ given: 3, probabilities: [1, 0, 0] }], 3)).toThrow(/label 3/);
  });

  it('averages runs into an ensemble', () => {
    const mean = meanProbabilities([
      [0.2, 0.8],
      [0.6, 0.4],
    ]);
    expect(mean[0]).toBeCloseTo(0.4, 12);
    expect(mean[1]).toBeCloseTo(0.6, 12);
    expect(() => meanProbabilities([[1], [0.5, 0.5]])).toThrow(/different lengths/);
  });
});
