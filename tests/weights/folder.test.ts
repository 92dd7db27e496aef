/**
 * The weights folder the core shares (main/weights/folder.ts), against a real mirror on
 * 127.0.0.1: one download per file whoever asks (a second caller joins the first, the server
 * sees one request), its progress pushed as `weights-progress` events (the held bytes, then
 * the end), and the verbs `listWeights` / `downloadWeights` through the HTTP server with the
 * core's message when the download fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WeightsFolder } from '../../main/weights/folder';
import type { AppEvent, WeightsProgress } from '../../shared/contract/api';
import { appEventSchema } from '../../shared/contract/events';
import type { PretrainedStatus } from '../../shared/pretrained';
import { removeServedHome, serveHome } from '../fixtures/homes';
import { startWeightsServer, type WeightsServer } from '../fixtures/weights-server';
import { callVerb } from '../server/request';

const SIZE = 2 * 1024 * 1024 + 5;
const HOLD = 700_000;
let tmp: string;
let mirror: WeightsServer;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-weights-folder-'));
});

afterEach(async () => {
  delete process.env.BLOOMBENCH_WEIGHTS_URL;
  await mirror?.close();
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WeightsFolder', () => {
  it('runs one download per file: a second caller joins it, and both see its progress and its end', async () => {
    mirror = await startWeightsServer({ size: SIZE, holdAfter: HOLD });
    process.env.BLOOMBENCH_WEIGHTS_URL = mirror.url;
    const folder = new WeightsFolder(path.join(tmp, 'home-join'));
    const events: WeightsProgress[] = [];
    folder.onProgress((e) => events.push(e));
    const seenA: number[] = [];
    const seenB: number[] = [];
    const a = folder.ensure('resnet18', (p) => seenA.push(p.received));
    await until('the held bytes', () => seenA.at(-1) === HOLD);
    expect(folder.downloading('resnet18')).toBe(true);
    const b = folder.ensure('resnet18', (p) => seenB.push(p.received));
    // The pushed progress reaches the held bytes (the last chunk is pushed after a pause).
    await until('a progress event at the held bytes', () => events.at(-1)?.received === HOLD);
    expect(events.at(-1)).toEqual({ kind: 'weights-progress', arch: 'resnet18', received: HOLD, total: SIZE, state: 'downloading', error: null });
    for (const e of events) expect(appEventSchema.safeParse(e).success).toBe(true);
    mirror.release();
    const [ra, rb] = await Promise.allSettled([a, b]);
    expect(ra.status).toBe('rejected');
    expect(rb.status).toBe('rejected');
    const message = (ra as PromiseRejectedResult).reason.message as string;
    expect((rb as PromiseRejectedResult).reason.message).toBe(message);
    expect(message).toMatch(/Could not download the ImageNet weights of resnet18 \(torchvision ResNet-18 V1\) from http:\/\/127\.0\.0\.1:\d+\/resnet18-f37072fd\.pth: the file's SHA-256 is [0-9a-f]{64}, but its name says it starts with f37072fd/);
    expect(message).toContain('https://download.pytorch.org/models/resnet18-f37072fd.pth');
    // One request on the wire: the second caller did not start a download of its own.
    expect(mirror.requests).toEqual([{ path: '/resnet18-f37072fd.pth', range: undefined }]);
    expect(seenB.at(-1)).toBe(SIZE);
    expect(events.at(-1)).toEqual({ kind: 'weights-progress', arch: 'resnet18', received: SIZE, total: SIZE, state: 'failed', error: message });
    expect(folder.downloading('resnet18')).toBe(false);
    // Events are pushed at most every 200 ms, not per chunk.
    expect(events.length).toBeLessThan(seenA.length);
  });

  it('pushes nothing for an architecture without weights, and fails with the reason', async () => {
    const folder = new WeightsFolder(path.join(tmp, 'home-none'));
    const events: WeightsProgress[] = [];
    folder.onProgress((e) => events.push(e));
    await expect(folder.ensure('plain18')).rejects.toThrow(/plain18 has no ImageNet weights: torchvision publishes no plain/);
    expect(events.map((e) => e.state)).toEqual(['failed']);
  });
});

describe('the weights verbs through the HTTP server', () => {
  it('lists the weights and downloads one, the progress as app events, the failure as the core says it', async () => {
    mirror = await startWeightsServer({ size: SIZE });
    process.env.BLOOMBENCH_WEIGHTS_URL = mirror.url;
    const home = path.join(tmp, 'home-served');
    const served = await serveHome(home, {});
    try {
      const events: AppEvent[] = [];
      served.ws.onEvent((e) => events.push(e));
      const listed = await callVerb(served.server.port, served.server.token, 'listWeights', []);
      expect(listed.status).toBe(200);
      const list = (JSON.parse(listed.body) as { result: PretrainedStatus[] }).result;
      expect(list).toHaveLength(20);
      expect(list.find((w) => w.arch === 'resnet18')).toMatchObject({ title: 'torchvision ResNet-18 V1', bytes: null, partialBytes: null, file: path.join(home, 'store', 'weights', 'resnet18-f37072fd.pth') });

      const refused = await callVerb(served.server.port, served.server.token, 'downloadWeights', ['../../etc/passwd']);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatch(/args\[0\].*architecture id/);

      const r = await callVerb(served.server.port, served.server.token, 'downloadWeights', ['resnet18']);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(r.body).error).toMatch(/Could not download the ImageNet weights of resnet18 .*SHA-256/s);
      const progress = events.filter((e): e is WeightsProgress => e.kind === 'weights-progress');
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress[0]).toMatchObject({ arch: 'resnet18', state: 'downloading', total: SIZE });
      expect(progress.at(-1)).toMatchObject({ arch: 'resnet18', state: 'failed', received: SIZE });
    } finally {
      await removeServedHome(home, served);
    }
  });
});
