/**
 * Studies on Slurm in the run store: the `slurm_submissions`, `slurm_tasks` and `slurm_settings`
 * tables (migration 3). A task row is one run's attempt on the cluster: which array job and
 * index, its bundle folder, where the scheduler last said it was, and how much of its events
 * file the core has imported.
 *
 * Statements are prepared once.
 */
import type Database from 'better-sqlite3';
import type { SlurmCellStatus, SlurmSettings, SlurmSubmission, SlurmTaskState } from '../../shared/contract/slurm';
import type { Store } from '../store/db';
import { prepareAll } from '../store/sql';

/** A `slurm_tasks` row, parsed. */
export interface SlurmTaskRecord {
  readonly runId: number;
  readonly attempt: number;
  readonly submissionId: number;
  readonly studyId: number;
  readonly arrayJobId: string;
  readonly arrayIndex: number;
  readonly cellIndex: number;
  readonly resumeEpoch: number | null;
  readonly bundleDir: string;
  readonly state: SlurmTaskState;
  readonly node: string | null;
  readonly reason: string | null;
  readonly epochsDone: number;
  readonly eventsOffset: number;
  readonly cancelRequested: boolean;
  readonly checkedMs: number;
  readonly collectedMs: number | null;
}

interface TaskRow {
  run_id: number;
  attempt: number;
  submission_id: number;
  study_id: number;
  array_job_id: string;
  array_index: number;
  cell_index: number;
  resume_epoch: number | null;
  bundle_dir: string;
  state: SlurmTaskState;
  node: string | null;
  reason: string | null;
  epochs_done: number;
  events_offset: number;
  cancel_requested: number;
  checked_ms: number;
  collected_ms: number | null;
}

function toTask(r: TaskRow): SlurmTaskRecord {
  return {
    runId: r.run_id,
    attempt: r.attempt,
    submissionId: r.submission_id,
    studyId: r.study_id,
    arrayJobId: r.array_job_id,
    arrayIndex: r.array_index,
    cellIndex: r.cell_index,
    resumeEpoch: r.resume_epoch,
    bundleDir: r.bundle_dir,
    state: r.state,
    node: r.node,
    reason: r.reason,
    epochsDone: r.epochs_done,
    eventsOffset: r.events_offset,
    cancelRequested: r.cancel_requested === 1,
    checkedMs: r.checked_ms,
    collectedMs: r.collected_ms,
  };
}

/** The cell status views show, from a task row. */
export function cellStatusOf(t: SlurmTaskRecord): SlurmCellStatus {
  return {
    jobId: `${t.arrayJobId}_${t.arrayIndex}`,
    arrayJobId: t.arrayJobId,
    arrayIndex: t.arrayIndex,
    attempt: t.attempt,
    state: t.state,
    node: t.node,
    reason: t.reason,
    epochsDone: t.epochsDone,
    bundleDir: t.bundleDir,
    checkedMs: t.checkedMs,
  };
}

const TASK_SELECT = `SELECT t.*, s.study_id, s.array_job_id FROM slurm_tasks t JOIN slurm_submissions s ON s.id = t.submission_id`;

/** Typed access to the Slurm tables of one store. */
export class SlurmStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(store: Store) {
    this.db = store.db;
    this.stmts = prepareAll(this.db, {
      insertSubmission: `INSERT INTO slurm_submissions (study_id, array_job_id, script, settings_json, warnings_json, submitted_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      setSubmitted: `UPDATE slurm_submissions SET array_job_id = ?, warnings_json = ? WHERE id = ?`,
      deleteSubmission: `DELETE FROM slurm_submissions WHERE id = ?`,
      submissions: `SELECT * FROM slurm_submissions WHERE study_id = ? ORDER BY id`,
      insertTask: `INSERT INTO slurm_tasks (run_id, attempt, submission_id, array_index, cell_index, resume_epoch, bundle_dir, state, checked_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
      tasksOfSubmission: `${TASK_SELECT} WHERE t.submission_id = ? ORDER BY t.array_index`,
      tasksOfStudy: `${TASK_SELECT} WHERE s.study_id = ? ORDER BY t.submission_id, t.array_index`,
      openTasksOfStudy: `${TASK_SELECT} WHERE s.study_id = ? AND t.collected_ms IS NULL ORDER BY t.submission_id, t.array_index`,
      studiesWithOpenTasks: `SELECT DISTINCT s.study_id FROM slurm_tasks t JOIN slurm_submissions s ON s.id = t.submission_id JOIN studies st ON st.id = s.study_id
         WHERE t.collected_ms IS NULL AND st.deleted = 0 ORDER BY s.study_id`,
      task: `${TASK_SELECT} WHERE t.run_id = ? AND t.attempt = ?`,
      lastAttempt: `SELECT MAX(attempt) AS attempt FROM slurm_tasks WHERE run_id = ?`,
      setSeen: `UPDATE slurm_tasks SET state = ?, node = COALESCE(?, node), reason = ?, checked_ms = ? WHERE run_id = ? AND attempt = ?`,
      setProgress: `UPDATE slurm_tasks SET events_offset = ?, epochs_done = ? WHERE run_id = ? AND attempt = ?`,
      setCollected: `UPDATE slurm_tasks SET state = ?, reason = ?, node = COALESCE(?, node), collected_ms = ?, checked_ms = ? WHERE run_id = ? AND attempt = ?`,
      requestCancel: `UPDATE slurm_tasks SET cancel_requested = 1 WHERE run_id = ? AND attempt = ?`,
      getSettings: `SELECT settings_json, held FROM slurm_settings WHERE study_id = ?`,
      putSettings: `INSERT INTO slurm_settings (study_id, settings_json, held, updated_ms) VALUES (?, ?, 0, ?)
         ON CONFLICT (study_id) DO UPDATE SET settings_json = excluded.settings_json, updated_ms = excluded.updated_ms`,
      setHeld: `UPDATE slurm_settings SET held = ?, updated_ms = ? WHERE study_id = ?`,
    });
  }

  /** Runs `fn` in one write transaction, taken at once (two collectors never interleave). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Records a submission and its tasks (the array job id is set once sbatch answers: `setSubmitted`). */
  addSubmission(
    studyId: number,
    script: string,
    settings: SlurmSettings,
    warnings: readonly string[],
    tasks: readonly { runId: number; attempt: number; arrayIndex: number; cellIndex: number; resumeEpoch: number | null; bundleDir: string }[],
  ): number {
    return this.transaction(() => {
      const now = Date.now();
      const id = Number(this.stmts.insertSubmission.run(studyId, '', script, JSON.stringify(settings), JSON.stringify(warnings), now).lastInsertRowid);
      for (const t of tasks) this.stmts.insertTask.run(t.runId, t.attempt, id, t.arrayIndex, t.cellIndex, t.resumeEpoch, t.bundleDir, now);
      return id;
    });
  }

  /** sbatch answered: the array job id, and what the preflight warned about. */
  setSubmitted(submissionId: number, arrayJobId: string, warnings: readonly string[]): void {
    this.stmts.setSubmitted.run(arrayJobId, JSON.stringify(warnings), submissionId);
  }

  /** Forgets a submission sbatch refused (its tasks go with it). */
  deleteSubmission(submissionId: number): void {
    this.stmts.deleteSubmission.run(submissionId);
  }

  /** The study's submissions with their tasks, oldest first. */
  submissions(studyId: number): SlurmSubmission[] {
    const rows = this.stmts.submissions.all(studyId) as { id: number; study_id: number; array_job_id: string; script: string; settings_json: string; warnings_json: string; submitted_ms: number }[];
    return rows.map((r) => ({
      studyId: r.study_id,
      arrayJobId: r.array_job_id,
      script: r.script,
      settings: JSON.parse(r.settings_json) as SlurmSettings,
      submittedMs: r.submitted_ms,
      warnings: JSON.parse(r.warnings_json) as string[],
      tasks: (this.stmts.tasksOfSubmission.all(r.id) as TaskRow[]).map((t) => ({
        arrayIndex: t.array_index,
        runId: t.run_id,
        cellIndex: t.cell_index,
        resumeEpoch: t.resume_epoch,
        bundleDir: t.bundle_dir,
      })),
    }));
  }

  /** Every task of the study, oldest submission first. */
  tasks(studyId: number): SlurmTaskRecord[] {
    return (this.stmts.tasksOfStudy.all(studyId) as TaskRow[]).map(toTask);
  }

  /** The study's tasks not imported yet. */
  openTasks(studyId: number): SlurmTaskRecord[] {
    return (this.stmts.openTasksOfStudy.all(studyId) as TaskRow[]).map(toTask);
  }

  /** Studies with a task not imported yet. */
  studiesWithOpenTasks(): number[] {
    return (this.stmts.studiesWithOpenTasks.all() as { study_id: number }[]).map((r) => r.study_id);
  }

  task(runId: number, attempt: number): SlurmTaskRecord | null {
    const row = this.stmts.task.get(runId, attempt) as TaskRow | undefined;
    return row ? toTask(row) : null;
  }

  /** The number of the run's latest attempt, 0 if it never went to Slurm. */
  lastAttempt(runId: number): number {
    return (this.stmts.lastAttempt.get(runId) as { attempt: number | null }).attempt ?? 0;
  }

  /** The latest task of each run of the study, by run id. */
  latestByRun(studyId: number): Map<number, SlurmTaskRecord> {
    const out = new Map<number, SlurmTaskRecord>();
    for (const t of this.tasks(studyId)) {
      const seen = out.get(t.runId);
      if (!seen || seen.attempt < t.attempt) out.set(t.runId, t);
    }
    return out;
  }

  /** Where the scheduler says a task is (node and reason as it said them). */
  setSeen(t: SlurmTaskRecord, state: SlurmTaskState, node: string | null, reason: string | null): void {
    this.stmts.setSeen.run(state, node, reason, Date.now(), t.runId, t.attempt);
  }

  /** How much of the task's events file is imported. */
  setProgress(t: SlurmTaskRecord, eventsOffset: number, epochsDone: number): void {
    this.stmts.setProgress.run(eventsOffset, epochsDone, t.runId, t.attempt);
  }

  /** The task's bundle is imported: its final state and why. */
  setCollected(t: SlurmTaskRecord, state: 'done' | 'failed' | 'cancelled', reason: string | null, node: string | null): void {
    const now = Date.now();
    this.stmts.setCollected.run(state, reason, node, now, now, t.runId, t.attempt);
  }

  /** The user cancelled it: collecting it makes the run cancelled, not failed. */
  requestCancel(t: SlurmTaskRecord): void {
    this.stmts.requestCancel.run(t.runId, t.attempt);
  }

  /** The study's remembered sbatch settings, and whether its pending tasks are held. */
  settings(studyId: number): { settings: SlurmSettings; held: boolean } | null {
    const r = this.stmts.getSettings.get(studyId) as { settings_json: string; held: number } | undefined;
    return r ? { settings: JSON.parse(r.settings_json) as SlurmSettings, held: r.held === 1 } : null;
  }

  rememberSettings(studyId: number, settings: SlurmSettings): void {
    this.stmts.putSettings.run(studyId, JSON.stringify(settings), Date.now());
  }

  setHeld(studyId: number, held: boolean): void {
    this.stmts.setHeld.run(held ? 1 : 0, Date.now(), studyId);
  }
}
