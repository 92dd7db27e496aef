/**
 * Serves the built renderer (dist/renderer) without ever leaving its folder.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

/** The MIME type to answer for a file, by extension. */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The content security policy of the served page (the same as the Electron window's, less its schemes). */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The renderer build next to this file (compiled) or in the repository's dist/ (from source). */
export function findRendererDir(): string {
  const candidates = [path.resolve(__dirname, '../../renderer'), path.resolve(__dirname, '../../dist/renderer')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[candidates.length - 1];
}

/**
 * Resolves a URL path inside `root`, or null when it would escape it.
 *
 * Decodes percent-escapes first, refuses NUL bytes and backslashes, and checks the resolved
 * real path is still under the root (so a symlink cannot lead out either).
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rootAbs = path.resolve(root);
  const target = path.resolve(rootAbs, '.' + path.posix.normalize('/' + decoded));
  if (target !== rootAbs && !target.startsWith(rootAbs + path.sep)) return null;
  return target;
}

/** Answers a GET/HEAD for a static file; unknown paths without an extension get index.html. */
export async function serveStatic(root: string, urlPath: string, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): Promise<void> {
  const notFound = (): void => {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found');
  };
  let file = resolveInside(root, urlPath === '/' ? '/index.html' : urlPath);
  if (!file) return notFound();
  let stat: fs.Stats | null = null;
  try {
    stat = await fs.promises.stat(file);
    const real = await fs.promises.realpath(file);
    const realRoot = await fs.promises.realpath(root);
    if (!real.startsWith(realRoot + path.sep)) return notFound();
  } catch {
    stat = null;
  }
  if (!stat || !stat.isFile()) {
    if (path.extname(urlPath) !== '') return notFound();
    file = path.join(root, 'index.html');
    try {
      stat = await fs.promises.stat(file);
    } catch {
      res.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`The renderer is not built (no ${file}). Run: npm run build:renderer`);
      return;
    }
  }
  const type = contentType(file);
  const isHtml = type.startsWith('text/html');
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': stat.size,
    'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
    ...(isHtml ? { 'Content-Security-Policy': PAGE_CSP } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  fs.createReadStream(file).pipe(res);
}
