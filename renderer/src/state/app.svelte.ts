/**
 * The application: which view is open, the theme, and the one subscription to core events
 * that every other state object is fed from.
 */
import type { Api, AppEvent } from '@shared/contract/api';
import type { RunStatus, RunSummary } from '@shared/types';
import type { Transport } from '../transport/types';
import type { Nav, View } from './nav';
import { DatasetsState } from '../features/datasets/datasets.svelte';
import { EvaluationState } from '../features/evaluation/evaluation.svelte';
import { LiveRunState } from '../features/live/live.svelte';
import { ModelsState } from './models.svelte';
import { NewRunState } from '../features/new-run/new-run.svelte';
import { RunsState } from '../features/runs/runs.svelte';
import { CompareState } from '../features/compare/compare.svelte';
import { StudiesState } from '../features/studies/state/studies.svelte';
import { WeightsState } from './weights.svelte';
import { LabelsState } from '../features/labels/labels.svelte';
import { runEndNotice } from './notices';
import { parseRoute, routeHash, type Route } from './route';

export type { View } from './nav';
export type Theme = 'system' | 'light' | 'dark';

const THEME_KEY = 'bloombench.theme';

/** The whole app: its state objects, the open view, the theme; the views' `Nav`. */
export class AppState implements Nav {
  #view = $state<View>('datasets');
  #theme = $state<Theme>('system');
  #systemDark = $state(false);
  /** Set once the user picks a view, so the initial load does not move them elsewhere. */
  #navigated = false;

  readonly api: Api;
  readonly transport: Transport;
  readonly datasets: DatasetsState;
  readonly models: ModelsState;
  readonly newRun: NewRunState;
  readonly live: LiveRunState;
  readonly runs: RunsState;
  readonly compare: CompareState;
  readonly evaluation: EvaluationState;
  readonly studies: StudiesState;
  readonly weights: WeightsState;
  readonly labels: LabelsState;
  #unsubscribe: (() => void) | null = null;
  /** The next address change is a step the user took (a new history entry), not a correction of this one. */
  #pushNext = false;
  #stopAddress: (() => void) | null = null;
  #onPopState = (): void => {
    const r = parseRoute(location.hash);
    if (r) this.#apply(r);
  };
  /** Test accuracies from the evaluation events (each arrives just before its run's final status). */
  #tested = new Map<number, number>();

  constructor(transport: Transport) {
    this.transport = transport;
    this.api = transport.api;
    this.datasets = new DatasetsState(this.api);
    this.models = new ModelsState(this.api);
    this.runs = new RunsState(this.api);
    this.live = new LiveRunState(this.api, this.datasets);
    this.newRun = new NewRunState(this.api, this.datasets, this.models);
    this.compare = new CompareState(this.api);
    this.evaluation = new EvaluationState(this.api);
    this.studies = new StudiesState(this.api, this.datasets, this.models);
    this.weights = new WeightsState(this.api);
    this.labels = new LabelsState(this.api);
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark' || saved === 'system') this.#theme = saved;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = media.matches;
    media.addEventListener('change', (e) => (this.#systemDark = e.matches));
  }

  get view(): View {
    return this.#view;
  }
  get theme(): Theme {
    return this.#theme;
  }
  /** The theme in effect once "system" is resolved. */
  get dark(): boolean {
    return this.#theme === 'dark' || (this.#theme === 'system' && this.#systemDark);
  }

  /**
   * Where the app is, as an address: the open view and what it shows (route.ts). Kept in the
   * address bar: a step the user takes pushes a history entry, what the app does by itself (the
   * first view, following the next queued run, the first dataset) corrects the current one.
   */
  get route(): Route {
    const view = this.#view;
    switch (view) {
      case 'datasets':
        return { view, datasetId: this.datasets.selectedId };
      case 'new-run':
        return { view };
      case 'live':
        return { view, runId: this.live.runId };
      case 'runs':
        return { view, runId: this.runs.openId };
      case 'compare':
        return { view, runIds: this.compare.ids };
      case 'evaluation':
        return { view, runId: this.evaluation.runId };
      case 'studies':
        return { view, study: this.studies.page === 'new' ? 'new' : this.studies.page === 'study' ? this.studies.openId : null };
    }
  }

  /** Shows what a route names (from the address at start, or Back and Forward). */
  #apply(r: Route): void {
    switch (r.view) {
      case 'datasets':
        if (r.datasetId !== null && r.datasetId !== this.datasets.selectedId) void this.datasets.select(r.datasetId);
        break;
      case 'new-run':
        break;
      case 'live':
        if (r.runId !== null) this.live.watch(r.runId);
        break;
      case 'runs':
        if (r.runId !== this.runs.openId) this.runs.openRun(r.runId);
        break;
      case 'compare': {
        const same = r.runIds.length === this.compare.ids.length && r.runIds.every((id, i) => this.compare.ids[i] === id);
        if (!same) void this.compare.open(r.runIds);
        // A reloaded comparison keeps its runs ticked in the table too.
        if (this.runs.selected.size === 0 && r.runIds.length > 0) this.runs.select(r.runIds);
        break;
      }
      case 'evaluation':
        if (r.runId !== null && r.runId !== this.evaluation.runId) void this.evaluation.open(r.runId);
        break;
      case 'studies':
        if (r.study === 'new') this.studies.showNew();
        else if (r.study === null) {
          if (this.studies.page !== 'list') this.studies.showList();
        } else if (r.study !== this.studies.openId || this.studies.page !== 'study') void this.studies.open(r.study);
        break;
    }
    this.#view = r.view;
  }

  /** Writes the route into the address bar: a new entry after a step the user took, else in place. */
  #syncAddress(hash: string): void {
    const push = this.#pushNext;
    this.#pushNext = false;
    if (hash === location.hash) return;
    if (push) history.pushState(history.state, '', hash);
    else history.replaceState(history.state, '', hash);
  }

  /** The next change of the route is a step the user took. */
  #step(): void {
    this.#navigated = true;
    this.#pushNext = true;
  }

  /** Loads what every view needs and subscribes to events. */
  async start(): Promise<void> {
    // An address (a reload, a bookmark, Back into the app) opens what it names.
    const initial = parseRoute(location.hash);
    if (initial) {
      this.#navigated = true;
      this.#apply(initial);
    }
    window.addEventListener('popstate', this.#onPopState);
    this.#stopAddress = $effect.root(() => {
      $effect(() => this.#syncAddress(routeHash(this.route)));
    });
    this.#unsubscribe = this.api.onEvent((e) => this.dispatch(e));
    // The zoo's cards come from the compute service, which may still be starting: the first
    // view does not wait for them (the cards show their own loading state).
    const models = this.models.load();
    await Promise.all([this.datasets.load(), this.runs.load(), this.studies.load(), this.weights.load()]);
    this.#chooseFirstView();
    await models;
  }

  #chooseFirstView(): void {
    const running = this.runs.list.value.find((r) => r.status === 'running');
    const latest = [...this.runs.list.value].sort((a, b) => b.createdMs - a.createdMs)[0];
    if (this.live.runId === null && (running ?? latest)) this.live.watch((running ?? latest).id);
    // A click made while the lists were loading wins over the default first view.
    if (this.#navigated) {
      if (this.#view === 'evaluation' && this.evaluation.runId === null) this.go('evaluation');
      return;
    }
    if (this.datasets.list.value.length > 0 && !running) this.#view = this.runs.list.value.length > 0 ? 'runs' : 'new-run';
    else if (running) this.#view = 'live';
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#stopAddress?.();
    window.removeEventListener('popstate', this.#onPopState);
  }

  private dispatch(e: AppEvent): void {
    switch (e.kind) {
      case 'import-progress':
        this.datasets.onProgress(e);
        return;
      case 'datasets-changed':
        void this.datasets.load();
        void this.labels.reload();
        return;
      case 'runs-changed':
        this.runs.scheduleReload();
        this.studies.onEvent(e);
        return;
      case 'study-changed':
      case 'studies-changed':
        this.studies.onEvent(e);
        return;
      case 'weights-progress':
        this.weights.onEvent(e);
        return;
      default:
        // The watched run ended and the next one in the queue started: follow it, saying so.
        if (e.kind === 'started' && this.live.runId !== e.runId && !this.live.isActive) this.live.follow(e.runId);
        this.live.onEvent(e);
        this.studies.onRunEvent(e);
        if (e.kind === 'evaluation' && e.evaluation.split === 'test') this.#tested.set(e.runId, e.evaluation.accuracy);
        if (e.kind === 'status') this.#notifyEnd(e.runId, e.status, e.error);
        if (e.kind === 'status' || e.kind === 'epoch-end' || e.kind === 'evaluation') this.runs.scheduleReload();
        if (e.kind === 'evaluation' && this.evaluation.runId === e.runId) void this.evaluation.open(e.runId);
        // A compared run that finishes (a retrain on fixed labels, say) brings its test predictions to the paired test.
        if (e.kind === 'status' && this.compare.ids.includes(e.runId)) void this.compare.open(this.compare.ids);
    }
  }

  /** In the desktop app, a run that ended while the user looked elsewhere raises a system notification. */
  #notifyEnd(runId: number, status: RunStatus, error: string | null): void {
    const desktop = this.transport.desktop;
    if (!desktop) return;
    const run = this.runs.list.value.find((r) => r.id === runId);
    const notice = runEndNotice({ id: runId, name: run?.name ?? '' }, status, this.#tested.get(runId) ?? null, error, document.hasFocus());
    this.#tested.delete(runId);
    if (notice) desktop.notify(notice.title, notice.body).catch(() => undefined);
  }

  go(view: View): void {
    this.#step();
    // Evaluation opened from the menu shows the latest evaluated run rather than an empty page.
    if (view === 'evaluation' && this.evaluation.runId === null) {
      const latest = this.runs.list.value.filter((r) => r.testAccuracy !== null).sort((a, b) => b.createdMs - a.createdMs || b.id - a.id)[0];
      if (latest) void this.evaluation.open(latest.id);
    }
    this.#view = view;
  }

  setTheme(t: Theme): void {
    this.#theme = t;
    localStorage.setItem(THEME_KEY, t);
  }

  /** Opens the live view on a run. */
  watch(runId: number): void {
    this.#step();
    this.live.watch(runId);
    this.#view = 'live';
  }

  /** Opens the evaluation of a run. */
  evaluate(runId: number): void {
    this.#step();
    void this.evaluation.open(runId);
    this.#view = 'evaluation';
  }

  /** Opens the comparison of the selected runs. */
  compareRuns(ids: readonly number[]): void {
    this.#step();
    void this.compare.open(ids);
    this.#view = 'compare';
  }

  /** Opens the new-run form on a dataset. */
  trainOn(datasetId: number): void {
    this.newRun.datasetId = datasetId;
    this.go('new-run');
  }

  /** Opens the new-run form with a past run's settings. */
  runAgain(run: RunSummary): void {
    this.newRun.loadFrom(run);
    this.go('new-run');
  }

  /** Opens the runs table with a run's panel (null: without). */
  openRun(runId: number | null): void {
    this.#step();
    this.runs.openRun(runId);
    this.#view = 'runs';
  }

  /** Opens a study, the new-study form, or the list of studies. */
  openStudy(study: number | 'new' | null): void {
    this.#step();
    if (study === 'new') this.studies.showNew();
    else if (study === null) this.studies.showList();
    else void this.studies.open(study);
    this.#view = 'studies';
  }

  /** Opens a dataset's import report. */
  openDataset(datasetId: number): void {
    this.#step();
    void this.datasets.select(datasetId);
    this.#view = 'datasets';
  }
}
