import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCache } from '../../main/datasets/cache';
import { importImageFolder } from '../../main/datasets/import';
import { checkDatasetFiles, deleteDataset, getDataset, getImportReport, imageFile, listDatasets, listImages, resolveDataset } from '../../main/datasets/queries';
import { type Store } from '../../main/store/db';
import { makeImageFolder } from '../fixtures/images';
import { openTempStore, removeTempStore } from '../fixtures/homes';

let tmp: string;
let store: Store;

beforeAll(() => {
  ({ tmp, store } = openTempStore('bb-queries-'));
});

afterAll(() => removeTempStore(tmp, store));

async function dataset(name: string, perClass = 4): Promise<number> {
  const dir = path.join(tmp, name);
  await makeImageFolder(dir, { classes: ['ants', 'bees', 'cats'], perClass, size: 16 });
  return (await importImageFolder(store, dir, { name })).datasetId;
}

describe('dataset queries', () => {
  it('lists, gets and resolves datasets by id or name', async () => {
    const a = await dataset('Alpha', 10);
    const b = await dataset('beta');
    const list = listDatasets(store);
    expect(list.map((d) => d.name)).toEqual(['Alpha', 'beta']);
    const alpha = getDataset(store, a);
    expect(alpha).toMatchObject({ id: a, name: 'Alpha', root: path.join(tmp, 'Alpha'), classes: ['ants', 'bees', 'cats'], total: 30 });
    expect(alpha.split.train + alpha.split.val + alpha.split.test).toBe(30);
    expect(alpha.createdMs).toBeGreaterThan(0);
    expect(resolveDataset(store, String(b)).name).toBe('beta');
    expect(resolveDataset(store, 'Alpha').id).toBe(a);
    expect(resolveDataset(store, 'alpha').id).toBe(a);
    expect(() => resolveDataset(store, 'gamma')).toThrow('No dataset "gamma". Known datasets: Alpha (id 1), beta (id 2).');
    expect(() => getDataset(store, 99)).toThrow(/No dataset with id 99\. Known datasets: Alpha/);
    expect(() => getImportReport(store, 99)).toThrow(/No dataset with id 99/);
  });

  it('filters images by split, class, status and limit', async () => {
    const id = resolveDataset(store, 'Alpha').id;
    const all = listImages(store, id);
    expect(all).toHaveLength(30);
    expect(all.map((i) => i.id)).toEqual([...all.map((i) => i.id)].sort((x, y) => x - y));
    const test = listImages(store, id, { split: 'test' });
    expect(test.length).toBe(getDataset(store, id).split.test);
    expect(test.every((i) => i.split === 'test')).toBe(true);
    expect(listImages(store, id, { classIndex: 2 }).every((i) => i.classIndex === 2 && i.path.startsWith('cats/'))).toBe(true);
    expect(listImages(store, id, { limit: 3 })).toHaveLength(3);
    expect(listImages(store, id, { status: 'rejected' })).toEqual([]);
    expect(() => listImages(store, 99)).toThrow(/No dataset with id 99/);
  });

  it('notices files that went missing or changed after the import', async () => {
    const id = await dataset('drift');
    expect(checkDatasetFiles(store, id)).toEqual({ missing: [], changed: [] });
    const images = listImages(store, id);
    fs.rmSync(imageFile(store, images[0].id));
    fs.appendFileSync(imageFile(store, images[1].id), Buffer.from([0]));
    // Only touched: the same bytes (its hash says so) are not a change; the new time is kept.
    const touched = imageFile(store, images[2].id);
    fs.utimesSync(touched, new Date(), new Date(Date.now() + 60_000));
    expect(checkDatasetFiles(store, id)).toEqual({ missing: [images[0].path], changed: [images[1].path] });
    expect(store.db.prepare('SELECT mtime_ms FROM images WHERE id = ?').get(images[2].id)).toEqual({ mtime_ms: Math.floor(fs.statSync(touched).mtimeMs) });
    // The whole folder moved: every file is missing.
    fs.renameSync(path.join(tmp, 'drift'), path.join(tmp, 'drift-moved'));
    expect(checkDatasetFiles(store, id).missing).toHaveLength(images.length);
  });

  it('deletes a dataset and its caches, never the image files', async () => {
    const id = await dataset('gone');
    const cache = await ensureCache(store, id, 8, 3);
    const file = imageFile(store, listImages(store, id)[0].id);
    deleteDataset(store, id);
    expect(listDatasets(store).some((d) => d.id === id)).toBe(false);
    expect(() => getDataset(store, id)).toThrow(/No dataset with id/);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM images WHERE dataset_id = ?').get(id)).toEqual({ n: 0 });
    expect(fs.existsSync(cache.file)).toBe(false);
    expect(fs.existsSync(cache.file + '.json')).toBe(false);
    expect(fs.existsSync(file)).toBe(true);
    expect(() => deleteDataset(store, id)).toThrow(/No dataset with id/);
  });

  it('keeps a hidden record of a deleted dataset that runs refer to, and frees its name', async () => {
    const id = await dataset('used');
    store.db
      .prepare(`INSERT INTO runs (name, dataset_id, arch, status, config_json, seed, created_ms) VALUES ('r', ?, 'lenet5', 'completed', '{}', 1, 0)`)
      .run(id);
    deleteDataset(store, id);
    expect(listDatasets(store).some((d) => d.id === id)).toBe(false);
    expect(store.db.prepare('SELECT name, deleted FROM datasets WHERE id = ?').get(id)).toEqual({ name: `used (deleted #${id})`, deleted: 1 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM images WHERE dataset_id = ?').get(id)).toEqual({ n: 12 });
    const again = await importImageFolder(store, path.join(tmp, 'used'), { name: 'used' });
    expect(again.name).toBe('used');
  });
});
