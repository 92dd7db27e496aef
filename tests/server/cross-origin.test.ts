/**
 * Exposure (issue 14, item 10): a state-changing request from another origin is refused, and
 * `bloombench serve --host 0.0.0.0` says plainly what it exposes before it prints the URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { type RunningServer } from '../../main/server/server';
import { makeImageFolder } from '../fixtures/images';
import { startCli } from '../cli/process';
import { removeServedHome, serveHome } from '../fixtures/homes';
import { callVerb, rawRequest } from './request';

let home: string;
let ws: Workstation;
let server: RunningServer;
let folder: string;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-origin-'));
  folder = (await makeImageFolder(path.join(home, 'pics'), { classes: ['a', 'b'], perClass: 2, size: 16 })).root;
  fs.writeFileSync(path.join(home, 'index.html'), '<!doctype html><title>page</title>');
  ({ ws, server } = await serveHome(home, { staticDir: home, allowImport: [home] }));
});

afterAll(() => removeServedHome(home, { ws, server }));

describe('Origin on state-changing requests', () => {
  it('refuses a POST from another origin with 403 and changes nothing', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`, 'not a url']) {
      const res = await callVerb(server.port, server.token, 'importDataset', [folder, 'x'], { origin });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.body).error).toMatch(/cross-origin/);
    }
    const fetchSite = await callVerb(server.port, server.token, 'importDataset', [folder, 'x'], { 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.status).toBe(403);
    expect(await ws.listDatasets()).toEqual([]);
  });

  it('accepts the page of this server, and clients that are not browsers (no Origin)', async () => {
    const own = await callVerb(server.port, server.token, 'listDatasets', [], { origin: `http://127.0.0.1:${server.port}`, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    const curl = await callVerb(server.port, server.token, 'listDatasets', []);
    expect(curl.status).toBe(200);
    // Reading the event stream or an image is not a change: GET stays as it was.
    const page = await rawRequest(server.port, { path: '/', headers: { origin: 'http://evil.example' } });
    expect(page.status).toBe(200);
  });
});

describe('serve --host 0.0.0.0', () => {
  it('warns on stderr, before the URL, naming the images, training control and the token in the URL', async () => {
    const cli = startCli(path.join(home, 'served'), 'serve', '--host', '0.0.0.0', '--port', '0');
    try {
      await cli.waitFor('stdout', /token=[0-9a-f]{48}/);
      const warning = cli.stderr();
      expect(warning).toMatch(/--host 0\.0\.0\.0 makes this server reachable from other machines/);
      expect(warning).toMatch(/Host-header check .* is off/);
      expect(warning).toMatch(/images/);
      expect(warning).toMatch(/start, cancel, resume and delete training runs/);
      expect(warning).toMatch(/token .* in the URL|token travels in the URL/);
    } finally {
      cli.child.kill('SIGTERM');
    }
    const end = await cli.exited;
    expect({ ...end, stderr: end.code === 0 ? '' : cli.stderr(), stdout: end.code === 0 ? '' : cli.stdout() }).toEqual({ code: 0, signal: null, stderr: '', stdout: '' });
    // The default bind says nothing of the kind.
    const local = startCli(path.join(home, 'served'), 'serve', '--port', '0');
    try {
      await local.waitFor('stdout', /token=/);
      expect(local.stderr()).not.toMatch(/Warning/);
    } finally {
      local.child.kill('SIGTERM');
    }
    await local.exited;
  });
});
