/**
 * The statistics behind "is the difference real?": Student's t distribution, the 95% interval
 * of a mean over seeds, Welch's test between two cells of a study, and McNemar's exact test
 * between two runs on the same test images.
 *
 * Pure functions without dependencies (no tfjs, no node), so the core, the CLI, the reports
 * and the renderer compute the same numbers.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes §6.4). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry beyond.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (any df > 0, not only whole ones). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`Student's t needs degrees of freedom > 0 (got ${df}).`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The t with P(T ≤ t) = p, for Student's t with `df` degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`A quantile needs 0 < p < 1 (got ${p}).`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // Bracket, then bisect: the CDF is monotone, and 200 halvings reach the last bit.
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A mean with its confidence interval from Student's t. */
export interface MeanInterval {
  readonly n: number;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1); null when n < 2. */
  readonly std: number | null;
  /** The interval's ends; null when n < 2 (one seed says nothing about the spread). */
  readonly lo: number | null;
  readonly hi: number | null;
  /** The confidence level, 0.95 for a 95% interval. */
  readonly level: number;
}

/**
 * The mean of the finite numbers given, with the `level` (default 95%) confidence interval
 * mean ± t(1 − α/2, n − 1) · s / √n.
 */
export function meanInterval(values: readonly (number | null)[], level = 0.95): MeanInterval {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: null, std: null, lo: null, hi: null, level };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, std: null, lo: null, hi: null, level };
  const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (std / Math.sqrt(n));
  return { n, mean, std, lo: mean - half, hi: mean + half, level };
}

/** Welch's unequal-variances t-test between two samples. */
export interface WelchTest {
  /** Mean of a minus mean of b. */
  readonly difference: number;
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  /** Two-sided p-value. */
  readonly p: number;
}

/**
 * Welch's t-test (two-sided) between the finite numbers of `a` and `b`; null when either has
 * fewer than two. Two samples without any spread: p is 0 when their means differ, else 1.
 */
export function welchTest(a: readonly (number | null)[], b: readonly (number | null)[]): WelchTest | null {
  const xa = a.filter((v): v is number => v !== null && Number.isFinite(v));
  const xb = b.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xa.length < 2 || xb.length < 2) return null;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = (xs: number[], m: number) => xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  const ma = mean(xa);
  const mb = mean(xb);
  const va = variance(xa, ma) / xa.length;
  const vb = variance(xb, mb) / xb.length;
  const difference = ma - mb;
  const se2 = va + vb;
  if (se2 === 0) return { difference, t: difference === 0 ? 0 : Math.sign(difference) * Infinity, df: xa.length + xb.length - 2, p: difference === 0 ? 1 : 0 };
  const t = difference / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (xa.length - 1) + (vb * vb) / (xb.length - 1));
  return { difference, t, df, p: Math.min(1, 2 * studentTCdf(-Math.abs(t), df)) };
}

/** ln of the sum of exp(x) over the list, without overflow. */
function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2), summed term by term: in doubles up to n = 1000, in log
 * space beyond (no underflow for n in the tens of thousands).
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`A binomial needs a whole number of trials (got ${n}).`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (n <= 1000) {
    // Binomial coefficients up to C(1000, 500) ≈ 2.7e299 fit a double, and are exact while below 2^53.
    let term = 1;
    let sum = 0;
    for (let i = 0; i <= k; i++) {
      sum += term;
      term = (term * (n - i)) / (i + 1);
    }
    return Math.min(1, sum / 2 ** n);
  }
  const terms: number[] = [];
  let logC = 0; // ln C(n, 0)
  for (let i = 0; i <= k; i++) {
    terms.push(logC - n * Math.LN2);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, Math.exp(logSumExp(terms)));
}

/** McNemar's exact test on two classifiers' answers to the same images. */
export interface McNemarTest {
  /** Images only the first classifier gets right. */
  readonly onlyA: number;
  /** Images only the second classifier gets right. */
  readonly onlyB: number;
  /**
   * Two-sided exact p-value: under "equally good", the discordant images split like fair coin
   * flips, so p = min(1, 2 · P(X ≤ min(onlyA, onlyB))) with X ~ Binomial(onlyA + onlyB, 1/2).
   */
  readonly p: number;
}

/** McNemar's exact (binomial) test from the discordant counts. */
export function mcnemarExact(onlyA: number, onlyB: number): McNemarTest {
  for (const [name, v] of [
    ['onlyA', onlyA],
    ['onlyB', onlyB],
  ] as const)
    if (!Number.isInteger(v) || v < 0) throw new Error(`McNemar's test needs counts of images: ${name} is ${v}.`);
  const n = onlyA + onlyB;
  const p = n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(onlyA, onlyB), n));
  return { onlyA, onlyB, p };
}

/** The conventional threshold for "beyond chance". */
export const SIGNIFICANCE = 0.05;
