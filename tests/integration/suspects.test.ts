/**
 * Label suspects from real training: a generated folder with its own test split, three of whose
 * test pictures are filed under the wrong class; two LeNet runs trained on wasm in real worker
 * processes; the planted pictures rank first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workstation } from '../../main/core/workstation';
import { makeImageFolder } from '../fixtures/images';
import { SMALL_LENET } from '../fixtures/configs';
import { openTempHome, removeTempHome } from '../fixtures/homes';

let home: string;
let ws: Workstation;
let datasetId: number;
/** The planted files: path inside the dataset, and the class they really show. */
const planted: { path: string; really: string }[] = [];

beforeAll(async () => {
  ({ home, ws } = openTempHome('bb-suspects-'));
  const gen = await makeImageFolder(path.join(home, 'gen'), { classes: ['red', 'green', 'blue'], perClass: 50, size: 32, seed: 3 });
  // train/ and test/ folders: the first 12 pictures of each class are its test split.
  const root = path.join(home, 'planted');
  for (const cls of gen.classes) {
    const files = gen.files.filter((f) => f.startsWith(`${cls}/`));
    files.forEach((f, i) => {
      const split = i < 12 ? 'test' : 'train';
      // Plant: the first test picture of red goes under green, of green under blue, of blue under red.
      const filedAs = i === 0 ? gen.classes[(gen.classes.indexOf(cls) + 1) % 3] : cls;
      const target = path.join(root, split, filedAs, path.basename(f));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(gen.root, f), target);
      if (i === 0) planted.push({ path: `test/${filedAs}/${path.basename(f)}`, really: cls });
    });
  }
  const report = await ws.importDataset(root, 'planted');
  expect(report.presplit).toBe(true);
  datasetId = report.datasetId;
}, 60_000);

afterAll(() => removeTempHome(home, ws));

describe('label suspects after real training', () => {
  it('ranks the three mislabelled test pictures first, with the class they show', async () => {
    for (const seed of [1, 2]) {
      const run = await ws.startRun(datasetId, { ...SMALL_LENET, augment: [], epochs: 3, seed });
      const final = await ws.queue.waitFor(run.id);
      expect(final.status, final.error ?? '').toBe('completed');
    }
    const s = await ws.labelSuspects(datasetId);
    expect(s.runIds).toHaveLength(2);
    expect(s.images).toBe(36);
    const top = s.suspects.slice(0, 3).map((x) => ({ path: x.path, really: x.suggestedClass }));
    expect(top.sort((a, b) => a.path.localeCompare(b.path))).toEqual([...planted].sort((a, b) => a.path.localeCompare(b.path)));
    // Every planted picture is called its true class by both runs, with little left for the label.
    for (const x of s.suspects.slice(0, 3)) {
      expect(x.agreeing).toBe(2);
      expect(x.givenProbability).toBeLessThan(0.2);
    }
  }, 240_000);

  it('judges by the labels now: a planted picture relabelled to what it shows, or excluded, is no suspect', async () => {
    const [first, second, third] = planted;
    await ws.editLabels(datasetId, [
      { image: first.path, action: 'relabel', className: first.really },
      { image: second.path, action: 'exclude' },
    ]);
    const s = await ws.labelSuspects(datasetId);
    // The excluded one is out of the images ranked; the relabelled one now agrees with the runs.
    expect(s.images).toBe(35);
    const listed = s.suspects.map((x) => x.path);
    expect(listed).not.toContain(first.path);
    expect(listed).not.toContain(second.path);
    expect(s.suspects[0]).toMatchObject({ path: third.path, suggestedClass: third.really });
    // Restored, both rank among the first three again, by their folder's label.
    await ws.editLabels(datasetId, [first, second].map((p) => ({ image: p.path, action: 'restore' as const })));
    const back = await ws.labelSuspects(datasetId);
    expect(back.suspects.slice(0, 3).map((x) => x.path).sort()).toEqual(planted.map((p) => p.path).sort());
  });
});
