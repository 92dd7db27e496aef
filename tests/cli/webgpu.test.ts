/**
 * Training on webgpu from a terminal, as a user runs it: `bloombench train --backend webgpu` on
 * SwiftShader (a software adapter, which only a forced backend takes), `--backend auto` passing
 * it over and saying why, and the message when there is no adapter at all.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo, RunDetail } from '../../shared/types';
import { makeImageFolder } from '../fixtures/images';
import { cliArgv, startCli } from './process';
import { requireSwiftShader, SWIFTSHADER_ICD } from '../fixtures/webgpu';

let home: string;

/** Runs the CLI with `VK_ICD_FILENAMES` set to `icd`; never rejects. */
function cli(icd: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgv(path.join(home, 'store'), args), { encoding: 'utf8', env: { ...process.env, VK_ICD_FILENAMES: icd } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

const TRAIN = ['train', '--dataset', 'colours', '--arch', 'lenet5', '--input-size', '16', '--width', '0.5', '--batch-size', '8', '--lr', '0.01', '--optimizer', 'adam'];

beforeAll(async () => {
  requireSwiftShader();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-webgpu-'));
  const folder = (await makeImageFolder(path.join(home, 'colours'), { classes: 3, perClass: 16, size: 16 })).root;
  const imp = await cli(SWIFTSHADER_ICD, 'import', folder, '--name', 'colours', '--json');
  expect(imp.code, imp.stderr).toBe(0);
});

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('bloombench train on webgpu', () => {
  it('--backend webgpu trains on SwiftShader, records the adapter, and evaluates above chance', async () => {
    const r = await cli(SWIFTSHADER_ICD, ...TRAIN, '--epochs', '2', '--backend', 'webgpu', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const run = JSON.parse(lines[lines.length - 1]) as RunDetail;
    expect(run).toMatchObject({ status: 'completed', backend: 'webgpu' });
    expect(run.backendInfo).toMatchObject({ name: 'webgpu', forced: true, adapter: { vendor: 'google', architecture: 'swiftshader', software: true } });
    expect(run.backendInfo?.adapter?.description).toMatch(/SwiftShader/);
    expect(run.backendInfo?.description).toMatch(/^webgpu \(SwiftShader.*software\)$/);
    expect(run.epochs).toHaveLength(2);
    for (const e of run.epochs) expect(Number.isFinite(e.trainLoss)).toBe(true);
    // Three colours: chance is a third.
    expect(run.test?.accuracy).toBeGreaterThan(0.5);
    expect(run.predictions.length).toBeGreaterThan(0);

    const show = await cli(SWIFTSHADER_ICD, 'show', String(run.id));
    expect(show.stdout).toMatch(/backend {3}webgpu \(SwiftShader driver [\d.]+ — google swiftshader, software\) \(forced\)/);
    expect(show.stdout).toMatch(/adapter: SwiftShader driver [\d.]+ \(vendor google, architecture swiftshader, device [^,]+, software\)/);
  });

  it('--backend auto passes the software adapter over, trains on wasm, and says why', async () => {
    const r = await cli(SWIFTSHADER_ICD, ...TRAIN, '--epochs', '1', '--backend', 'auto');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/not webgpu: only a software adapter \(SwiftShader driver [\d.]+ — google swiftshader, software\): a test device, used only with --backend webgpu/);
    expect(r.stdout).toMatch(/backend {3}wasm/);
    expect(r.stdout).toMatch(/not webgpu: only a software adapter/);
  });

  it('a run on webgpu cancelled after its first epoch resumes on webgpu from the checkpoint and completes', async () => {
    const saved = process.env.VK_ICD_FILENAMES;
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD; // startCli's children inherit it
    try {
      const first = startCli(path.join(home, 'store'), ...TRAIN, '--epochs', '3', '--backend', 'webgpu', '--name', 'resumable');
      await first.waitFor('stderr', /epoch 1\/3/, 240_000);
      first.child.kill('SIGINT');
      expect((await first.exited).code, first.stderr()).toBe(130);
      const list = await cli(SWIFTSHADER_ICD, 'runs', '--json');
      const run = (JSON.parse(list.stdout) as { id: number; name: string; status: string }[]).find((r) => r.name === 'resumable');
      expect(run?.status).toBe('cancelled');
      const resumed = await cli(SWIFTSHADER_ICD, 'resume', String(run?.id), '--json');
      expect(resumed.code, resumed.stderr).toBe(0);
      const lines = resumed.stdout.trim().split('\n');
      const detail = JSON.parse(lines[lines.length - 1]) as RunDetail;
      expect(detail).toMatchObject({ status: 'completed', backend: 'webgpu' });
      expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    } finally {
      if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = saved;
    }
  });

  it('bloombench backend says what auto picks and why not webgpu, with SwiftShader and with no driver at all', async () => {
    const soft = await cli(SWIFTSHADER_ICD, 'backend');
    expect(soft.code, soft.stderr).toBe(0);
    expect(soft.stdout).toMatch(/^auto picks wasm/);
    expect(soft.stdout).toMatch(/\n {2}not webgpu: only a software adapter \(SwiftShader/);
    const none = await cli(path.join(home, 'no-such-icd.json'), 'backend', '--json');
    expect(none.code, none.stderr).toBe(0);
    const info = JSON.parse(none.stdout) as BackendInfo;
    expect(info.name).toBe('wasm');
    expect(info.unavailable.find((u) => u.name === 'webgpu')?.reason).toMatch(/^no adapter: Vulkan found no driver/);
  });

  it('--backend webgpu with no adapter fails the run with a message that says so', async () => {
    const r = await cli(path.join(home, 'no-such-icd.json'), ...TRAIN, '--epochs', '1', '--backend', 'webgpu');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: Backend 'webgpu' was requested but cannot be used: no adapter: Vulkan found no driver/);
  });
});
