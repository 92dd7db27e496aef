/**
 * Downloads one file over HTTP(S) into place: streamed to `<file>.part`, resumed with an HTTP
 * Range request after a cut (within a call and across calls), checked against the SHA-256
 * prefix its name carries, then renamed, so that a half download is never taken for a file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

/** How far a download is. */
export interface DownloadProgress {
  /** Bytes on disk so far (a resumed download starts above 0). */
  readonly received: number;
  /** The file's size, when the server says it. */
  readonly total: number | null;
}

/** Options of `downloadFile`. */
export interface DownloadOptions {
  /** Called as bytes arrive (often: throttle what you draw). */
  readonly onProgress?: (p: DownloadProgress) => void;
  /** The hex prefix the file's SHA-256 must start with. */
  readonly sha256Prefix?: string;
  /** Give up when no byte arrives for this long (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** Tries after a connection that was cut mid-file (default 5); a refused connection is not retried. */
  readonly attempts?: number;
}

/** Why a download failed: `network` (no connection), `http` (an error status), `checksum`, `interrupted`, `disk`. */
export type DownloadFailure = 'network' | 'http' | 'checksum' | 'interrupted' | 'disk';

/** A download that did not produce the file; `reason` is a short phrase for a sentence. */
export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadFailure,
    readonly url: string,
    readonly reason: string,
  ) {
    super(`download of ${url} failed: ${reason}`);
    this.name = 'DownloadError';
  }
}

const REDIRECTS = 5;

/** The SHA-256 of a file, hex. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** A network error code in words. */
function networkReason(e: NodeJS.ErrnoException, host: string): string {
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no network: the name ${host} does not resolve`;
    case 'ECONNREFUSED':
      return `${host} refused the connection`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `no network: ${host} is unreachable`;
    case 'ETIMEDOUT':
      return `${host} did not answer in time`;
    case 'ECONNRESET':
      return `${host} closed the connection`;
    default:
      return e.message || String(e.code);
  }
}

interface Attempt {
  readonly done: boolean;
  /** Bytes this attempt added. */
  readonly added: number;
}

/**
 * Downloads `url` to `dest` (its folder is created) and returns the file's SHA-256. An
 * existing `dest.part` is resumed. Throws a `DownloadError` saying why; the `.part` file is
 * kept after a cut (to resume) and deleted after a checksum mismatch.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<{ sha256: string; bytes: number }> {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const attempts = opts.attempts ?? 5;
  let failures = 0;
  for (;;) {
    let r: Attempt;
    try {
      r = await attempt(url, part, opts, 0);
    } catch (e) {
      if (e instanceof DownloadError && e.kind === 'interrupted' && ++failures < attempts) continue;
      throw e;
    }
    if (r.done) break;
  }
  const sha256 = await sha256File(part);
  if (opts.sha256Prefix && !sha256.startsWith(opts.sha256Prefix)) {
    fs.rmSync(part, { force: true });
    throw new DownloadError('checksum', url, `the file's SHA-256 is ${sha256}, but its name says it starts with ${opts.sha256Prefix}: it is not the published file (damaged on the way, or a proxy answered instead); it was deleted`);
  }
  const bytes = fs.statSync(part).size;
  fs.renameSync(part, dest);
  return { sha256, bytes };
}

/** One request: resumes `part`, appends what arrives; resolves `done` when the file is complete. */
function attempt(url: string, part: string, opts: DownloadOptions, redirects: number): Promise<Attempt> {
  const have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  const target = new URL(url);
  const get = target.protocol === 'https:' ? https.get : target.protocol === 'http:' ? http.get : null;
  if (!get) return Promise.reject(new DownloadError('http', url, `${target.protocol} URLs are not downloaded (http or https only)`));
  return new Promise<Attempt>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void): void => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    const headers: Record<string, string> = { 'user-agent': 'Bloombench', ...(have > 0 ? { range: `bytes=${have}-` } : {}) };
    const req = get(target, { headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= REDIRECTS) return finish(() => reject(new DownloadError('http', url, `more than ${REDIRECTS} redirects`)));
        const nextUrl = new URL(res.headers.location, target);
        // Never from TLS to plain HTTP: the name's SHA-256 prefix (32 bits) guards against damage, not against a forger.
        if (target.protocol === 'https:' && nextUrl.protocol !== 'https:') return finish(() => reject(new DownloadError('http', url, `the server redirected to ${nextUrl.protocol}//${nextUrl.host}, which is not HTTPS`)));
        const next = nextUrl.toString();
        return finish(() => attempt(next, part, opts, redirects + 1).then(resolve, reject));
      }
      if (status === 416 && have > 0) {
        // The part is as long as the file already (or longer: start over).
        res.resume();
        const total = Number(/\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''))?.[1]);
        if (total === have) return finish(() => resolve({ done: true, added: 0 }));
        fs.rmSync(part, { force: true });
        return finish(() => reject(new DownloadError('interrupted', url, 'the partial download did not fit the file on the server')));
      }
      if (status !== 200 && status !== 206) {
        res.resume();
        return finish(() => reject(new DownloadError('http', url, `the server answered HTTP ${status} ${res.statusMessage ?? ''}`.trim())));
      }
      let start = 0;
      let total: number | null = null;
      if (status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
        if (!m || Number(m[1]) !== have) {
          // A range we did not ask for: take the whole file again.
          res.resume();
          fs.rmSync(part, { force: true });
          return finish(() => reject(new DownloadError('interrupted', url, 'the server answered a different range than asked')));
        }
        start = have;
        total = m[3] === '*' ? null : Number(m[3]);
      } else {
        const length = Number(res.headers['content-length']);
        total = Number.isFinite(length) && res.headers['content-length'] !== undefined ? length : null;
      }
      const out = fs.createWriteStream(part, { flags: status === 206 ? 'a' : 'w' });
      let received = start;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        opts.onProgress?.({ received, total });
      });
      res.on('aborted', () => res.destroy(new Error('aborted')));
      res.pipe(out);
      const interrupted = (): DownloadError =>
        new DownloadError('interrupted', url, `the connection was cut after ${received}${total === null ? '' : ` of ${total}`} bytes; run the same command again to resume`);
      // A cut mid-body: keep what arrived (flushed) for the next attempt.
      res.on('error', () => out.end(() => finish(() => reject(interrupted()))));
      out.on('error', (e: NodeJS.ErrnoException) => {
        res.destroy();
        finish(() => reject(new DownloadError('disk', url, `could not write ${part} (${e.code === 'ENOSPC' ? 'the disk is full' : e.message})`)));
      });
      out.on('finish', () => {
        if (settled) return;
        if (total !== null && received < total) return finish(() => reject(interrupted()));
        finish(() => resolve({ done: true, added: received - start }));
      });
    });
    req.setTimeout(opts.idleTimeoutMs ?? 30_000, () => {
      const e = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
      req.destroy(e);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const grew = fs.existsSync(part) && fs.statSync(part).size > have;
      finish(() => reject(new DownloadError(grew ? 'interrupted' : 'network', url, networkReason(e, target.host))));
    });
  });
}
