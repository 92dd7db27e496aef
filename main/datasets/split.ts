/**
 * Seeded, stratified train / validation / test assignment.
 *
 * Each class is split on its own (stratified), in an order fixed by the seed and the class
 * name, so the same folder and seed always give the same test images, and adding a class does
 * not reshuffle the others. Identical files (same SHA-256) within a class always land in the
 * same split, so an exact copy cannot leak from training into the test set.
 */
import type { Split } from '../../shared/types';
import { compareNames } from './scan';
import { hashString, seededRandom, shuffleInPlace } from '../../shared/random';

/** One accepted image as the splitter sees it. */
export interface SplitItem {
  /** Stable key (the relative path); fixes the order before shuffling. */
  readonly key: string;
  readonly className: string;
  readonly sha256: string;
  /**
   * The split its folder gave it: `test` and `val` are kept; `train` means "train or val"
   * (validation is carved from it); null means any of the three.
   */
  readonly fixed: Split | null;
}

/** Fractions and seed for `assignSplits`. */
export interface SplitOptions {
  readonly seed: number;
  readonly valFraction: number;
  readonly testFraction: number;
}

/** Returns a split for every item, in the items' order. */
export function assignSplits(items: readonly SplitItem[], opts: SplitOptions): Split[] {
  const out = new Array<Split>(items.length);
  const byClass = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (item.fixed === 'test' || item.fixed === 'val') {
      out[i] = item.fixed;
      return;
    }
    const group = item.className + '\u0000' + (item.fixed ?? '');
    const list = byClass.get(group);
    if (list) list.push(i);
    else byClass.set(group, [i]);
  });
  for (const indices of byClass.values()) {
    const first = items[indices[0]];
    const testFraction = first.fixed === 'train' ? 0 : opts.testFraction;
    // Units: sets of identical files, which must share a split.
    const units = new Map<string, number[]>();
    for (const i of indices) {
      const unit = units.get(items[i].sha256);
      if (unit) unit.push(i);
      else units.set(items[i].sha256, [i]);
    }
    const ordered = [...units.values()]
      .map((u) => u.sort((a, b) => compareNames(items[a].key, items[b].key)))
      .sort((a, b) => compareNames(items[a[0]].key, items[b[0]].key));
    shuffleInPlace(ordered, seededRandom((opts.seed ^ hashString(first.className)) >>> 0));
    const n = indices.length;
    let nTest = Math.round(n * testFraction);
    let nVal = Math.round(n * opts.valFraction);
    // Keep at least one training image in every class that has any.
    while (n > 0 && nTest + nVal >= n && nVal + nTest > 0) {
      if (nVal > 0) nVal--;
      else nTest--;
    }
    let test = 0;
    let val = 0;
    for (const unit of ordered) {
      let split: Split = 'train';
      if (test < nTest) {
        split = 'test';
        test += unit.length;
      } else if (val < nVal) {
        split = 'val';
        val += unit.length;
      }
      for (const i of unit) out[i] = split;
    }
  }
  return out;
}
