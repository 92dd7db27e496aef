/**
 * Makes better-sqlite3 load in Electron without the user rebuilding anything by hand.
 *
 * `npm install` leaves node_modules/better-sqlite3 built for Node (the CLI, the server and the
 * tests use it). The install step in electron-abi.mjs adds a second copy of the native addon,
 * built for this Electron's ABI, under node_modules/.cache/bloombench-electron/ (and
 * electron-builder ships it as resources/native/). Before anything opens the store, the
 * Electron main process points better-sqlite3's loader (the `bindings` package) at that copy.
 * This module must be imported before any module that imports better-sqlite3.
 */
import { app } from 'electron';
import fs from 'node:fs';
import path from 'node:path';

/** File name of the Electron build of the addon, for this Electron, platform and CPU. */
export function electronAddonName(electronVersion: string = process.versions.electron ?? 'unknown'): string {
  return `better_sqlite3-electron-v${electronVersion}-${process.platform}-${process.arch}.node`;
}

/** Where the Electron build is looked for, in order. */
export function electronAddonCandidates(): string[] {
  const name = electronAddonName();
  const out: string[] = [];
  if (app.isPackaged) out.push(path.join(process.resourcesPath, 'native', name));
  out.push(path.resolve(__dirname, '../../../node_modules/.cache/bloombench-electron', name));
  out.push(path.resolve(process.cwd(), 'node_modules/.cache/bloombench-electron', name));
  return out;
}

/** What happened, for the error dialog if the store then fails to open. */
export let sqliteBindingNote = '';

/**
 * Points `require('bindings')('better_sqlite3.node')` at the Electron build when there is one.
 *
 * When there is none, better-sqlite3 loads its own build, which works only if someone rebuilt
 * it for Electron (e.g. with @electron/rebuild); otherwise opening the store fails with a
 * NODE_MODULE_VERSION error, which main.ts explains.
 */
export function useElectronSqlite(): void {
  const file = electronAddonCandidates().find((f) => fs.existsSync(f));
  if (!file) {
    sqliteBindingNote = `No Electron build of better-sqlite3 was found (looked for ${electronAddonName()}); using node_modules/better-sqlite3 as it is.`;
    return;
  }
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const bindingsPath = require.resolve('bindings', { paths: [sqliteDir] });
  const original = require(bindingsPath) as (opts: unknown) => unknown;
  const addon: unknown = require(file);
  const patched = (opts: unknown): unknown => {
    const name = typeof opts === 'string' ? opts : (opts as { bindings?: string } | null)?.bindings;
    return name === 'better_sqlite3.node' || name === 'better_sqlite3' ? addon : original(opts);
  };
  const cached = require.cache[bindingsPath];
  if (cached) cached.exports = patched;
  sqliteBindingNote = `better-sqlite3 loaded from ${file}`;
}

useElectronSqlite();
