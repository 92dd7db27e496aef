/**
 * The headless bundle task refuses, with a status that names what is missing, a bundle whose
 * inputs this node cannot read (the dataset cache, the checkpoint to resume) or whose job file
 * is not one, before any training starts. (Training through it is covered on a real Slurm in
 * tests/slurm/studies-on-slurm.test.ts.)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { BUNDLE_FILES, BUNDLE_FORMAT, bundleStatusSchema, type BundleJob } from '../../shared/contract/slurm';

const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bundle-task-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const entry = path.join(__dirname, '..', '..', 'main', 'worker', 'bundle-task.ts');

async function task(dir: string): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', entry, dir], { encoding: 'utf8' });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

function bundle(name: string, job: Partial<BundleJob['job']>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const b: BundleJob = {
    format: BUNDLE_FORMAT,
    studyId: 1,
    runId: 7,
    attempt: 1,
    submittedMs: Date.now(),
    job: {
      runId: 7,
      config: { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 16 },
      classes: ['a', 'b'],
      cache: { file: path.join(tmp, 'nowhere', 'ds1-16px-rgb.u8'), size: 16, channels: 3, recordBytes: 768 },
      train: { records: [0, 1], labels: [0, 1] },
      val: { records: [], labels: [] },
      test: { records: [], labels: [], imageIds: [] },
      runDir: dir,
      resume: null,
      weights: null,
      ...job,
    },
  };
  fs.writeFileSync(path.join(dir, BUNDLE_FILES.job), JSON.stringify(b));
  return dir;
}

describe('the bundle task', () => {
  it('fails before training, naming the node and what it cannot read', async () => {
    const dir = bundle('no-cache', { resume: { dir: path.join(tmp, 'gone', 'checkpoints', 'last'), epoch: 1 } });
    const r = await task(dir);
    expect(r.code).toBe(3);
    const status = bundleStatusSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, BUNDLE_FILES.status), 'utf8')));
    expect(status).toMatchObject({ state: 'failed', runId: 7, attempt: 1, node: os.hostname() });
    expect(status.error).toContain(`Node ${os.hostname()} cannot read the dataset cache ${path.join(tmp, 'nowhere', 'ds1-16px-rgb.u8')} (ENOENT)`);
    expect(status.error).toContain(`the checkpoint to resume from, ${path.join(tmp, 'gone', 'checkpoints', 'last', 'model.json')}`);
    expect(fs.existsSync(path.join(dir, BUNDLE_FILES.events(1)))).toBe(false);
  });

  it('says a cache too short for its records is not the one the core built', async () => {
    const cache = path.join(tmp, 'short.u8');
    fs.writeFileSync(cache, Buffer.alloc(768));
    const dir = bundle('short-cache', { cache: { file: cache, size: 16, channels: 3, recordBytes: 768 } });
    expect((await task(dir)).code).toBe(3);
    expect(fs.readFileSync(path.join(dir, BUNDLE_FILES.status), 'utf8')).toMatch(/is 768 bytes, shorter than its 2 records \(1536 bytes\)/);
  });

  it('refuses a job file that is not a bundle job, naming the file and the field', async () => {
    const dir = path.join(tmp, 'bad-job');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, BUNDLE_FILES.job), JSON.stringify({ format: BUNDLE_FORMAT, studyId: 1, runId: 7, attempt: 0 }));
    const r = await task(dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${path.join(dir, BUNDLE_FILES.job)} is not a Bloombench run bundle job`);
    expect(r.stderr).toMatch(/attempt/);
  });
});
