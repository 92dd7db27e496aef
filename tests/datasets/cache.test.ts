import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCache } from '../../main/datasets/cache';
import { CacheReader } from '../../main/worker/cache-reader';
import { decodeSquare } from '../../main/datasets/decode';
import { importImageFolder } from '../../main/datasets/import';
import { imageFile, listImages } from '../../main/datasets/queries';
import { type Store } from '../../main/store/db';
import { makeImageFolder, makeMessyFolder, type MessyFolder } from '../fixtures/images';
import { openTempStore, removeTempStore } from '../fixtures/homes';

let tmp: string;
let store: Store;
let messy: MessyFolder;
let messyId: number;

beforeAll(async () => {
  ({ tmp, store } = openTempStore('bb-cache-'));
  messy = await makeMessyFolder(path.join(tmp, 'data'));
  messyId = (await importImageFolder(store, messy.root)).datasetId;
}, 60_000);

afterAll(() => removeTempStore(tmp, store));

/** Pixel (x, y) of record `index` of a cache. */
function pixel(reader: CacheReader, index: number, size: number, channels: number, x: number, y: number): number[] {
  const out = new Uint8Array(reader.recordBytes);
  reader.read([index], out);
  const o = (y * size + x) * channels;
  return Array.from(out.subarray(o, o + channels));
}

describe('ensureCache', () => {
  it('writes one record per accepted image, in image-id order, with labels and splits', async () => {
    const progress: number[] = [];
    const cache = await ensureCache(store, messyId, 16, 3, (done) => progress.push(done));
    const images = listImages(store, messyId);
    expect(cache.recordBytes).toBe(16 * 16 * 3);
    expect(cache.imageIds).toEqual(images.map((i) => i.id));
    expect(cache.records).toEqual(images.map((i) => ({ imageId: i.id, classIndex: i.classIndex, split: i.split })));
    expect(fs.statSync(cache.file).size).toBe(images.length * cache.recordBytes);
    expect(path.dirname(cache.file)).toBe(store.cacheDir);
    const sidecar = JSON.parse(fs.readFileSync(cache.file + '.json', 'utf8'));
    expect(sidecar.imageIds).toEqual(cache.imageIds);
    expect(sidecar.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(progress[progress.length - 1]).toBe(images.length);
  });

  it('stores the same bytes decodeSquare gives, readable through CacheReader in any order', async () => {
    const cache = await ensureCache(store, messyId, 16, 3);
    const reader = new CacheReader(cache.file, cache.recordBytes);
    try {
      expect(reader.count).toBe(cache.imageIds.length);
      const picks = [5, 2, 3, 4, 0, cache.imageIds.length - 1];
      const out = new Uint8Array(picks.length * cache.recordBytes);
      reader.read(picks, out);
      for (let k = 0; k < picks.length; k++) {
        const expected = await decodeSquare(fs.readFileSync(imageFile(store, cache.imageIds[picks[k]])), 16, 3);
        expect(Buffer.from(out.subarray(k * cache.recordBytes, (k + 1) * cache.recordBytes)).equals(expected), `record ${picks[k]}`).toBe(true);
      }
      expect(() => reader.read([cache.imageIds.length], new Uint8Array(cache.recordBytes))).toThrow(/out of range/);
      expect(() => reader.read([0, 1], new Uint8Array(cache.recordBytes))).toThrow(/too small/);
    } finally {
      reader.close();
    }
    expect(() => reader.read([0], new Uint8Array(cache.recordBytes))).toThrow(/closed/);
  });

  it('applies EXIF orientation to the pixels and keeps only the first GIF frame', async () => {
    const cache = await ensureCache(store, messyId, 8, 3);
    const images = listImages(store, messyId);
    const reader = new CacheReader(cache.file, cache.recordBytes);
    try {
      const rotated = cache.imageIds.indexOf(images.find((i) => i.path === messy.files.rotated)?.id ?? -1);
      // Shown upright: top half red, bottom half blue (stored sideways: left red, right blue).
      const [tr, , tb] = pixel(reader, rotated, 8, 3, 4, 1);
      const [br, , bb] = pixel(reader, rotated, 8, 3, 4, 6);
      expect(tr).toBeGreaterThan(200);
      expect(tb).toBeLessThan(60);
      expect(bb).toBeGreaterThan(200);
      expect(br).toBeLessThan(60);
      const gif = cache.imageIds.indexOf(images.find((i) => i.path === messy.files.gif)?.id ?? -1);
      const [r, g, b] = pixel(reader, gif, 8, 3, 4, 4);
      expect(g).toBeGreaterThan(180);
      expect(r).toBeLessThan(40);
      expect(b).toBeLessThan(40);
      // Alpha is composited over white: the transparent right half of alpha.png is white.
      const alpha = cache.imageIds.indexOf(images.find((i) => i.path === messy.files.alpha)?.id ?? -1);
      expect(pixel(reader, alpha, 8, 3, 7, 4)).toEqual([255, 255, 255]);
    } finally {
      reader.close();
    }
  });

  it('builds single-channel caches', async () => {
    const cache = await ensureCache(store, messyId, 8, 1);
    expect(cache.recordBytes).toBe(64);
    expect(cache.file).not.toBe((await ensureCache(store, messyId, 8, 3)).file);
    expect(fs.statSync(cache.file).size).toBe(cache.imageIds.length * 64);
  });

  it('reuses a cache whose files did not change, and rebuilds after a file changes', async () => {
    const dir = path.join(tmp, 'reuse');
    await makeImageFolder(dir, { classes: 2, perClass: 5, size: 20 });
    const id = (await importImageFolder(store, dir)).datasetId;
    const first = await ensureCache(store, id, 12, 3);
    const builtAt = fs.statSync(first.file).mtimeMs;
    let calls = 0;
    const again = await ensureCache(store, id, 12, 3, () => calls++);
    expect(again).toEqual(first);
    expect(calls).toBe(0);
    expect(fs.statSync(first.file).mtimeMs).toBe(builtAt);

    // Replace class_0's first image with a solid white picture of the same name.
    const target = imageFile(store, first.imageIds[0]);
    await sharp({ create: { width: 20, height: 20, channels: 3, background: '#ffffff' } }).png().toFile(target);
    fs.utimesSync(target, new Date(), new Date(Date.now() + 5000));
    const rebuilt = await ensureCache(store, id, 12, 3, () => calls++);
    expect(calls).toBeGreaterThan(0);
    const reader = new CacheReader(rebuilt.file, rebuilt.recordBytes);
    const out = new Uint8Array(rebuilt.recordBytes);
    reader.read([0], out);
    reader.close();
    expect(out.every((v) => v === 255)).toBe(true);
  });

  it('rebuilds a damaged cache file and clears half-written ones left by dead processes', async () => {
    const first = await ensureCache(store, messyId, 10, 3);
    const intact = fs.readFileSync(first.file);
    fs.truncateSync(first.file, intact.length - 7);
    const abandoned = `${first.file}.partial-2147483646`;
    fs.writeFileSync(abandoned, 'half a cache');
    const again = await ensureCache(store, messyId, 10, 3);
    expect(fs.readFileSync(again.file).equals(intact)).toBe(true);
    expect(fs.existsSync(abandoned)).toBe(false);
  });

  it('fails naming the file when an image went missing or became unreadable', async () => {
    const dir = path.join(tmp, 'vanish');
    await makeImageFolder(dir, { classes: 2, perClass: 3, size: 20, format: 'jpeg' });
    const id = (await importImageFolder(store, dir)).datasetId;
    const images = listImages(store, id);
    const gone = imageFile(store, images[1].id);
    fs.rmSync(gone);
    await expect(ensureCache(store, id, 12, 3)).rejects.toThrow(gone);
    fs.writeFileSync(gone, 'no longer a picture');
    await expect(ensureCache(store, id, 12, 3)).rejects.toThrow(new RegExp(`Could not read the image ${gone.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(fs.readdirSync(store.cacheDir).some((f) => f.includes('.partial'))).toBe(false);
  });

  it('refuses impossible sizes', async () => {
    await expect(ensureCache(store, messyId, 0, 3)).rejects.toThrow(/size/);
    await expect(ensureCache(store, 12345, 16, 3)).rejects.toThrow(/No dataset with id 12345/);
  });
});
