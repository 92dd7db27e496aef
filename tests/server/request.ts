/**
 * Raw HTTP requests for the server tests: the path and headers go on the wire exactly as given.
 */
import http from 'node:http';

/** An answer: status, headers and the body as text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Sends one request to 127.0.0.1:`port`. */
export function rawRequest(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Calls one API verb with the token (and any extra headers). */
export function callVerb(port: number, token: string, verb: string, args: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(port, {
    method: 'POST',
    path: `/api/${verb}`,
    headers: { 'content-type': 'application/json', 'x-bloombench-token': token, ...headers },
    body: JSON.stringify({ args }),
  });
}
