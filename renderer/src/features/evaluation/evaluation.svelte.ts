/**
 * One run's evaluation: confusion matrix, per-class metrics, mistakes, and classifying a new
 * image.
 */
import type { Api, ClassifyResult } from '@shared/contract/api';
import type { Prediction, RunDetail } from '@shared/types';
import { Action } from '../../lib/action.svelte';
import { Resource } from '../../lib/resource.svelte';

export interface Cell {
  readonly trueIndex: number;
  readonly predictedIndex: number;
}

/** Confidence of a prediction: the probability of the predicted class. */
export function confidence(p: Prediction): number {
  return p.probabilities.length ? Math.max(...p.probabilities) : 0;
}

/** A run and its test predictions, as the evaluation shows them. */
export interface EvaluatedRun {
  readonly run: RunDetail;
  readonly predictions: readonly Prediction[];
}

/** The open run's evaluation, the picked confusion-matrix cell, and a picture classified with it. */
export class EvaluationState {
  #runId = $state<number | null>(null);
  /** The open run with its predictions (or why they could not be loaded). */
  readonly report = new Resource<EvaluatedRun | null>(null);
  #cell = $state.raw<Cell | null>(null);
  /** Show the confusion matrix normalised per true class (row). */
  normalised = $state(false);
  /** Classifying a dropped picture: under way, or why it failed. */
  readonly classification = new Action();
  #classified = $state.raw<{ result: ClassifyResult; imageUrl: string; name: string } | null>(null);

  constructor(private readonly api: Api) {}

  get runId(): number | null {
    return this.#runId;
  }
  get run(): RunDetail | null {
    return this.report.value?.run ?? null;
  }
  get cell(): Cell | null {
    return this.#cell;
  }
  get classes(): readonly string[] {
    return this.run?.test?.classes ?? [];
  }
  get predictions(): readonly Prediction[] {
    return this.report.value?.predictions ?? [];
  }
  /** Wrong predictions, most confident first. */
  get mistakes(): readonly Prediction[] {
    return this.predictions.filter((p) => p.predictedClass !== p.trueClass).sort((a, b) => confidence(b) - confidence(a));
  }
  /** The images behind the selected confusion-matrix cell. */
  get cellImages(): readonly Prediction[] {
    const c = this.#cell;
    if (!c) return [];
    const cls = this.classes;
    return this.predictions.filter((p) => p.trueClass === cls[c.trueIndex] && p.predictedClass === cls[c.predictedIndex]).sort((a, b) => confidence(b) - confidence(a));
  }
  get classified(): { result: ClassifyResult; imageUrl: string; name: string } | null {
    return this.#classified;
  }

  async open(runId: number): Promise<void> {
    const same = this.#runId === runId;
    if (!same) {
      this.#cell = null;
      this.#classified = null;
      this.classification.dismiss();
    }
    this.report.reset(same ? this.report.value : null);
    this.#runId = runId;
    await this.report.load(async () => {
      const run = await this.api.getRun(runId);
      const predictions = run.predictions.length > 0 ? run.predictions : await this.api.predictions(runId);
      return { run, predictions };
    });
  }

  selectCell(cell: Cell | null): void {
    this.#cell = cell;
  }

  /** Classifies a picture the user dropped or picked, with the open run's best weights. */
  async classify(file: File): Promise<void> {
    const runId = this.#runId;
    if (runId === null) return;
    await this.classification.run(async () => {
      if (!file.type.startsWith('image/') && !/\.(jpe?g|png|webp|gif|bmp|tiff?)$/i.test(file.name)) {
        throw new Error(`"${file.name}" is not an image file`);
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await this.api.classifyImage(runId, bytes);
      if (this.#classified) URL.revokeObjectURL(this.#classified.imageUrl);
      this.#classified = { result, imageUrl: URL.createObjectURL(file), name: file.name };
    });
  }
}
