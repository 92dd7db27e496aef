/**
 * What a browser gets when it asks for something wrong (issue 14, item 8): a 4xx with the
 * message, never a 500; and imports only from folders under the allowed roots, compared after
 * resolving symbolic links.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { startServer, type RunningServer } from '../../main/server/server';
import { DEFAULT_CONFIG } from '../../shared/config';
import { makeImageFolder } from '../fixtures/images';
import { removeServedHome, serveHome } from '../fixtures/homes';
import { callVerb } from './request';

let home: string;
let allowed: string;
let outside: string;
let ws: Workstation;
let server: RunningServer;

const call = (verb: string, args: unknown, headers?: Record<string, string>) => callVerb(server.port, server.token, verb, args, headers);
const errorOf = (body: string): string => (JSON.parse(body) as { error: string }).error;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-user-errors-'));
  allowed = path.join(home, 'allowed');
  outside = path.join(home, 'outside');
  await makeImageFolder(path.join(allowed, 'pics'), { classes: ['cats', 'dogs'], perClass: 3, size: 16 });
  await makeImageFolder(outside, { classes: ['secret_a', 'secret_b'], perClass: 3, size: 16 });
  fs.symlinkSync(outside, path.join(allowed, 'escape'));
  ({ ws, server } = await serveHome(home, { staticDir: home, allowImport: [allowed] }));
});

afterAll(() => removeServedHome(home, { ws, server }));

describe('user errors are 4xx with their message', () => {
  it('answers 404 for a folder that does not exist, naming it', async () => {
    const res = await call('importDataset', [path.join(allowed, 'no-such-folder')]);
    expect(res.status).toBe(404);
    expect(errorOf(res.body)).toMatch(/no-such-folder does not exist/);
  });

  it('answers 400 for a file that is not a folder, and for a folder without classes', async () => {
    const file = path.join(allowed, 'note.txt');
    fs.writeFileSync(file, 'hello');
    const notFolder = await call('importDataset', [file]);
    expect(notFolder.status).toBe(400);
    expect(errorOf(notFolder.body)).toMatch(/note\.txt is not a folder/);
    const empty = path.join(allowed, 'empty');
    fs.mkdirSync(empty);
    const res = await call('importDataset', [empty]);
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toMatch(/No class folders in .*empty/);
  });

  it('answers 404 for an unknown run or dataset, 400 for a refused setting, 409 for a name taken', async () => {
    const run = await call('getRun', [424242]);
    expect(run.status).toBe(404);
    expect(errorOf(run.body)).toMatch(/No run 424242/);
    expect((await call('getImportReport', [4242])).status).toBe(404);
    const ok = await call('importDataset', [path.join(allowed, 'pics'), 'pics']);
    expect(ok.status).toBe(200);
    const { datasetId } = (JSON.parse(ok.body) as { result: { datasetId: number } }).result;
    const big = await call('startRun', [datasetId, { ...DEFAULT_CONFIG, arch: 'lenet5', batchSize: 2048 }]);
    expect(big.status).toBe(400);
    expect(errorOf(big.body)).toMatch(/batch size 2048 is larger than/);
    await makeImageFolder(path.join(allowed, 'pics-too'), { classes: ['cats', 'dogs'], perClass: 3, size: 16 });
    const taken = await call('importDataset', [path.join(allowed, 'pics-too'), 'pics']);
    expect(taken.status).toBe(409);
    expect(errorOf(taken.body)).toMatch(/A dataset named "pics" already exists/);
    const resume = await call('resumeRun', [99999]);
    expect(resume.status).toBe(404);
  });

  it('says a folder is already imported (409), finds its dataset, and re-scans it when asked', async () => {
    const folder = path.join(allowed, 'pics');
    const known = await call('findImportedFolder', [`${folder}/`]);
    expect(known.status).toBe(200);
    const dataset = (JSON.parse(known.body) as { result: { id: number; name: string } }).result;
    expect(dataset).toMatchObject({ name: 'pics', root: folder });
    const before = (await ws.listDatasets()).length;
    const again = await call('importDataset', [folder]);
    expect(again.status).toBe(409);
    expect(errorOf(again.body)).toMatch(new RegExp(`${folder} is already imported as "pics" \\(dataset ${dataset.id}, 6 images, imported .*\\)\\. Open that dataset, or re-scan the folder`));
    expect((await ws.listDatasets()).length).toBe(before);
    expect(JSON.parse((await call('findImportedFolder', [path.join(allowed, 'nothing-here')])).body)).toEqual({ result: null });
    // The folder is fenced as imports are.
    expect((await call('findImportedFolder', ['/etc'])).status).toBe(403);
    // JSON carries the skipped name as null.
    const rescan = await call('importDataset', [folder, null, { rescan: true }]);
    expect(rescan.status).toBe(200);
    expect((JSON.parse(rescan.body) as { result: { name: string; rescanOf: unknown } }).result).toMatchObject({ name: 'pics', rescanOf: { datasetId: dataset.id, name: 'pics', runs: 0, kept: false } });
    expect((await ws.listDatasets()).length).toBe(before);
  });
});

describe('imports from the browser stay under the allowed folders', () => {
  it.each(['/usr/share', '/etc', '/'])('refuses %s with 403, saying what is allowed and how to allow more, without listing it', async (dir) => {
    const before = (await ws.listDatasets()).length;
    const res = await call('importDataset', [dir]);
    expect(res.status).toBe(403);
    const error = errorOf(res.body);
    expect(error).toContain(`Refused to import ${dir}`);
    expect(error).toContain(allowed);
    expect(error).toContain('--allow-import');
    // Nothing of the folder is revealed (importing /etc used to list its sub-folders).
    expect(error).not.toMatch(/ssl|apt|passwd|doc|man/);
    expect((await ws.listDatasets()).length).toBe(before);
  });

  it('refuses a path that climbs out with .., and a symbolic link that leads out', async () => {
    const climb = await call('importDataset', [path.join(allowed, '..', 'outside')]);
    expect(climb.status).toBe(403);
    const link = await call('importDataset', [path.join(allowed, 'escape')]);
    expect(link.status).toBe(403);
    expect(errorOf(link.body)).toMatch(/symbolic link to .*outside/);
    const below = await call('importDataset', [path.join(allowed, 'escape', 'secret_a')]);
    expect(below.status).toBe(403);
    const missingBelow = await call('importDataset', [path.join(allowed, 'escape', 'no-such')]);
    expect(missingBelow.status).toBe(403);
    expect((await ws.listDatasets()).map((d) => d.name)).not.toContain('outside');
  });

  it('limits imports to the home folder when no folder is allowed explicitly', async () => {
    const other = await startServer({ workstation: ws, staticDir: home });
    try {
      expect(other.importRoots).toEqual([path.resolve(os.homedir())]);
      if (path.relative(os.homedir(), allowed).startsWith('..')) {
        const res = await callVerb(other.port, other.token, 'importDataset', [path.join(allowed, 'pics')]);
        expect(res.status).toBe(403);
      }
    } finally {
      await other.close();
    }
  });
});
