/**
 * Downloading weights against a real HTTP server on 127.0.0.1: progress, a resume after the
 * server cuts the connection (within one call, and across calls with the `.part` file left
 * behind), a SHA-256 mismatch refused, and no network → the message that says what to do.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureImagenetWeights, listWeightsSync, resolveRunWeights, WeightsUnavailableError } from '../../main/weights/cache';
import { DownloadError, downloadFile } from '../../main/weights/download';

/** What the test server does with the next requests. */
interface Behaviour {
  /** Cut the connection after this many bytes of the body, for the first `cuts` responses. */
  cutAfter?: number;
  cuts?: number;
  /** Serve these bytes instead of the file. */
  override?: Buffer;
  /** Never answer. */
  hang?: boolean;
}

let dir: string;
let server: http.Server;
let base: string;
let body: Buffer;
let sha: string;
let behaviour: Behaviour = {};
const requests: { url: string; range: string | undefined }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-dl-'));
  body = crypto.randomBytes(3 * 1024 * 1024 + 17);
  sha = crypto.createHash('sha256').update(body).digest('hex');
  server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', range: req.headers.range });
    if (behaviour.hang) return;
    if (req.url === '/moved.bin') {
      res.writeHead(302, { location: `/file-${sha.slice(0, 8)}.bin` });
      res.end();
      return;
    }
    if (!req.url?.startsWith('/file-')) {
      res.writeHead(404, 'Not Found');
      res.end('no such file');
      return;
    }
    const data = behaviour.override ?? body;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (start >= data.length) {
      res.writeHead(416, { 'content-range': `bytes */${data.length}` });
      res.end();
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'content-length': data.length - start, 'accept-ranges': 'bytes' };
    if (m) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    res.writeHead(m ? 206 : 200, headers);
    const part = data.subarray(start);
    if (behaviour.cutAfter !== undefined && (behaviour.cuts ?? 1) > 0) {
      behaviour.cuts = (behaviour.cuts ?? 1) - 1;
      // Write some bytes, let them reach the client, then drop the connection.
      res.write(part.subarray(0, behaviour.cutAfter), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    res.end(part);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  behaviour = {};
  requests.length = 0;
  delete process.env.BLOOMBENCH_WEIGHTS_URL;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function target(name: string): string {
  const f = path.join(dir, name, `file-${sha.slice(0, 8)}.bin`);
  fs.rmSync(path.dirname(f), { recursive: true, force: true });
  return f;
}

describe('downloadFile', () => {
  it('downloads with growing progress, checks the SHA-256 prefix and leaves no .part', async () => {
    const dest = target('plain');
    const seen: number[] = [];
    const r = await downloadFile(`${base}/file-${sha.slice(0, 8)}.bin`, dest, { sha256Prefix: sha.slice(0, 8), onProgress: (p) => (seen.push(p.received), expect(p.total).toBe(body.length)) });
    expect(r).toEqual({ sha256: sha, bytes: body.length });
    expect(fs.readFileSync(dest).equals(body)).toBe(true);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1])).toBe(true);
    expect(seen[seen.length - 1]).toBe(body.length);
  });

  it('resumes with an HTTP Range request after the server cuts the connection', async () => {
    const dest = target('cut-once');
    behaviour = { cutAfter: 1_000_000, cuts: 1 };
    const r = await downloadFile(`${base}/file-${sha.slice(0, 8)}.bin`, dest, { sha256Prefix: sha.slice(0, 8) });
    expect(r.sha256).toBe(sha);
    expect(fs.readFileSync(dest).equals(body)).toBe(true);
    expect(requests.map((q) => q.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    expect(Number(/\d+/.exec(requests[1].range!)![0])).toBeGreaterThan(0);
  });

  it('keeps the .part of a cut download and resumes it in the next call', async () => {
    const dest = target('cut-across');
    behaviour = { cutAfter: 700_000, cuts: 1 };
    const first = downloadFile(`${base}/file-${sha.slice(0, 8)}.bin`, dest, { sha256Prefix: sha.slice(0, 8), attempts: 1 });
    await expect(first).rejects.toThrow(/the connection was cut after \d+ of 3145745 bytes; run the same command again to resume/);
    const kept = fs.statSync(`${dest}.part`).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(body.length);
    const r = await downloadFile(`${base}/file-${sha.slice(0, 8)}.bin`, dest, { sha256Prefix: sha.slice(0, 8) });
    expect(r.sha256).toBe(sha);
    expect(requests[requests.length - 1].range).toBe(`bytes=${kept}-`);
    expect(fs.readFileSync(dest).equals(body)).toBe(true);
  });

  it('follows a redirect', async () => {
    const dest = target('redirect');
    await downloadFile(`${base}/moved.bin`, dest, { sha256Prefix: sha.slice(0, 8) });
    expect(fs.readFileSync(dest).equals(body)).toBe(true);
  });

  it('refuses a file whose SHA-256 does not start as its name says, and deletes it', async () => {
    const dest = target('mismatch');
    behaviour = { override: crypto.randomBytes(4096) };
    const p = downloadFile(`${base}/file-${sha.slice(0, 8)}.bin`, dest, { sha256Prefix: sha.slice(0, 8) });
    await expect(p).rejects.toThrow(new RegExp(`the file's SHA-256 is [0-9a-f]{64}, but its name says it starts with ${sha.slice(0, 8)}: it is not the published file .*it was deleted`));
    await expect(p).rejects.toBeInstanceOf(DownloadError);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('reports an HTTP error status and a server that never answers', async () => {
    await expect(downloadFile(`${base}/missing-00000000.bin`, target('404'), {})).rejects.toThrow(/the server answered HTTP 404 Not Found/);
    behaviour = { hang: true };
    const slow = downloadFile(`${base}/file-${sha.slice(0, 8)}.bin`, target('hang'), { idleTimeoutMs: 300 });
    await expect(slow).rejects.toThrow(/127\.0\.0\.1:\d+ did not answer in time/);
  });
});

describe('the weights folder', () => {
  it('without network says which URL to fetch and which folder to put the file in', async () => {
    // A port nothing listens on: the connection is refused, as behind a firewall.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    process.env.BLOOMBENCH_WEIGHTS_URL = `http://127.0.0.1:${port}/models`;
    const home = path.join(dir, 'home-offline');
    const p = ensureImagenetWeights(home, 'resnet18');
    await expect(p).rejects.toBeInstanceOf(WeightsUnavailableError);
    const message = await p.then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toContain(`Could not download the ImageNet weights of resnet18 (torchvision ResNet-18 V1) from http://127.0.0.1:${port}/models/resnet18-f37072fd.pth: 127.0.0.1:${port} refused the connection.`);
    expect(message).toContain('download this file on a machine with internet access:\n  https://download.pytorch.org/models/resnet18-f37072fd.pth');
    expect(message).toContain(`in the folder\n  ${path.join(home, 'weights')}${path.sep}`);
    expect(message).toContain(`(so that it is ${path.join(home, 'weights', 'resnet18-f37072fd.pth')}), or pass the file itself: --pretrained /path/to/resnet18-f37072fd.pth`);
  });

  it('checks a file put there by hand against the SHA-256 its name carries', async () => {
    const home = path.join(dir, 'home-manual');
    fs.mkdirSync(path.join(home, 'weights'), { recursive: true });
    fs.writeFileSync(path.join(home, 'weights', 'resnet18-f37072fd.pth'), 'not the weights');
    expect(listWeightsSync(home).find((w) => w.entry.arch === 'resnet18')).toMatchObject({ bytes: 15, partial: null });
    await expect(ensureImagenetWeights(home, 'resnet18')).rejects.toThrow(/resnet18-f37072fd\.pth is not torchvision's file: its SHA-256 is [0-9a-f]{64}, its name says it starts with f37072fd .*bloombench weights get resnet18/);
    await expect(ensureImagenetWeights(home, 'googlenet')).rejects.toThrow(/googlenet has no ImageNet weights: its "5×5" branches .*googlenet_tv/);
  });

  it('downloads from a mirror under the published name, and refuses one whose checksum is not torchvision\'s', async () => {
    process.env.BLOOMBENCH_WEIGHTS_URL = base;
    // The mirror answers file-… names only: resnet18-f37072fd.pth is not there.
    await expect(ensureImagenetWeights(path.join(dir, 'home-mirror'), 'resnet18')).rejects.toThrow(/from http:\/\/127\.0\.0\.1:\d+\/resnet18-f37072fd\.pth: the server answered HTTP 404 Not Found/);
  });

  it('resolves a run\'s local weights file with its SHA-256', async () => {
    const f = path.join(dir, 'mine.pth');
    fs.writeFileSync(f, body);
    expect(await resolveRunWeights({ arch: 'resnet18', pretrained: f }, dir)).toEqual({ source: 'file', title: 'mine.pth', file: f, sha256: sha });
    expect(await resolveRunWeights({ arch: 'resnet18', pretrained: 'none' }, dir)).toBeNull();
    await expect(resolveRunWeights({ arch: 'resnet18', pretrained: path.join(dir, 'nope.pth') }, dir)).rejects.toThrow(/the weights file .*nope\.pth does not exist/);
  });
});
