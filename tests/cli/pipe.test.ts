/**
 * Output through a pipe (issue 14, item 7): a command's output arrives whole however slowly
 * the reader reads (`bloombench show N --json | jq` lost everything past 64 KiB, the pipe's
 * buffer, because the process exited before stdout drained). A real pipe, a slow reader.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../shared/types';
import { makeImageFolder } from '../fixtures/images';
import { cliArgv } from './process';

let root: string;
let folder: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-pipe-'));
  folder = (await makeImageFolder(path.join(root, 'pics'), { classes: ['cats', 'dogs'], perClass: 2, size: 16 })).root;
  // 1,200 empty files: each is a rejected-file entry of the import report (about 100 bytes).
  for (let i = 0; i < 1200; i++) fs.writeFileSync(path.join(folder, i % 2 ? 'cats' : 'dogs', `an empty file with a long name number ${String(i).padStart(4, '0')}.jpg`), '');
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * Runs the CLI as `bloombench … | (sleep; cat)` in a shell: its stdout is a real OS pipe
 * (64 KiB of buffer on Linux) whose reader starts reading only after `delaySeconds`.
 */
function slowlyRead(args: string[], delaySeconds: number): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = `${[process.execPath, ...cliArgv(path.join(root, 'home'), args)].map(quote).join(' ')}; echo "exit=$?" >&2`;
  return new Promise((resolve) => {
    execFile('bash', ['-c', `{ ${command}; } | { sleep ${delaySeconds}; cat; }`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const m = /exit=(\d+)/.exec(stderr);
      resolve({ stdout, stderr, code: m ? Number(m[1]) : null });
    });
  });
}

describe('output through a pipe', () => {
  it('delivers a --json report larger than the 64 KiB pipe buffer whole to a slow reader', async () => {
    const r = await slowlyRead(['import', folder, '--json'], 1.5);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(100_000);
    const report = JSON.parse(r.stdout) as ImportReport;
    expect(report.rejected).toHaveLength(1200);
    expect(report.total).toBe(4);
  });
});
