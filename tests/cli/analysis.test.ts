/**
 * `bloombench show` (calibration), `compare` (McNemar, intervals over seeds), `suspects`
 * (confident learning) and `study diff` (McNemar), run in this process on a store written
 * directly (no training).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli/index';
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { addDataset, addFinishedRun } from '../studies/fixtures';

const classes = ['daisy', 'rose', 'tulip'];
const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 1, batchSize: 8 };
let home: string;
const ids: Record<string, number> = {};

async function cli(...args: string[]): Promise<string> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    expect(await main(['--home', home, ...args])).toBe(0);
    return stdout;
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cli-analysis-'));
  const ws = new Workstation(openStore(home), { recover: false });
  try {
    // 30 test images; image 1 (filed under daisy) is a tulip to every run.
    const truth = Array.from({ length: 30 }, (_, i) => i % 3);
    const { datasetId, imageIds } = addDataset(ws.store.db, 'flowers', classes, truth);
    const run = (right: number, c: Partial<TrainConfig>) =>
      addFinishedRun(ws.queue.runs, datasetId, { ...config, ...c }, classes, [{ valAccuracy: 0.5, trainLoss: 1 }], imageIds.map((id, i) => [id, truth[i], i === 0 ? 2 : i <= right ? truth[i] : (truth[i] + 1) % 3, i === 0 ? 0.95 : 0.8] as const));
    ids.a = run(28, { activation: 'relu', seed: 1 });
    ids.b = run(27, { activation: 'relu', seed: 2 });
    ids.c = run(12, { activation: 'tanh', seed: 1 });
    addDataset(ws.store.db, 'untrained', classes, [0, 1, 2]);
  } finally {
    await ws.close();
  }
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the analysis commands', () => {
  it('show prints the calibration with the test metrics', async () => {
    const text = await cli('show', String(ids.a));
    // Image 1 wrong at 0.95 (bin (93.3%, 100%]); the 29 others at 0.8 (bin (73.3%, 80%]), 28 right.
    // ECE = 29/30 · (28/29 − 0.8) + 1/30 · 0.95 = 0.19167; MCE 0.95.
    expect(text).toMatch(/Calibration: ECE 19\.2% over 15 bins, MCE 95\.0%; under-confident by 12\.8 points; top-2 accuracy 100\.0%/);
    expect(text).toMatch(/73–80%\s+29\s+96\.6%\s+80\.0%\s+16\.6/);
    expect(text).toMatch(/93–100%\s+1\s+0\.0%\s+95\.0%\s+-95\.0/);
    const json = JSON.parse(await cli('show', String(ids.a), '--json')) as { calibration: { images: number; topK: number } };
    expect(json.calibration).toMatchObject({ images: 30, topK: 2 });
  });

  it("compare prints McNemar's exact test for each pair and the seed groups", async () => {
    const text = await cli('compare', String(ids.a), String(ids.b), String(ids.c));
    // a right on 2–29 (28), c on 2–13 (12): only a 16, only c 0 → p = 2 · 2⁻¹⁶ < 0.001.
    expect(text).toMatch(new RegExp(`#${ids.a}\\s+#${ids.c}\\s+30\\s+12\\s+16\\s+0\\s+2\\s+93\\.3%\\s+40\\.0%\\s+< 0\\.001\\s+beyond chance`));
    expect(text).toMatch(new RegExp(`#${ids.a}\\s+#${ids.b}\\s+30\\s+27\\s+1\\s+0\\s+2\\s+93\\.3%\\s+90\\.0%\\s+1\\s+within chance`));
    expect(text).toMatch(new RegExp(`relu\\s+#${ids.a} #${ids.b}\\s+2\\s+91\\.7%`));
    expect(text).toContain('No clear winner with 1 seed');
    const json = JSON.parse(await cli('compare', String(ids.a), String(ids.c), '--json')) as { pairs: { onlyA: number; p: number }[] };
    expect(json.pairs[0]).toMatchObject({ onlyA: 16, p: 2 / 65536 });
  });

  it('suspects ranks the image every run calls a tulip first', async () => {
    const text = await cli('suspects', 'flowers');
    expect(text).toMatch(/Label suspects on flowers: \d+ of 30 held-out \(test\) images, from runs 1, 2, 3 \(probabilities averaged\)/);
    expect(text).toMatch(/\n1\s+daisy\/img_1\.jpg\s+\d+\s+daisy\s+tulip\s+2\.5%\s+95\.0%\s+3\/3/);
    const json = JSON.parse(await cli('suspects', '1', '--runs', `${ids.a},${ids.b}`, '--json')) as { runIds: number[]; suspects: { path: string }[] };
    expect(json.runIds).toEqual([ids.a, ids.b]);
    expect(json.suspects[0].path).toBe('daisy/img_1.jpg');
    expect(await cli('suspects', 'untrained')).toMatch(/^No completed run on untrained has test predictions yet/);
    await expect(main(['--home', home, 'suspects', 'nope'])).rejects.toThrow(/No dataset "nope". Known datasets: flowers \(id 1\), untrained \(id 2\)/);
    await expect(main(['--home', home, 'compare', String(ids.a)])).rejects.toThrow(/compare needs two runs or more/);
  });

  it("study diff adds McNemar's test", async () => {
    const text = await cli('study', 'diff', String(ids.a), String(ids.c));
    expect(text).toMatch(/McNemar's exact test on 30 test images: only run \d+ right on 16, only run \d+ right on 0; p = < 0\.001 \(beyond chance\)/);
  });
});
