/**
 * `bloombench serve`: the app's UI for a browser, over the same core.
 */
import { Workstation } from '../core/workstation';
import { isLoopback, startServer } from '../server/server';
import { openStore } from '../store/db';
import path from 'node:path';

/** Options of `bloombench serve`. */
export interface ServeOptions {
  readonly home: string;
  readonly host: string;
  readonly port: number;
  /** `--allow-import` folders; the user's home folder when empty. */
  readonly allowImport?: readonly string[];
}

/** What a bind to a non-loopback address exposes, said before the URL. */
export function exposureWarning(host: string, importRoots: readonly string[]): string {
  return [
    `Warning: --host ${host} makes this server reachable from other machines, and the Host-header check (against DNS rebinding) is off.`,
    'Anyone who can reach this port and has the URL below (its token is the only key) can:',
    "  - see every imported dataset's images and the runs' results,",
    '  - start, cancel, resume and delete training runs and studies on this machine,',
    `  - import folders under ${importRoots.join(', ')}.`,
    'The token travels in the URL over plain HTTP: share it only on a network you trust, or keep the default',
    '127.0.0.1 and reach it through an SSH tunnel (ssh -L PORT:127.0.0.1:PORT this-host).',
    '',
  ].join('\n');
}

/** Starts the server and keeps running until interrupted; returns the exit code. */
export async function serveCommand(opts: ServeOptions): Promise<number> {
  // Listening before anything is printed: whoever reads the URL may stop the server at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
  });
  const store = openStore(opts.home);
  const ws = new Workstation(store);
  ws.prewarm();
  const server = await startServer({
    workstation: ws,
    host: opts.host,
    port: opts.port,
    cacheDir: path.join(store.cacheDir, 'thumbnails'),
    allowImport: opts.allowImport?.map((d) => path.resolve(d)),
  });
  if (!isLoopback(opts.host)) process.stderr.write(exposureWarning(opts.host, server.importRoots));
  process.stdout.write(
    `Bloombench is serving ${opts.home}\n\n    ${server.url}\n\nOpen that URL in a browser (the token in it is required). The browser may import folders under ${server.importRoots.join(', ')}. Ctrl-C stops.\n`,
  );
  await stopped;
  process.stdout.write('Stopping…\n');
  await server.close();
  await ws.close();
  return 0;
}
