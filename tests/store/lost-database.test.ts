/**
 * A lost or damaged run database (issue 14, item 6): a database truncated to 0 bytes (or
 * gone) beside existing run folders is refused with its path and what to do — it no longer
 * becomes a fresh store whose run 1 overwrites runs/1 — and a damaged file is named.
 * Real CLI processes on a real home.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/db';
import { runCli } from '../cli/process';
import { runRow, smallFolder, trainFlags } from '../queue/helpers';

let root: string;
let folder: string;
let home: string;
let db: string;
let saved: Buffer;
let weights: string;

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-lostdb-'));
  folder = await smallFolder(path.join(root, 'colours'));
  home = path.join(root, 'home');
  db = path.join(home, 'bloombench.db');
  const trained = await runCli(home, ...trainFlags(folder, 1));
  expect(trained.code, trained.stderr).toBe(0);
  // Closed cleanly: everything is in the main file (no -wal left), as after any quit.
  expect(fs.existsSync(`${db}-wal`)).toBe(false);
  saved = fs.readFileSync(db);
  weights = path.join(home, 'runs', runRow(home, 1).run_dir!, 'checkpoints', 'last', 'weights.bin');
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('a database lost beside its run folders', () => {
  it('refuses a database truncated to 0 bytes, naming it, the run folders and what to do; nothing is overwritten', async () => {
    const before = sha(weights);
    fs.truncateSync(db, 0);
    for (const args of [['runs'], trainFlags(folder, 1)]) {
      const r = await runCli(home, ...args);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).toContain(`The run database ${db} is empty (0 bytes), but ${path.join(home, 'runs')} holds the folders of 1 earlier run(s) (1)`);
      expect(r.stderr).toMatch(/Put back a backup of bloombench\.db; or, to start afresh and keep the old checkpoints, move .*runs aside/);
    }
    expect(fs.statSync(db).size).toBe(0);
    expect(sha(weights)).toBe(before);
  });

  it('refuses a missing database the same way', async () => {
    fs.rmSync(db);
    const r = await runCli(home, 'runs');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The run database ${db} is missing, but`);
    expect(fs.existsSync(db)).toBe(false);
  });

  it('names a file that is not a database, and a damaged one, with how to recover', async () => {
    const garbage = Buffer.from(saved);
    garbage.fill(0x41, 0, 100);
    fs.writeFileSync(db, garbage);
    const notDb = await runCli(home, 'runs');
    expect(notDb.code).toBe(1);
    expect(notDb.stderr).toContain(`${db} is not a Bloombench run database`);
    expect(notDb.stderr).toMatch(/\.recover/);
    // Keep the header, break b-tree pages in the middle.
    const damaged = Buffer.from(saved);
    const page = 4096;
    for (let p = 3; p < Math.min(8, damaged.length / page); p++) damaged.fill(0xff, p * page + 8, p * page + 400);
    fs.writeFileSync(db, damaged);
    const bad = await runCli(home, 'show', '1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`The run database ${db} is damaged`);
    expect(bad.stderr).toMatch(/Nothing was changed/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('checks the whole file when serve or the app opens it; a command checks every table but the long ones', () => {
    fs.writeFileSync(db, saved);
    const probe = new Database(db, { readonly: true });
    const root = (probe.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'metrics'`).get() as { rootpage: number }).rootpage;
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    probe.close();
    for (const f of [`${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    const damaged = Buffer.from(saved);
    // An impossible b-tree page type on the metrics table's root page.
    damaged[(root - 1) * pageSize] = 0x07;
    fs.writeFileSync(db, damaged);
    expect(() => openStore(home)).toThrow(`The run database ${db} is damaged (SQLite`);
    openStore(home, { check: 'tables' }).close();
  });

  it('works again once the backup is back, and again when runs/ is moved aside for a fresh start', async () => {
    fs.writeFileSync(db, saved);
    const listed = JSON.parse((await runCli(home, 'runs', '--json')).stdout) as { id: number; status: string }[];
    expect(listed.map((r) => [r.id, r.status])).toEqual([[1, 'completed']]);
    fs.rmSync(db);
    fs.renameSync(path.join(home, 'runs'), path.join(home, 'runs.old'));
    const fresh = await runCli(home, 'runs', '--json');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toEqual([]);
  });
});
