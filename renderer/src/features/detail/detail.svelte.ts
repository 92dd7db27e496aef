/**
 * The image detail view's data and its Grad-CAM: what a gallery hands the view for each of its
 * images, and the overlay computed for one image, class and run.
 */
import type { Api, ExplainImageResult, ImageRef } from '@shared/contract/api';
import type { ImageAcrossRuns } from '@shared/contract/studies';
import type { LabelSuspect } from '@shared/contract/analysis';
import type { Prediction } from '@shared/types';
import { Action } from '../../lib/action.svelte';
import { t } from '../../i18n/i18n.svelte';

/** One run's answer for an image, where the gallery spans several runs. */
export interface DetailAnswer {
  readonly runId: number;
  readonly label: string;
  readonly predictedClass: string;
  /** Probability of the predicted class. */
  readonly probability: number;
  /** Probability the run gave the true class (null where the gallery does not know it). */
  readonly trueProbability: number | null;
  readonly correct: boolean;
}

/** An image as the detail view shows it. */
export interface DetailImage {
  readonly imageId: number;
  readonly path: string;
  readonly trueClass: string;
  /** The one run's prediction and every class's probability (in the run's class order); null across runs. */
  readonly predictedClass: string | null;
  readonly probabilities: readonly number[] | null;
  /** Every selected run's answer (empty for a single run's gallery). */
  readonly answers: readonly DetailAnswer[];
}

/** A run Grad-CAM can explain with. */
export interface DetailRun {
  readonly id: number;
  readonly label: string;
}

/** A single run's prediction as the detail view shows it. */
export function predictionDetail(p: Prediction): DetailImage {
  return { imageId: p.imageId, path: p.path, trueClass: p.trueClass, predictedClass: p.predictedClass, probabilities: p.probabilities, answers: [] };
}

/** A dataset's image without any run's answer (the import report's duplicates). */
export function imageRefDetail(ref: ImageRef, classes: readonly string[]): DetailImage {
  return { imageId: ref.id, path: ref.path, trueClass: classes[ref.classIndex] ?? String(ref.classIndex), predictedClass: null, probabilities: null, answers: [] };
}

/** A test image with every selected run's answer, as the detail view shows it. */
export function acrossRunsDetail(img: ImageAcrossRuns, runLabel: (runId: number) => string): DetailImage {
  return {
    imageId: img.imageId,
    path: img.path,
    trueClass: img.trueClass,
    predictedClass: null,
    probabilities: null,
    answers: img.answers.map((a) => ({ runId: a.runId, label: runLabel(a.runId), predictedClass: a.predictedClass, probability: a.probability, trueProbability: a.trueProbability, correct: a.correct })),
  };
}

/** A label suspect with every run's answer (the given label is the one the runs contradict). */
export function suspectDetail(x: LabelSuspect, classes: readonly string[]): DetailImage {
  return {
    imageId: x.imageId,
    path: x.path,
    trueClass: x.givenClass,
    predictedClass: null,
    probabilities: null,
    answers: x.answers.map((a) => ({ runId: a.runId, label: '', predictedClass: classes[a.predictedIndex] ?? String(a.predictedIndex), probability: a.probability, trueProbability: null, correct: a.predictedIndex === x.givenIndex })),
  };
}

/** The class a run predicts for an image, where the detail view knows it. */
export function predictedBy(image: DetailImage, runId: number | null): string | null {
  return image.answers.find((a) => a.runId === runId)?.predictedClass ?? image.predictedClass;
}

/**
 * Grad-CAM overlays for the open image: the image's bytes are read through the same URL its
 * <img> shows, and each (run, image, class) is computed once.
 */
export class GradCam {
  /** Whether the overlay is shown instead of the picture. */
  on = $state(false);
  /** The class to explain; null: the one the run predicts. */
  className = $state<string | null>(null);
  readonly action = new Action();
  #result = $state.raw<ExplainImageResult | null>(null);
  #cache = new Map<string, ExplainImageResult>();
  #wanted = '';

  constructor(
    private readonly api: Api,
    private readonly imageUrl: (imageId: number) => string,
  ) {}

  /** The overlay for the last request, once it has come. */
  get result(): ExplainImageResult | null {
    return this.#result;
  }

  /** Computes (or recalls) the overlay of `imageId` for `className` with run `runId`. */
  async explain(runId: number, imageId: number, className: string | null): Promise<void> {
    const key = `${runId}/${imageId}/${className ?? ''}`;
    this.#wanted = key;
    const known = this.#cache.get(key);
    if (known) {
      this.#result = known;
      this.action.dismiss();
      return;
    }
    this.#result = null;
    const result = await this.action.run(async () => {
      const res = await fetch(this.imageUrl(imageId));
      if (!res.ok) throw new Error(t('detail.gradcam.fetch', { id: String(imageId), status: String(res.status) }));
      return this.api.explainImage(runId, new Uint8Array(await res.arrayBuffer()), className);
    });
    if (!result) return;
    this.#cache.set(key, result);
    // An answer for an image the user has moved on from is kept, not shown.
    if (this.#wanted === key) this.#result = result;
  }
}
