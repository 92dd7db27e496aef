/**
 * `bloombench serve`: the renderer and the `Api` over HTTP + server-sent events.
 *
 * Bound to 127.0.0.1 by default; every `/api` request must carry the random token printed at
 * start (query `?token=`, header `X-Bloombench-Token`, or `Authorization: Bearer`). Images are
 * served by id only. Every request body is validated with the schemas in `shared/contract/`.
 * A state-changing request (every POST) from a page of another origin is refused, and folders
 * imported from the browser must lie under the allowed roots (`import-policy.ts`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Api, AppEvent } from '../../shared/contract/api';
import { isApiVerb, parseApiArgs, ValidationError } from '../../shared/contract/api-schemas';
import { UserError, type UserErrorKind } from '../../shared/contract/errors';
import { ImportPolicy } from './import-policy';
import { ImageError, ImageService, parseImageId, type ImageFiles } from './images';
import { serveStatic, findRendererDir } from './static';

export interface StartServerOptions {
  /** The core: the `Api` and where its images live. */
  readonly workstation: Api & ImageFiles;
  /** Interface to bind; 127.0.0.1 unless given. */
  readonly host?: string;
  /** Port; 0 or absent picks a free one. */
  readonly port?: number;
  /** Token every `/api` request must carry; a random one unless given. */
  readonly token?: string;
  /** The built renderer (index.html and assets); found beside the build unless given. */
  readonly staticDir?: string;
  /** Where image thumbnails are cached. */
  readonly cacheDir?: string;
  /** Folders the browser may import from (and below); the user's home folder unless given. */
  readonly allowImport?: readonly string[];
}

export interface RunningServer {
  /** The URL to open, token included: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** The folders browser imports are limited to. */
  readonly importRoots: readonly string[];
  close(): Promise<void>;
}

/** Largest request body: a base64 image for `classifyImage` plus room. */
const MAX_BODY_BYTES = 48 * 1024 * 1024;

const bodySchema = z.object({ args: z.array(z.unknown()).max(8) }).strict();

/** An error with the HTTP status to answer. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status of each kind of user error. */
const USER_ERROR_STATUS: Readonly<Record<UserErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  // RFC 4918 §11.5, Insufficient Storage.
  'disk-full': 507,
};

/**
 * Against cross-site request forgery: a request that changes state must come from this
 * server's own page. Browsers send `Origin` on every POST (and `Sec-Fetch-Site` since 2020);
 * a request with neither is not from a browser page (curl, scripts) and carries the token.
 */
function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') return false;
    try {
      const u = new URL(origin);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === req.headers.host;
    } catch {
      return false;
    }
  }
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Constant-time token comparison. */
function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function requestToken(req: http.IncomingMessage, url: URL): string | null {
  const header = req.headers['x-bloombench-token'];
  if (typeof header === 'string') return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return url.searchParams.get('token');
}

function baseHeaders(): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the server; resolves once it listens. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? crypto.randomBytes(24).toString('hex');
  const staticDir = opts.staticDir ?? findRendererDir();
  const images = new ImageService(opts.workstation, opts.cacheDir);
  const importPolicy = new ImportPolicy(opts.allowImport);
  const api = opts.workstation;
  const streams = new Set<http.ServerResponse>();
  const sockets = new Set<net.Socket>();
  let port = 0;

  /** Against DNS rebinding: on a loopback bind, the Host header must name a loopback address. */
  function hostAllowed(req: http.IncomingMessage): boolean {
    if (!isLoopback(host)) return true;
    const h = req.headers.host;
    if (!h) return false;
    const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.split(':')[0];
    return isLoopback(name);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!tokenMatches(requestToken(req, url), token)) {
      throw new HttpError(401, 'missing or wrong token: open the URL that `bloombench serve` printed');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
      throw new HttpError(403, `refused a cross-origin request (Origin ${String(req.headers.origin ?? req.headers['sec-fetch-site'])}): only this server's own page may change anything`);
    }
    const rest = url.pathname.slice('/api/'.length);
    if (rest === 'events') {
      if (req.method !== 'GET') throw new HttpError(405, 'events: use GET');
      openEventStream(req, res);
      return;
    }
    if (rest.startsWith('images/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'images: use GET');
      const idText = rest.slice('images/'.length);
      const imageId = parseImageId(idText);
      if (imageId === null) throw new HttpError(400, `image id "${idText.slice(0, 40)}" is not a positive integer`);
      const variant = url.searchParams.get('thumb') === '1' ? 'thumb' : 'preview';
      const image = await images.read(imageId, variant);
      res.writeHead(200, { ...baseHeaders(), 'Content-Type': image.contentType, 'Content-Length': image.body.length, 'Cache-Control': 'private, max-age=3600' });
      res.end(req.method === 'HEAD' ? undefined : image.body);
      return;
    }
    if (!isApiVerb(rest)) throw new HttpError(404, `no API verb "${rest.slice(0, 60)}"`);
    if (req.method !== 'POST') throw new HttpError(405, `${rest}: use POST with a JSON body {"args": [...]}`);
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) throw new HttpError(415, `${rest}: the body must be application/json`);
    const raw = await readBody(req);
    let json: unknown;
    try {
      json = raw.length === 0 ? { args: [] } : JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, `${rest}: the body is not valid JSON`);
    }
    const body = bodySchema.safeParse(json);
    if (!body.success) throw new HttpError(400, `${rest}: the body must be {"args": [...]} (${body.error.issues[0]?.message ?? 'invalid'})`);
    const args = parseApiArgs(rest, body.data.args);
    if (rest === 'importDataset' || rest === 'findImportedFolder') importPolicy.check(args[0] as string);
    const fn = api[rest] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn.apply(api, args);
    sendJson(res, 200, { result: result ?? null });
  }

  function openEventStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    streams.add(res);
    const unsubscribe = api.onEvent((event: AppEvent) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 20_000);
    const done = (): void => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        sendJson(res, 400, { error: 'malformed URL' });
        return;
      }
      try {
        if (!hostAllowed(req)) throw new HttpError(403, 'this server only answers requests addressed to a loopback host');
        if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
          await handleApi(req, res, url);
        } else if (req.method === 'GET' || req.method === 'HEAD') {
          await serveStatic(staticDir, url.pathname, req, res, baseHeaders());
        } else {
          throw new HttpError(405, 'only GET and HEAD outside /api');
        }
      } catch (e) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (e instanceof HttpError || e instanceof ImageError) sendJson(res, e.status, { error: e.message });
        else if (e instanceof UserError) sendJson(res, USER_ERROR_STATUS[e.kind], { error: e.message, kind: e.kind });
        else if (e instanceof ValidationError) sendJson(res, 400, { error: e.message, issues: e.issues });
        else sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const url = `http://${hostForUrl(host)}:${port}/?token=${token}`;

  return {
    url,
    host,
    port,
    token,
    importRoots: importPolicy.roots,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Where the renderer build lives, for messages. */
export function rendererDirExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}
