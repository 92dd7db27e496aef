/**
 * The seeded generator training uses for shuffles and augmentations, so a run repeats exactly
 * for a given seed. Built on the same mulberry32 generator as the dataset split.
 */
import { seededRandom, shuffleInPlace } from '../../shared/random';

export class Random {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom((seed >>> 0) ^ 0x9e3779b9);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    return shuffleInPlace(a, this.next);
  }
}
