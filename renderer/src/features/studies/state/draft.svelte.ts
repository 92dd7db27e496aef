/**
 * The new-study form: the base settings, the axes to vary and the seeds per cell, checked as
 * they are typed; creating (and starting) the study.
 */
import { lessCertain, type Api, type EstimateRequest, type EstimateSource } from '@shared/contract/api';
import { AUGMENTATIONS, DEFAULT_CONFIG, type Augmentation, type TrainConfig } from '@shared/config';
import { STUDY_AXIS_KEYS, type StudyAxis, type StudyAxisKey, type StudyDetail } from '@shared/contract/studies';
import { Action } from '../../../lib/action.svelte';
import { Resource } from '../../../lib/resource.svelte';
import { configFields, configFromFields, type ConfigFields } from '../../../lib/config-form';
import { validateDraft, type DraftErrors } from '../../../lib/validate';
import type { ModelsState } from '../../../state/models.svelte';
import type { DatasetsState } from '../../datasets/datasets.svelte';
import { axisValues, runCount, type AxisDraft } from '../study';
import { t } from '../../../i18n/i18n.svelte';

/** Settings a new axis suggests: the classic study first. */
const AXIS_SUGGESTIONS: readonly { key: StudyAxisKey; picked: string[]; text?: string }[] = [
  { key: 'activation', picked: ['relu', 'tanh'] },
  { key: 'schedule', picked: ['constant', 'step-2:1:1'] },
  { key: 'augment', picked: ['none', 'flip+resized-crop'] },
  { key: 'lr', picked: [], text: '0.01, 0.001' },
  { key: 'optimizer', picked: ['sgd', 'adam'] },
];

/** The base settings the form shows (the others keep `DEFAULT_CONFIG`'s values). */
export type StudyBaseFields = ConfigFields;

/** The new-study form. */
export class StudyDraftState {
  name = $state('');
  fields = $state<StudyBaseFields>(configFields({ ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 4 }));
  axes = $state<AxisDraft[]>([]);
  repeats = $state<number | null>(1);
  #datasetId = $state<number | null>(null);
  /** Creating the study: under way, or why it was refused. */
  readonly creating = new Action();
  #touched = $state(false);
  #nextId = 1;
  /** How long the study would take, before it is created: seconds and the least certain source (from the core). */
  readonly estimate = new Resource<{ readonly seconds: number; readonly source: EstimateSource } | null>(null);
  #estimateFor = '';

  constructor(
    private readonly api: Api,
    private readonly datasets: DatasetsState,
    private readonly models: ModelsState,
  ) {
    this.addAxis();
    this.addAxis();
  }

  get datasetId(): number | null {
    return this.#datasetId ?? this.datasets.selectedId ?? this.datasets.list.value[0]?.id ?? null;
  }
  set datasetId(id: number | null) {
    this.#datasetId = id;
  }
  get dataset() {
    return this.datasets.list.value.find((d) => d.id === this.datasetId) ?? null;
  }
  get touched(): boolean {
    return this.#touched;
  }
  get archIds(): string[] {
    return this.models.list.value.map((m) => m.id);
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
    if (r === null || !Number.isInteger(r) || r < 1 || r > 100) all.repeats = t('studyForm.repeatsCheck');
    const axisErrors = this.axisResults.filter((x) => x.error);
    if (axisErrors.length) all.axes = axisErrors[0].error!;
    if (Object.keys(all).length > 0 || !schedule) return { errors: all, base: null, axes: null };
    const base = configFromFields(f, schedule, DEFAULT_CONFIG);
    const axes = this.axisResults.map((x) => ({ key: x.key, values: x.values }) as StudyAxis);
    return { errors: {}, base, axes };
  }

  /**
   * Asks the core how long the study would take, when its base, axes, seeds or dataset changed.
   * Only the settings that decide the time are expanded (architecture, input size, width, epochs,
   * backend); every other axis multiplies the count.
   */
  refreshEstimate(): void {
    const { base, axes } = this.validation;
    const datasetId = this.datasetId;
    if (!base || !axes || datasetId === null) return;
    const TIMED: readonly StudyAxisKey[] = ['arch', 'inputSize', 'width', 'epochs', 'backend'];
    let requests: EstimateRequest[] = [{ arch: base.arch, inputSize: base.inputSize, width: base.width, epochs: base.epochs, backend: base.backend }];
    let times = this.repeats ?? 1;
    for (const a of axes) {
      if (!TIMED.includes(a.key)) times *= a.values.length;
      else requests = requests.flatMap((r) => (a.values as unknown[]).map((v) => ({ ...r, [a.key]: v })));
    }
    const key = JSON.stringify([datasetId, requests, times]);
    if (key === this.#estimateFor) return;
    this.#estimateFor = key;
    void this.estimate.load(async () => {
      const all = await this.api.estimateRuns(datasetId, requests);
      const seconds = all.reduce((sum, e) => sum + (e.totalSeconds ?? 0), 0) * times;
      const source = lessCertain(...all.map((e) => e.source));
      return { seconds, source };
    });
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
    this.creating.dismiss();
    const { base, axes } = this.validation;
    const datasetId = this.datasetId;
    if (!base || !axes || datasetId === null) return null;
    const study = await this.creating.run(async () => {
      const created = await this.api.createStudy({ name: this.name.trim() || undefined, datasetId, base, axes, repeats: this.repeats ?? 1 });
      return run ? this.api.runStudy(created.id) : created;
    });
    if (!study) return null;
    this.#touched = false;
    this.name = '';
    return study;
  }
}
