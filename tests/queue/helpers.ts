/**
 * Shared pieces of the fault tests: a generated image folder, the small training flags, a
 * `bloombench serve` process on a home, its event stream, and reading a home's database.
 */
import Database from 'better-sqlite3';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { makeImageFolder } from '../fixtures/images';
import { runCli, startCli, type LiveCli } from '../cli/process';
import { callVerb, type RawResponse } from '../server/request';

/** A 3-class, 60-image folder of 32 px pictures. */
export async function smallFolder(dir: string): Promise<string> {
  return (await makeImageFolder(dir, { classes: 3, perClass: 20, size: 32 })).root;
}

/**
 * A temporary folder for one test file, made before its tests and removed after, holding a
 * `smallFolder` at `folder`.
 */
export function useSmallFolder(prefix: string): { readonly root: string; readonly folder: string } {
  const fixture = { root: '', folder: '' };
  beforeAll(async () => {
    fixture.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fixture.folder = await smallFolder(path.join(fixture.root, 'colours'));
  });
  afterAll(() => fs.rmSync(fixture.root, { recursive: true, force: true }));
  return fixture;
}

/**
 * A 2-run study "s" (relu, tanh) of 400-epoch LeNets on `folder`, created in `home` and run by
 * a `bloombench study run` process that is past the start of its first epoch.
 */
export async function runningStudy(home: string, folder: string): Promise<LiveCli> {
  const created = await runCli(home, 'study', 'create', '--dataset', folder, '--name', 's', ...trainFlags(folder, 400).slice(3), '--vary', 'activation=relu,tanh');
  if (created.code !== 0) throw new Error(`study create failed: ${created.stderr}`);
  const cli = startCli(home, 'study', 'run', 's');
  await cli.waitFor('stderr', /epoch 1\/400/);
  return cli;
}

/** `bloombench train` flags of a small LeNet on the wasm backend, `epochs` long. */
export function trainFlags(dataset: string, epochs: number): string[] {
  return ['train', '--dataset', dataset, '--arch', 'lenet5', '--input-size', '32', '--width', '0.5', '--epochs', String(epochs), '--batch-size', '8', '--backend', 'wasm'];
}

/** One row of the runs table, read through a separate read-only connection to the real file. */
export function runRow(home: string, id: number): { status: string; error: string | null; deleted: number; owner_pid: number | null; run_dir: string | null } {
  const db = new Database(path.join(home, 'bloombench.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT status, error, deleted, owner_pid, run_dir FROM runs WHERE id = ?').get(id) as never;
  } finally {
    db.close();
  }
}

/** The epochs a run recorded, in order (from the metrics table). */
export function recordedEpochs(home: string, id: number): number[] {
  const db = new Database(path.join(home, 'bloombench.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT step FROM metrics WHERE run_id = ? AND key = 'val_accuracy' ORDER BY step`).all(id) as { step: number }[]).map((r) => r.step);
  } finally {
    db.close();
  }
}

/** A `bloombench serve` process: its port, token, the events it pushed so far, and verbs. */
export interface Served {
  readonly cli: LiveCli;
  readonly port: number;
  readonly token: string;
  /** The raw server-sent event text received so far. */
  events(): string;
  call(verb: string, ...args: unknown[]): Promise<RawResponse>;
  /** Stops it (SIGTERM) and resolves with its exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `bloombench serve` on `home` and subscribes to its events. */
export async function serve(home: string, ...extra: string[]): Promise<Served> {
  const cli = startCli(home, 'serve', '--port', '0', ...extra);
  const m = await cli.waitFor('stdout', /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/);
  const port = Number(m[1]);
  const token = m[2];
  let text = '';
  const req = http.get({ host: '127.0.0.1', port, path: `/api/events?token=${token}` }, (res) => res.on('data', (d: Buffer) => (text += d.toString())));
  req.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (text.includes(': connected')) {
        clearInterval(t);
        resolve();
      }
    }, 20);
  });
  return {
    cli,
    port,
    token,
    events: () => text,
    call: (verb, ...args) => callVerb(port, token, verb, args),
    async stop() {
      req.destroy();
      cli.child.kill('SIGTERM');
      return cli.exited;
    },
  };
}

/** Resolves when `check` is true, polling; rejects after `ms`. */
export async function until(check: () => boolean, ms = 60_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
