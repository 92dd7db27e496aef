/**
 * The two custom schemes: `bloombench-app://app/…` serves the built renderer (instead of
 * file://, so the page has a real origin and a strict CSP), and `bloombench-image://thumb/<id>`
 * serves dataset images by id through the same ImageService as the HTTP server.
 */
import { protocol } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { ImageError, type ImageService } from '../server/images';
import { contentType, resolveInside } from '../server/static';
import { APP_SCHEME, IMAGE_SCHEME, parseImageUrl } from './validation';

/** The window's content security policy: nothing but our own page and our own images. */
export const WINDOW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' ${IMAGE_SCHEME}: data: blob:`,
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Must run before the app is ready. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** Installs the handlers (after the app is ready). */
export function handleProtocols(rendererDir: string, images: ImageService): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return text(404, 'Not found');
    const file = resolveInside(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return text(404, 'Not found');
    let body: Buffer;
    try {
      body = await fs.promises.readFile(file);
    } catch {
      return text(404, 'Not found');
    }
    const type = contentType(file);
    const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = WINDOW_CSP;
    return new Response(new Uint8Array(body), { status: 200, headers });
  });

  protocol.handle(IMAGE_SCHEME, async (request) => {
    const parsed = parseImageUrl(request.url);
    if (!parsed) return text(400, 'Images are addressed as bloombench-image://thumb/<id> or …/preview/<id>');
    try {
      const image = await images.read(parsed.imageId, parsed.variant);
      return new Response(new Uint8Array(image.body), { status: 200, headers: { 'Content-Type': image.contentType, 'Cache-Control': 'private, max-age=3600' } });
    } catch (e) {
      return text(e instanceof ImageError ? e.status : 500, (e as Error).message);
    }
  });
}

/** The built renderer: next to the compiled main (dist/renderer) or in the repository's dist/. */
export function rendererDir(): string {
  const candidates = [path.resolve(__dirname, '../../renderer'), path.resolve(__dirname, '../../../dist/renderer')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[0];
}
