/**
 * One run's evaluation: confusion matrix, per-class metrics, mistakes, and classifying a new
 * image.
 */
import type { Api, ClassifyResult } from '@shared/contract/api';
import type { Prediction, RunDetail } from '@shared/types';
import { errorText } from '../../lib/format';

export interface Cell {
  readonly trueIndex: number;
  readonly predictedIndex: number;
}

/** Confidence of a prediction: the probability of the predicted class. */
export function confidence(p: Prediction): number {
  return p.probabilities.length ? Math.max(...p.probabilities) : 0;
}

export class EvaluationState {
  #runId = $state<number | null>(null);
  #run = $state.raw<RunDetail | null>(null);
  #predictions = $state.raw<readonly Prediction[]>([]);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #cell = $state.raw<Cell | null>(null);
  /** Show the confusion matrix normalised per true class (row). */
  normalised = $state(false);
  #classifying = $state(false);
  #classifyError = $state<string | null>(null);
  #classified = $state.raw<{ result: ClassifyResult; imageUrl: string; name: string } | null>(null);

  constructor(private readonly api: Api) {}

  get runId(): number | null {
    return this.#runId;
  }
  get run(): RunDetail | null {
    return this.#run;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): string | null {
    return this.#error;
  }
  get cell(): Cell | null {
    return this.#cell;
  }
  get classes(): readonly string[] {
    return this.#run?.test?.classes ?? [];
  }
  get predictions(): readonly Prediction[] {
    return this.#predictions;
  }
  /** Wrong predictions, most confident first. */
  get mistakes(): readonly Prediction[] {
    return this.#predictions.filter((p) => p.predictedClass !== p.trueClass).sort((a, b) => confidence(b) - confidence(a));
  }
  /** The images behind the selected confusion-matrix cell. */
  get cellImages(): readonly Prediction[] {
    const c = this.#cell;
    if (!c) return [];
    const cls = this.classes;
    return this.#predictions.filter((p) => p.trueClass === cls[c.trueIndex] && p.predictedClass === cls[c.predictedIndex]).sort((a, b) => confidence(b) - confidence(a));
  }
  get classifying(): boolean {
    return this.#classifying;
  }
  get classifyError(): string | null {
    return this.#classifyError;
  }
  get classified(): { result: ClassifyResult; imageUrl: string; name: string } | null {
    return this.#classified;
  }

  async open(runId: number): Promise<void> {
    if (this.#runId !== runId) {
      this.#cell = null;
      this.#classified = null;
      this.#classifyError = null;
      this.#run = null;
      this.#predictions = [];
    }
    this.#runId = runId;
    this.#loading = true;
    this.#error = null;
    try {
      const run = await this.api.getRun(runId);
      const predictions = run.predictions.length > 0 ? run.predictions : await this.api.predictions(runId);
      if (this.#runId !== runId) return;
      this.#run = run;
      this.#predictions = predictions;
    } catch (e) {
      this.#error = errorText(e);
    } finally {
      this.#loading = false;
    }
  }

  selectCell(cell: Cell | null): void {
    this.#cell = cell;
  }

  /** Classifies a picture the user dropped or picked, with the open run's best weights. */
  async classify(file: File): Promise<void> {
    const runId = this.#runId;
    if (runId === null) return;
    this.#classifying = true;
    this.#classifyError = null;
    try {
      if (!file.type.startsWith('image/') && !/\.(jpe?g|png|webp|gif|bmp|tiff?)$/i.test(file.name)) {
        throw new Error(`"${file.name}" is not an image file`);
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await this.api.classifyImage(runId, bytes);
      if (this.#classified) URL.revokeObjectURL(this.#classified.imageUrl);
      this.#classified = { result, imageUrl: URL.createObjectURL(file), name: file.name };
    } catch (e) {
      this.#classifyError = errorText(e);
    } finally {
      this.#classifying = false;
    }
  }
}
