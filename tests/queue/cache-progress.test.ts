/**
 * Preparing a run's input-size cache is reported as a count (issue 14, item 21): a real
 * `bloombench serve` process streams `preparing` events from 0 to every image, a few times a
 * second, before the worker's `started`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { makeImageFolder } from '../fixtures/images';
import { serve, until } from './helpers';

let root: string;
let folder: string;
const IMAGES = 4 * 60;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cache-progress-'));
  folder = (await makeImageFolder(path.join(root, 'shapes'), { classes: 4, perClass: IMAGES / 4, size: 48 })).root;
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 40, width: 0.5, epochs: 1, batchSize: 8, backend: 'wasm' };

describe('preparing a run', () => {
  it('streams the cache count from 0 to every image before the worker starts', async () => {
    const server = await serve(path.join(root, 'home'), '--allow-import', root);
    try {
      const result = <T>(r: { status: number; body: string }): T => {
        expect(r.status, r.body).toBe(200);
        return (JSON.parse(r.body) as { result: T }).result;
      };
      const { datasetId } = result<{ datasetId: number }>(await server.call('importDataset', folder, 'shapes'));
      const run = result<{ id: number }>(await server.call('startRun', datasetId, config));
      await until(() => server.events().includes(`"kind":"started","runId":${run.id}`), 120_000, `run ${run.id} to start`);
      const events = server
        .events()
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => JSON.parse(l.slice(6)) as { kind: string; runId?: number; done?: number; total?: number; inputSize?: number });
      const mine = events.filter((e) => e.runId === run.id);
      const preparing = mine.filter((e) => e.kind === 'preparing');
      expect(preparing.length).toBeGreaterThanOrEqual(2);
      expect(preparing[0]).toMatchObject({ done: 0, total: IMAGES, inputSize: 40 });
      expect(preparing.at(-1)).toMatchObject({ done: IMAGES, total: IMAGES });
      const counts = preparing.map((e) => e.done!);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      // All of it before the worker's first word.
      expect(mine.findIndex((e) => e.kind === 'started')).toBeGreaterThan(mine.lastIndexOf(preparing.at(-1)!));
      await server.call('cancelRun', run.id);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
