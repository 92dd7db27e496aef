/**
 * Studies on a real one-node Slurm (tests/slurm/cluster.ts): cells submitted with sbatch as
 * one job array, trained by tasks that write run bundles, collected into the store.
 *
 * - a 2×1 study run through Slurm has the same grid, curves, epochs and predictions as the
 *   same study run locally with the same seeds (training is deterministic per seed on the wasm
 *   backend with one thread: two local runs of one configuration agree to the last bit), and
 *   no task opens the database: the home's database file is moved away while the tasks run
 *   (a task that opened the home's store would create it anew) and every file a task touches
 *   is traced with strace;
 * - a task killed with scancel in the middle of an epoch is reported failed with the
 *   scheduler's reason, and `--retry-failed` resumes the same run from its checkpoint, ending
 *   exactly where an uninterrupted run ends;
 * - pause holds the pending tasks, continue releases them, pause --now cancels them all;
 * - `bloombench study run --slurm --wait`, `study show`, `study collect` from the CLI.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli/index';
import { Workstation } from '../../main/core/workstation';
import { defaultBloombenchCommand } from '../../main/slurm/job-script';
import { openStore } from '../../main/store/db';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { BUNDLE_FILES, bundleStatusSchema, type BundleStatus, type SlurmCollection } from '../../shared/contract/slurm';
import type { StudyDetail } from '../../shared/contract/studies';
import type { RunDetail } from '../../shared/types';
import { makeImageFolder } from '../fixtures/images';
import { startCluster, type TestCluster } from './cluster';

let cluster: TestCluster;
let home: string;
let folder: string;
const storeDir = () => path.join(home, 'store');

/** Opens a workstation on the home's store (no recovery) for `use`, and closes it after. */
async function withWorkstation<T>(use: (ws: Workstation) => Promise<T>): Promise<T> {
  const ws = new Workstation(openStore(storeDir()), { recover: false });
  try {
    return await use(ws);
  } finally {
    await ws.close();
  }
}

const base: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 2, batchSize: 16, lr: 0.003, backend: 'wasm', threads: 1, seed: 3 };

beforeAll(async () => {
  cluster = await startCluster({ cpus: 2 });
  process.env.SLURM_CONF = cluster.conf;
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-slurm-study-'));
  folder = (await makeImageFolder(path.join(home, 'shapes'), { classes: 4, perClass: 20, size: 32, seed: 7 })).root;
  await withWorkstation((ws) => ws.importDataset(folder, 'shapes'));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects until no task of the study is left on Slurm. */
async function collectUntilDone(ws: Workstation, studyId: number, ms = 240_000): Promise<{ last: SlurmCollection; finished: SlurmCollection['finished'][number][] }> {
  const until = Date.now() + ms;
  const finished: SlurmCollection['finished'][number][] = [];
  for (;;) {
    const c = await ws.collectStudySlurm(studyId);
    finished.push(...c.finished);
    if (c.open === 0) return { last: c, finished };
    if (Date.now() > until) throw new Error(`Study ${studyId} still has ${c.open} task(s) on Slurm: ${JSON.stringify(c.study.cells.map((x) => x.slurm))}`);
    await sleep(500);
  }
}

function bundleStatus(dir: string): BundleStatus | null {
  try {
    return bundleStatusSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, BUNDLE_FILES.status), 'utf8')));
  } catch {
    return null;
  }
}

async function waitUntil(what: string, check: () => boolean, ms = 240_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** What must agree between two runs of one configuration (everything but times and speeds). */
function trained(r: RunDetail) {
  return {
    status: r.status,
    backend: r.backend,
    bestEpoch: r.bestEpoch,
    testAccuracy: r.testAccuracy,
    epochs: r.epochs.map((e) => [e.epoch, e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy, e.learningRate]),
    confusion: r.test?.confusion,
    predictions: r.predictions.map((p) => [p.imageId, p.predictedClass, p.probabilities]),
  };
}

function cellsByIndex(d: StudyDetail): Map<number, number> {
  return new Map(d.cells.map((c) => [c.index, c.runId!]));
}

describe('studies on Slurm', () => {
  it('runs a 2×1 study through sbatch with the grid of the same study run locally, and no task opens the database', async () => {
    let ws = new Workstation(openStore(storeDir()), { recover: false });
    const ds = (await ws.listDatasets())[0];
    const axes = [{ key: 'activation' as const, values: ['relu', 'tanh'] as TrainConfig['activation'][] }];
    const onSlurm = await ws.createStudy({ name: 'act-slurm', datasetId: ds.id, base, axes });
    const local = await ws.createStudy({ name: 'act-local', datasetId: ds.id, base, axes });
    // Every file the tasks touch, traced (strace -f follows the training process too).
    const traces = path.join(home, 'traces');
    fs.mkdirSync(traces);
    const cmd = `strace -f -qq -e trace=%file -o ${traces}/task-\${SLURM_ARRAY_TASK_ID}.txt ${defaultBloombenchCommand()}`;
    const sub = await ws.submitStudySlurm(onSlurm.id, { partition: cluster.partition, cpus: 1, time: '00:15:00', bloombenchCmd: cmd });
    expect(sub.tasks.map((t) => t.arrayIndex)).toEqual([0, 1]);
    expect(sub.tasks.every((t) => t.resumeEpoch === null)).toBe(true);
    // The job script: readable, rerunnable, nothing from the network, the node-side install named.
    const script = fs.readFileSync(sub.script, 'utf8');
    expect(path.dirname(sub.script)).toBe(path.dirname(sub.tasks[0].bundleDir));
    expect(script).toContain('#SBATCH --array=0-1');
    expect(script).toContain(`#SBATCH --partition=${cluster.partition}`);
    expect(script).toContain('#SBATCH --cpus-per-task=1');
    expect(script).toContain('#SBATCH --time=00:15:00');
    expect(script).toContain('slurm-task');
    expect(script).toContain(sub.tasks[1].bundleDir);
    expect(script).not.toMatch(/https?:|curl|wget|npm|npx/);
    // The home's temp folder is node-local in general: said, not refused.
    expect(sub.warnings.join(' ')).toMatch(/bundles folder .* is under \/tmp, which each node has its own of/);
    const submitted = await ws.getStudy(onSlurm.id);
    expect(submitted.state).toBe('running');
    expect(submitted.cells.map((c) => c.status)).toEqual(['queued', 'queued']);
    expect(submitted.cells.every((c) => c.slurm?.arrayJobId === sub.arrayJobId)).toBe(true);

    // The database leaves the home while the tasks run.
    await ws.close();
    const aside = path.join(home, 'db-aside');
    fs.mkdirSync(aside);
    const dbFiles = () => fs.readdirSync(storeDir()).filter((f) => f.startsWith('bloombench.db'));
    for (const f of dbFiles()) fs.renameSync(path.join(storeDir(), f), path.join(aside, f));
    expect(dbFiles()).toEqual([]);
    await waitUntil('both tasks to finish', () => sub.tasks.every((t) => ['completed', 'failed'].includes(bundleStatus(t.bundleDir)?.state ?? '')));
    expect(sub.tasks.map((t) => bundleStatus(t.bundleDir)?.state)).toEqual(['completed', 'completed']);
    expect(sub.tasks.map((t) => bundleStatus(t.bundleDir)?.node)).toEqual([cluster.node, cluster.node]);
    expect(dbFiles()).toEqual([]);
    const traced = fs.readdirSync(traces).map((f) => fs.readFileSync(path.join(traces, f), 'utf8'));
    expect(traced).toHaveLength(2);
    for (const t of traced) {
      expect(t).toContain('job.json');
      expect(t).toMatch(/ds\d+-32px-rgb\.u8/);
      expect(t).not.toMatch(/bloombench\.db/);
    }
    for (const f of fs.readdirSync(aside)) fs.renameSync(path.join(aside, f), path.join(storeDir(), f));

    ws = new Workstation(openStore(storeDir()), { recover: false });
    try {
      const { last, finished } = await collectUntilDone(ws, onSlurm.id);
      expect(finished.map((f) => f.status)).toEqual(['completed', 'completed']);
      // No accounting on this cluster: the scheduler's word comes from scontrol.
      expect(last.source).toBe('scontrol');
      const slurmDone = last.study;
      expect(slurmDone.state).toBe('finished');
      expect(slurmDone.cells.map((c) => [c.status, c.slurm?.state, c.slurm?.node])).toEqual([
        ['completed', 'done', cluster.node],
        ['completed', 'done', cluster.node],
      ]);

      await ws.runStudy(local.id);
      const localDone = await ws.studySettled(local.id);
      expect(localDone.state).toBe('finished');
      const a = cellsByIndex(slurmDone);
      const b = cellsByIndex(localDone);
      for (const [cell, runA] of a) {
        const [ra, rb] = [await ws.getRun(runA), await ws.getRun(b.get(cell)!)];
        expect(ra.epochs).toHaveLength(2);
        expect(ra.predictions.length).toBeGreaterThan(0);
        expect(trained(ra)).toEqual(trained(rb));
      }
      const [ga, gb] = [await ws.studyGrid(onSlurm.id), await ws.studyGrid(local.id)];
      const values = (g: typeof ga) => g.tables.map((t) => t.cells.map((row) => row.map((c) => [c.n, c.mean, c.std])));
      expect(values(ga)).toEqual(values(gb));
      const [ca, cb] = [await ws.studyCurves(onSlurm.id), await ws.studyCurves(local.id)];
      expect(ca.groups.map((g) => g.points)).toEqual(cb.groups.map((g) => g.points));
      const [fa, fb] = [await ws.failuresAcrossRuns({ studyId: onSlurm.id }), await ws.failuresAcrossRuns({ studyId: local.id })];
      expect([fa.allWrong.count, fa.disagree.count, fa.onlyOneRight.count]).toEqual([fb.allWrong.count, fb.disagree.count, fb.onlyOneRight.count]);
      // Nothing left for the local queue to pick up on the next start.
      expect(ws.recoverInterrupted()).toEqual([]);
    } finally {
      await ws.close();
    }
  }, 400_000);

  it('reports a task killed with scancel mid-epoch as failed with the reason; --retry-failed resumes it from its checkpoint', async () => {
    await withWorkstation(async (ws) => {
      const ds = (await ws.listDatasets())[0];
      // Long enough epochs (a few seconds) to be caught in the middle of one.
      const config: TrainConfig = { ...base, arch: 'resnet18', width: 0.25, epochs: 3, batchSize: 4, seed: 5 };
      const study = await ws.createStudy({ name: 'killed', datasetId: ds.id, base: config, axes: [] });
      // What the dialog counts is the core's own plan: one cell to run, then none while it is on Slurm.
      expect((await ws.studySlurm(study.id)).cells).toEqual({ toSubmit: 1, failed: 0, busy: null });
      const sub = await ws.submitStudySlurm(study.id, { partition: cluster.partition, cpus: 1 });
      expect((await ws.studySlurm(study.id)).cells).toEqual({ toSubmit: 0, failed: 0, busy: null });
      const task = sub.tasks[0];
      const events = path.join(task.bundleDir, BUNDLE_FILES.events(1));
      // Wait for the second epoch's first steps (the first epoch's checkpoint is written).
      await waitUntil('epoch 2 to start', () => fs.existsSync(events) && /"kind":"batch","runId":\d+,"epoch":2,"batch":2,/.test(fs.readFileSync(events, 'utf8')));
      expect(bundleStatus(task.bundleDir)).toMatchObject({ state: 'running', checkpointEpoch: 1 });
      const running = await ws.collectStudySlurm(study.id);
      expect(running.study.cells[0].slurm).toMatchObject({ state: 'running', node: cluster.node });
      expect(running.study.cells[0].status).toBe('running');
      execFileSync('scancel', [`${sub.arrayJobId}_${task.arrayIndex}`]);
      const { last, finished } = await collectUntilDone(ws, study.id);
      expect(finished).toHaveLength(1);
      expect(finished[0].status).toBe('failed');
      expect(finished[0].error).toMatch(/the task was cancelled \(scancel\)/);
      expect(finished[0].error).toMatch(/after 1 of 3 epochs \(last checkpoint: epoch 1\)/);
      expect(finished[0].error).toMatch(/--retry-failed/);
      expect(last.source).toBe('scontrol');
      // The task heard the SIGTERM and said so before it left.
      expect(bundleStatus(task.bundleDir)).toMatchObject({ state: 'terminated', signal: 'SIGTERM', epochsDone: 1, checkpointEpoch: 1 });
      const failed = await ws.getRun(task.runId);
      expect(failed.status).toBe('failed');
      expect(failed.epochs.map((e) => e.epoch)).toEqual([1]);
      expect(last.study.cells[0].slurm).toMatchObject({ state: 'failed', reason: 'CANCELLED' });
      expect(last.study.state).toBe('finished');

      // Without --retry-failed there is nothing to submit; with it the same run resumes.
      expect((await ws.studySlurm(study.id)).cells).toEqual({ toSubmit: 0, failed: 1, busy: null });
      await expect(ws.submitStudySlurm(study.id)).rejects.toThrow(/1 failed: add --retry-failed/);
      const retry = await ws.submitStudySlurm(study.id, {}, { retryFailed: true });
      expect(retry.tasks).toMatchObject([{ runId: task.runId, resumeEpoch: 1, bundleDir: task.bundleDir }]);
      expect(retry.settings.partition).toBe(cluster.partition);
      const done = await collectUntilDone(ws, study.id);
      expect(done.finished.map((f) => f.status)).toEqual(['completed']);
      expect(done.last.study.cells[0]).toMatchObject({ runId: task.runId, status: 'completed', slurm: { attempt: 2, state: 'done' } });
      const lines = fs.readFileSync(path.join(task.bundleDir, BUNDLE_FILES.events(2)), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; message?: string; startEpoch?: number });
      expect(lines.find((e) => e.kind === 'log')?.message).toBe('Resumed from the checkpoint of epoch 1.');
      expect(lines.find((e) => e.kind === 'started')?.startEpoch).toBe(2);
      const resumed = await ws.getRun(task.runId);
      expect(resumed.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);

      // The same configuration trained without interruption, here: it ends at the same place.
      const reference = await ws.startRun(ds.id, config);
      await ws.waitForRun(reference.id);
      expect(trained(resumed)).toEqual(trained(await ws.getRun(reference.id)));
    });
  }, 400_000);

  it('pause holds the pending tasks, continue releases them, pause --now cancels every task', async () => {
    await withWorkstation(async (ws) => {
      const ds = (await ws.listDatasets())[0];
      const study = await ws.createStudy({ name: 'held', datasetId: ds.id, base: { ...base, epochs: 30 }, axes: [{ key: 'lr', values: [0.003, 0.001] }] });
      // Two CPUs a task on a two-CPU node: one runs, the other waits.
      const sub = await ws.submitStudySlurm(study.id, { partition: cluster.partition, cpus: 2 });
      await waitUntil('one task to run', () => sub.tasks.some((t) => bundleStatus(t.bundleDir)?.state === 'running'), 120_000);
      await waitUntil('its start in the events', () => sub.tasks.some((t) => /"kind":"started"/.test(fs.existsSync(path.join(t.bundleDir, BUNDLE_FILES.events(1))) ? fs.readFileSync(path.join(t.bundleDir, BUNDLE_FILES.events(1)), 'utf8') : '')));
      expect((await ws.collectStudySlurm(study.id)).study.cells.map((c) => c.status).sort()).toEqual(['queued', 'running']);
      // The app starting now (recovery on) leaves the study's runs to Slurm: none marked interrupted, none trained here.
      const app = new Workstation(openStore(storeDir()));
      try {
        expect(app.queue.activeRunId).toBeNull();
        expect(app.queue.queuedRunIds).toEqual([]);
        expect((await app.getStudy(study.id)).cells.map((c) => c.status).sort()).toEqual(['queued', 'running']);
      } finally {
        await app.close();
      }
      const paused = await ws.pauseStudy(study.id);
      expect(paused.cells.map((c) => c.slurm?.state).sort()).toEqual(['held', 'running']);
      expect(paused.state).toBe('running');
      const released = await ws.runStudy(study.id);
      expect(released.cells.map((c) => c.slurm?.state).sort()).toEqual(['queued', 'running']);
      await ws.pauseStudy(study.id, { cancelActive: true });
      const { last } = await collectUntilDone(ws, study.id, 60_000);
      expect(last.study.cells.map((c) => [c.status, c.slurm?.state])).toEqual([
        ['cancelled', 'cancelled'],
        ['cancelled', 'cancelled'],
      ]);
      expect(last.study.state).toBe('paused');
    });
  }, 300_000);

  it('deleting a study on Slurm cancels its tasks there and forgets them here', async () => {
    await withWorkstation(async (ws) => {
      const ds = (await ws.listDatasets())[0];
      const study = await ws.createStudy({ name: 'deleted', datasetId: ds.id, base: { ...base, epochs: 30 }, axes: [] });
      const sub = await ws.submitStudySlurm(study.id, { partition: cluster.partition, cpus: 1 });
      const runId = sub.tasks[0].runId;
      await ws.deleteStudy(study.id);
      expect(ws.slurm.db.studiesWithOpenTasks()).not.toContain(study.id);
      expect((await ws.getRun(runId)).status).toBe('cancelled');
      await waitUntil('the task to leave the queue', () => !/RUNNING|PENDING/.test(execFileSync('squeue', ['-h', '-r', '-t', 'all', '-j', sub.arrayJobId, '-o', '%T'], { encoding: 'utf8' })), 60_000);
      expect(ws.recoverInterrupted()).toEqual([]);
    });
  }, 120_000);

  it('checks the dataset before submitting, says what is missing, and leaves the study as it was', async () => {
    const copy = path.join(home, 'shapes-copy');
    fs.cpSync(folder, copy, { recursive: true });
    await withWorkstation(async (ws) => {
      const ds = await ws.importDataset(copy, 'shapes-copy');
      const study = await ws.createStudy({ name: 'moved', datasetId: ds.datasetId, base, axes: [{ key: 'activation', values: ['relu', 'tanh'] }] });
      const gone = fs.readdirSync(path.join(copy, 'class_1'))[0];
      fs.rmSync(path.join(copy, 'class_1', gone));
      // Said before submitting (the app's dialog shows it), with the paths the nodes may not see.
      const before = await ws.studySlurm(study.id);
      expect(before.preflight.problems).toEqual([expect.stringMatching(new RegExp(`^The dataset "shapes-copy" has 1 missing file\\(s\\) since it was imported \\(class_1/${gone}\\)`))]);
      expect(before.preflight.warnings).toContainEqual(expect.stringMatching(/^The bundles folder .*slurm[\/]study-\d+ is (under \/tmp|on a tmpfs filesystem)/));
      await expect(ws.submitStudySlurm(study.id, { partition: cluster.partition })).rejects.toThrow(new RegExp(`1 missing file\\(s\\) since it was imported \\(class_1/${gone}\\)`));
      const after = await ws.getStudy(study.id);
      expect(after.cells.map((c) => c.status)).toEqual(['pending', 'pending']);
      expect(after.state).toBe('idle');
      const info = await ws.studySlurm(study.id);
      expect(info).toMatchObject({ available: true, submissions: [], openTasks: 0, settings: null });
      fs.cpSync(path.join(folder, 'class_1', gone), path.join(copy, 'class_1', gone));
      expect((await ws.studySlurm(study.id)).preflight.problems).toEqual([]);
    });
  }, 120_000);

  it('runs from the command line: study run --slurm --wait, study show, study collect', async () => {
    const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      let stdout = '';
      let stderr = '';
      const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
      const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
      try {
        const code = await main(['--home', storeDir(), ...args]);
        return { code, stdout, stderr };
      } finally {
        o.mockRestore();
        e.mockRestore();
      }
    };
    const created = await cli('study', 'create', '--dataset', 'shapes', '--name', 'cli', '--arch', 'lenet5', '--input-size', '32', '--epochs', '1', '--batch-size', '16', '--backend', 'wasm', '--threads', '1', '--vary', 'augment=none,flip');
    expect(created.code).toBe(0);
    await expect(cli('study', 'run', 'cli', '--partition', 'debug')).rejects.toThrow(/--partition is a Slurm option: add --slurm/);
    const r = await cli('study', 'run', 'cli', '--slurm', '--partition', cluster.partition, '--cpus', '1', '--wait', '--poll', '0.5');
    expect(r.stderr).toMatch(/Submitted 2 cells of study \d+ as Slurm array job (\d+)/);
    expect(r.stderr).toMatch(/run \d+ augment=none seed=1: queued \(job \d+_0/);
    expect(r.stderr).toMatch(/completed \(job \d+_1 on /);
    expect(r.stdout).toMatch(/— finished: 2\/2 runs completed/);
    expect(r.stdout).toMatch(/slurm {3}job \d+: 2 done/);
    expect(r.code).toBe(0);
    const show = await cli('study', 'show', 'cli', '--cells');
    expect(show.stdout).toMatch(new RegExp(`completed \\(job \\d+_0 on ${cluster.node}\\)`));
    const collect = await cli('study', 'collect', 'cli');
    expect(collect.stdout).toMatch(/0 bundles imported, 0 tasks still on Slurm/);
    const again = cli('study', 'run', 'cli', '--slurm');
    await expect(again).rejects.toThrow(/Nothing to submit: every cell of study \d+ is done/);
  }, 300_000);

  // Last: it restarts the controller with its state cleared.
  it('reads how a task ended from its bundle once the scheduler no longer remembers the job', async () => {
    await withWorkstation(async (ws) => {
      const ds = (await ws.listDatasets())[0];
      const study = await ws.createStudy({ name: 'forgotten', datasetId: ds.id, base: { ...base, epochs: 40 }, axes: [{ key: 'lr', values: [0.003, 0.002] }] });
      const sub = await ws.submitStudySlurm(study.id, { partition: cluster.partition, cpus: 1 });
      const [a, b] = sub.tasks;
      const eventsOf = (t: typeof a) => path.join(t.bundleDir, BUNDLE_FILES.events(1));
      await waitUntil('both tasks past their first epoch', () => sub.tasks.every((t) => (bundleStatus(t.bundleDir)?.checkpointEpoch ?? 0) >= 1));
      execFileSync('scancel', [`${sub.arrayJobId}_${a.arrayIndex}`]);
      await waitUntil('the first task to stop', () => bundleStatus(a.bundleDir)?.state === 'terminated' && !/RUNNING|COMPLETING/.test(execFileSync('squeue', ['-h', '-r', '-t', 'all', '-j', sub.arrayJobId, '-o', '%i %T'], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith(`${sub.arrayJobId}_${a.arrayIndex} `)) ?? ''));
      await waitUntil('the second task to finish', () => bundleStatus(b.bundleDir)?.state === 'completed');
      expect(fs.existsSync(eventsOf(b))).toBe(true);
      await cluster.forgetJobs();
      expect(() => execFileSync('scontrol', ['show', 'job', sub.arrayJobId], { stdio: 'ignore' })).toThrow();
      const c = await ws.collectStudySlurm(study.id);
      expect(c.open).toBe(0);
      expect(c.source).toBe('bundle');
      const byRun = new Map(c.finished.map((f) => [f.runId, f]));
      expect(byRun.get(b.runId)).toMatchObject({ status: 'completed', error: null });
      expect(byRun.get(a.runId)?.status).toBe('failed');
      // Slurm's own line in the task's output file says who stopped it.
      expect(byRun.get(a.runId)?.error).toMatch(new RegExp(`Slurm stopped the task on ${cluster.node} at \\S+ because of a cancel \\(scancel\\) after \\d+ of 40 epochs \\(last checkpoint: epoch \\d+\\) \\(the scheduler no longer remembers the job; read from the bundle\\)`));
      expect((await ws.getRun(b.runId)).epochs).toHaveLength(40);
    });
  }, 300_000);
});
