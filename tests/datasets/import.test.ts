import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../shared/types';
import { importImageFolder } from '../../main/datasets/import';
import { findDatasetByFolder, getImportReport, imageFile, listDatasets, listImages } from '../../main/datasets/queries';
import { RunStore } from '../../main/store/runs';
import { DEFAULT_CONFIG } from '../../shared/config';
import { openStore, type Store } from '../../main/store/db';
import { makeImageFolder, makeMessyFolder, type MessyFolder } from '../fixtures/images';

let tmp: string;
let store: Store;
let messy: MessyFolder;
let report: ImportReport;
const progress: [number, number][] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-import-'));
  messy = await makeMessyFolder(path.join(tmp, 'data'));
  store = openStore(path.join(tmp, 'home'));
  report = await importImageFolder(store, messy.root, { onProgress: (done, total) => progress.push([done, total]) });
}, 60_000);

afterAll(() => {
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('importImageFolder on the messy folder', () => {
  it('keeps the classes with readable images and names the empty ones', () => {
    expect(report.classes).toEqual(messy.classes);
    expect(report.emptyClasses).toEqual(messy.emptyClasses);
    expect(report.total).toBe(messy.classes.reduce((n, c) => n + c.count, 0));
    expect(report.presplit).toBe(false);
    expect(report.root).toBe(path.resolve(messy.root));
    expect(report.name).toBe('messy');
  });

  it('rejects every bad file with the right reason and a detail', () => {
    expect(report.rejected.map((r) => ({ path: r.path, reason: r.reason }))).toEqual(messy.rejected);
    for (const r of report.rejected) expect(r.detail.length).toBeGreaterThan(5);
    const truncatedJpeg = report.rejected.find((r) => r.path === 'dogs/truncated.jpg');
    expect(truncatedJpeg?.detail).toMatch(/premature end/i);
  });

  it('says each reason plainly, as a code with parameters, and keeps the decoder detail apart', () => {
    const byPath = new Map(report.rejected.map((r) => [r.path, r]));
    const said = (p: string) => {
      const r = byPath.get(p)!;
      return { code: r.code, params: r.params, message: r.message };
    };
    expect(said('dogs/notes.txt')).toEqual({ code: 'not-an-image', params: { kind: 'text' }, message: 'not an image: it is a text file' });
    expect(said('dogs/truncated.jpg')).toEqual({ code: 'truncated', params: { format: 'JPEG' }, message: 'the JPEG is cut short: the file ends before the picture does' });
    expect(said('dogs/truncated.png')).toMatchObject({ code: 'truncated', params: { format: 'PNG' }, message: 'the PNG is cut short: the file ends before the picture does' });
    expect(said('dogs/truncated.bmp')).toMatchObject({ code: 'truncated', params: { format: 'BMP' } });
    expect(said('dogs/garbage.jpg')).toEqual({ code: 'misnamed', params: { ext: '.jpg', kind: 'unknown' }, message: 'named .jpg, but its content is not a picture (damaged, or another kind of file)' });
    expect(said('fish/junk.jpg').code).toBe('misnamed');
    expect(said('dogs/broken-link.jpg')).toEqual({ code: 'broken-link', params: {}, message: 'a link to a file that no longer exists' });
    expect(said('dogs/empty.jpg')).toEqual({ code: 'empty', params: {}, message: 'the file is empty (0 bytes)' });
    for (const r of report.rejected) {
      // No decoder jargon in the sentence: no byte dumps, no library names.
      expect(r.message, r.path).not.toMatch(/starts [0-9a-f]{2} |vips|premature|ENOENT/i);
      if (r.code !== 'empty') expect(r.detail, r.path).not.toBe(r.message);
    }
    // The stored report reads back the same.
    expect(getImportReport(store, report.datasetId).rejected).toEqual(report.rejected);
  });

  it('gives a report stored before reasons had codes its codes and sentences', () => {
    const old = {
      ...report,
      rejected: [
        { path: 'dogs/notes.txt', reason: 'not-an-image', detail: 'not an image file (starts 54 68 65 73 65 20 61 72)' },
        { path: 'dogs/scan.pdf', reason: 'not-an-image', detail: 'not an image file (starts 25 50 44 46 2d 31 2e 34)' },
        { path: 'dogs/truncated.jpg', reason: 'truncated', detail: 'VipsJpeg: Premature end of JPEG file' },
        { path: 'dogs/garbage.jpg', reason: 'corrupt', detail: 'named .jpg but its bytes are not a known image format (starts 13 5f 0a 99 ff 00 12 34)' },
        { path: 'dogs/broken-link.jpg', reason: 'unreadable', detail: 'broken symbolic link (ENOENT)' },
        { path: 'dogs/x.heic', reason: 'not-an-image', detail: 'HEIC/HEIF photos are not supported; convert them to JPEG' },
      ],
    };
    store.db.prepare('UPDATE datasets SET report_json = ? WHERE id = ?').run(JSON.stringify(old), report.datasetId);
    try {
      const back = getImportReport(store, report.datasetId).rejected;
      expect(back.map((r) => [r.code, r.params, r.reason])).toEqual([
        ['not-an-image', { kind: 'text' }, 'not-an-image'],
        ['not-an-image', { kind: 'pdf' }, 'not-an-image'],
        ['truncated', { format: 'JPEG' }, 'truncated'],
        ['misnamed', { ext: '.jpg', kind: 'unknown' }, 'corrupt'],
        ['broken-link', {}, 'unreadable'],
        ['unsupported-format', { format: 'HEIC' }, 'not-an-image'],
      ]);
      expect(back[0].message).toBe('not an image: it is a text file');
      expect(back[2].message).toBe('the JPEG is cut short: the file ends before the picture does');
      expect(back[2].detail).toBe('VipsJpeg: Premature end of JPEG file');
    } finally {
      store.db.prepare('UPDATE datasets SET report_json = ? WHERE id = ?').run(JSON.stringify(report), report.datasetId);
    }
  });

  it('finds exact duplicates and flags the one filed under two labels', () => {
    expect(report.duplicates).toEqual(messy.duplicates);
  });

  it('counts grayscale content, including 3-channel images with equal channels', () => {
    expect(report.grayscale).toBe(messy.grayscale);
  });

  it('reports image sizes after EXIF orientation', () => {
    expect(report.imageSizes).toMatchObject(messy.imageSizes);
    expect(report.imageSizes.medianWidth).toBeGreaterThanOrEqual(report.imageSizes.minWidth);
    expect(report.imageSizes.medianHeight).toBeLessThanOrEqual(report.imageSizes.maxHeight);
    const rotated = store.db.prepare('SELECT width, height FROM images WHERE dataset_id = ? AND path = ?').get(report.datasetId, messy.files.rotated);
    expect(rotated).toEqual(messy.rotatedShown);
  });

  it('accepts every unusual-but-valid kind of image', () => {
    const accepted = new Set(listImages(store, report.datasetId).map((i) => i.path));
    for (const rel of Object.values(messy.files)) expect(accepted, rel).toContain(rel);
  });

  it('skips hidden, system and out-of-class files silently and does not loop on linked folders', () => {
    const all = new Set(listImages(store, report.datasetId, { status: 'all' }).map((i) => i.path));
    for (const rel of messy.ignored) expect(all.has(rel), rel).toBe(false);
    for (const rel of all) {
      expect(rel.startsWith('cats/loop/'), rel).toBe(false);
      expect(rel.startsWith('fish/cats-link/'), rel).toBe(false);
    }
  });

  it('splits the accepted images and stores rejected files without a split', () => {
    const { train, val, test } = report.split;
    expect(train + val + test).toBe(report.total);
    const rejected = listImages(store, report.datasetId, { status: 'rejected' });
    expect(rejected).toHaveLength(messy.rejected.length);
    for (const r of rejected) expect(r.split).toBeNull();
    // Rejected files of a class left out of the dataset carry class -1.
    expect(rejected.find((r) => r.path === 'fish/zero.png')?.classIndex).toBe(-1);
    expect(rejected.find((r) => r.path === 'dogs/empty.jpg')?.classIndex).toBe(1);
  });

  it('persists the report exactly', () => {
    expect(getImportReport(store, report.datasetId)).toEqual(report);
    expect(report.seconds).toBeGreaterThan(0);
  });

  it('reports progress over every candidate file', () => {
    const total = messy.classes.reduce((n, c) => n + c.count, 0) + messy.rejected.length;
    expect(progress[0]).toEqual([0, total]);
    expect(progress[progress.length - 1]).toEqual([total, total]);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThan(progress[i - 1][0]);
  });

  it('resolves image ids to absolute paths inside the root, unicode names included', () => {
    const img = listImages(store, report.datasetId).find((i) => i.path === messy.files.unicode);
    expect(img).toBeDefined();
    const file = imageFile(store, (img as { id: number }).id);
    expect(file).toBe(path.join(messy.root, 'cats', 'ünïcødé naïve 猫 photo.jpg'));
    expect(fs.existsSync(file)).toBe(true);
    expect(() => imageFile(store, 999_999)).toThrow(/No image with id 999999/);
  });
});

describe('importImageFolder refusals', () => {
  it('refuses a path that does not exist', async () => {
    const missing = path.join(tmp, 'no-such-folder');
    await expect(importImageFolder(store, missing)).rejects.toThrow(`The folder ${missing} does not exist`);
  });

  it('refuses a file', async () => {
    const file = path.join(tmp, 'a-file.jpg');
    fs.writeFileSync(file, 'x');
    await expect(importImageFolder(store, file)).rejects.toThrow(`${file} is not a folder`);
  });

  it('refuses a folder without class folders', async () => {
    const flat = path.join(tmp, 'flat');
    fs.mkdirSync(flat);
    fs.writeFileSync(path.join(flat, 'loose.jpg'), 'x');
    await expect(importImageFolder(store, flat)).rejects.toThrow(`No class folders in ${flat}`);
  });

  it('refuses a folder with only one readable class, naming the empty ones', async () => {
    const one = path.join(tmp, 'one-class');
    await makeImageFolder(one, { classes: ['only'], perClass: 3, size: 16 });
    fs.mkdirSync(path.join(one, 'nothing'));
    await expect(importImageFolder(store, one)).rejects.toThrow(/only one class folder \(only\) with readable images.*at least two classes.*nothing/);
  });

  it('refuses bad fractions and seeds', async () => {
    const ok = path.join(tmp, 'ok-fractions');
    await makeImageFolder(ok, { classes: 2, perClass: 3, size: 16 });
    await expect(importImageFolder(store, ok, { valFraction: 0.6, testFraction: 0.5 })).rejects.toThrow(/must leave images for training/);
    await expect(importImageFolder(store, ok, { testFraction: -0.1 })).rejects.toThrow(/testFraction/);
    await expect(importImageFolder(store, ok, { seed: 1.5 })).rejects.toThrow(/seed/);
  });

  it('refuses a name already taken, and suffixes the folder name when no name was given', async () => {
    const dir = path.join(tmp, 'named');
    const other = path.join(tmp, 'elsewhere', 'named');
    await makeImageFolder(dir, { classes: 2, perClass: 3, size: 16 });
    await makeImageFolder(other, { classes: 2, perClass: 3, size: 16 });
    const first = await importImageFolder(store, dir, { name: 'Pets' });
    await expect(importImageFolder(store, other, { name: 'Pets' })).rejects.toThrow(`A dataset named "Pets" already exists (id ${first.datasetId}, imported from ${dir})`);
    const a = await importImageFolder(store, other);
    expect(a.name).toBe('named');
    const third = path.join(tmp, 'third', 'named');
    await makeImageFolder(third, { classes: 2, perClass: 3, size: 16 });
    expect((await importImageFolder(store, third)).name).toBe('named (2)');
  });

  it('refuses a folder imported before, naming its dataset; a re-scan replaces it, or keeps it for its runs', async () => {
    const dir = path.join(tmp, 'again');
    await makeImageFolder(dir, { classes: 2, perClass: 4, size: 16 });
    const first = await importImageFolder(store, dir, { seed: 7, valFraction: 0.25, testFraction: 0.25 });
    // The same folder however it is spelled: trailing slash, relative path, a link to it.
    const link = path.join(tmp, 'again-link');
    fs.symlinkSync(dir, link);
    for (const spelled of [dir, `${dir}/`, path.relative(process.cwd(), dir), link]) {
      await expect(importImageFolder(store, spelled), spelled).rejects.toThrow(`is already imported as "again" (dataset ${first.datasetId}, 8 images, imported `);
    }
    await expect(importImageFolder(store, dir)).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/Open that dataset, or re-scan the folder/) });
    expect(listDatasets(store).filter((d) => d.root === path.resolve(dir))).toHaveLength(1);

    // A re-scan of a dataset no run used replaces it: same name, same seed and fractions, the new files.
    fs.copyFileSync(path.join(dir, 'class_0', fs.readdirSync(path.join(dir, 'class_0'))[0]), path.join(dir, 'class_0', 'added.png'));
    const second = await importImageFolder(store, link, { rescan: true });
    expect(second).toMatchObject({ name: 'again', total: 9, rescanOf: { datasetId: first.datasetId, name: 'again', runs: 0, studies: 0, kept: false } });
    expect(listDatasets(store).filter((d) => d.root === path.resolve(dir) || d.root === link).map((d) => [d.id, d.total])).toEqual([[second.datasetId, 9]]);
    expect(store.db.prepare('SELECT split_seed, val_fraction, test_fraction FROM datasets WHERE id = ?').get(second.datasetId)).toEqual({ split_seed: 7, val_fraction: 0.25, test_fraction: 0.25 });
    expect(findDatasetByFolder(store, dir)?.id).toBe(second.datasetId);

    // One that a run used stays for it; the re-scan is a dataset beside it.
    new RunStore(store).createRun(second.datasetId, { ...DEFAULT_CONFIG, arch: 'lenet5' });
    const third = await importImageFolder(store, dir, { rescan: true });
    expect(third).toMatchObject({ name: 'again (2)', rescanOf: { datasetId: second.datasetId, name: 'again', runs: 1, studies: 0, kept: true } });
    expect(getImportReport(store, second.datasetId).name).toBe('again');
    // The newest import is the one the folder now names.
    expect(findDatasetByFolder(store, dir)?.id).toBe(third.datasetId);

    // A study (even one with no run yet) keeps its dataset too.
    store.db.prepare(`INSERT INTO studies (name, dataset_id, base_json, axes_json, created_ms, updated_ms) VALUES ('s', ?, '{}', '[]', 0, 0)`).run(third.datasetId);
    const fourth = await importImageFolder(store, dir, { rescan: true });
    expect(fourth).toMatchObject({ name: 'again (3)', rescanOf: { datasetId: third.datasetId, runs: 0, studies: 1, kept: true } });
    expect(getImportReport(store, third.datasetId).name).toBe('again (2)');
  });
});

describe('importImageFolder formats', () => {
  it.each(['png', 'jpeg', 'webp', 'gif', 'bmp'] as const)('imports a %s folder', async (format) => {
    const dir = path.join(tmp, `fmt-${format}`);
    await makeImageFolder(dir, { classes: 2, perClass: 4, size: 24, format });
    const r = await importImageFolder(store, dir);
    expect(r.rejected).toEqual([]);
    expect(r.total).toBe(8);
    expect(r.imageSizes).toMatchObject({ minWidth: 24, maxWidth: 24, minHeight: 24, maxHeight: 24 });
    expect(r.grayscale).toBe(0);
  });
});
