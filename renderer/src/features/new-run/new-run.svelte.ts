/**
 * The new-run form: a draft of `TrainConfig` with inline validation, and start / queue.
 */
import type { Api, TimeEstimate } from '@shared/contract/api';
import { CONFIG_LIMITS, type NumberSetting } from '@shared/limits';
import { DEFAULT_CONFIG, type Augmentation, type BackendChoice, type MonitorMetric, type TrainConfig } from '@shared/config';
import type { RunSummary } from '@shared/types';
import { configFields, configFromFields, type ConfigFields } from '../../lib/config-form';
import { Action } from '../../lib/action.svelte';
import { t } from '../../i18n/i18n.svelte';
import { Resource } from '../../lib/resource.svelte';
import { pretrainedSetting, validateDraft, validateFineTune, type DraftErrors, type FineTuneErrors, type StartFrom } from '../../lib/validate';
import { pretrainedFor } from '@shared/pretrained';
import type { DatasetsState } from '../datasets/datasets.svelte';
import type { ModelsState } from '../../state/models.svelte';
import { nameForArch } from './run-name';

/** A problem of the form, by field (the fine-tuning ones included). */
export type FormErrors = DraftErrors & FineTuneErrors;

/** Every field of the form; numbers are null while the input is empty. */
export interface FormFields extends ConfigFields {
  channels: 1 | 3;
  monitor: MonitorMetric;
  backend: BackendChoice;
  threads: number;
  /** Where the run starts, and the weights file's path when it is a file. */
  startFrom: StartFrom;
  weightsFile: string;
  freeze: TrainConfig['freeze'];
  unfreezeAfter: number | null;
  backboneLrScale: number | null;
  name: string;
}

function fromConfig(c: TrainConfig): FormFields {
  return {
    ...configFields(c),
    channels: c.channels,
    monitor: c.monitor,
    backend: c.backend,
    threads: c.threads ?? 0,
    startFrom: !c.pretrained || c.pretrained === 'none' ? 'none' : c.pretrained === 'imagenet' ? 'imagenet' : 'file',
    weightsFile: c.pretrained && c.pretrained !== 'none' && c.pretrained !== 'imagenet' ? c.pretrained : '',
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
  /** The name "Run again" copied from a past run (null once the form starts afresh). */
  #copiedName: string | null = null;
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

  get validation(): { errors: FormErrors; config: TrainConfig | null } {
    const f = this.fields;
    const { errors: draft, schedule } = validateDraft(f, {
      model: this.model,
      trainImages: this.dataset ? this.dataset.split.train : null,
      hasDataset: this.dataset !== null,
    });
    const errors: FormErrors = { ...validateFineTune(f, f), ...draft };
    if (Object.keys(errors).length > 0 || !schedule) return { errors, config: null };
    const config = configFromFields(f, schedule, { ...f, pretrained: pretrainedSetting(f), unfreezeAfter: f.unfreezeAfter!, backboneLrScale: f.backboneLrScale! });
    return { errors: {}, config };
  }

  /** Errors to show: only once the user tried to submit, or for fields already edited. */
  get shownErrors(): FormErrors {
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
    const from = this.fields.arch;
    // A name written for one architecture must not label a run of another.
    this.fields.name = nameForArch(this.fields.name, { id: from, title: this.models.byId(from)?.title }, id, this.#copiedName !== null && this.fields.name === this.#copiedName);
    this.fields.arch = id;
    const m = this.models.byId(id);
    if (m && this.fields.inputSize !== null && this.fields.inputSize < m.minInputSize) this.fields.inputSize = m.minInputSize;
    // Pretrained weights keep their network's batch-norm; an architecture without any starts from scratch.
    if (this.fields.startFrom !== 'none') {
      const entry = pretrainedFor(id);
      if (entry) this.fields.batchNorm = entry.batchNorm;
      else this.setStartFrom('none');
    }
  }

  /**
   * Where the run starts. Pretrained weights fix the network (width 1, RGB, ReLU after
   * batch-norm, the network's own batch-norm): picking them sets those; from scratch, the
   * fine-tuning settings go back to their defaults.
   */
  setStartFrom(start: StartFrom): void {
    const f = this.fields;
    f.startFrom = start;
    if (start === 'none') {
      f.freeze = DEFAULT_CONFIG.freeze;
      f.unfreezeAfter = DEFAULT_CONFIG.unfreezeAfter;
      f.backboneLrScale = DEFAULT_CONFIG.backboneLrScale;
      return;
    }
    const entry = pretrainedFor(f.arch);
    if (!entry) return;
    f.width = 1;
    f.channels = 3;
    f.activation = 'relu';
    f.order = 'post';
    f.batchNorm = entry.batchNorm;
  }

  toggleAugment(a: Augmentation, on: boolean): void {
    const set = new Set(this.fields.augment);
    if (on) set.add(a);
    else set.delete(a);
    this.fields.augment = [...set];
  }

  reset(): void {
    this.fields = fromConfig({ ...DEFAULT_CONFIG, arch: this.fields.arch });
    this.#copiedName = null;
    this.#touched = false;
    this.starting.dismiss();
  }

  /** Copies a past run's settings into the form ("re-run with changes"). */
  loadFrom(run: RunSummary): void {
    this.fields = { ...fromConfig(run.config), name: t('newRun.again', { name: run.name }) };
    this.#copiedName = this.fields.name;
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
    // The name was this run's: the next one gets its own (or the default, arch-id).
    this.fields.name = '';
    this.#copiedName = null;
    return run;
  }
}
