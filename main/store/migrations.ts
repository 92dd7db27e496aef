/**
 * Schema migrations: an append-only list, the current version kept in `PRAGMA user_version`.
 *
 * Never edit a migration that has shipped; add a new one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(`
        CREATE TABLE datasets (
          id            INTEGER PRIMARY KEY,
          name          TEXT NOT NULL UNIQUE,
          root          TEXT NOT NULL,
          created_ms    INTEGER NOT NULL,
          classes_json  TEXT NOT NULL,
          split_seed    INTEGER NOT NULL,
          val_fraction  REAL NOT NULL,
          test_fraction REAL NOT NULL,
          presplit      INTEGER NOT NULL DEFAULT 0,
          report_json   TEXT NOT NULL,
          deleted       INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE images (
          id           INTEGER PRIMARY KEY,
          dataset_id   INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
          path         TEXT NOT NULL,
          class_index  INTEGER NOT NULL,
          split        TEXT CHECK (split IN ('train', 'val', 'test')),
          sha256       TEXT,
          width        INTEGER,
          height       INTEGER,
          bytes        INTEGER NOT NULL,
          mtime_ms     INTEGER NOT NULL,
          status       TEXT NOT NULL CHECK (status IN ('ok', 'rejected')),
          reason       TEXT,
          UNIQUE (dataset_id, path)
        );
        CREATE INDEX images_by_dataset ON images (dataset_id, status, split);
        CREATE INDEX images_by_hash ON images (dataset_id, sha256);

        CREATE TABLE runs (
          id               INTEGER PRIMARY KEY,
          name             TEXT NOT NULL,
          dataset_id       INTEGER NOT NULL REFERENCES datasets(id),
          arch             TEXT NOT NULL,
          status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
          config_json      TEXT NOT NULL,
          seed             INTEGER NOT NULL,
          backend          TEXT,
          backend_json     TEXT,
          trainable_params INTEGER,
          total_params     INTEGER,
          macs             INTEGER,
          created_ms       INTEGER NOT NULL,
          started_ms       INTEGER,
          ended_ms         INTEGER,
          error            TEXT,
          notes            TEXT NOT NULL DEFAULT '',
          tags_json        TEXT NOT NULL DEFAULT '[]',
          diagnostics_json TEXT NOT NULL DEFAULT '[]',
          best_epoch       INTEGER,
          deleted          INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX runs_by_status ON runs (deleted, status);

        -- The per-run numbers the runs table lists, kept up to date as epochs end.
        CREATE TABLE run_summary (
          run_id            INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          epochs_done       INTEGER NOT NULL DEFAULT 0,
          best_val_accuracy REAL,
          test_accuracy     REAL,
          last_train_loss   REAL,
          images_per_second REAL
        );

        -- A long table: a new metric is a row, not a column (as MLflow does).
        CREATE TABLE metrics (
          run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key     TEXT NOT NULL,
          step    INTEGER NOT NULL,
          epoch   INTEGER NOT NULL,
          value   REAL,
          time_ms INTEGER NOT NULL,
          PRIMARY KEY (run_id, key, step)
        ) WITHOUT ROWID;

        CREATE TABLE evaluations (
          run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          split          TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
          epoch          INTEGER NOT NULL,
          accuracy       REAL NOT NULL,
          loss           REAL NOT NULL,
          classes_json   TEXT NOT NULL,
          confusion_json TEXT NOT NULL,
          per_class_json TEXT NOT NULL,
          created_ms     INTEGER NOT NULL,
          PRIMARY KEY (run_id, split)
        );

        CREATE TABLE predictions (
          run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          image_id        INTEGER NOT NULL REFERENCES images(id),
          true_index      INTEGER NOT NULL,
          predicted_index INTEGER NOT NULL,
          confidence      REAL NOT NULL,
          probs_json      TEXT NOT NULL,
          PRIMARY KEY (run_id, image_id)
        ) WITHOUT ROWID;

        CREATE TABLE checkpoints (
          run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          which        TEXT NOT NULL CHECK (which IN ('last', 'best')),
          epoch        INTEGER NOT NULL,
          dir          TEXT NOT NULL,
          created_ms   INTEGER NOT NULL,
          PRIMARY KEY (run_id, which)
        );
      `);
    },
  },
  // Studies (main/studies/): a named grid of runs on one dataset, and which runs belong to it.
  {
    version: 2,
    up: (db) => {
      db.exec(`
        CREATE TABLE studies (
          id          INTEGER PRIMARY KEY,
          name        TEXT NOT NULL UNIQUE,
          dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
          base_json   TEXT NOT NULL,
          axes_json   TEXT NOT NULL,
          repeats     INTEGER NOT NULL DEFAULT 1 CHECK (repeats >= 1),
          active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
          error       TEXT,
          notes       TEXT NOT NULL DEFAULT '',
          created_ms  INTEGER NOT NULL,
          updated_ms  INTEGER NOT NULL,
          deleted     INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE study_runs (
          study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
          run_id      INTEGER NOT NULL UNIQUE REFERENCES runs(id) ON DELETE CASCADE,
          created_ms  INTEGER NOT NULL,
          PRIMARY KEY (study_id, run_id)
        ) WITHOUT ROWID;
      `);
    },
  },
  // Studies on Slurm (main/slurm/): each `sbatch --array` submission of a study, each cell's
  // task (one per run and attempt, with its bundle folder and how much of it was imported), and
  // the sbatch settings remembered per study.
  {
    version: 3,
    up: (db) => {
      db.exec(`
        CREATE TABLE slurm_submissions (
          id             INTEGER PRIMARY KEY,
          study_id       INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
          array_job_id   TEXT NOT NULL,
          script         TEXT NOT NULL,
          settings_json  TEXT NOT NULL,
          warnings_json  TEXT NOT NULL DEFAULT '[]',
          submitted_ms   INTEGER NOT NULL
        );
        CREATE TABLE slurm_tasks (
          run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          attempt          INTEGER NOT NULL CHECK (attempt >= 1),
          submission_id    INTEGER NOT NULL REFERENCES slurm_submissions(id) ON DELETE CASCADE,
          array_index      INTEGER NOT NULL,
          cell_index       INTEGER NOT NULL,
          resume_epoch     INTEGER,
          bundle_dir       TEXT NOT NULL,
          state            TEXT NOT NULL CHECK (state IN ('queued', 'held', 'running', 'collecting', 'done', 'failed', 'cancelled')),
          node             TEXT,
          reason           TEXT,
          epochs_done      INTEGER NOT NULL DEFAULT 0,
          events_offset    INTEGER NOT NULL DEFAULT 0,
          cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
          checked_ms       INTEGER NOT NULL,
          collected_ms     INTEGER,
          PRIMARY KEY (run_id, attempt)
        ) WITHOUT ROWID;
        CREATE INDEX slurm_tasks_open ON slurm_tasks (collected_ms, submission_id);
        CREATE TABLE slurm_settings (
          study_id       INTEGER PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
          settings_json  TEXT NOT NULL,
          held           INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
          updated_ms     INTEGER NOT NULL
        );
      `);
    },
  },
  // Fine-tuning: the weights a run started from (source, title, file, SHA-256), null from scratch.
  {
    version: 4,
    up: (db) => {
      db.exec(`ALTER TABLE runs ADD COLUMN weights_json TEXT;`);
    },
  },
  // Run ownership (main/store/owner.ts): which process queued or trains a run (and its worker
  // process), so that a start of another process neither calls it interrupted nor trains it a
  // second time, and stops a worker its dead owner left behind. And each run's own folder under
  // runs/, so that a new run never writes into a folder that already exists.
  {
    version: 5,
    up: (db) => {
      db.exec(`
        ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
        ALTER TABLE runs ADD COLUMN owner_started TEXT;
        ALTER TABLE runs ADD COLUMN owner_host TEXT;
        ALTER TABLE runs ADD COLUMN owner_queue TEXT;
        ALTER TABLE runs ADD COLUMN worker_pid INTEGER;
        ALTER TABLE runs ADD COLUMN worker_started TEXT;
        ALTER TABLE runs ADD COLUMN run_dir TEXT;
      `);
    },
  },
  // Label edits (main/datasets/labels.ts): relabel, exclude and restore as rows — no file is
  // moved — each batch making a dataset version (0 is the folder as imported); and the version
  // each run trained on.
  {
    version: 6,
    up: (db) => {
      db.exec(`
        CREATE TABLE label_edits (
          id          INTEGER PRIMARY KEY,
          dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
          version     INTEGER NOT NULL CHECK (version >= 1),
          image_id    INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
          action      TEXT NOT NULL CHECK (action IN ('relabel', 'exclude', 'restore')),
          class_index INTEGER,
          created_ms  INTEGER NOT NULL
        );
        CREATE INDEX label_edits_by_dataset ON label_edits (dataset_id, version);
        ALTER TABLE runs ADD COLUMN dataset_version INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
];

/** Brings a database up to the newest schema, one transaction per step. Returns the version. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > newest) {
    throw new Error(`The run database is from a newer Bloombench (schema ${current}, this version knows ${newest}). Update Bloombench; the file was left untouched.`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
