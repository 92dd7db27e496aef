/**
 * Opens the run store: the SQLite file and the folders beside it.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDiskFullError, UserError } from '../../shared/contract/errors';
import { migrate } from './migrations';

/** The folder the CLI and the app share when no `--home` is given: the platform's app-data. */
export function defaultHome(): string {
  if (process.env.BLOOMBENCH_HOME) return path.resolve(process.env.BLOOMBENCH_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Bloombench');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Bloombench');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Bloombench');
  }
}

export interface Store {
  readonly db: Database.Database;
  /** The home folder: database, caches, checkpoints. */
  readonly home: string;
  readonly cacheDir: string;
  readonly runsDir: string;
  close(): void;
}

/** The database file's name in a home folder. */
export const DATABASE_FILE = 'bloombench.db';

/** What to do with a damaged database, said in every message about one. */
function recoveryHint(file: string): string {
  return `Nothing was changed. Keep a copy of the file; then restore ${path.basename(file)} from a backup, or salvage it with \`sqlite3 ${file} .recover | sqlite3 recovered.db\` and put recovered.db in its place.`;
}

/** What a command that met a damaged database (SQLITE_CORRUPT while reading) says. */
export function damagedDatabaseMessage(home: string, detail: string): string {
  const file = path.join(home, DATABASE_FILE);
  return `The run database ${file} is damaged (SQLite: ${detail}). ${recoveryHint(file)}`;
}

/** The entries of the runs folder (the run folders an earlier database knew), or none. */
function runFolders(runsDir: string): string[] {
  try {
    return fs.readdirSync(runsDir).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}

/**
 * Refuses to start a new store beside the folders of runs an earlier database knew: a
 * database that is missing or empty (0 bytes, or no schema) while runs/ holds run folders is
 * a lost database, not a fresh home, and a new run 1 would have written into runs/1.
 */
function refuseLostDatabase(file: string, runsDir: string, state: 'missing' | 'empty' | 'no schema'): void {
  const found = runFolders(runsDir);
  if (!found.length) return;
  const what = state === 'missing' ? 'is missing' : state === 'empty' ? 'is empty (0 bytes)' : 'holds no Bloombench tables';
  throw new UserError(
    'conflict',
    `The run database ${file} ${what}, but ${runsDir} holds the folders of ${found.length} earlier run(s) (${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}): ` +
      `it looks lost, not new, so Bloombench will not start a fresh one beside them. Put back a backup of ${path.basename(file)}; ` +
      `or, to start afresh and keep the old checkpoints, move ${runsDir} aside (for example to ${runsDir}.old) and run the command again.`,
  );
}

/**
 * The long tables, which a `tables` check skips: on a 97 MiB store (200 runs, 2.4 M metric
 * rows) they are 1.07 s of a full `quick_check`, the other tables about 1 ms
 * (`npx tsx bench/store-open.ts`).
 */
const LONG_TABLES: ReadonlySet<string> = new Set(['metrics', 'predictions']);

/** How much of the database `openStore` checks: everything, or every table but the long ones. */
export type IntegrityCheck = 'full' | 'tables';

/** Runs SQLite's `quick_check` (whole file, or table by table); returns the problems found. */
function integrityProblems(db: Database.Database, check: IntegrityCheck): string[] {
  const problems = (rows: unknown): string[] =>
    (rows as { quick_check: string }[]).map((r) => r.quick_check).filter((m) => m !== 'ok');
  if (check === 'full') return problems(db.pragma('quick_check'));
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]).map((t) => t.name);
  return tables.filter((t) => !LONG_TABLES.has(t)).flatMap((t) => problems(db.pragma(`quick_check("${t.replace(/"/g, '""')}")`)));
}

/** True when the file system holding `dir` has (almost) no room left. */
function diskFullAt(dir: string): boolean {
  try {
    const s = fs.statfsSync(dir);
    // Less than one SQLite shared-memory region (32 KiB) free.
    return s.bavail * s.bsize < 32 * 1024;
  } catch {
    return false;
  }
}

function configure(db: Database.Database, exclusive: boolean): void {
  // On a full disk the shared-memory file of WAL mode cannot be created; in exclusive locking
  // mode SQLite keeps it in memory (https://www.sqlite.org/wal.html#noshm), so the store still
  // opens and a delete can free room. Other processes wait while this one has it open.
  if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/**
 * Opens (creating and migrating as needed) the store under `home`; `:memory:` for tests.
 *
 * Refuses, with the file's path and what to do: a database that is missing or empty beside
 * existing run folders, a file that is not a database, and a damaged one (SQLite's
 * `quick_check` at every open: of the whole file by default, as the app and the server do
 * once at start; `check: 'tables'` skips the long metric tables, for short CLI commands).
 * On a full disk it opens in exclusive locking mode.
 */
export function openStore(home: string = defaultHome(), opts: { memory?: boolean; check?: IntegrityCheck } = {}): Store {
  fs.mkdirSync(home, { recursive: true });
  const file = opts.memory ? ':memory:' : path.join(home, DATABASE_FILE);
  const cacheDir = path.join(home, 'cache');
  const runsDir = path.join(home, 'runs');
  if (!opts.memory) {
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    const walSize = fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (size === undefined && walSize === 0) refuseLostDatabase(file, runsDir, 'missing');
    else if (size === 0 && walSize === 0) refuseLostDatabase(file, runsDir, 'empty');
  }
  const open = (exclusive: boolean): Database.Database => {
    let db: Database.Database;
    try {
      db = new Database(file);
    } catch (e) {
      throw new Error(`Could not open the run database ${file}: ${(e as Error).message}`);
    }
    try {
      configure(db, exclusive);
      if (!opts.memory) {
        const problems = integrityProblems(db, opts.check ?? 'full');
        if (problems.length) {
          throw new UserError('invalid', `The run database ${file} is damaged (SQLite's integrity check: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}). ${recoveryHint(file)}`);
        }
        if ((db.pragma('user_version', { simple: true }) as number) === 0 && !db.prepare(`SELECT 1 FROM sqlite_master LIMIT 1`).get()) {
          refuseLostDatabase(file, runsDir, 'no schema');
        }
      }
      migrate(db);
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  };
  let db: Database.Database;
  try {
    try {
      db = open(false);
    } catch (e) {
      const code = String((e as { code?: unknown }).code ?? '');
      if (opts.memory || !(code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') || !diskFullAt(home)) throw e;
      db = open(true);
    }
  } catch (e) {
    if (e instanceof UserError || !(e instanceof Error)) throw e;
    const code = String((e as { code?: unknown }).code ?? '');
    if (code === 'SQLITE_NOTADB') throw new UserError('invalid', `${file} is not a Bloombench run database (SQLite: ${e.message}). ${recoveryHint(file)}`);
    if (code.startsWith('SQLITE_CORRUPT')) throw new UserError('invalid', damagedDatabaseMessage(home, e.message));
    if (isDiskFullError(e) || (code.startsWith('SQLITE_IOERR') && diskFullAt(home))) {
      throw new UserError('disk-full', `The disk is full: could not open the run database ${file}. Free some space in ${home} and try again.`);
    }
    if (code.startsWith('SQLITE_')) throw new Error(`Could not open the run database ${file}: ${e.message}`);
    throw e;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.mkdirSync(runsDir, { recursive: true });
  return { db, home, cacheDir, runsDir, close: () => db.close() };
}
