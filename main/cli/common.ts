/**
 * What every CLI command shares: the usage error, stdout lines, opening the home folder's
 * workstation, and finding a dataset by id, name or folder — all through the `Workstation`.
 */
import path from 'node:path';
import { Workstation } from '../core/workstation';
import { defaultHome, openStore } from '../store/db';

/** An error whose message is meant for the user as it is (no stack). */
export class UsageError extends Error {}

/** Writes one line to stdout. */
export function out(s: string): void {
  process.stdout.write(`${s}\n`);
}

/** The workstation of `--home` (or the default home); `recover` marks dead runs interrupted. */
export function openWorkstation(home: string | undefined, opts: { readonly recover?: boolean } = {}): Workstation {
  return new Workstation(openStore(home ? path.resolve(home) : defaultHome()), { recover: opts.recover ?? false });
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
