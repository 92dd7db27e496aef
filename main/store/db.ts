/**
 * Opens the run store: the SQLite file and the folders beside it.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/** Opens (creating and migrating as needed) the store under `home`; `:memory:` for tests. */
export function openStore(home: string = defaultHome(), opts: { memory?: boolean } = {}): Store {
  fs.mkdirSync(home, { recursive: true });
  const file = opts.memory ? ':memory:' : path.join(home, 'bloombench.db');
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (e) {
    throw new Error(`Could not open the run database ${file}: ${(e as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const cacheDir = path.join(home, 'cache');
  const runsDir = path.join(home, 'runs');
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.mkdirSync(runsDir, { recursive: true });
  return { db, home, cacheDir, runsDir, close: () => db.close() };
}
