/**
 * What every CLI command shares: the usage error, stdout lines, opening the home folder's
 * workstation, and finding a dataset by id, name or folder — all through the `Workstation`.
 */
import path from 'node:path';
import { Workstation } from '../core/workstation';
import { defaultHome, openStore } from '../store/db';

/** An error whose message is meant for the user as it is (no stack). */
export class UsageError extends Error {}

/** Why a command is asked to stop: a signal, or the reader of its output went away. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'EPIPE';

/** The exit code of a command stopped for `why` (128 + the signal's number, as shells do). */
export function exitCodeFor(why: StopReason): number {
  return { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, EPIPE: 141 }[why];
}

const closedStreams = new Set<NodeJS.WriteStream>();
const stopListeners = new Set<(why: StopReason) => void>();

/** True once the reader of stdout went away (a closed pipe): nothing more is written there. */
export function stdoutClosed(): boolean {
  return closedStreams.has(process.stdout);
}

/**
 * Keeps a closed pipe on stdout or stderr (`bloombench … | head`) from crashing the process
 * with an unhandled EPIPE: the stream is marked closed and the commands that follow a run are
 * told to stop, as for SIGHUP. Installed once, by `run()`.
 */
export function guardOutputStreams(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (closedStreams.has(stream)) return;
      closedStreams.add(stream);
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || e.code === 'EIO') for (const l of [...stopListeners]) l('EPIPE');
    });
  }
}

/**
 * Calls `onStop` when the command is asked to stop: Ctrl-C (SIGINT), SIGTERM, a closed
 * terminal (SIGHUP) or a closed output pipe. Returns the function that stops listening.
 */
export function onStopRequest(onStop: (why: StopReason) => void): () => void {
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => {
    const h = (): void => onStop(sig);
    process.on(sig, h);
    return [sig, h] as const;
  });
  stopListeners.add(onStop);
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
    stopListeners.delete(onStop);
  };
}

/**
 * Like `onStopRequest` for a command that follows training: the first request calls `onFirst`
 * (cancel or pause, keeping the checkpoints), a second one leaves at once — the next start
 * sees that this process is gone and calls its run interrupted.
 */
export function onStopFollowing(onFirst: (why: StopReason) => void): () => void {
  let asked = false;
  return onStopRequest((why) => {
    if (asked) {
      err('\nStopping now.\n');
      void exitWhenFlushed(exitCodeFor(why));
      return;
    }
    asked = true;
    onFirst(why);
  });
}

/** How a stop message starts: nothing for Ctrl-C, else what asked ("Got SIGTERM: "). */
export function stopCause(why: StopReason): string {
  if (why === 'SIGINT') return '';
  return why === 'EPIPE' ? 'The output pipe closed: ' : `Got ${why}: `;
}

/** Writes to stderr unless its reader is gone. */
export function err(s: string): void {
  if (!closedStreams.has(process.stderr)) process.stderr.write(s);
}

/** Writes one line to stdout (unless its reader is gone). */
export function out(s: string): void {
  if (!closedStreams.has(process.stdout)) process.stdout.write(`${s}\n`);
}

/** Resolves once everything written to `stream` so far has been handed to the OS (or it closed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (closedStreams.has(stream) || stream.destroyed || !stream.writable) return resolve();
    // The callback of an empty write runs after every earlier write has been flushed.
    stream.write('', () => resolve());
  });
}

/**
 * Exits with `code` once stdout and stderr are drained: a process that exits with output
 * still buffered loses its tail when the reader is a pipe (everything past 64 KiB).
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** The workstation of `--home` (or the default home); `recover` marks dead runs interrupted. */
export function openWorkstation(home: string | undefined, opts: { readonly recover?: boolean } = {}): Workstation {
  // A command is short: the integrity check skips the long metric tables (serve checks all).
  return new Workstation(openStore(home ? path.resolve(home) : defaultHome(), { check: 'tables' }), { recover: opts.recover ?? false });
}

/** Runs `fn` with the home's workstation and closes it afterwards. */
export async function withWorkstation<T>(home: string | undefined, fn: (ws: Workstation) => Promise<T>, opts: { readonly recover?: boolean } = {}): Promise<T> {
  const ws = openWorkstation(home, opts);
  try {
    return await fn(ws);
  } finally {
    await ws.close();
  }
}

/** A run id argument, or a usage error that says what was expected. */
export function runIdArg(arg: string | undefined): number {
  const n = Number(arg);
  if (!arg || !Number.isInteger(n) || n <= 0) throw new UsageError(`Expected a run id (a positive whole number), got "${arg ?? ''}". 'bloombench runs' lists them.`);
  return n;
}

/** Finds a dataset by id or name, or imports a folder (reusing an earlier import of it). */
export async function datasetFor(ws: Workstation, ref: string, json: boolean): Promise<number> {
  const { dataset, imported } = await ws.resolveDataset(ref);
  if (imported && !json) process.stderr.write(`Imported ${imported.total} images in ${imported.classes.length} classes as dataset ${imported.datasetId} "${imported.name}".\n`);
  return dataset.id;
}
