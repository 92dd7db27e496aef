/**
 * `bloombench serve`: the app's UI for a browser, over the same core.
 */
import { Workstation } from '../core/workstation';
import { startServer } from '../server/server';
import { openStore } from '../store/db';
import path from 'node:path';

/** Starts the server and keeps running until interrupted; returns the exit code. */
export async function serveCommand(opts: { home: string; host: string; port: number }): Promise<number> {
  const store = openStore(opts.home);
  const ws = new Workstation(store);
  ws.prewarm();
  const server = await startServer({ workstation: ws, host: opts.host, port: opts.port, cacheDir: path.join(store.cacheDir, 'thumbnails') });
  process.stdout.write(`Bloombench is serving ${opts.home}\n\n    ${server.url}\n\nOpen that URL in a browser (the token in it is required). Ctrl-C stops.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('Stopping…\n');
  await server.close();
  await ws.close();
  return 0;
}
