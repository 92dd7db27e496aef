/**
 * The application: which view is open, the theme, and the one subscription to core events
 * that every other state object is fed from.
 */
import type { Api, AppEvent } from '@shared/contract/api';
import type { RunSummary } from '@shared/types';
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
  #unsubscribe: (() => void) | null = null;

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

  /** Loads what every view needs and subscribes to events. */
  async start(): Promise<void> {
    this.#unsubscribe = this.api.onEvent((e) => this.dispatch(e));
    // The zoo's cards come from the compute service, which may still be starting: the first
    // view does not wait for them (the cards show their own loading state).
    const models = this.models.load();
    await Promise.all([this.datasets.load(), this.runs.load(), this.studies.load()]);
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
  }

  private dispatch(e: AppEvent): void {
    switch (e.kind) {
      case 'import-progress':
        this.datasets.onProgress(e);
        return;
      case 'datasets-changed':
        void this.datasets.load();
        return;
      case 'runs-changed':
        this.runs.scheduleReload();
        this.studies.onEvent(e);
        return;
      case 'study-changed':
      case 'studies-changed':
        this.studies.onEvent(e);
        return;
      default:
        if (e.kind === 'started' && this.live.runId !== e.runId && !this.live.isActive) this.live.watch(e.runId);
        this.live.onEvent(e);
        this.studies.onRunEvent(e);
        if (e.kind === 'status' || e.kind === 'epoch-end' || e.kind === 'evaluation') this.runs.scheduleReload();
        if (e.kind === 'evaluation' && this.evaluation.runId === e.runId) void this.evaluation.open(e.runId);
    }
  }

  go(view: View): void {
    this.#navigated = true;
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
    this.#navigated = true;
    this.live.watch(runId);
    this.#view = 'live';
  }

  /** Opens the evaluation of a run. */
  evaluate(runId: number): void {
    this.#navigated = true;
    void this.evaluation.open(runId);
    this.#view = 'evaluation';
  }

  /** Opens the comparison of the selected runs. */
  compareRuns(ids: readonly number[]): void {
    this.#navigated = true;
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
}
