/**
 * Studies: the list and the open study's page (progress, results grid, curves by group,
 * failures across runs, a confusion diff of two runs). The new-study form is `draft.svelte.ts`.
 */
import type { Api, StudyEstimate } from '@shared/contract/api';
import type {
  ConfusionDiff,
  CurveMetric,
  FailuresAcrossRuns,
  StudyAxis,
  StudyAxisKey,
  StudyCurves,
  StudyDetail,
  StudyEvent,
  StudyGrid,
  StudyMetric,
  StudySummary,
} from '@shared/contract/studies';
import { Action } from '../../../lib/action.svelte';
import { Resource } from '../../../lib/resource.svelte';
import type { ModelsState } from '../../../state/models.svelte';
import type { DatasetsState } from '../../datasets/datasets.svelte';
import { pointText } from '../study';
import { t } from '../../../i18n/i18n.svelte';
import { StudyDraftState } from './draft.svelte';
import { StudySlurmState } from './slurm.svelte';

export type StudyPage = 'list' | 'new' | 'study';
export type StudyTab = 'grid' | 'curves' | 'failures' | 'diff' | 'runs';
export type FailureKind = 'allWrong' | 'disagree' | 'onlyOneRight';

/** A grid cell picked to list its runs. */
export interface PickedCell {
  readonly table: number;
  readonly row: number;
  readonly col: number;
}

/** The studies list and the open study's page. */
export class StudiesState {
  readonly draft: StudyDraftState;
  /** The open study's Slurm side. */
  readonly slurm: StudySlurmState;
  readonly list = new Resource<readonly StudySummary[]>([]);
  /** The open study. */
  readonly detail = new Resource<StudyDetail | null>(null);
  /** How long the open study's cells left will take, from the core (runs measured here). */
  readonly estimate = new Resource<StudyEstimate | null>(null);
  readonly grid = new Resource<StudyGrid | null>(null);
  readonly curves = new Resource<StudyCurves | null>(null);
  readonly failures = new Resource<FailuresAcrossRuns | null>(null);
  readonly diff = new Resource<ConfusionDiff | null>(null);
  /** Running, pausing, extending or deleting a study. */
  readonly control = new Action();
  #page = $state<StudyPage>('list');
  #openId = $state<number | null>(null);
  tab = $state<StudyTab>('grid');

  // Results grid
  gridRows = $state<StudyAxisKey | null>(null);
  /** null: no column axis. */
  gridCols = $state<StudyAxisKey | null>(null);
  metric = $state<StudyMetric>('test_accuracy');
  rest = $state<'split' | 'pool'>('split');
  picked = $state.raw<PickedCell | null>(null);

  // Curves
  curveBy = $state<StudyAxisKey | null>(null);
  curveMetric = $state<CurveMetric>('val_accuracy');
  /** Whether the user picked `curveBy` (null then means one group per cell). */
  #curveByChosen = false;

  // Failures and the confusion diff
  failureKind = $state<FailureKind>('allWrong');
  #failureLimit = $state(48);
  diffA = $state<number | null>(null);
  diffB = $state<number | null>(null);
  /**
   * Until the user picks, the diff shows the grid's worst run (A) against its best (B) by the
   * grid's metric: the pair with the most to tell.
   */
  #diffChosen = false;

  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The latest ETA a training run sent (its batch events), for the study's time left. */
  #runEta = $state.raw<{ readonly runId: number; readonly etaSeconds: number; readonly atMs: number } | null>(null);

  constructor(
    private readonly api: Api,
    datasets: DatasetsState,
    models: ModelsState,
  ) {
    this.draft = new StudyDraftState(api, datasets, models);
    this.slurm = new StudySlurmState(api);
  }

  get page(): StudyPage {
    return this.#page;
  }
  get openId(): number | null {
    return this.#openId;
  }
  get failureLimit(): number {
    return this.#failureLimit;
  }
  /** Studies running or pausing (for the nav badge). */
  get active(): number {
    return this.list.value.filter((s) => s.state === 'running' || s.state === 'pausing').length;
  }

  /** The latest ETA of a training run, as its batch events said it, and when. */
  get runEta(): { readonly runId: number; readonly etaSeconds: number; readonly atMs: number } | null {
    return this.#runEta;
  }

  /** A run's batch event: keeps its ETA (at most once a second, which is as often as the page shows it). */
  onRunEvent(e: { readonly kind: string; readonly runId: number; readonly etaSeconds?: number }): void {
    if (e.kind !== 'batch' || e.etaSeconds === undefined) return;
    const now = Date.now();
    const last = this.#runEta;
    if (last && last.runId === e.runId && now - last.atMs < 1000) return;
    this.#runEta = { runId: e.runId, etaSeconds: e.etaSeconds, atMs: now };
  }

  /** Each of the open study's runs, named by its cell (and seed when there are several). */
  get runLabels(): ReadonlyMap<number, string> {
    const d = this.detail.value;
    const out = new Map<number, string>();
    if (!d) return out;
    for (const c of d.cells) {
      const point = pointText(d.axes, d.axes.map((a) => a.key), c.coords);
      const name = (point || t('study.base')) + (d.repeats > 1 ? ` · ${t('study.seedN', { seed: String(c.seed) })}` : '');
      if (c.runId !== null) out.set(c.runId, name);
      for (const p of c.previousRunIds) out.set(p, t('study.earlierTry', { name }));
    }
    return out;
  }

  /** The open study's completed runs, in cell order. */
  get completedRuns(): number[] {
    return (this.detail.value?.cells ?? []).filter((c) => c.status === 'completed' && c.runId !== null).map((c) => c.runId!);
  }

  async load(): Promise<void> {
    await this.list.load(() => this.api.listStudies());
  }

  showList(): void {
    this.#page = 'list';
    void this.load();
  }

  showNew(): void {
    this.#page = 'new';
  }

  /** Opens a study's page on its results grid. */
  async open(studyId: number, tab: StudyTab = 'grid'): Promise<void> {
    const same = this.#openId === studyId;
    // Another study starts from nothing; the same one keeps what it shows while it reloads.
    for (const r of [this.detail, this.grid, this.curves, this.failures, this.diff] as Resource<unknown>[]) r.reset(same ? r.value : null);
    if (!same) {
      this.diffA = null;
      this.diffB = null;
      this.#diffChosen = false;
      this.picked = null;
      this.gridRows = null;
      this.gridCols = null;
      this.curveBy = null;
      this.#curveByChosen = false;
      this.#failureLimit = 48;
    }
    this.#openId = studyId;
    this.#page = 'study';
    this.control.dismiss();
    this.tab = tab;
    void this.slurm.open(studyId);
    await this.reloadOpen();
  }

  /** Switches the open study's tab and loads what it shows. */
  setTab(tab: StudyTab): void {
    this.tab = tab;
    void this.loadTab();
  }

  private async reloadOpen(): Promise<void> {
    const id = this.#openId;
    if (id === null || !(await this.detail.load(() => this.api.getStudy(id)))) return;
    const d = this.detail.value!;
    void this.estimate.load(() => this.api.estimateStudy(id));
    const keys = d.axes.map((a) => a.key);
    if (this.gridRows === null || !keys.includes(this.gridRows)) this.gridRows = keys[0] ?? null;
    if (this.gridCols !== null && !keys.includes(this.gridCols)) this.gridCols = null;
    if (this.gridCols === null && keys.length > 1) this.gridCols = keys.find((k) => k !== this.gridRows) ?? null;
    if (!this.#curveByChosen || (this.curveBy !== null && !keys.includes(this.curveBy))) this.curveBy = keys[0] ?? null;
    const done = this.completedRuns;
    if (this.diffA === null || !done.includes(this.diffA)) this.diffA = done[0] ?? null;
    if (this.diffB === null || !done.includes(this.diffB)) this.diffB = done.find((r) => r !== this.diffA) ?? null;
    // The grid first: the diff's default runs come from it.
    await this.loadGrid();
    await this.loadTab();
  }

  private async loadTab(): Promise<void> {
    if (this.tab === 'curves') await this.loadCurves();
    else if (this.tab === 'failures') await this.loadFailures();
    else if (this.tab === 'diff') await this.loadDiff();
  }

  /** The grid's layout as the export and the grid query take it. */
  private layout(): { rows: StudyAxisKey[] | undefined; cols: StudyAxisKey[]; metric: StudyMetric; rest: 'split' | 'pool' } {
    const rows = this.gridRows ? [this.gridRows] : undefined;
    const cols = this.gridCols && this.gridCols !== this.gridRows ? [this.gridCols] : [];
    return { rows, cols, metric: this.metric, rest: this.rest };
  }

  async loadGrid(): Promise<void> {
    const id = this.#openId;
    if (id === null) return;
    await this.grid.load(() => this.api.studyGrid(id, this.layout()));
  }

  /** Lays the grid out with `key` down the side (the column axis steps aside if it was that). */
  setRows(key: StudyAxisKey): void {
    if (this.gridCols === key) this.gridCols = this.gridRows;
    this.gridRows = key;
    this.picked = null;
    void this.loadGrid();
  }

  setCols(key: StudyAxisKey | null): void {
    if (key !== null && this.gridRows === key) this.gridRows = this.gridCols;
    this.gridCols = key;
    this.picked = null;
    void this.loadGrid();
  }

  setMetric(m: StudyMetric): void {
    this.metric = m;
    void this.loadGrid();
  }

  setRest(r: 'split' | 'pool'): void {
    this.rest = r;
    this.picked = null;
    void this.loadGrid();
  }

  async loadCurves(): Promise<void> {
    const id = this.#openId;
    if (id === null) return;
    await this.curves.load(() => this.api.studyCurves(id, { by: this.curveBy, metric: this.curveMetric }));
  }

  setCurves(by: StudyAxisKey | null, metric: CurveMetric): void {
    this.curveBy = by;
    this.#curveByChosen = true;
    this.curveMetric = metric;
    void this.loadCurves();
  }

  async loadFailures(): Promise<void> {
    const id = this.#openId;
    if (id === null) return;
    if (this.completedRuns.length === 0) {
      this.failures.reset(null);
      return;
    }
    await this.failures.load(() => this.api.failuresAcrossRuns({ studyId: id }, { limit: this.#failureLimit }));
  }

  showMoreFailures(): void {
    this.#failureLimit += 48;
    void this.loadFailures();
  }

  private defaultDiffRuns(): void {
    const g = this.grid.value;
    if (this.#diffChosen || !g) return;
    const runs = g.tables.flatMap((t) => t.cells.flat().flatMap((c) => c.runs)).filter((r) => r.value !== null && r.status === 'completed');
    if (runs.length < 2) return;
    const sorted = [...runs].sort((x, y) => (g.info.higherIsBetter ? x.value! - y.value! : y.value! - x.value!) || x.runId - y.runId);
    this.diffA = sorted[0].runId;
    this.diffB = sorted[sorted.length - 1].runId;
  }

  async loadDiff(): Promise<void> {
    this.defaultDiffRuns();
    const a = this.diffA;
    const b = this.diffB;
    if (a === null || b === null || a === b) {
      this.diff.reset(null, a !== null && a === b ? t('study.pickTwo') : null);
      return;
    }
    await this.diff.load(() => this.api.confusionDiff(a, b));
  }

  setDiffRuns(a: number | null, b: number | null): void {
    this.#diffChosen = true;
    this.diffA = a;
    this.diffB = b;
    void this.loadDiff();
  }

  /** Runs one control request, then reloads the list and the open page whatever came of it. */
  private async act(request: () => Promise<unknown>): Promise<boolean> {
    const ok = await this.control.run(async () => {
      await request();
      return true;
    });
    await Promise.all([this.load(), this.reloadOpen()]);
    return ok === true;
  }

  run(studyId: number, retryFailed = false): Promise<boolean> {
    return this.act(() => this.api.runStudy(studyId, retryFailed ? { retryFailed } : undefined));
  }

  pause(studyId: number, cancelActive = false): Promise<boolean> {
    return this.act(() => this.api.pauseStudy(studyId, cancelActive ? { cancelActive } : undefined));
  }

  /** Adds values to an axis (or a new axis), or seeds. */
  extend(studyId: number, ext: { axis?: StudyAxis; repeats?: number }): Promise<boolean> {
    return this.act(() => this.api.extendStudy(studyId, ext));
  }

  async remove(studyId: number): Promise<void> {
    const ok = await this.act(() => this.api.deleteStudy(studyId));
    if (ok && this.#openId === studyId) {
      this.#openId = null;
      this.detail.reset(null);
      this.#page = 'list';
    }
  }

  /** The grid as CSV or Markdown, laid out as shown. */
  exportText(format: 'csv' | 'markdown', perRun = false): Promise<string> {
    const id = this.#openId;
    if (id === null) return Promise.reject(new Error(t('study.noneOpen')));
    return this.api.exportStudy(id, format, { ...this.layout(), perRun: format === 'csv' && perRun ? true : undefined });
  }

  /** A study changed, or runs moved on: reload the list and the open page, a little later. */
  onEvent(e: StudyEvent | { readonly kind: 'runs-changed' }): void {
    // Runs report every epoch: only a study that is running has anything new to show.
    const d = this.detail.value;
    if (e.kind === 'runs-changed' && !(d && (d.state === 'running' || d.state === 'pausing'))) return;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load();
      if (this.#page === 'study') void this.reloadOpen();
    }, 250);
  }
}
