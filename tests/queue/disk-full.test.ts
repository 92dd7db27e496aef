/**
 * A full disk while training (issue 14, item 4), on a real tmpfs home: a checkpoint that does
 * not fit ends the run interrupted with "the disk is full" (no SqliteError, no stack trace),
 * leaves no half-written fixture.folder, keeps the previous checkpoint, and `resume` continues from it
 * once there is room — also when the database never recorded that checkpoint.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../cli/process';
import { describeOnTmpfs, fillDisk, freeBytes } from '../fixtures/tmpfs';
import { recordedEpochs, runRow, trainFlags, until, useSmallFolder } from './helpers';

const fixture = useSmallFolder('bb-diskfull-');

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size;
  return total;
}

describeOnTmpfs(24, 'a full disk while training', (diskDir) => {

  it('interrupts the run with a plain message when a checkpoint does not fit, and resumes from the last good one', async () => {
    const home = path.join(diskDir(), 'home');
    // A first run builds the cache and tells how big one checkpoint is.
    const warm = await runCli(home, ...trainFlags(fixture.folder, 1));
    expect(warm.code, warm.stderr).toBe(0);
    const checkpointBytes = folderBytes(path.join(home, 'runs', runRow(home, 1).run_dir!, 'checkpoints', 'last'));
    expect((await runCli(home, 'delete', '1')).code).toBe(0);

    // Room for epoch 1 (its last and best checkpoints) and half of epoch 2's.
    const filler = fillDisk(diskDir(), Math.round(2.5 * checkpointBytes));
    const full = await runCli(home, ...trainFlags(fixture.folder, 3));
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/Run 2 interrupted: The disk is full: /);
    expect(full.stderr).toContain(home);
    expect(full.stderr).not.toMatch(/SqliteError|\n\s+at |ENOSPC/);
    const checkpoints = path.join(home, 'runs', '2', 'checkpoints');
    expect(fs.readdirSync(checkpoints).sort()).toEqual(['best', 'last']);
    expect(JSON.parse(fs.readFileSync(path.join(checkpoints, 'last', 'state.json'), 'utf8')).epoch).toBe(1);

    fs.rmSync(filler);
    expect(freeBytes(diskDir())).toBeGreaterThan(10 * checkpointBytes);
    expect(runRow(home, 2)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/^The disk is full/) });
    const resumed = await runCli(home, 'resume', '2');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resumed from the checkpoint of epoch 1\./);
    expect(recordedEpochs(home, 2)).toEqual([1, 2, 3]);
  });

  it('interrupts the run when the disk fills up mid-run (the database or the checkpoint fails first), and resumes', async () => {
    const home = path.join(diskDir(), 'home');
    const cli = startCli(home, ...trainFlags(fixture.folder, 3));
    const id = Number((await cli.waitFor('stderr', /Run (\d+): wasm/))[1]);
    const state = path.join(home, 'runs', String(id), 'checkpoints', 'last', 'state.json');
    await until(() => fs.existsSync(state), 60_000, 'the first checkpoint');
    const filler = fillDisk(diskDir());
    const exit = await cli.exited;
    expect(exit.code, cli.stderr()).toBe(1);
    expect(cli.stderr()).toMatch(new RegExp(`Run ${id} interrupted: The disk is full: `));
    expect(cli.stderr()).not.toMatch(/SqliteError|\n\s+at |ENOSPC/);
    expect(fs.readdirSync(path.dirname(path.dirname(state))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    fs.rmSync(filler);
    // If even the status could not be written, the next start sees the CLI is gone.
    expect((JSON.parse((await runCli(home, 'runs', '--json')).stdout) as { id: number; status: string }[]).find((r) => r.id === id)?.status).toBe('interrupted');
    const resumed = await runCli(home, 'resume', String(id));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(recordedEpochs(home, id)).toEqual([1, 2, 3]);
  });

  it('says the disk is full, naming the home, when not even a run can be created', async () => {
    const home = path.join(diskDir(), 'home');
    const filler = fillDisk(diskDir());
    try {
      const r = await runCli(home, ...trainFlags(fixture.folder, 1));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`bloombench: The disk is full: could not write to ${home}. Free some space and try again (bloombench delete <run> removes a run's checkpoints).\n`);
    } finally {
      fs.rmSync(filler);
    }
    expect((JSON.parse((await runCli(home, 'runs', '--json')).stdout) as { status: string }[]).map((r) => r.status)).not.toContain('running');
  });
});

describe('a checkpoint the database did not record', () => {
  it('is found on disk by resume (the files are complete; the row is missing)', async () => {
    const home = path.join(fixture.root, 'norow');
    const cli = await runCli(home, ...trainFlags(fixture.folder, 3));
    expect(cli.code, cli.stderr).toBe(0);
    // As if the disk had been full when the checkpoint rows were written: a run cut short
    // after epoch 2 whose database knows its epochs but none of its checkpoints.
    const db = new Database(path.join(home, 'bloombench.db'));
    db.prepare(`UPDATE runs SET status = 'interrupted', error = 'The disk is full' WHERE id = 1`).run();
    db.prepare(`DELETE FROM checkpoints WHERE run_id = 1`).run();
    db.prepare(`DELETE FROM metrics WHERE run_id = 1 AND epoch > 2`).run();
    db.prepare(`UPDATE run_summary SET epochs_done = 2 WHERE run_id = 1`).run();
    db.close();
    const last = path.join(home, 'runs', '1', 'checkpoints', 'last');
    const state = JSON.parse(fs.readFileSync(path.join(last, 'state.json'), 'utf8')) as { epoch: number };
    expect(state.epoch).toBe(3);
    // The files say epoch 3, the database has 2: resume from the newest one the database
    // recorded (best, when it is epoch ≤ 2), else from the newest on disk.
    const resumed = await runCli(home, 'resume', '1');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resumed from the checkpoint of epoch [1-3]\./);
    expect(recordedEpochs(home, 1)).toEqual([1, 2, 3]);
  });
});
