/**
 * Studies: the list, the new-study form, and the open study's page (progress, results grid,
 * curves by group, failures across runs, a confusion diff of two runs).
 */
import type { Api } from '@shared/contract/api';
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, DEFAULT_CONFIG, LAYER_ORDERS, OPTIMIZERS, parseSchedule, type Augmentation, type TrainConfig } from '@shared/config';
import {
  STUDY_AXIS_KEYS,
  STUDY_AXIS_TITLES,
  type ConfusionDiff,
  type CurveMetric,
  type FailuresAcrossRuns,
  type StudyAxis,
  type StudyAxisKey,
  type StudyCurves,
  type StudyDetail,
  type StudyEvent,
  type StudyGrid,
  type StudyMetric,
  type StudySummary,
} from '@shared/contract/studies';
import { configFields, configFromFields, type ConfigFields } from '../../../lib/config-form';
import { errorText } from '../../../lib/format';
import { AUGMENT_COMBOS, parseAugmentCombo, parseNumberList, presetSchedule, runCount, SCHEDULE_PRESETS, shortLabel, type SchedulePreset } from '../study';
import { validateDraft, type DraftErrors } from '../../../lib/validate';
import type { DatasetsState } from '../../datasets/datasets.svelte';
import type { ModelsState } from '../../../state/models.svelte';

/** How the values of an axis are entered: ticked from a list, or typed as numbers. */
export type AxisInput = { readonly kind: 'choice'; readonly options: readonly string[]; readonly custom?: string } | { readonly kind: 'numbers'; readonly integer: boolean; readonly placeholder: string };

const INTEGER_KEYS: readonly StudyAxisKey[] = ['epochs', 'batchSize', 'inputSize', 'earlyStopping', 'threads'];

/** The input an axis takes; `arch` lists the model zoo. */
export function axisInput(key: StudyAxisKey, archIds: readonly string[]): AxisInput {
  switch (key) {
    case 'activation':
      return { kind: 'choice', options: ACTIVATIONS };
    case 'optimizer':
      return { kind: 'choice', options: OPTIMIZERS };
    case 'batchNorm':
      return { kind: 'choice', options: ['on', 'off'] };
    case 'order':
      return { kind: 'choice', options: LAYER_ORDERS };
    case 'channels':
      return { kind: 'choice', options: ['3', '1'] };
    case 'monitor':
      return { kind: 'choice', options: ['val_accuracy', 'val_loss'] };
    case 'backend':
      return { kind: 'choice', options: ['auto', ...BACKENDS] };
    case 'arch':
      return { kind: 'choice', options: archIds };
    case 'schedule':
      return { kind: 'choice', options: SCHEDULE_PRESETS, custom: 'more, space-separated: step:0.01,0.001@3:1 cosine:1e-5' };
    case 'augment':
      return { kind: 'choice', options: AUGMENT_COMBOS, custom: 'more, comma-separated: flip+blur, color' };
    case 'lr':
      return { kind: 'numbers', integer: false, placeholder: '0.01, 0.001, 0.0001' };
    case 'width':
      return { kind: 'numbers', integer: false, placeholder: '0.125, 0.25, 0.5' };
    case 'dropout':
      return { kind: 'numbers', integer: false, placeholder: '0, 0.25, 0.5' };
    case 'momentum':
      return { kind: 'numbers', integer: false, placeholder: '0.8, 0.9, 0.99' };
    case 'weightDecay':
      return { kind: 'numbers', integer: false, placeholder: '0, 1e-4, 5e-4' };
    case 'warmupEpochs':
      return { kind: 'numbers', integer: false, placeholder: '0, 1' };
    case 'labelSmoothing':
      return { kind: 'numbers', integer: false, placeholder: '0, 0.1' };
    default:
      return { kind: 'numbers', integer: INTEGER_KEYS.includes(key), placeholder: key === 'inputSize' ? '32, 64' : key === 'batchSize' ? '16, 32, 64' : key === 'threads' ? '1, 2' : '5, 10' };
  }
}

/** One axis of the form: a setting, the options ticked, and what was typed. */
export interface AxisDraft {
  readonly id: number;
  key: StudyAxisKey;
  picked: string[];
  text: string;
}

/** Settings a new axis suggests: the classic study first. */
const AXIS_SUGGESTIONS: readonly { key: StudyAxisKey; picked: string[]; text?: string }[] = [
  { key: 'activation', picked: ['relu', 'tanh'] },
  { key: 'schedule', picked: ['constant', 'step-2:1:1'] },
  { key: 'augment', picked: ['none', 'flip+crop'] },
  { key: 'lr', picked: [], text: '0.01, 0.001' },
  { key: 'optimizer', picked: ['sgd', 'adam'] },
];

/** The base settings the form shows (the others keep `DEFAULT_CONFIG`'s values). */
export type StudyBaseFields = ConfigFields;

/** The values an axis draft stands for, or why it cannot be read. */
export function axisValues(a: AxisDraft, lr: number, archIds: readonly string[]): { values: unknown[]; error: string | null } {
  const input = axisInput(a.key, archIds);
  try {
    let values: unknown[];
    if (input.kind === 'numbers') {
      values = parseNumberList(a.text, { integer: input.integer });
    } else {
      const picked = input.options.filter((o) => a.picked.includes(o));
      switch (a.key) {
        case 'schedule':
          values = [...picked.map((p) => presetSchedule(p as SchedulePreset, lr)), ...a.text.split(/\s+/).filter(Boolean).map(parseSchedule)];
          break;
        case 'augment':
          values = [...picked, ...a.text.split(',').filter((s) => s.trim())].map((c) => parseAugmentCombo(c, AUGMENTATIONS));
          break;
        case 'batchNorm':
          values = picked.map((p) => p === 'on');
          break;
        case 'channels':
          values = picked.map(Number);
          break;
        default:
          values = picked;
      }
    }
    if (values.length === 0) return { values, error: `Give ${STUDY_AXIS_TITLES[a.key]} at least one value` };
    const seen = new Set(values.map((v) => JSON.stringify(v)));
    if (seen.size !== values.length) return { values, error: `A ${STUDY_AXIS_TITLES[a.key]} value is listed twice` };
    return { values, error: null };
  } catch (e) {
    return { values: [], error: errorText(e).replace(/^schedule: /, '') };
  }
}

/** The new-study form. */
export class StudyDraftState {
  name = $state('');
  fields = $state<StudyBaseFields>(configFields({ ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 4 }));
  axes = $state<AxisDraft[]>([]);
  repeats = $state<number | null>(1);
  #datasetId = $state<number | null>(null);
  #submitting = $state(false);
  #submitError = $state<string | null>(null);
  #touched = $state(false);
  #nextId = 1;

  constructor(
    private readonly api: Api,
    private readonly datasets: DatasetsState,
    private readonly models: ModelsState,
  ) {
    this.addAxis();
    this.addAxis();
  }

  get datasetId(): number | null {
    return this.#datasetId ?? this.datasets.selectedId ?? this.datasets.list[0]?.id ?? null;
  }
  set datasetId(id: number | null) {
    this.#datasetId = id;
  }
  get dataset() {
    return this.datasets.list.find((d) => d.id === this.datasetId) ?? null;
  }
  get submitting(): boolean {
    return this.#submitting;
  }
  get submitError(): string | null {
    return this.#submitError;
  }
  get touched(): boolean {
    return this.#touched;
  }
  get archIds(): string[] {
    return this.models.models.map((m) => m.id);
  }

  /** Settings not yet used by an axis (the seed is never one: it comes from the repeats). */
  freeKeys(except?: StudyAxisKey): StudyAxisKey[] {
    const used = new Set(this.axes.map((a) => a.key));
    return STUDY_AXIS_KEYS.filter((k) => k === except || !used.has(k));
  }

  addAxis(): void {
    const used = new Set(this.axes.map((a) => a.key));
    const s = AXIS_SUGGESTIONS.find((x) => !used.has(x.key));
    const key = s?.key ?? this.freeKeys()[0];
    if (!key) return;
    this.axes.push({ id: this.#nextId++, key, picked: s ? [...s.picked] : [], text: s?.text ?? '' });
  }

  removeAxis(id: number): void {
    this.axes = this.axes.filter((a) => a.id !== id);
  }

  /** Changes an axis's setting, clearing what was entered for the old one. */
  setAxisKey(id: number, key: StudyAxisKey): void {
    const a = this.axes.find((x) => x.id === id);
    if (!a || a.key === key) return;
    const s = AXIS_SUGGESTIONS.find((x) => x.key === key);
    a.key = key;
    a.picked = s ? [...s.picked] : [];
    a.text = s?.text ?? '';
  }

  togglePick(id: number, option: string, on: boolean): void {
    const a = this.axes.find((x) => x.id === id);
    if (!a) return;
    a.picked = on ? [...new Set([...a.picked, option])] : a.picked.filter((p) => p !== option);
  }

  toggleAugment(aug: Augmentation, on: boolean): void {
    const set = new Set(this.fields.augment);
    if (on) set.add(aug);
    else set.delete(aug);
    this.fields.augment = AUGMENTATIONS.filter((x) => set.has(x));
  }

  /** Each axis's values or error, in form order. */
  get axisResults(): { id: number; key: StudyAxisKey; values: unknown[]; error: string | null }[] {
    const lr = this.fields.lr ?? DEFAULT_CONFIG.lr;
    return this.axes.map((a) => ({ id: a.id, key: a.key, ...axisValues(a, lr, this.archIds) }));
  }

  /** Runs the grid expands to (axes that cannot be read count as one value). */
  get plannedRuns(): { grid: number; sizes: number[]; runs: number } {
    const sizes = this.axisResults.map((r) => Math.max(1, r.values.length));
    const seeds = this.repeats ?? 1;
    return { sizes, grid: runCount(sizes, 1), runs: runCount(sizes, seeds) };
  }

  get validation(): { errors: DraftErrors & { repeats?: string; axes?: string }; base: TrainConfig | null; axes: StudyAxis[] | null } {
    const f = this.fields;
    const model = this.models.byId(f.arch);
    const { errors, schedule } = validateDraft(f, { model, trainImages: this.dataset?.split.train ?? null, hasDataset: this.dataset !== null });
    const all: DraftErrors & { repeats?: string; axes?: string } = { ...errors };
    const r = this.repeats;
    if (r === null || !Number.isInteger(r) || r < 1 || r > 100) all.repeats = 'Seeds per cell must be a whole number from 1 to 100';
    const axisErrors = this.axisResults.filter((x) => x.error);
    if (axisErrors.length) all.axes = axisErrors[0].error!;
    if (Object.keys(all).length > 0 || !schedule) return { errors: all, base: null, axes: null };
    const base = configFromFields(f, schedule, DEFAULT_CONFIG);
    const axes = this.axisResults.map((x) => ({ key: x.key, values: x.values }) as StudyAxis);
    return { errors: {}, base, axes };
  }

  /** Errors to show: every one once the user tried to create, else those of edited fields. */
  get shownErrors(): DraftErrors & { repeats?: string; axes?: string } {
    const { errors } = this.validation;
    if (this.#touched) return errors;
    const { dataset: _d, arch: _a, axes: _x, ...rest } = errors;
    return rest;
  }

  /** Stores the study (and starts it when `run`); resolves to it, or null when refused. */
  async submit(run: boolean): Promise<StudyDetail | null> {
    this.#touched = true;
    this.#submitError = null;
    const { base, axes } = this.validation;
    const datasetId = this.datasetId;
    if (!base || !axes || datasetId === null) return null;
    this.#submitting = true;
    try {
      let study = await this.api.createStudy({ name: this.name.trim() || undefined, datasetId, base, axes, repeats: this.repeats ?? 1 });
      if (run) study = await this.api.runStudy(study.id);
      this.#touched = false;
      this.name = '';
      return study;
    } catch (e) {
      this.#submitError = errorText(e);
      return null;
    } finally {
      this.#submitting = false;
    }
  }
}

export type StudyPage = 'list' | 'new' | 'study';
export type StudyTab = 'grid' | 'curves' | 'failures' | 'diff' | 'runs';
export type FailureKind = 'allWrong' | 'disagree' | 'onlyOneRight';

/** A grid cell picked to list its runs. */
export interface PickedCell {
  readonly table: number;
  readonly row: number;
  readonly col: number;
}

export class StudiesState {
  readonly draft: StudyDraftState;
  #list = $state.raw<readonly StudySummary[]>([]);
  #loaded = $state(false);
  #listError = $state<string | null>(null);
  #page = $state<StudyPage>('list');
  #openId = $state<number | null>(null);
  #detail = $state.raw<StudyDetail | null>(null);
  #error = $state<string | null>(null);
  #actionError = $state<string | null>(null);
  #acting = $state(false);
  tab = $state<StudyTab>('grid');

  // Results grid
  gridRows = $state<StudyAxisKey | null>(null);
  /** null: no column axis. */
  gridCols = $state<StudyAxisKey | null>(null);
  metric = $state<StudyMetric>('test_accuracy');
  rest = $state<'split' | 'pool'>('split');
  picked = $state.raw<PickedCell | null>(null);
  #grid = $state.raw<StudyGrid | null>(null);
  #gridError = $state<string | null>(null);

  // Curves
  curveBy = $state<StudyAxisKey | null>(null);
  curveMetric = $state<CurveMetric>('val_accuracy');
  /** Whether the user picked `curveBy` (null then means one group per cell). */
  #curveByChosen = false;
  #curves = $state.raw<StudyCurves | null>(null);
  #curvesError = $state<string | null>(null);

  // Failures and the confusion diff
  failureKind = $state<FailureKind>('allWrong');
  #failureLimit = $state(48);
  #failures = $state.raw<FailuresAcrossRuns | null>(null);
  #failuresError = $state<string | null>(null);
  diffA = $state<number | null>(null);
  diffB = $state<number | null>(null);
  #diff = $state.raw<ConfusionDiff | null>(null);
  #diffError = $state<string | null>(null);

  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Per loader: the latest request, so that a slow older answer never replaces a newer one. */
  readonly #seq = { detail: 0, grid: 0, curves: 0, failures: 0, diff: 0 };

  constructor(
    private readonly api: Api,
    datasets: DatasetsState,
    models: ModelsState,
  ) {
    this.draft = new StudyDraftState(api, datasets, models);
  }

  get list(): readonly StudySummary[] {
    return this.#list;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get listError(): string | null {
    return this.#listError;
  }
  get page(): StudyPage {
    return this.#page;
  }
  get openId(): number | null {
    return this.#openId;
  }
  get detail(): StudyDetail | null {
    return this.#detail;
  }
  get error(): string | null {
    return this.#error;
  }
  get actionError(): string | null {
    return this.#actionError;
  }
  get acting(): boolean {
    return this.#acting;
  }
  get grid(): StudyGrid | null {
    return this.#grid;
  }
  get gridError(): string | null {
    return this.#gridError;
  }
  get curves(): StudyCurves | null {
    return this.#curves;
  }
  get curvesError(): string | null {
    return this.#curvesError;
  }
  get failures(): FailuresAcrossRuns | null {
    return this.#failures;
  }
  get failuresError(): string | null {
    return this.#failuresError;
  }
  get failureLimit(): number {
    return this.#failureLimit;
  }
  get diff(): ConfusionDiff | null {
    return this.#diff;
  }
  get diffError(): string | null {
    return this.#diffError;
  }
  /** Studies running or pausing (for the nav badge). */
  get active(): number {
    return this.#list.filter((s) => s.state === 'running' || s.state === 'pausing').length;
  }

  /** Each of the open study's runs, named by its cell (and seed when there are several). */
  get runLabels(): ReadonlyMap<number, string> {
    const d = this.#detail;
    const out = new Map<number, string>();
    if (!d) return out;
    for (const c of d.cells) {
      const name = (c.labels.length ? c.labels.map(shortLabel).join(' · ') : 'base') + (d.repeats > 1 ? ` · seed ${c.seed}` : '');
      if (c.runId !== null) out.set(c.runId, name);
      for (const p of c.previousRunIds) out.set(p, `${name} (earlier try)`);
    }
    return out;
  }

  /** The open study's completed runs, in cell order. */
  get completedRuns(): number[] {
    return (this.#detail?.cells ?? []).filter((c) => c.status === 'completed' && c.runId !== null).map((c) => c.runId!);
  }

  async load(): Promise<void> {
    try {
      this.#list = await this.api.listStudies();
      this.#listError = null;
    } catch (e) {
      this.#listError = errorText(e);
    } finally {
      this.#loaded = true;
    }
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
    if (this.#openId !== studyId) {
      this.#detail = null;
      this.#grid = null;
      this.#curves = null;
      this.#failures = null;
      this.#diff = null;
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
    this.#error = null;
    this.#actionError = null;
    this.tab = tab;
    await this.reloadOpen();
  }

  /** Switches the open study's tab and loads what it shows. */
  setTab(tab: StudyTab): void {
    this.tab = tab;
    void this.loadTab();
  }

  private async reloadOpen(): Promise<void> {
    const id = this.#openId;
    if (id === null) return;
    const seq = ++this.#seq.detail;
    try {
      const d = await this.api.getStudy(id);
      if (seq !== this.#seq.detail || this.#openId !== id) return;
      this.#detail = d;
      const keys = d.axes.map((a) => a.key);
      if (this.gridRows === null || !keys.includes(this.gridRows)) this.gridRows = keys[0] ?? null;
      if (this.gridCols !== null && !keys.includes(this.gridCols)) this.gridCols = null;
      if (this.gridCols === null && keys.length > 1) this.gridCols = keys.find((k) => k !== this.gridRows) ?? null;
      if (!this.#curveByChosen || (this.curveBy !== null && !keys.includes(this.curveBy))) this.curveBy = keys[0] ?? null;
      const done = this.completedRuns;
      if (this.diffA === null || !done.includes(this.diffA)) this.diffA = done[0] ?? null;
      if (this.diffB === null || !done.includes(this.diffB)) this.diffB = done.find((r) => r !== this.diffA) ?? null;
    } catch (e) {
      if (seq === this.#seq.detail) this.#error = errorText(e);
      return;
    }
    // The grid first: the diff's default runs come from it.
    await this.loadGrid();
    await this.loadTab();
  }

  private async loadTab(): Promise<void> {
    if (this.tab === 'curves') await this.loadCurves();
    else if (this.tab === 'failures') await this.loadFailures();
    else if (this.tab === 'diff') await this.loadDiff();
  }

  async loadGrid(): Promise<void> {
    const id = this.#openId;
    if (id === null) return;
    const seq = ++this.#seq.grid;
    try {
      const rows = this.gridRows ? [this.gridRows] : undefined;
      const cols = this.gridCols && this.gridCols !== this.gridRows ? [this.gridCols] : [];
      const g = await this.api.studyGrid(id, { rows, cols, metric: this.metric, rest: this.rest });
      if (seq !== this.#seq.grid) return;
      this.#grid = g;
      this.#gridError = null;
    } catch (e) {
      if (seq === this.#seq.grid) this.#gridError = errorText(e);
    }
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
    const seq = ++this.#seq.curves;
    try {
      const c = await this.api.studyCurves(id, { by: this.curveBy, metric: this.curveMetric });
      if (seq !== this.#seq.curves) return;
      this.#curves = c;
      this.#curvesError = null;
    } catch (e) {
      if (seq === this.#seq.curves) this.#curvesError = errorText(e);
    }
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
    const seq = ++this.#seq.failures;
    if (this.completedRuns.length === 0) {
      this.#failures = null;
      this.#failuresError = null;
      return;
    }
    try {
      const f = await this.api.failuresAcrossRuns({ studyId: id }, { limit: this.#failureLimit });
      if (seq !== this.#seq.failures) return;
      this.#failures = f;
      this.#failuresError = null;
    } catch (e) {
      if (seq === this.#seq.failures) this.#failuresError = errorText(e);
    }
  }

  showMoreFailures(): void {
    this.#failureLimit += 48;
    void this.loadFailures();
  }

  /**
   * Until the user picks, the diff shows the grid's worst run (A) against its best (B) by the
   * grid's metric: the pair with the most to tell.
   */
  #diffChosen = false;
  private defaultDiffRuns(): void {
    const g = this.#grid;
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
    const seq = ++this.#seq.diff;
    if (a === null || b === null || a === b) {
      this.#diff = null;
      this.#diffError = a !== null && a === b ? 'Pick two different runs.' : null;
      return;
    }
    try {
      const d = await this.api.confusionDiff(a, b);
      if (seq !== this.#seq.diff) return;
      this.#diff = d;
      this.#diffError = null;
    } catch (e) {
      if (seq === this.#seq.diff) this.#diffError = errorText(e);
    }
  }

  setDiffRuns(a: number | null, b: number | null): void {
    this.#diffChosen = true;
    this.diffA = a;
    this.diffB = b;
    void this.loadDiff();
  }

  private async act(fn: () => Promise<unknown>): Promise<boolean> {
    this.#acting = true;
    this.#actionError = null;
    try {
      await fn();
      return true;
    } catch (e) {
      this.#actionError = errorText(e);
      return false;
    } finally {
      this.#acting = false;
      await Promise.all([this.load(), this.reloadOpen()]);
    }
  }

  dismissError(): void {
    this.#actionError = null;
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
      this.#detail = null;
      this.#page = 'list';
    }
  }

  /** The grid as CSV or Markdown, laid out as shown. */
  exportText(format: 'csv' | 'markdown', perRun = false): Promise<string> {
    const id = this.#openId;
    if (id === null) return Promise.reject(new Error('No study is open.'));
    const rows = this.gridRows ? [this.gridRows] : undefined;
    const cols = this.gridCols && this.gridCols !== this.gridRows ? [this.gridCols] : [];
    return this.api.exportStudy(id, format, { rows, cols, metric: this.metric, rest: this.rest, perRun: format === 'csv' && perRun ? true : undefined });
  }

  /** A study changed, or runs moved on: reload the list and the open page, a little later. */
  onEvent(e: StudyEvent | { readonly kind: 'runs-changed' }): void {
    // Runs report every epoch: only a study that is running has anything new to show.
    if (e.kind === 'runs-changed' && !(this.#detail && (this.#detail.state === 'running' || this.#detail.state === 'pausing'))) return;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load();
      if (this.#page === 'study') void this.reloadOpen();
    }, 250);
  }
}
