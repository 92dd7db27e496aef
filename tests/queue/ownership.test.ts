/**
 * Two processes on one home (issue 14, item 2): a run has an owner (process id + start time)
 * that every start checks, so a live process's run is neither called interrupted nor trained a
 * second time, and its queued runs are not taken; a run whose owner is gone is.
 * Real processes throughout: `bloombench train`, `bloombench serve`, and this test's own core.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';
import { ownerAlive, newQueueOwner, releaseQueueOwner } from '../../main/store/owner';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { runCli, startCli } from '../cli/process';
import { recordedEpochs, runRow, runningStudy, serve, trainFlags, until, useSmallFolder } from './helpers';

const fixture = useSmallFolder('bb-owner-');

/** The worker process recorded for a run. */
function workerOf(home: string, id: number): number {
  const db = new Database(path.join(home, 'bloombench.db'), { readonly: true });
  try {
    return (db.prepare('SELECT worker_pid FROM runs WHERE id = ?').get(id) as { worker_pid: number }).worker_pid;
  } finally {
    db.close();
  }
}

/** True while a process runs (a zombie waiting to be reaped counts as ended). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('whether an owner is alive', () => {
  it('tells this queue, a closed queue, a dead process, a reused process id and another machine apart', () => {
    const me = newQueueOwner();
    expect(ownerAlive(me)).toBe(true);
    releaseQueueOwner(me);
    expect(ownerAlive(me)).toBe(false);
    // PID 1 is alive, but it is not the process that recorded this start time.
    const init = { pid: 1, started: fs.existsSync('/proc/1/stat') ? 'another-boot:12345' : null, host: os.hostname(), queue: 'x' };
    if (init.started) expect(ownerAlive(init)).toBe(false);
    // Past the largest process id Linux hands out (2^22).
    expect(ownerAlive({ pid: 4_194_305, started: null, host: os.hostname(), queue: 'x' })).toBe(false);
    // Nothing can be checked on another machine: taken as alive.
    expect(ownerAlive({ pid: 4_194_305, started: null, host: `${os.hostname()}-elsewhere`, queue: 'x' })).toBe(true);
  });
});

describe('a run another live process trains', () => {
  it('stays running through a serve start; resume, cancel and delete from other processes are refused; epochs never mix', async () => {
    const home = path.join(fixture.root, 'live');
    const trainer = startCli(home, ...trainFlags(fixture.folder, 400));
    await trainer.waitFor('stderr', /epoch 1\/400/);
    const server = await serve(home, '--allow-import', fixture.root);
    try {
      const runs = JSON.parse((await server.call('listRuns')).body).result as { id: number; status: string }[];
      expect(runs.map((r) => [r.id, r.status])).toEqual([[1, 'running']]);
      for (const verb of ['resumeRun', 'cancelRun', 'deleteRun']) {
        const res = await server.call(verb, 1);
        expect(res.status, verb).toBe(409);
        expect(JSON.parse(res.body).error, verb).toMatch(new RegExp(`Run 1 is training in another Bloombench process \\(pid ${trainer.child.pid}\\)`));
      }
      const resume = await runCli(home, 'resume', '1');
      expect(resume.code).not.toBe(0);
      expect(resume.stderr).toMatch(/Run 1 is training in another Bloombench process/);
      const del = await runCli(home, 'delete', '1');
      expect(del.code).not.toBe(0);
      expect(del.stderr).toMatch(/Run 1 is training in another Bloombench process/);
      const listed = JSON.parse((await runCli(home, 'runs', '--json')).stdout) as { id: number; status: string }[];
      expect(listed[0].status).toBe('running');
      expect(runRow(home, 1)).toMatchObject({ status: 'running', deleted: 0, owner_pid: trainer.child.pid });
      await until(() => (trainer.stderr().match(/epoch \d+\/400/g) ?? []).length >= 3, 60_000, 'three epochs');
      // The server never started a worker for it.
      expect(server.events()).not.toMatch(/"kind":"started"/);
    } finally {
      await server.stop();
      trainer.child.kill('SIGINT');
    }
    expect((await trainer.exited).code).toBe(130);
    expect(runRow(home, 1).status).toBe('cancelled');
    const epochs = recordedEpochs(home, 1);
    expect(epochs).toEqual(Array.from({ length: epochs.length }, (_, i) => i + 1));
  });

  it('leaves the queued runs of a live process to it', async () => {
    const home = path.join(fixture.root, 'queued');
    const ws = new Workstation(openStore(home), { recover: false });
    try {
      const ds = await ws.importDataset(fixture.folder, 'colours');
      const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, width: 0.5, epochs: 400, batchSize: 8, backend: 'wasm' };
      const first = await ws.startRun(ds.datasetId, config);
      const second = await ws.startRun(ds.datasetId, { ...config, epochs: 1 });
      await new Promise<void>((resolve) => {
        const off = ws.onEvent((e) => e.kind === 'epoch-end' && e.runId === first.id && (off(), resolve()));
      });
      const server = await serve(home);
      try {
        const runs = JSON.parse((await server.call('listRuns')).body).result as { id: number; status: string }[];
        expect(Object.fromEntries(runs.map((r) => [r.id, r.status]))).toEqual({ [first.id]: 'running', [second.id]: 'queued' });
        const res = await server.call('resumeRun', second.id);
        expect(res.status).toBe(409);
        expect(JSON.parse(res.body).error).toMatch(`Run ${second.id} is queued in another Bloombench process (pid ${process.pid})`);
        await ws.cancelRun(first.id);
        // This process trains its queued run; the server does not.
        expect((await ws.waitForRun(second.id)).status).toBe('completed');
        expect(server.events()).not.toMatch(/"kind":"started"/);
      } finally {
        await server.stop();
      }
      expect(recordedEpochs(home, second.id)).toEqual([1]);
    } finally {
      await ws.close();
    }
  });
});

describe('a study run by another process', () => {
  it('can be paused from here; its training run is left to the process that trains it', async () => {
    const home = path.join(fixture.root, 'study');
    const runner = await runningStudy(home, fixture.folder);
    const paused = await runCli(home, 'study', 'pause', 's', '--now');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/Study 1 "s" paused/);
    expect(runRow(home, 1)).toMatchObject({ status: 'running', deleted: 0 });
    runner.child.kill('SIGTERM');
    expect((await runner.exited).code).toBe(143);
    expect(runRow(home, 1).status).toBe('cancelled');
  });
});

describe('a run whose process is gone', () => {
  it('is interrupted at the next start (kill -9 of the CLI), shown so by `runs`, and resumes once', async () => {
    const home = path.join(fixture.root, 'killed');
    const trainer = startCli(home, ...trainFlags(fixture.folder, 4));
    await trainer.waitFor('stderr', /epoch 2\/4/);
    // Its worker is frozen first, so it cannot notice that its parent died and stop by itself:
    // the next start has to stop it before anyone resumes the run.
    const worker = workerOf(home, 1);
    process.kill(worker, 'SIGSTOP');
    trainer.child.kill('SIGKILL');
    expect((await trainer.exited).signal).toBe('SIGKILL');
    expect(runRow(home, 1).status).toBe('running');
    expect(alive(worker)).toBe(true);
    const listed = JSON.parse((await runCli(home, 'runs', '--json')).stdout) as { id: number; status: string; error: string }[];
    expect(listed[0].status).toBe('interrupted');
    expect(listed[0].error).toMatch(new RegExp(`pid ${trainer.child.pid}\\) ended without finishing it`));
    expect(alive(worker)).toBe(false);
    const resumed = await runCli(home, 'resume', '1', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const detail = JSON.parse(resumed.stdout.trim().split('\n').pop()!) as { status: string; epochs: { epoch: number }[] };
    expect(detail.status).toBe('completed');
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('claims a run in one transaction: of two processes resuming it at once, one trains it', async () => {
    const home = path.join(fixture.root, 'race');
    const trainer = startCli(home, ...trainFlags(fixture.folder, 3));
    await trainer.waitFor('stderr', /epoch 1\/3/);
    trainer.child.kill('SIGKILL');
    await trainer.exited;
    const [a, b] = await Promise.all([runCli(home, 'resume', '1', '--json'), runCli(home, 'resume', '1', '--json')]);
    const codes = [a.code, b.code].sort();
    expect(codes, `${a.stderr}\n${b.stderr}`).toEqual([0, 1]);
    const loser = a.code === 0 ? b : a;
    expect(loser.stderr).toMatch(/Run 1 is (queued|training) in another Bloombench process|Run 1 is already|Run 1 already completed/);
    expect(recordedEpochs(home, 1)).toEqual([1, 2, 3]);
  });
});
