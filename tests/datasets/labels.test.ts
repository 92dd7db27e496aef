/**
 * Label edits and dataset versions on a generated folder: relabel, exclude, restore and the
 * history; a batch with a wrong image or class is refused whole, naming it; the job a run's
 * worker gets leaves the excluded images out and carries the new labels; a run records the
 * version it trained on, and a retrained run takes the newest one with the same config.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../main/cli/format';
import type { Workstation } from '../../main/core/workstation';
import { SMALL_LENET } from '../fixtures/configs';
import { openTempHome, removeTempHome } from '../fixtures/homes';
import { makeImageFolder } from '../fixtures/images';

let home: string;
let ws: Workstation;
let datasetId: number;
let images: { id: number; path: string; split: string | null; classIndex: number }[];

beforeAll(async () => {
  ({ home, ws } = openTempHome('bb-labels-'));
  const gen = await makeImageFolder(path.join(home, 'gen'), { classes: ['red', 'green', 'blue'], perClass: 20, size: 16, seed: 5 });
  datasetId = (await ws.importDataset(gen.root, 'gen')).datasetId;
  images = ws.store.db.prepare(`SELECT id, path, split, class_index AS classIndex FROM images WHERE dataset_id = ? AND status = 'ok' ORDER BY id`).all(datasetId) as typeof images;
}, 60_000);

afterAll(() => removeTempHome(home, ws));

describe('label edits', () => {
  it('start at version 0 with no history', async () => {
    expect(await ws.labelHistory(datasetId)).toEqual({ datasetId, version: 0, edits: [], edited: [], skipped: 0 });
  });

  it('relabel, exclude and restore make one version per batch, by id or by path, and say what changed', async () => {
    const [a, b] = images.filter((i) => i.split === 'test' && i.path.startsWith('red/'));
    const v1 = await ws.editLabels(datasetId, [{ image: a.path, action: 'exclude' }, { image: b.id, action: 'relabel', className: 'blue' }]);
    expect(v1.version).toBe(1);
    // Newest first: the batch's second edit first.
    expect(v1.edits.map((e) => [e.version, e.action, e.path, e.fromClass, e.toClass])).toEqual([
      [1, 'relabel', b.path, 'red', 'blue'],
      [1, 'exclude', a.path, 'red', 'red'],
    ]);
    expect(new Set(v1.edited.map((e) => `${e.path}:${e.className}:${e.excluded}`))).toEqual(new Set([`${a.path}:red:true`, `${b.path}:blue:false`]));
    // Already so: skipped; a batch of only that is refused, and makes no version.
    await expect(ws.editLabels(datasetId, [{ image: a.id, action: 'exclude' }])).rejects.toThrow(/Nothing to change in "gen".*stays at version 1/);
    const v2 = await ws.editLabels(datasetId, [{ image: a.id, action: 'restore' }, { image: a.id, action: 'restore' }]);
    expect(v2).toMatchObject({ version: 2, skipped: 1 });
    expect(v2.edited.map((e) => e.path)).toEqual([b.path]);
    // The folder's label, with no relabel left: no longer edited.
    const v3 = await ws.editLabels(datasetId, [{ image: b.id, action: 'relabel', className: 'red' }]);
    expect(v3).toMatchObject({ version: 3, edited: [] });
    expect(v3.edits).toHaveLength(4);
  });

  it('refuses a whole batch naming the wrong image or class, and changes nothing', async () => {
    const before = await ws.labelHistory(datasetId);
    await expect(ws.editLabels(datasetId, [{ image: images[0].id, action: 'exclude' }, { image: 'red/nope.png', action: 'exclude' }])).rejects.toThrow(/"gen" has no image red\/nope\.png/);
    await expect(ws.editLabels(datasetId, [{ image: images[0].id, action: 'relabel', className: 'purple' }])).rejects.toThrow(/"purple" is not a class of "gen" \(its classes: blue, green, red\)/);
    await expect(ws.editLabels(datasetId, [{ image: images[0].id, action: 'relabel' }])).rejects.toThrow(/say which class/);
    // Every training image of red excluded: refused (a model needs its classes).
    const redTrain = images.filter((i) => i.split === 'train' && i.path.startsWith('red/'));
    await expect(ws.editLabels(datasetId, redTrain.map((i) => ({ image: i.id, action: 'exclude' as const })))).rejects.toThrow(/train split of "gen" without any image of red/);
    expect(await ws.labelHistory(datasetId)).toEqual(before);
  });

  it("gives a run's worker the newest version (excluded images out, new labels in) and records it; a resumed run keeps its own", async () => {
    const test = images.filter((i) => i.split === 'test');
    const train = images.filter((i) => i.split === 'train');
    const h = await ws.editLabels(datasetId, [{ image: test[2].id, action: 'exclude' }, { image: train[0].id, action: 'exclude' }, { image: train[1].id, action: 'relabel', className: 'green' }]);
    const old = await ws.startRun(datasetId, { ...SMALL_LENET, inputSize: 16, epochs: 1, augment: [] });
    await ws.cancelRun(old.id);
    await ws.queue.waitFor(old.id);
    const job = await ws.queue.prepareJob(old.id, null);
    expect((await ws.getRun(old.id)).datasetVersion).toBe(h.version);
    expect(job.test.imageIds).not.toContain(test[2].id);
    expect(job.test.imageIds).toHaveLength(test.length - 1);
    expect(job.train.records).toHaveLength(train.length - 1);
    const green = 1;
    // The cache's record order is the images' id order: train[1] is the train record after train[0] (left out).
    expect(job.train.labels[0]).toBe(green);
    await ws.editLabels(datasetId, [{ image: test[2].id, action: 'restore' }]);
    const resumed = await ws.queue.prepareJob(old.id, { dir: path.join(home, 'none'), epoch: 1 });
    expect(resumed.test.imageIds).not.toContain(test[2].id);
    // Retrain: the same config on the newest version.
    const again = await ws.retrainRun(old.id);
    await ws.cancelRun(again);
    const next = await ws.queue.prepareJob(again, null);
    expect(next.test.imageIds).toContain(test[2].id);
    const detail = await ws.getRun(again);
    expect(detail.config).toEqual((await ws.getRun(old.id)).config);
    expect(detail.datasetVersion).toBe(h.version + 1);
    expect(detail.name).toMatch(/· dataset v\d+$/);
    expect(runReport(detail)).toContain(`dataset   gen (#${datasetId}), version ${h.version + 1} (label edits: bloombench labels ${datasetId})`);
  }, 120_000);
});
