/**
 * The new-run form: a draft of `TrainConfig` with inline validation, and start / queue.
 */
import type { Api, TimeEstimate } from '@shared/contract/api';
import { CONFIG_LIMITS, type NumberSetting } from '@shared/limits';
import { DEFAULT_CONFIG, type Augmentation, type BackendChoice, type MonitorMetric, type TrainConfig } from '@shared/config';
import type { RunSummary } from '@shared/types';
import { configFields, configFromFields, type ConfigFields } from '../../lib/config-form';
import { Action } from '../../lib/action.svelte';
import { Resource } from '../../lib/resource.svelte';
import { validateDraft, type DraftErrors } from '../../lib/validate';
import type { DatasetsState } from '../datasets/datasets.svelte';
import type { ModelsState } from '../../state/models.svelte';

/** Every field of the form; numbers are null while the input is empty. */
export interface FormFields extends ConfigFields {
  channels: 1 | 3;
  monitor: MonitorMetric;
  backend: BackendChoice;
  threads: number;
  /** Fine-tuning settings: carried from the loaded config (no inputs for them yet). */
  pretrained: TrainConfig['pretrained'];
  freeze: TrainConfig['freeze'];
  unfreezeAfter: number;
  backboneLrScale: number;
  name: string;
}

function fromConfig(c: TrainConfig): FormFields {
  return {
    ...configFields(c),
    channels: c.channels,
    monitor: c.monitor,
    backend: c.backend,
    threads: c.threads ?? 0,
    pretrained: c.pretrained ?? 'none',
    freeze: c.freeze ?? 'none',
    unfreezeAfter: c.unfreezeAfter ?? 0,
    backboneLrScale: c.backboneLrScale ?? DEFAULT_CONFIG.backboneLrScale,
    name: '',
  };
}

/** The new-run form, the run it last started, and starting one. */
export class NewRunState {
  /** The form, bound field by field from the view. */
  fields = $state<FormFields>(fromConfig(DEFAULT_CONFIG));
  #datasetId = $state<number | null>(null);
  /** Starting (or queueing) the run: under way, or why the core refused it. */
  readonly starting = new Action();
  #touched = $state(false);
  #last = $state.raw<RunSummary | null>(null);
  /** How long each architecture would train at the form's size, width, epochs and backend, from the core. */
  readonly estimates = new Resource<readonly TimeEstimate[]>([]);
  #estimatesFor = '';

  constructor(
    private readonly api: Api,
    private readonly datasets: DatasetsState,
    private readonly models: ModelsState,
  ) {}

  get datasetId(): number | null {
    return this.#datasetId ?? this.datasets.selectedId;
  }
  set datasetId(id: number | null) {
    this.#datasetId = id;
  }
  get dataset() {
    return this.datasets.list.value.find((d) => d.id === this.datasetId) ?? null;
  }
  get model() {
    return this.models.byId(this.fields.arch);
  }
  /** The last run this form started or queued. */
  get last(): RunSummary | null {
    return this.#last;
  }

  get validation(): { errors: DraftErrors; config: TrainConfig | null } {
    const f = this.fields;
    const { errors, schedule } = validateDraft(f, {
      model: this.model,
      trainImages: this.dataset ? this.dataset.split.train : null,
      hasDataset: this.dataset !== null,
    });
    if (Object.keys(errors).length > 0 || !schedule) return { errors, config: null };
    const config = configFromFields(f, schedule, f);
    return { errors: {}, config };
  }

  /** Errors to show: only once the user tried to submit, or for fields already edited. */
  get shownErrors(): DraftErrors {
    const { errors } = this.validation;
    if (this.#touched) return errors;
    const { dataset: _d, arch: _a, ...fieldErrors } = errors;
    return fieldErrors;
  }

  /** The estimate for one architecture, once the core gave it. */
  estimateFor(arch: string): TimeEstimate | null {
    return this.estimates.value.find((e) => e.arch === arch) ?? null;
  }

  /**
   * Asks the core how long each architecture would train, when the dataset, size, width, epochs
   * or backend changed since the last time (or always, with `force`: new runs measured since).
   */
  refreshEstimates(force = false): void {
    const f = this.fields;
    const models = this.models.list.value;
    const inRange = (k: NumberSetting, v: number | null): v is number => {
      const l = CONFIG_LIMITS[k];
      return v !== null && Number.isFinite(v) && (l.minExclusive ? v > l.min : v >= l.min) && (l.max === undefined || v <= l.max) && (!l.integer || Number.isInteger(v));
    };
    const { inputSize, width, epochs, backend } = f;
    if (!models.length || !inRange('inputSize', inputSize) || !inRange('width', width) || !inRange('epochs', epochs)) return;
    const datasetId = this.datasetId;
    const key = JSON.stringify([datasetId, inputSize, width, epochs, backend, models.length]);
    if (key === this.#estimatesFor && !force) return;
    this.#estimatesFor = key;
    // Each card at the form's size, or its architecture's smallest if that is larger (as picking it would set).
    const requests = models.map((m) => ({ arch: m.id, inputSize: Math.max(inputSize, m.minInputSize), width, epochs, backend }));
    void this.estimates.load(() => this.api.estimateRuns(datasetId, requests));
  }

  pickArch(id: string): void {
    this.fields.arch = id;
    const m = this.models.byId(id);
    if (m && this.fields.inputSize !== null && this.fields.inputSize < m.minInputSize) this.fields.inputSize = m.minInputSize;
  }

  toggleAugment(a: Augmentation, on: boolean): void {
    const set = new Set(this.fields.augment);
    if (on) set.add(a);
    else set.delete(a);
    this.fields.augment = [...set];
  }

  reset(): void {
    this.fields = fromConfig({ ...DEFAULT_CONFIG, arch: this.fields.arch });
    this.#touched = false;
    this.starting.dismiss();
  }

  /** Copies a past run's settings into the form ("re-run with changes"). */
  loadFrom(run: RunSummary): void {
    this.fields = { ...fromConfig(run.config), name: `${run.name} (again)` };
    this.#datasetId = run.datasetId;
  }

  /** Starts (or queues) a run; resolves to it, or null when refused (the reason is shown). */
  async submit(queue: boolean): Promise<RunSummary | null> {
    this.#touched = true;
    this.starting.dismiss();
    const { config } = this.validation;
    const datasetId = this.datasetId;
    if (!config || datasetId === null) return null;
    const run = await this.starting.run(() => this.api.startRun(datasetId, config, { name: this.fields.name.trim() || undefined, queue }));
    if (!run) return null;
    this.#last = run;
    return run;
  }
}
