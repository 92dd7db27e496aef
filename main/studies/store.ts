/**
 * Studies in the run store: the `studies` and `study_runs` tables (migration 2). The queries
 * over runs, metrics, evaluations and predictions that the study views need live with the
 * run tables (main/store/run-queries.ts).
 *
 * Statements are prepared once.
 */
import type Database from 'better-sqlite3';
import type { TrainConfig } from '../../shared/config';
import { readStoredAugment, readStoredConfig } from '../../shared/contract/config';
import type { StudyAxis } from '../../shared/contract/studies';
import type { RunStatus } from '../../shared/types';
import type { Store } from '../store/db';
import { prepareAll } from '../store/sql';
import type { LinkedRun } from './plan';

/** A `studies` row, parsed. */
export interface StudyRecord {
  readonly id: number;
  readonly name: string;
  readonly datasetId: number;
  readonly datasetName: string;
  readonly base: TrainConfig;
  readonly axes: readonly StudyAxis[];
  readonly repeats: number;
  /** The user wants it running (cleared by pause, and when nothing is left to run). */
  readonly active: boolean;
  readonly error: string | null;
  readonly notes: string;
  readonly createdMs: number;
  readonly updatedMs: number;
}

interface StudyRow {
  id: number;
  name: string;
  dataset_id: number;
  dataset_name: string;
  base_json: string;
  axes_json: string;
  repeats: number;
  active: number;
  error: string | null;
  notes: string;
  created_ms: number;
  updated_ms: number;
}

function toRecord(r: StudyRow): StudyRecord {
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    base: readStoredConfig(r.base_json),
    axes: readStoredAxes(r.axes_json),
    repeats: r.repeats,
    active: r.active === 1,
    error: r.error,
    notes: r.notes,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  };
}

/** A study's stored axes, with today's names for augmentations stored before they had them. */
function readStoredAxes(json: string): StudyAxis[] {
  return (JSON.parse(json) as StudyAxis[]).map((a) => (a.key === 'augment' ? { key: 'augment', values: a.values.map((v) => readStoredAugment(v)) } : a));
}

const STUDY_SELECT = `SELECT s.*, d.name AS dataset_name FROM studies s JOIN datasets d ON d.id = s.dataset_id`;

/** Typed access to the study tables of one store. */
export class StudyStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(store: Store) {
    this.db = store.db;
    this.stmts = prepareAll(this.db, {
      insert: `INSERT INTO studies (name, dataset_id, base_json, axes_json, repeats, notes, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      rename: `UPDATE studies SET name = ?, updated_ms = ? WHERE id = ?`,
      notes: `UPDATE studies SET notes = ?, updated_ms = ? WHERE id = ?`,
      get: `${STUDY_SELECT} WHERE s.id = ? AND s.deleted = 0`,
      byName: `${STUDY_SELECT} WHERE s.deleted = 0 AND (s.name = ? OR lower(s.name) = lower(?)) ORDER BY s.name = ? DESC, s.id`,
      list: `${STUDY_SELECT} WHERE s.deleted = 0 ORDER BY s.id DESC`,
      activeIds: `SELECT id FROM studies WHERE deleted = 0 AND active = 1 ORDER BY id`,
      setActive: `UPDATE studies SET active = ?, error = ?, updated_ms = ? WHERE id = ?`,
      setPlan: `UPDATE studies SET axes_json = ?, repeats = ?, updated_ms = ? WHERE id = ?`,
      softDelete: `UPDATE studies SET deleted = 1, active = 0, name = name || ' (deleted ' || id || ')', updated_ms = ? WHERE id = ?`,
      link: `INSERT INTO study_runs (study_id, run_id, created_ms) VALUES (?, ?, ?)`,
      studyOfRun: `SELECT study_id FROM study_runs WHERE run_id = ?`,
      linkedRuns: `SELECT r.id, r.status, r.config_json FROM study_runs l JOIN runs r ON r.id = l.run_id WHERE l.study_id = ? AND r.deleted = 0 ORDER BY r.id`,
    });
  }

  /** Creates a study and returns its id (named `study-<id>` when no name is given; names are never empty). */
  create(spec: { name?: string; datasetId: number; base: TrainConfig; axes: readonly StudyAxis[]; repeats: number; notes: string }): number {
    return this.db.transaction(() => {
      const now = Date.now();
      const id = Number(
        this.stmts.insert.run(spec.name ?? '', spec.datasetId, JSON.stringify(spec.base), JSON.stringify(spec.axes), spec.repeats, spec.notes, now, now)
          .lastInsertRowid,
      );
      if (!spec.name) this.stmts.rename.run(`study-${id}`, now, id);
      return id;
    })();
  }

  get(id: number): StudyRecord | null {
    const row = this.stmts.get.get(id) as StudyRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** A study by exact name, else the one whose name matches ignoring case. */
  byName(name: string): StudyRecord | null {
    const rows = this.stmts.byName.all(name, name, name) as StudyRow[];
    const exact = rows.find((r) => r.name === name);
    if (exact) return toRecord(exact);
    return rows.length === 1 ? toRecord(rows[0]) : null;
  }

  list(): StudyRecord[] {
    return (this.stmts.list.all() as StudyRow[]).map(toRecord);
  }

  activeIds(): number[] {
    return (this.stmts.activeIds.all() as { id: number }[]).map((r) => r.id);
  }

  setActive(id: number, active: boolean, error: string | null = null): void {
    this.stmts.setActive.run(active ? 1 : 0, error, Date.now(), id);
  }

  setPlan(id: number, axes: readonly StudyAxis[], repeats: number): void {
    this.stmts.setPlan.run(JSON.stringify(axes), repeats, Date.now(), id);
  }

  rename(id: number, name: string): void {
    this.stmts.rename.run(name, Date.now(), id);
  }

  setNotes(id: number, notes: string): void {
    this.stmts.notes.run(notes, Date.now(), id);
  }

  /** Soft delete; the name is freed for a new study. */
  delete(id: number): void {
    this.stmts.softDelete.run(Date.now(), id);
  }

  link(studyId: number, runId: number): void {
    this.stmts.link.run(studyId, runId, Date.now());
  }

  /** Runs in a transaction (for creating a run and linking it together). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  studyOfRun(runId: number): number | null {
    const r = this.stmts.studyOfRun.get(runId) as { study_id: number } | undefined;
    return r ? r.study_id : null;
  }

  /** The study's runs that were not deleted. */
  linkedRuns(studyId: number): LinkedRun[] {
    return (this.stmts.linkedRuns.all(studyId) as { id: number; status: RunStatus; config_json: string }[]).map((r) => ({
      id: r.id,
      status: r.status,
      config: readStoredConfig(r.config_json),
    }));
  }
}
