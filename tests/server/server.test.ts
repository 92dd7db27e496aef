/**
 * The HTTP server of `bloombench serve`, against a real core on a temp home: the token, the
 * loopback bind, image ids only, and request bodies validated with the field named.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { removeServedHome, serveHome } from '../fixtures/homes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { startServer, type RunningServer } from '../../main/server/server';
import { DEFAULT_CONFIG } from '../../shared/config';
import { makeImageFolder } from '../fixtures/images';

let home: string;
let ws: Workstation;
let server: RunningServer;
let staticDir: string;

/** A raw request: the path goes on the wire exactly as given (no URL normalisation). */
function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function call(verb: string, args: unknown, headers: Record<string, string> = {}): ReturnType<typeof request> {
  return request({
    method: 'POST',
    path: `/api/${verb}`,
    headers: { 'content-type': 'application/json', 'x-bloombench-token': server.token, ...headers },
    body: JSON.stringify({ args }),
  });
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-server-'));
  staticDir = path.join(home, 'static');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>test page</title>');
  fs.writeFileSync(path.join(home, 'secret.txt'), 'do not serve me');
  ({ ws, server } = await serveHome(home, { staticDir, cacheDir: path.join(home, 'thumbs'), allowImport: [home] }));
});

afterAll(() => removeServedHome(home, { ws, server }));

describe('token', () => {
  it('prints a URL like Jupyter, on loopback, with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    expect(server.token).toHaveLength(48);
  });

  it('refuses every /api request without the token with 401', async () => {
    const noToken = await request({ method: 'POST', path: '/api/listDatasets', headers: { 'content-type': 'application/json' }, body: '{"args":[]}' });
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.body).error).toMatch(/token/);
    expect((await request({ path: '/api/events' })).status).toBe(401);
    expect((await request({ path: '/api/images/1?thumb=1' })).status).toBe(401);
    const wrong = await call('listDatasets', [], { 'x-bloombench-token': 'x'.repeat(48) });
    expect(wrong.status).toBe(401);
    const short = await call('listDatasets', [], { 'x-bloombench-token': 'abc' });
    expect(short.status).toBe(401);
  });

  it('accepts the token as a header, a bearer token or a query parameter', async () => {
    expect((await call('listDatasets', [])).status).toBe(200);
    const bearer = await request({ method: 'POST', path: '/api/listDatasets', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: '{"args":[]}' });
    expect(bearer.status).toBe(200);
    const query = await request({ method: 'POST', path: `/api/listDatasets?token=${server.token}`, headers: { 'content-type': 'application/json' }, body: '{"args":[]}' });
    expect(query.status).toBe(200);
    expect(JSON.parse(query.body)).toEqual({ result: [] });
  });

  it('serves the page itself without a token, with a strict content security policy', async () => {
    const page = await request({ path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('test page');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('binding', () => {
  it('binds to 127.0.0.1 by default', async () => {
    expect(server.host).toBe('127.0.0.1');
    const other = await startServer({ workstation: ws, staticDir, port: 0 });
    try {
      expect(other.host).toBe('127.0.0.1');
      expect(other.url.startsWith('http://127.0.0.1:')).toBe(true);
      expect(other.token).not.toBe(server.token);
    } finally {
      await other.close();
    }
  });

  it('refuses requests addressed to a non-loopback host name (DNS rebinding)', async () => {
    const res = await request({ path: '/', headers: { host: 'evil.example:80' } });
    expect(res.status).toBe(403);
  });
});

describe('images by id only', () => {
  let imageId: number;

  beforeAll(async () => {
    const folder = path.join(home, 'pics');
    await makeImageFolder(folder, { classes: ['cats', 'dogs'], perClass: 3, size: 24 });
    const report = await ws.importDataset(folder, 'pics');
    const images = await ws.listImages(report.datasetId, { limit: 1 });
    imageId = images[0].id;
  });

  it('serves an imported image as a small thumbnail', async () => {
    const res = await request({ path: `/api/images/${imageId}?thumb=1&token=${server.token}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(20);
  });

  it('answers 404 for an unknown id', async () => {
    const res = await request({ path: `/api/images/987654?token=${server.token}` });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error).toMatch(/no image with id 987654/);
  });

  it.each([
    '/api/images/..%2f..%2fsecret.txt',
    '/api/images/../../secret.txt',
    '/api/images/%2e%2e%2fsecret.txt',
    '/api/images/1%2f..%2f..%2fsecret.txt',
    '/api/images/-1',
    '/api/images/1.5',
    '/api/images/0x10',
    '/api/images/%00',
  ])('never serves a path: %s', async (p) => {
    const res = await request({ path: `${p}${p.includes('?') ? '&' : '?'}token=${server.token}` });
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain('do not serve me');
  });

  it.each(['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%5csecret.txt', '/assets/../../secret.txt'])('keeps static files inside the renderer folder: %s', async (p) => {
    const res = await request({ path: p });
    expect(res.body).not.toContain('do not serve me');
  });
});

describe('request bodies', () => {
  it('refuses a body that is not JSON', async () => {
    const res = await request({ method: 'POST', path: '/api/listRuns', headers: { 'content-type': 'application/json', 'x-bloombench-token': server.token }, body: '{"args": [' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/not valid JSON/);
  });

  it('refuses a body without an args array', async () => {
    const res = await request({ method: 'POST', path: '/api/listRuns', headers: { 'content-type': 'application/json', 'x-bloombench-token': server.token }, body: '{"argz": []}' });
    expect(res.status).toBe(400);
  });

  it('names the field of a malformed argument', async () => {
    const res = await call('startRun', [1, { ...DEFAULT_CONFIG, batchSize: -4 }]);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: string; issues: { path: string }[] };
    expect(body.error).toContain('batchSize');
    expect(body.issues[0].path).toBe('args[1].batchSize');
  });

  it('names a missing or mistyped argument', async () => {
    const missing = await call('getRun', []);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error).toContain('args[0]');
    const typed = await call('getRun', ['1; DROP TABLE runs']);
    expect(typed.status).toBe(400);
    const extra = await call('updateRun', [1, { name: 'x', owner: 'me' }]);
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.body).error).toMatch(/owner/);
  });

  it('refuses an unknown verb, the wrong method and the wrong content type', async () => {
    expect((await call('dropEverything', [])).status).toBe(404);
    expect((await call('onEvent', [])).status).toBe(404);
    expect((await request({ path: `/api/listRuns?token=${server.token}` })).status).toBe(405);
    const form = await request({ method: 'POST', path: '/api/listRuns', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-bloombench-token': server.token }, body: 'args=1' });
    expect(form.status).toBe(415);
  });

  it('passes the core refusal through with its message', async () => {
    const res = await call('getRun', [424242]);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error).toMatch(/424242/);
  });
});

describe('events', () => {
  it('streams core events as server-sent events', async () => {
    const folder = path.join(home, 'more-pics');
    await makeImageFolder(folder, { classes: ['a', 'b'], perClass: 2, size: 16 });
    const text = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no datasets-changed event within 20 s')), 20_000);
      const req = http.get({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}` }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/event-stream/);
        let received = '';
        let imported: Promise<unknown> | null = null;
        res.on('data', (c: Buffer) => {
          received += c.toString();
          if (!imported && received.includes(': connected')) imported = call('importDataset', [folder, 'more']).catch(reject);
          if (received.includes('"kind":"datasets-changed"')) {
            clearTimeout(timer);
            req.destroy();
            resolve(received);
          }
        });
      });
      req.on('error', reject);
    });
    expect(text).toMatch(/data: \{"kind":"import-progress"/);
  });
});
