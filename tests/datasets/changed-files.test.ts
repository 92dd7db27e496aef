/**
 * An image replaced after import (issue 14, item 9): a run on the dataset is refused, naming
 * the changed files and what to do, instead of training on pictures that are not the ones
 * imported; a file that was only touched is recognised by its content hash and trains.
 * A real store, a real import and a real training worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { classPixels, encodePixels, makeImageFolder, type ImageFolder } from '../fixtures/images';

let root: string;
let images: ImageFolder;
let ws: Workstation;
let datasetId: number;

const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, width: 0.5, epochs: 1, batchSize: 8, backend: 'wasm' };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-changed-'));
  images = await makeImageFolder(path.join(root, 'pics'), { classes: 3, perClass: 12, size: 32 });
  ws = new Workstation(openStore(path.join(root, 'store')), { recover: false });
  datasetId = (await ws.importDataset(images.root, 'pics')).datasetId;
});

afterAll(async () => {
  await ws?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function runOutcome(): Promise<{ status: string; error: string | null; started: boolean }> {
  let started = false;
  const off = ws.onEvent((e) => {
    if (e.kind === 'started') started = true;
  });
  try {
    const run = await ws.startRun(datasetId, config);
    const final = await ws.waitForRun(run.id);
    return { status: final.status, error: final.error, started };
  } finally {
    off();
  }
}

describe('an image changed after import', () => {
  it('trains when a file was only touched (same content, new time), and remembers the new time', async () => {
    const file = path.join(images.root, images.files[0]);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    expect(await runOutcome()).toMatchObject({ status: 'completed', started: true });
    const row = ws.store.db.prepare('SELECT mtime_ms FROM images WHERE path = ?').get(images.files[0]) as { mtime_ms: number };
    expect(row.mtime_ms).toBe(Math.floor(fs.statSync(file).mtimeMs));
  });

  it('refuses a run when a file was replaced by another valid image, naming it and what to do', async () => {
    const replaced = images.files[1];
    const file = path.join(images.root, replaced);
    // Another picture (of another class), a valid PNG of a different size in bytes.
    fs.writeFileSync(file, await encodePixels(classPixels(2, 3, 99, 40), 40, 40, 'png'));
    const r = await runOutcome();
    expect(r.started).toBe(false);
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`The dataset "pics" has 1 image(s) whose content changed since it was imported (${replaced} in ${images.root})`);
    expect(r.error).toMatch(/Put the original files back, or import the folder again/);
  });

  it('catches a replacement of the very same size by its content hash', async () => {
    const victim = images.files[2];
    const donor = images.files[3];
    const file = path.join(images.root, victim);
    const original = fs.readFileSync(file);
    const other = fs.readFileSync(path.join(images.root, donor));
    // Same length, other bytes: only the hash tells.
    const sameSize = Buffer.alloc(original.length);
    other.copy(sameSize, 0, 0, Math.min(other.length, sameSize.length));
    fs.writeFileSync(file, sameSize);
    expect(fs.statSync(file).size).toBe(original.length);
    const r = await runOutcome();
    expect(r.status).toBe('failed');
    expect(r.error).toContain(victim);
  });
});
