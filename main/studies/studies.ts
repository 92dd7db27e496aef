/**
 * Studies in the core: create a grid of runs, run it through the run queue one run at a time,
 * pause, resume after a restart, extend; and the views over its results.
 *
 * Scheduling: a study never queues more than one of its runs. A run is created only when its
 * turn comes, and the next cell is queued when the queue reports the previous run ended, so
 * pausing is "stop queueing". What the study wants (running or not) is a flag in the store,
 * read again at every step, so another process pausing it takes effect at the next run.
 */
import {
  CURVE_METRICS,
  STUDY_METRICS,
  type ConfusionDiff,
  type CurveOptions,
  type FailuresAcrossRuns,
  type GridOptions,
  type RunMetrics,
  type RunSelection,
  type SlurmCellStatus,
  type StudyApi,
  type StudyAxis,
  type StudyCell,
  type StudyCellStatus,
  type StudyCurves,
  type StudyDetail,
  type StudyEvent,
  type StudyExportOptions,
  type StudyExtension,
  type StudyGrid,
  type StudySpec,
  type StudyState,
  type StudySummary,
} from '../../shared/contract/studies';
import { UserError } from '../../shared/contract/errors';
import type { RunStatus } from '../../shared/types';
import * as datasets from '../datasets/queries';
import type { Store } from '../store/db';
import type { ModelCatalog } from '../queue/model-catalog';
import type { RunQueue } from '../queue/run-queue';
import { assertValidConfig, ConfigError } from '../queue/validate-config';
import { buildGrid, curveGroup, CURVE_KEYS, groupCells } from './aggregate';
import { gridCsv, gridMarkdown, runsCsv } from './export';
import { confusionDiff, failuresAcrossRuns } from './failures';
import { axisViews, axisValueLabel, canonicalJson, checkAxes, extendAxes, gridSize, matchRuns, planCells, type LinkedRun, type PlannedCell } from './plan';
import { RunQueries } from '../store/run-queries';
import { StudyStore, type StudyRecord } from './store';
import { Listeners } from '../core/listeners';

/** More runs than this in one study is almost certainly a typo in an axis. */
export const MAX_STUDY_RUNS = 2000;

/** A study pauses itself after this many of its runs failed one after another. */
export const MAX_FAILED_IN_A_ROW = 3;

const FINAL: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];

/** A cell of the plan with its current run. */
export interface LiveCell {
  readonly cell: PlannedCell;
  readonly run: LinkedRun | null;
  readonly previous: readonly number[];
}

/**
 * A scheduler outside this process that holds some of a study's runs (Slurm: main/slurm/).
 * The study leaves those runs to it: it neither queues nor cancels them here.
 */
export interface ExternalScheduler {
  /** The latest task of each of the study's runs that went to the scheduler, by run id. */
  cellsOf(studyId: number): ReadonlyMap<number, SlurmCellStatus>;
}

/** The studies of one store, scheduled through its run queue. */
export class Studies implements StudyApi {
  readonly db: StudyStore;
  /** Queries across the runs of a study, a comparison or a report. */
  readonly runs: RunQueries;
  private readonly listeners = new Listeners<StudyEvent>();
  /** Per study: runs to resume before new cells are started (set by `runStudy` and recovery). */
  private readonly toResume = new Map<number, Set<number>>();
  /** Per study: runs that failed in a row in this process (the study pauses at `MAX_FAILED_IN_A_ROW`). */
  private readonly failedInARow = new Map<number, number>();
  private external: ExternalScheduler | null = null;

  constructor(
    private readonly store: Store,
    private readonly queue: RunQueue,
    private readonly catalog: ModelCatalog,
    opts: { recover?: boolean } = {},
  ) {
    this.db = new StudyStore(store);
    this.runs = new RunQueries(store);
    queue.onEvent((e) => {
      if (e.kind === 'status') this.onRunStatus(e.runId, e.status);
    });
    if (opts.recover) this.recover();
  }

  /**
   * After a restart (the queue has marked runs left `running` as interrupted): every study that
   * was running continues, resuming its interrupted run from its checkpoint first.
   */
  recover(): void {
    for (const id of this.db.activeIds()) {
      const interrupted = this.db.linkedRuns(id).filter((r) => r.status === 'interrupted').map((r) => r.id);
      this.toResume.set(id, new Set(interrupted));
      this.advance(id);
    }
  }

  /** Lets a scheduler outside this process (Slurm) report the cells it holds. */
  attachScheduler(scheduler: ExternalScheduler): void {
    this.external = scheduler;
  }

  /** True while a scheduler outside this process holds the run (not collected yet). */
  private onScheduler(runId: number): boolean {
    return this.queue.runs.isOnScheduler(runId);
  }

  onStudyEvent(listener: (event: StudyEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Tells the views the study changed (after its runs were changed from elsewhere: a Slurm collect). */
  notifyChanged(studyId: number): void {
    this.changed(studyId);
  }

  private changed(studyId: number): void {
    const rec = this.db.get(studyId);
    if (rec) this.listeners.emit({ kind: 'study-changed', studyId, state: this.stateOf(rec, this.live(rec)) });
  }

  // Reading

  private record(studyId: number): StudyRecord {
    const rec = this.db.get(studyId);
    if (!rec) {
      const known = this.db.list();
      throw new UserError('not-found', `No study ${studyId}. ${known.length ? `Known studies: ${known.map((s) => `${s.name} (id ${s.id})`).join(', ')}.` : 'No study has been created yet.'}`);
    }
    return rec;
  }

  /** A study by id (`3`) or name, as a user types it. */
  resolve(ref: string): StudyRecord {
    const t = ref.trim();
    if (/^\d+$/.test(t)) {
      const byId = this.db.get(Number(t));
      if (byId) return byId;
    }
    const byName = this.db.byName(t);
    if (byName) return byName;
    const known = this.db.list();
    throw new UserError('not-found', `No study "${ref}". ${known.length ? `Known studies: ${known.map((s) => `${s.name} (id ${s.id})`).join(', ')}.` : 'No study has been created yet.'}`);
  }

  private live(rec: StudyRecord): LiveCell[] {
    return matchRuns(planCells(rec.base, rec.axes, rec.repeats), this.db.linkedRuns(rec.id), rec.axes);
  }

  private stateOf(rec: StudyRecord, cells: readonly LiveCell[]): StudyState {
    const active = cells.filter((c) => c.run && (c.run.status === 'queued' || c.run.status === 'running'));
    // Runs on Slurm are the scheduler's: the study runs while one of them is not held.
    const remote = this.external ? this.external.cellsOf(rec.id) : new Map<number, SlurmCellStatus>();
    const onSlurm = active.filter((c) => remote.has(c.run!.id) && this.onScheduler(c.run!.id));
    if (onSlurm.some((c) => remote.get(c.run!.id)!.state !== 'held')) return 'running';
    if (active.length > onSlurm.length) return rec.active ? 'running' : 'pausing';
    if (onSlurm.length) return 'paused';
    const left = cells.some((c) => !c.run || c.run.status === 'interrupted' || c.run.status === 'cancelled');
    if (!left) return 'finished';
    if (rec.active) return 'running';
    return cells.some((c) => c.run) ? 'paused' : 'idle';
  }

  private summaryOf(rec: StudyRecord, cells: readonly LiveCell[]): StudySummary {
    const counts: Record<StudyCellStatus, number> = { pending: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, interrupted: 0 };
    for (const c of cells) counts[c.run ? c.run.status : 'pending']++;
    const activeRun = cells.find((c) => c.run && (c.run.status === 'queued' || c.run.status === 'running'));
    return {
      id: rec.id,
      name: rec.name,
      datasetId: rec.datasetId,
      datasetName: rec.datasetName,
      state: this.stateOf(rec, cells),
      error: rec.error,
      axes: axisViews(rec.axes),
      repeats: rec.repeats,
      gridSize: gridSize(rec.axes),
      runCount: cells.length,
      counts,
      activeRunId: activeRun?.run?.id ?? null,
      notes: rec.notes,
      createdMs: rec.createdMs,
      updatedMs: rec.updatedMs,
    };
  }

  /** `getStudy` without the promise, for event handlers that must answer at once. */
  studyDetail(studyId: number): StudyDetail {
    return this.detailOf(this.record(studyId));
  }

  private detailOf(rec: StudyRecord): StudyDetail {
    const cells = this.live(rec);
    const views = axisViews(rec.axes);
    const remote = this.external ? this.external.cellsOf(rec.id) : new Map<number, SlurmCellStatus>();
    return {
      ...this.summaryOf(rec, cells),
      base: rec.base,
      cells: cells.map(
        ({ cell, run, previous }): StudyCell => ({
          index: cell.index,
          coords: cell.coords,
          labels: cell.coords.map((v, i) => views[i].labels[v]),
          repeat: cell.repeat,
          seed: cell.seed,
          runId: run?.id ?? null,
          status: run ? run.status : 'pending',
          previousRunIds: previous,
          ...(run && remote.has(run.id) ? { slurm: remote.get(run.id)! } : {}),
        }),
      ),
    };
  }

  async listStudies(): Promise<readonly StudySummary[]> {
    return this.db.list().map((rec) => this.summaryOf(rec, this.live(rec)));
  }

  async getStudy(studyId: number): Promise<StudyDetail> {
    return this.detailOf(this.record(studyId));
  }

  // Changing

  /** Every planned configuration must pass the same checks as a single run. */
  private async validatePlan(datasetId: number, cells: readonly PlannedCell[], axes: readonly StudyAxis[]): Promise<void> {
    if (cells.length > MAX_STUDY_RUNS) throw new Error(`That study would make ${cells.length} runs (more than ${MAX_STUDY_RUNS}); use fewer values or seeds.`);
    const ds = datasets.getDataset(this.store, datasetId);
    const models = await this.catalog.load();
    const seen = new Set<string>();
    for (const c of cells) {
      const key = canonicalJson(c.coords);
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        assertValidConfig(c.config, { trainCount: ds.split.train, models });
      } catch (e) {
        // Name the cell when one of its varied settings is at fault; a base problem is every cell's.
        const fields = e instanceof ConfigError ? e.problems.map((p) => p.field as string) : [];
        const varied = axes.some((a) => fields.includes(a.key));
        const where = axes.map((a, i) => `${a.key}=${axisValueLabel(a.key, a.values[c.coords[i]])}`).join(', ');
        throw new Error(`${varied && where ? `Cell ${where}: ` : ''}${(e as Error).message}`);
      }
    }
  }

  async createStudy(spec: StudySpec): Promise<StudyDetail> {
    const repeats = spec.repeats ?? 1;
    if (!Number.isInteger(repeats) || repeats < 1 || repeats > 100) throw new Error(`repeats must be a whole number from 1 to 100 (got ${repeats}).`);
    const name = spec.name?.trim();
    if (spec.name !== undefined && !name) throw new Error('A study name cannot be empty.');
    if (name && this.db.byName(name)?.name === name) throw new Error(`There is already a study named "${name}".`);
    if (name && /^\d+$/.test(name)) throw new Error(`A study name cannot be a number ("${name}"): numbers refer to ids.`);
    checkAxes(spec.axes);
    const base = spec.base;
    const cells = planCells(base, spec.axes, repeats);
    await this.validatePlan(spec.datasetId, cells, spec.axes);
    const id = this.db.create({ name, datasetId: spec.datasetId, base, axes: spec.axes, repeats, notes: spec.notes ?? '' });
    this.listeners.emit({ kind: 'studies-changed' });
    return this.getStudy(id);
  }

  async runStudy(studyId: number, opts: { readonly retryFailed?: boolean } = {}): Promise<StudyDetail> {
    const rec = this.record(studyId);
    const again: RunStatus[] = opts.retryFailed ? ['interrupted', 'cancelled', 'failed'] : ['interrupted', 'cancelled'];
    const resume = this.live(rec)
      .filter((c) => c.run && again.includes(c.run.status))
      .map((c) => c.run!.id);
    this.toResume.set(studyId, new Set(resume));
    this.failedInARow.delete(studyId);
    this.db.setActive(studyId, true, null);
    this.advance(studyId);
    this.changed(studyId);
    return this.getStudy(studyId);
  }

  async pauseStudy(studyId: number, opts: { readonly cancelActive?: boolean } = {}): Promise<StudyDetail> {
    const rec = this.record(studyId);
    this.db.setActive(studyId, false, rec.error);
    this.toResume.delete(studyId);
    for (const c of this.live(rec)) {
      const run = c.run;
      // A run on Slurm is paused by holding its task (main/slurm/), not here.
      if (!run || this.onScheduler(run.id)) continue;
      // Another live process's run is its own to stop: it sees the pause when the run ends.
      if (this.queue.runs.liveOtherOwner(run.id)) continue;
      if (run.status === 'queued' && this.queue.activeRunId !== run.id) {
        // Not started yet: take it out of the queue; the cell is pending again.
        this.queue.cancel(run.id);
        this.queue.runs.delete(run.id);
      } else if ((run.status === 'running' || run.status === 'queued') && opts.cancelActive) {
        // Stopped mid-epoch; `runStudy` resumes it from its last checkpoint.
        this.queue.cancel(run.id);
      }
    }
    this.changed(studyId);
    return this.getStudy(studyId);
  }

  async extendStudy(studyId: number, ext: StudyExtension): Promise<StudyDetail> {
    const rec = this.record(studyId);
    let axes = [...rec.axes];
    let repeats = rec.repeats;
    let added = 0;
    if (ext.axis) {
      checkAxes([ext.axis]);
      const r = extendAxes(rec.base, axes, ext.axis);
      axes = r.axes;
      added += r.added;
    }
    if (ext.repeats !== undefined) {
      if (!Number.isInteger(ext.repeats) || ext.repeats < rec.repeats || ext.repeats > 100) {
        throw new Error(`repeats can only grow, up to 100 (the study has ${rec.repeats}; got ${ext.repeats}).`);
      }
      added += ext.repeats - rec.repeats;
      repeats = ext.repeats;
    }
    if (added === 0) throw new Error('Nothing to add: those values are already in the study.');
    checkAxes(axes);
    await this.validatePlan(rec.datasetId, planCells(rec.base, axes, repeats), axes);
    this.db.setPlan(studyId, axes, repeats);
    // A running study picks the new cells up when its current run ends (or now, if it was idle).
    if (rec.active) this.advance(studyId);
    this.changed(studyId);
    return this.getStudy(studyId);
  }

  async updateStudy(studyId: number, patch: { readonly name?: string; readonly notes?: string }): Promise<StudySummary> {
    this.record(studyId);
    if (patch.name !== undefined) {
      const name = patch.name.trim();
      if (!name) throw new Error('A study name cannot be empty.');
      if (/^\d+$/.test(name)) throw new Error(`A study name cannot be a number ("${name}"): numbers refer to ids.`);
      const other = this.db.byName(name);
      if (other && other.id !== studyId && other.name === name) throw new Error(`There is already a study named "${name}".`);
      this.db.rename(studyId, name);
    }
    if (patch.notes !== undefined) this.db.setNotes(studyId, patch.notes);
    this.changed(studyId);
    const rec = this.record(studyId);
    return this.summaryOf(rec, this.live(rec));
  }

  async deleteStudy(studyId: number): Promise<void> {
    await this.pauseStudy(studyId);
    this.db.delete(studyId);
    this.listeners.emit({ kind: 'studies-changed' });
  }

  // Scheduling

  private onRunStatus(runId: number, status: RunStatus): void {
    const studyId = this.db.studyOfRun(runId);
    if (studyId === null) return;
    if (status === 'failed') this.failedInARow.set(studyId, (this.failedInARow.get(studyId) ?? 0) + 1);
    if (status === 'completed') this.failedInARow.delete(studyId);
    // `interrupted` comes from the queue closing: nothing more may start in this process.
    if (FINAL.includes(status) && status !== 'interrupted') this.advance(studyId);
    this.changed(studyId);
  }

  /** Queues the study's next run if it wants to run and none of its runs is queued or training. */
  private advance(studyId: number): void {
    const rec = this.db.get(studyId);
    if (!rec || !rec.active) return;
    if ((this.failedInARow.get(studyId) ?? 0) >= MAX_FAILED_IN_A_ROW) {
      this.failedInARow.delete(studyId);
      this.toResume.delete(studyId);
      const last = this.db.linkedRuns(studyId).filter((r) => r.status === 'failed').pop();
      const why = last ? this.queue.runs.getRun(last.id).error : null;
      this.db.setActive(studyId, false, `${MAX_FAILED_IN_A_ROW} runs of this study failed one after another, so it paused${why ? `; the last one: ${why}` : ''}.`);
      return;
    }
    try {
      const cells = this.live(rec);
      const active = cells.find((c) => c.run && (c.run.status === 'queued' || c.run.status === 'running'));
      if (active) {
        // Queued by an earlier process: make sure this one's queue has it (enqueue ignores repeats);
        // a run on Slurm is the scheduler's.
        if (active.run!.status === 'queued' && !this.onScheduler(active.run!.id)) this.queue.enqueue(active.run!.id);
        return;
      }
      const resume = this.toResume.get(studyId);
      if (resume) {
        for (const c of cells) {
          if (!c.run || !resume.has(c.run.id)) continue;
          resume.delete(c.run.id);
          if (this.restart(rec, c)) return;
        }
      }
      const next = cells.find((c) => !c.run);
      if (next) {
        this.startCell(rec, next.cell);
        return;
      }
      // Nothing left that this study may start by itself.
      this.toResume.delete(studyId);
      this.db.setActive(studyId, false, null);
    } catch (e) {
      this.toResume.delete(studyId);
      this.db.setActive(studyId, false, (e as Error).message);
    }
  }

  /** Continues a cell's stopped run from its checkpoint, or replaces it; false if it cannot. */
  private restart(rec: StudyRecord, c: LiveCell): boolean {
    const run = this.queue.runs.getRun(c.run!.id);
    if (run.status === 'failed') {
      // A failed run would likely fail again from the same checkpoint: start the cell afresh.
      this.startCell(rec, c.cell);
      return true;
    }
    if (run.status !== 'interrupted' && run.status !== 'cancelled') return false;
    try {
      this.queue.resume(run.id);
      return true;
    } catch {
      // Stopped before its first checkpoint: nothing to keep, so the cell starts afresh.
      this.queue.runs.delete(run.id);
      this.startCell(rec, c.cell);
      return true;
    }
  }

  /** Creates the cell's run, links it to the study, and queues it. */
  private startCell(rec: StudyRecord, cell: PlannedCell): number {
    const runId = this.createCellRun(rec.id, cell);
    this.queue.enqueue(runId);
    return runId;
  }

  /** The study's plan with each cell's current run (for a scheduler that takes cells elsewhere). */
  liveCells(studyId: number): readonly LiveCell[] {
    return this.live(this.record(studyId));
  }

  /** Creates a cell's run (queued) and links it to the study, without queueing it here. */
  createCellRun(studyId: number, cell: PlannedCell): number {
    const rec = this.record(studyId);
    const ds = datasets.getDataset(this.store, rec.datasetId);
    // The architecture was checked when the plan was made; the dataset may have changed since.
    assertValidConfig(cell.config, { trainCount: ds.split.train, models: null });
    const views = axisViews(rec.axes);
    const where = rec.axes.map((a, i) => `${a.key}=${views[i].labels[cell.coords[i]]}`).join(' ');
    const name = `${rec.name} [${where ? `${where} ` : ''}seed=${cell.seed}]`;
    const runId = this.db.transaction(() => {
      const id = this.queue.runs.createRun(rec.datasetId, cell.config, name);
      this.queue.runs.update(id, { tags: [`study:${rec.name}`] });
      this.db.link(rec.id, id);
      return id;
    });
    return runId;
  }

  /** Resolves once the study has no run queued or training and will not queue another. */
  settled(studyId: number): Promise<StudyDetail> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        try {
          const d = this.detailOf(this.record(studyId));
          if (d.state === 'running' || d.state === 'pausing') return false;
          off();
          resolve(d);
          return true;
        } catch (e) {
          off();
          reject(e as Error);
          return true;
        }
      };
      const off = this.onStudyEvent((e) => {
        if (e.kind === 'study-changed' && e.studyId === studyId) check();
      });
      check();
    });
  }

  // Views

  private runIdsOf(sel: RunSelection): number[] {
    if ('studyId' in sel) {
      const d = this.detailOf(this.record(sel.studyId));
      return d.cells.filter((c) => c.status === 'completed').map((c) => c.runId!);
    }
    return [...sel.runIds];
  }

  private metricsOf(detail: StudyDetail): Map<number, RunMetrics> {
    return this.runs.runMetrics(detail.cells.filter((c) => c.runId !== null).map((c) => c.runId!));
  }

  async studyGrid(studyId: number, opts: GridOptions = {}): Promise<StudyGrid> {
    if (opts.metric && !STUDY_METRICS.includes(opts.metric)) throw new Error(`Unknown metric "${opts.metric}"; one of: ${STUDY_METRICS.join(', ')}.`);
    const d = await this.getStudy(studyId);
    return buildGrid(studyId, d.axes, d.cells, this.metricsOf(d), opts);
  }

  async studyCurves(studyId: number, opts: CurveOptions = {}): Promise<StudyCurves> {
    const metric = opts.metric ?? 'val_accuracy';
    if (!CURVE_METRICS.includes(metric)) throw new Error(`Unknown curve metric "${metric}"; one of: ${CURVE_METRICS.join(', ')}.`);
    const d = await this.getStudy(studyId);
    const by = opts.by === undefined ? (d.axes[0]?.key ?? null) : opts.by;
    const groups = groupCells(d.axes, d.cells, by);
    const ids = groups.flatMap((g) => g.runIds);
    const series = this.runs.epochSeries(ids, CURVE_KEYS[metric]);
    const metrics = this.runs.runMetrics(ids);
    return {
      studyId,
      metric,
      by,
      groups: groups.map((g) =>
        curveGroup(
          g.label,
          g.runIds.map((runId) => ({ runId, keptEpoch: metrics.get(runId)?.keptEpoch ?? null, values: series.get(runId) ?? [] })),
        ),
      ),
    };
  }

  async runMetrics(selection: RunSelection): Promise<readonly RunMetrics[]> {
    const ids = this.runIdsOf(selection);
    const m = this.runs.runMetrics(ids);
    return ids.filter((id) => m.has(id)).map((id) => m.get(id)!);
  }

  async failuresAcrossRuns(selection: RunSelection, opts: { readonly limit?: number } = {}): Promise<FailuresAcrossRuns> {
    const ids = this.runIdsOf(selection);
    if ('studyId' in selection && ids.length === 0) throw new Error(`Study ${selection.studyId} has no completed run yet.`);
    const limit = opts.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`limit must be a whole number ≥ 0 (got ${limit}).`);
    return failuresAcrossRuns(this.runs, ids, (datasetId) => datasets.getDataset(this.store, datasetId).classes, limit);
  }

  async confusionDiff(runA: number, runB: number): Promise<ConfusionDiff> {
    return confusionDiff(this.runs, runA, runB);
  }

  async exportStudy(studyId: number, format: 'csv' | 'markdown', opts: StudyExportOptions = {}): Promise<string> {
    const d = await this.getStudy(studyId);
    if (format === 'csv' && opts.perRun) return runsCsv(d, this.metricsOf(d));
    const grid = await this.studyGrid(studyId, opts);
    if (format === 'csv') return gridCsv(grid);
    if (format === 'markdown') return gridMarkdown(d, grid);
    throw new Error(`Unknown export format "${String(format)}"; csv or markdown.`);
  }
}
