import { describe, expect, it } from 'vitest';
import { binomialHalfCdf, incompleteBeta, meanInterval, mcnemarExact, studentTCdf, studentTQuantile, welchTest } from '../../shared/statistics';

describe("Student's t", () => {
  it('matches the closed forms for 1 and 2 degrees of freedom (Cauchy; t / (2√(2 + t²)))', () => {
    for (const t of [-3, -0.5, 0, 0.5, 1, 2.5, 10]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it('gives the textbook 97.5% quantiles (two-sided 95%)', () => {
    // Any t table (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2), to the printed digits.
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [3, 3.182],
      [4, 2.776],
      [5, 2.571],
      [9, 2.262],
      [10, 2.228],
      [29, 2.045],
      [100, 1.984],
    ];
    for (const [df, q] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 3);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-studentTQuantile(0.975, 4), 12);
    // Far out the t tends to the normal: 1.95996…
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });

  it('handles fractional degrees of freedom (Welch) between the whole ones', () => {
    const q = studentTQuantile(0.975, 4.5);
    expect(q).toBeLessThan(studentTQuantile(0.975, 4));
    expect(q).toBeGreaterThan(studentTQuantile(0.975, 5));
    expect(studentTCdf(q, 4.5)).toBeCloseTo(0.975, 12);
  });

  it('refuses impossible arguments by name', () => {
    expect(() => studentTCdf(1, 0)).toThrow(/degrees of freedom > 0/);
    expect(() => studentTQuantile(1, 3)).toThrow(/0 < p < 1/);
  });

  it('has the incomplete beta of the uniform and of x^a', () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 14);
    expect(incompleteBeta(0.9, 1, 3)).toBeCloseTo(1 - 0.1 ** 3, 14);
  });
});

describe('the 95% interval over seeds', () => {
  it('is mean ± t(0.975, n − 1) · s / √n, by hand', () => {
    // 0.80, 0.85, 0.90: mean 0.85, s = 0.05, s/√3 = 0.0288675, t(0.975, 2) = 4.302653 → ± 0.124209.
    const m = meanInterval([0.8, 0.85, 0.9]);
    expect(m.n).toBe(3);
    expect(m.mean).toBeCloseTo(0.85, 12);
    expect(m.std).toBeCloseTo(0.05, 12);
    expect(m.lo).toBeCloseTo(0.85 - 0.124209, 5);
    expect(m.hi).toBeCloseTo(0.85 + 0.124209, 5);
  });

  it('has no interval for one seed, and skips missing values', () => {
    expect(meanInterval([0.9])).toMatchObject({ n: 1, mean: 0.9, std: null, lo: null, hi: null });
    expect(meanInterval([null, NaN])).toMatchObject({ n: 0, mean: null, lo: null });
    expect(meanInterval([0.8, null, 0.9]).n).toBe(2);
  });
});

describe("Welch's test", () => {
  it('matches a hand computation: t = √6, df = 4, p = 0.070484', () => {
    // a: 0.80 0.82 0.84, b: 0.76 0.78 0.80 → difference 0.04, each variance 0.0004,
    // se = √(2 · 0.0004 / 3) = 0.0163299, t = 2.449490 = √6, df = 4; the t(4) CDF in closed form
    // 1/2 + 3/8 · u (1 − t²/(12(1 + t²/4))) with u = t/√(1 + t²/4) gives p = 0.0704840.
    const w = welchTest([0.8, 0.82, 0.84], [0.76, 0.78, 0.8])!;
    expect(w.difference).toBeCloseTo(0.04, 12);
    expect(w.t).toBeCloseTo(Math.sqrt(6), 9);
    expect(w.df).toBeCloseTo(4, 9);
    expect(w.p).toBeCloseTo(0.070484, 6);
  });

  it('says p = 0.05 exactly at the 97.5% quantile', () => {
    // Equal sizes and variances: df = 2n − 2, and t is the gap over √(2 s² / n).
    const q = studentTQuantile(0.975, 4);
    const gap = q * Math.sqrt((2 * 0.0004) / 3);
    expect(welchTest([0.8 + gap, 0.82 + gap, 0.84 + gap], [0.8, 0.82, 0.84])!.p).toBeCloseTo(0.05, 9);
  });

  it('needs two values a side; without spread, p is 0 for different means', () => {
    expect(welchTest([0.9], [0.8, 0.7])).toBeNull();
    expect(welchTest([0.9, 0.9], [0.8, 0.8])!.p).toBe(0);
    expect(welchTest([0.9, 0.9], [0.9, 0.9])!.p).toBe(1);
  });
});

describe("McNemar's exact test", () => {
  it('matches exact binomial sums (fractions computed with whole numbers)', () => {
    // 1 vs 9: 2 · (1 + 10) / 2¹⁰ = 22/1024.
    expect(mcnemarExact(1, 9).p).toBeCloseTo(22 / 1024, 15);
    // 5 vs 15: 2 · (1 + 20 + 190 + 1140 + 4845 + 15504) / 2²⁰.
    expect(mcnemarExact(15, 5).p).toBeCloseTo((2 * 21700) / 2 ** 20, 15);
    expect(mcnemarExact(0, 6).p).toBeCloseTo(2 / 64, 15);
    // Python: min(1, 2 * Fraction(sum(comb(n, i) for i in range(k + 1)), 2 ** n)).
    expect(mcnemarExact(40, 62).p).toBeCloseTo(0.037066767438560536, 12);
    expect(mcnemarExact(400, 470).p).toBeCloseTo(0.019267052848609224, 11);
    expect(mcnemarExact(1000, 1100).p).toBeCloseTo(0.030720707864242296, 10);
  });

  it('is 1 for equal or no disagreements, and refuses non-counts', () => {
    expect(mcnemarExact(10, 10).p).toBe(1);
    expect(mcnemarExact(3, 4).p).toBe(1);
    expect(mcnemarExact(0, 0).p).toBe(1);
    expect(() => mcnemarExact(-1, 3)).toThrow(/onlyA is -1/);
    expect(() => mcnemarExact(2, 1.5)).toThrow(/onlyB is 1.5/);
  });

  it('sums the binomial without underflow far beyond 2^-1074', () => {
    expect(binomialHalfCdf(0, 3)).toBeCloseTo(1 / 8, 15);
    expect(binomialHalfCdf(2, 4)).toBeCloseTo(11 / 16, 15);
    expect(binomialHalfCdf(10_000, 20_000)).toBeGreaterThan(0.5);
    expect(binomialHalfCdf(10_000, 20_000)).toBeLessThan(0.51);
  });
});
