/**
 * The study verbs over the transports: the server forwards them to the core and validates them
 * like every other verb, study events reach the same event stream, and the IPC validators know
 * them too.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { removeServedHome, serveHome } from '../fixtures/homes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERBS, ValidationError } from '../../shared/contract/api-schemas';
import { Workstation } from '../../main/core/workstation';
import { validateInvoke } from '../../main/electron/validation';
import { type RunningServer } from '../../main/server/server';
import type { AppEvent } from '../../shared/contract/api';
import { DEFAULT_CONFIG } from '../../shared/config';
import { makeImageFolder } from '../fixtures/images';

let home: string;
let ws: Workstation;
let server: RunningServer;
let datasetId: number;

function call(verb: string, args: unknown): Promise<{ status: number; body: { result?: unknown; error?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: `/api/${verb}`, headers: { 'content-type': 'application/json', 'x-bloombench-token': server.token } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: unknown; error?: string } }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ args }));
  });
}

const base = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 1, batchSize: 4 };

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-studies-api-'));
  ({ ws, server } = await serveHome(home, { staticDir: home, cacheDir: path.join(home, 'thumbs'), allowImport: [home] }));
  const folder = path.join(home, 'pics');
  await makeImageFolder(folder, { classes: ['a', 'b'], perClass: 8, size: 16 });
  datasetId = (await ws.importDataset(folder, 'pics')).datasetId;
});

afterAll(() => removeServedHome(home, { ws, server }));

describe('study verbs over HTTP', () => {
  it('lists every study verb among the API verbs', () => {
    for (const v of ['createStudy', 'listStudies', 'getStudy', 'runStudy', 'pauseStudy', 'extendStudy', 'updateStudy', 'deleteStudy', 'studyGrid', 'studyCurves', 'runMetrics', 'failuresAcrossRuns', 'confusionDiff', 'exportStudy']) {
      expect(API_VERBS).toContain(v);
    }
    expect(API_VERBS).not.toContain('onStudyEvent');
  });

  it('creates a study, pushes its event to the same stream, and reads its grid and export', async () => {
    const events: AppEvent[] = [];
    const off = ws.onEvent((e) => events.push(e));
    const created = await call('createStudy', [{ name: 'act', datasetId, base, axes: [{ key: 'activation', values: ['relu', 'tanh'] }], repeats: 2 }]);
    off();
    expect(created.status).toBe(200);
    const study = created.body.result as { id: number; runCount: number; state: string };
    expect(study.runCount).toBe(4);
    expect(study.state).toBe('idle');
    expect(events.some((e) => e.kind === 'studies-changed' || e.kind === 'study-changed')).toBe(true);

    const list = await call('listStudies', []);
    expect((list.body.result as { name: string }[]).map((s) => s.name)).toEqual(['act']);
    const grid = await call('studyGrid', [study.id, { metric: 'best_val_accuracy' }]);
    expect(grid.status).toBe(200);
    expect((grid.body.result as { rows: unknown[] }).rows).toHaveLength(2);
    const md = await call('exportStudy', [study.id, 'markdown', null]);
    expect(md.body.result).toMatch(/relu/);
  });

  it("estimates, before they start, a run and the cells a study has left (nothing trained here: the bench's speeds)", async () => {
    const runs = await call('estimateRuns', [datasetId, [{ arch: 'lenet5', inputSize: 32, width: 1, epochs: 3, backend: 'wasm' }, { arch: 'lenet5', inputSize: 32, width: 1, epochs: 6, backend: 'auto' }]]);
    expect(runs.status).toBe(200);
    const [three, six] = runs.body.result as { epochSeconds: number; totalSeconds: number; source: string; backend: string; basisRef: { key: string } }[];
    expect(three).toMatchObject({ source: 'bench', backend: 'wasm', basisRef: { key: 'estimateBasis.bench' } });
    expect(three.totalSeconds).toBeGreaterThan(3 * three.epochSeconds);
    expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu']).toContain(six.backend);
    const perImage = await call('estimateRuns', [null, [{ arch: 'lenet5', inputSize: 32, width: 1, epochs: 3, backend: 'wasm' }]]);
    expect((perImage.body.result as { epochSeconds: null }[])[0].epochSeconds).toBeNull();
    const bad = await call('estimateRuns', [datasetId, [{ arch: 'lenet5', inputSize: 0, width: 1, epochs: 3, backend: 'wasm' }]]);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/inputSize/);

    const study = await ws.createStudy({ name: 'priced', datasetId, base: { ...base, epochs: 2, backend: 'wasm' }, axes: [{ key: 'width', values: [0.5, 1] }], repeats: 2 });
    const est = await call('estimateStudy', [study.id]);
    expect(est.status).toBe(200);
    const e = est.body.result as { cellsLeft: number; totalSeconds: number; source: string; cells: { seconds: number }[] };
    expect(e).toMatchObject({ cellsLeft: 4, source: 'bench' });
    expect(e.totalSeconds).toBeCloseTo(e.cells.reduce((a, c) => a + c.seconds, 0), 9);
    // Width 1 has four times the multiply-adds of width 0.5 (channels squared): it costs more,
    // by the power of them the bench measured LeNet-5's time to grow with (0.3 to 1.2).
    const ratio = e.cells[1].seconds / e.cells[0].seconds;
    expect(ratio).toBeGreaterThan(4 ** 0.3 - 1e-9);
    expect(ratio).toBeLessThan(4 ** 1.2 + 1e-9);
    expect((await call('estimateStudy', [424242])).status).toBe(404);
    await ws.deleteStudy(study.id);
  });

  it('reads a study stored with the old "crop" as the random-resized crop it meant', async () => {
    const study = await ws.createStudy({ name: 'old-crop', datasetId, base: { ...base, augment: ['flip', 'resized-crop'] }, axes: [{ key: 'augment', values: [[], ['flip', 'resized-crop']] }] });
    // As a version before pad-and-crop stored it.
    const row = ws.store.db.prepare('SELECT base_json, axes_json FROM studies WHERE id = ?').get(study.id) as { base_json: string; axes_json: string };
    ws.store.db.prepare('UPDATE studies SET base_json = ?, axes_json = ? WHERE id = ?').run(row.base_json.replaceAll('resized-crop', 'crop'), row.axes_json.replaceAll('resized-crop', 'crop'), study.id);
    expect(ws.store.db.prepare('SELECT axes_json FROM studies WHERE id = ?').get(study.id)).toEqual({ axes_json: '[{"key":"augment","values":[[],["flip","crop"]]}]' });
    const back = await ws.getStudy(study.id);
    expect(back.base.augment).toEqual(['flip', 'resized-crop']);
    expect(back.axes[0]).toMatchObject({ key: 'augment', values: [[], ['flip', 'resized-crop']], labels: ['none', 'flip+resized-crop'] });
    await ws.deleteStudy(study.id);
  });

  it('refuses bad study arguments with 400, naming the field', async () => {
    const badMetric = await call('studyGrid', [1, { metric: 'f1' }]);
    expect(badMetric.status).toBe(400);
    expect(badMetric.body.error).toMatch(/studyGrid: args\[1\]\.metric/);
    const badAxis = await call('createStudy', [{ datasetId, base, axes: [{ key: 'activation', values: ['gelu'] }] }]);
    expect(badAxis.status).toBe(400);
    expect(badAxis.body.error).toMatch(/axes\[0\]\.values\[0\]/);
    const seedAxis = await call('createStudy', [{ datasetId, base, axes: [{ key: 'seed', values: [1, 2] }] }]);
    expect(seedAxis.status).toBe(400);
    // An unknown study is a user error (404), as an unknown run is.
    const unknownStudy = await call('getStudy', [999]);
    expect(unknownStudy.status).toBe(404);
    expect(unknownStudy.body.error).toMatch(/No study 999/);
  });
});

describe('study verbs over IPC', () => {
  it('validates them like every other verb', () => {
    expect(validateInvoke('api:studyGrid', [3, { rows: ['activation'], metric: 'time' }])).toEqual([3, { rows: ['activation'], metric: 'time' }]);
    expect(validateInvoke('api:runStudy', [3, undefined])).toEqual([3]);
    expect(() => validateInvoke('api:pauseStudy', [3, { now: true }])).toThrow(ValidationError);
    expect(() => validateInvoke('api:failuresAcrossRuns', [{ runIds: [] }])).toThrow(/runIds/);
    expect(() => validateInvoke('api:onStudyEvent' as never, [])).toThrow(/not an API verb/);
  });
});
