/**
 * Deleting runs (issue 14, items 1 and 5): deleting the run `bloombench serve` trains cancels
 * it first and the server lives on, whatever happens to the run's row; deleting frees the
 * run's checkpoints, even on a full disk. Real serve and CLI processes, a real tmpfs.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { runCli } from '../cli/process';
import { describeOnTmpfs, fillDisk, freeBytes } from '../fixtures/tmpfs';
import { runRow, serve, trainFlags, until, useSmallFolder } from './helpers';

const fixture = useSmallFolder('bb-delete-');

const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, width: 0.5, epochs: 400, batchSize: 8, backend: 'wasm' };

describe('deleting the run that bloombench serve trains', () => {
  it('cancels it first, frees its fixture.folder, and the server keeps serving — also when its row vanishes underneath', async () => {
    const home = path.join(fixture.root, 'serve');
    const server = await serve(home, '--allow-import', fixture.root);
    const result = <T>(r: { status: number; body: string }): T => {
      expect(r.status, r.body).toBe(200);
      return (JSON.parse(r.body) as { result: T }).result;
    };
    // An epoch ended and its checkpoint is written.
    const epochEnded = (id: number) => until(() => server.events().includes(`"kind":"checkpoint","runId":${id}`), 90_000, `an epoch of run ${id}`);
    try {
      const { datasetId } = result<{ datasetId: number }>(await server.call('importDataset', fixture.folder, 'colours'));
      const run = result<{ id: number }>(await server.call('startRun', datasetId, config));
      await epochEnded(run.id);
      const runDir = path.join(home, 'runs', runRow(home, run.id).run_dir!);
      expect(fs.existsSync(path.join(runDir, 'checkpoints', 'last'))).toBe(true);

      // Another process may not delete it under the server's feet.
      const cli = await runCli(home, 'delete', String(run.id));
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(new RegExp(`Run ${run.id} is training in another Bloombench process \\(pid ${server.cli.child.pid}\\)`));
      expect(runRow(home, run.id)).toMatchObject({ status: 'running', deleted: 0 });

      // The server's own delete: cancelled, waited for, then gone with its files.
      result(await server.call('deleteRun', run.id));
      expect(result<unknown[]>(await server.call('listRuns'))).toEqual([]);
      expect(runRow(home, run.id)).toMatchObject({ status: 'cancelled', deleted: 1 });
      expect(fs.existsSync(runDir)).toBe(false);
      expect(server.events()).toContain(`"kind":"status","runId":${run.id},"status":"cancelled"`);

      // A row deleted behind the server's back (another tool, an older version): the worker is
      // stopped at its next epoch and nothing crashes.
      const second = result<{ id: number }>(await server.call('startRun', datasetId, config));
      await epochEnded(second.id);
      const db = new Database(path.join(home, 'bloombench.db'));
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE runs SET deleted = 1 WHERE id = ?').run(second.id);
      db.close();
      await until(() => server.events().includes(`"kind":"status","runId":${second.id},"status":"cancelled"`), 60_000, 'the orphaned run to stop');

      // Still serving, and still training.
      const third = result<{ id: number }>(await server.call('startRun', datasetId, { ...config, epochs: 1 }));
      await until(() => server.events().includes(`"kind":"status","runId":${third.id},"status":"completed"`), 90_000, 'the next run to complete');
      expect(server.cli.child.exitCode).toBeNull();
      expect(server.cli.stderr()).not.toMatch(/No run \d+ in this store|\n\s+at /);
    } finally {
      const exit = await server.stop();
      expect(exit.code, server.cli.stderr()).toBe(0);
    }
  });
});

describeOnTmpfs(24, 'deleting on a full disk', (diskDir) => {

  it('removes the checkpoints first, so the delete succeeds and the space comes back', async () => {
    const home = path.join(diskDir(), 'home');
    const trained = await runCli(home, ...trainFlags(fixture.folder, 2));
    expect(trained.code, trained.stderr).toBe(0);
    const runDir = path.join(home, 'runs', runRow(home, 1).run_dir!);
    expect(fs.existsSync(path.join(runDir, 'checkpoints', 'best'))).toBe(true);
    fillDisk(diskDir());
    expect(freeBytes(diskDir())).toBeLessThan(8192);
    // The store still opens to list the runs.
    const listed = await runCli(home, 'runs');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/lenet5-1 .* completed/);
    const del = await runCli(home, 'delete', '1');
    expect(del.stderr).toBe('');
    expect(del.code).toBe(0);
    // Two checkpoints of a LeNet-5 at width 0.5 (about 2 MB each) are free again.
    expect(freeBytes(diskDir())).toBeGreaterThan(3_500_000);
    expect(fs.existsSync(runDir)).toBe(false);
    expect(JSON.parse((await runCli(home, 'runs', '--json')).stdout)).toEqual([]);
  });
});
