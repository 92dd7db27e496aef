import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { openTempStore, removeTempStore } from '../fixtures/homes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importImageFolder } from '../../main/datasets/import';
import { SAMPLE_CLASSES, writeSampleDataset } from '../../main/datasets/sample';
import { type Store } from '../../main/store/db';

let tmp: string;
let store: Store;

beforeAll(() => {
  ({ tmp, store } = openTempStore('bb-sample-'));
});

afterAll(() => removeTempStore(tmp, store));

function digest(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const cls of fs.readdirSync(dir).sort()) {
    for (const f of fs.readdirSync(path.join(dir, cls)).sort()) hash.update(f).update(fs.readFileSync(path.join(dir, cls, f)));
  }
  return hash.digest('hex');
}

describe('writeSampleDataset', () => {
  it('writes five classes of 64 px PNGs that import cleanly', async () => {
    const dir = path.join(tmp, 'sample');
    const r = await writeSampleDataset(dir);
    expect(r).toEqual({ classes: [...SAMPLE_CLASSES], count: 500 });
    expect(fs.readdirSync(dir).sort()).toEqual([...SAMPLE_CLASSES]);
    const meta = await sharp(path.join(dir, 'circles', 'circles_0000.png')).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 64, 64, 3]);
    const report = await importImageFolder(store, dir);
    expect(report.classes.map((c) => c.count)).toEqual([100, 100, 100, 100, 100]);
    expect(report.rejected).toEqual([]);
    expect(report.duplicates).toEqual([]);
  }, 30_000);

  it('is deterministic by seed', async () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    const c = path.join(tmp, 'c');
    await writeSampleDataset(a, { perClass: 4, size: 32, seed: 5 });
    await writeSampleDataset(b, { perClass: 4, size: 32, seed: 5 });
    await writeSampleDataset(c, { perClass: 4, size: 32, seed: 6 });
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
  });

  it('draws colour that overlaps between classes, so shape matters', async () => {
    const dir = path.join(tmp, 'hues');
    await writeSampleDataset(dir, { perClass: 30, size: 32, seed: 3 });
    // Mean colour per image: the nearest-class-mean colour rule must be far from perfect.
    const means: { cls: number; rgb: number[] }[] = [];
    for (let c = 0; c < SAMPLE_CLASSES.length; c++) {
      for (const f of fs.readdirSync(path.join(dir, SAMPLE_CLASSES[c]))) {
        const { data } = await sharp(path.join(dir, SAMPLE_CLASSES[c], f)).raw().toBuffer({ resolveWithObject: true });
        const sum = [0, 0, 0];
        for (let i = 0; i < data.length; i += 3) for (let k = 0; k < 3; k++) sum[k] += data[i + k];
        means.push({ cls: c, rgb: sum.map((s) => s / (data.length / 3)) });
      }
    }
    const centroid = SAMPLE_CLASSES.map((_, c) => {
      const mine = means.filter((m) => m.cls === c);
      return [0, 1, 2].map((k) => mine.reduce((s, m) => s + m.rgb[k], 0) / mine.length);
    });
    const correct = means.filter((m) => {
      const d = centroid.map((ct) => Math.hypot(ct[0] - m.rgb[0], ct[1] - m.rgb[1], ct[2] - m.rgb[2]));
      return d.indexOf(Math.min(...d)) === m.cls;
    }).length;
    expect(correct / means.length).toBeLessThan(0.75);
  }, 30_000);
});
