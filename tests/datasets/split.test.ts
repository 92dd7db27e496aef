import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Split } from '../../shared/types';
import { importImageFolder } from '../../main/datasets/import';
import { listImages } from '../../main/datasets/queries';
import { assignSplits } from '../../main/datasets/split';
import { type Store } from '../../main/store/db';
import { makeImageFolder } from '../fixtures/images';
import { openTempStore, removeTempStore } from '../fixtures/homes';

let tmp: string;
let store: Store;
let folder: string;

beforeAll(async () => {
  ({ tmp, store } = openTempStore('bb-split-'));
  folder = path.join(tmp, 'three');
  // Unequal classes, so stratification is visible.
  await makeImageFolder(folder, { classes: ['a'], perClass: 40, size: 12 });
  await makeImageFolder(folder, { classes: ['b'], perClass: 20, size: 12, seed: 2 });
  await makeImageFolder(folder, { classes: ['c'], perClass: 60, size: 12, seed: 3 });
}, 60_000);

afterAll(() => removeTempStore(tmp, store));

function splitsOf(datasetId: number): Map<string, Split | null> {
  return new Map(listImages(store, datasetId).map((i) => [i.path, i.split]));
}

describe('split', () => {
  it('is stratified 70/15/15 per class by default', async () => {
    const r = await importImageFolder(store, folder);
    expect(r.split).toEqual({ train: 84, val: 18, test: 18 });
    const images = listImages(store, r.datasetId);
    const perClass = (ci: number, s: Split): number => images.filter((i) => i.classIndex === ci && i.split === s).length;
    expect([perClass(0, 'test'), perClass(1, 'test'), perClass(2, 'test')]).toEqual([6, 3, 9]);
    expect([perClass(0, 'val'), perClass(1, 'val'), perClass(2, 'val')]).toEqual([6, 3, 9]);
  });

  it('is the same for the same seed and different for another', async () => {
    // Each re-scan replaces the one before (no run uses them): read each split as it comes.
    const a = await importImageFolder(store, folder, { seed: 7, rescan: true });
    const first = splitsOf(a.datasetId);
    const stored = store.db.prepare('SELECT split_seed, val_fraction, test_fraction FROM datasets WHERE id = ?').get(a.datasetId);
    expect(stored).toEqual({ split_seed: 7, val_fraction: 0.15, test_fraction: 0.15 });
    const b = await importImageFolder(store, folder, { seed: 7, rescan: true });
    expect(splitsOf(b.datasetId)).toEqual(first);
    const c = await importImageFolder(store, folder, { seed: 8, rescan: true });
    expect(splitsOf(c.datasetId)).not.toEqual(first);
  });

  it('honours custom fractions', async () => {
    const r = await importImageFolder(store, folder, { valFraction: 0.1, testFraction: 0.25, rescan: true });
    expect(r.split).toEqual({ train: 78, val: 12, test: 30 });
  });

  it('does not depend on the order files are listed in', () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ key: `x/${i}.png`, className: 'x', sha256: String(i), fixed: null }));
    const forward = assignSplits(items, { seed: 3, valFraction: 0.2, testFraction: 0.2 });
    const reversedItems = [...items].reverse();
    const backward = assignSplits(reversedItems, { seed: 3, valFraction: 0.2, testFraction: 0.2 });
    const byKey = new Map(reversedItems.map((it, i) => [it.key, backward[i]]));
    expect(items.map((it) => byKey.get(it.key))).toEqual(forward);
  });

  it('keeps identical files of a class in the same split', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ key: `x/${i}.png`, className: 'x', sha256: String(i % 10), fixed: null }));
    for (const seed of [1, 2, 3, 4, 5]) {
      const splits = assignSplits(items, { seed, valFraction: 0.15, testFraction: 0.15 });
      for (let i = 0; i < 40; i++) expect(splits[i]).toBe(splits[i % 10]);
    }
  });

  it('keeps at least one training image in a tiny class', () => {
    const items = [0, 1].map((i) => ({ key: `x/${i}.png`, className: 'x', sha256: String(i), fixed: null }));
    expect(assignSplits(items, { seed: 1, valFraction: 0.45, testFraction: 0.45 })).toContain('train');
  });

  it('keeps a folder that brings train/ and test/, carving validation from train', async () => {
    const pre = path.join(tmp, 'presplit');
    await makeImageFolder(path.join(pre, 'train'), { classes: ['cat', 'dog'], perClass: 20, size: 12 });
    await makeImageFolder(path.join(pre, 'test'), { classes: ['cat', 'dog'], perClass: 5, size: 12, seed: 9 });
    const r = await importImageFolder(store, pre, { valFraction: 0.2 });
    expect(r.presplit).toBe(true);
    expect(r.classes).toEqual([
      { name: 'cat', count: 25 },
      { name: 'dog', count: 25 },
    ]);
    expect(r.split).toEqual({ train: 32, val: 8, test: 10 });
    for (const img of listImages(store, r.datasetId)) {
      if (img.path.startsWith('test/')) expect(img.split).toBe('test');
      else expect(img.split === 'train' || img.split === 'val').toBe(true);
    }
    expect(listImages(store, r.datasetId, { split: 'val', classIndex: 1 })).toHaveLength(4);
  });

  it('keeps a val/ folder when the folder brings one', async () => {
    const pre = path.join(tmp, 'presplit-val');
    await makeImageFolder(path.join(pre, 'train'), { classes: ['cat', 'dog'], perClass: 6, size: 12 });
    await makeImageFolder(path.join(pre, 'val'), { classes: ['cat', 'dog'], perClass: 2, size: 12, seed: 4 });
    await makeImageFolder(path.join(pre, 'test'), { classes: ['cat', 'dog'], perClass: 3, size: 12, seed: 5 });
    const r = await importImageFolder(store, pre);
    expect(r.split).toEqual({ train: 12, val: 4, test: 6 });
  });
});
