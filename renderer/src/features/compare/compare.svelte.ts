/**
 * Comparing runs: their details, the settings that differ, and what all of them get wrong.
 */
import type { Api } from '@shared/contract/api';
import type { RunComparison } from '@shared/contract/analysis';
import { SETTINGS, settingValue } from '@shared/config-text';
import type { Prediction, RunDetail } from '@shared/types';
import { Resource } from '../../lib/resource.svelte';

/** One row of the settings diff: a setting and its value in each run. */
export interface DiffRow {
  readonly key: string;
  readonly values: readonly string[];
}

/** The settings whose values are not all equal, plus dataset. */
export function settingsDiff(runs: readonly RunDetail[]): DiffRow[] {
  if (runs.length === 0) return [];
    const rows: DiffRow[] = [];
  const datasets = runs.map((r) => r.datasetName);
  if (new Set(datasets).size > 1) rows.push({ key: 'dataset', values: datasets });
  for (const k of SETTINGS) {
    const values = runs.map((r) => settingValue(k, r.config[k]));
    if (new Set(values).size > 1) rows.push({ key: k, values });
  }
  return rows;
}

/** A test image every compared run gets wrong, and what each of them called it. */
export interface CommonMistake {
  readonly imageId: number;
  readonly path: string;
  readonly trueClass: string;
  /** Per compared run (in the order of `runs`), its predicted class and confidence. */
  readonly predicted: readonly { readonly runId: number; readonly cls: string; readonly p: number }[];
  /** True when every run made the same wrong call (often a mislabelled or ambiguous photo). */
  readonly agree: boolean;
}

/** The runs being compared, the settings where they differ, and what all of them get wrong. */
export class CompareState {
  #ids = $state.raw<readonly number[]>([]);
  /** The compared runs' details (or why they could not be loaded). */
  readonly details = new Resource<readonly RunDetail[]>([]);
  /** McNemar's test per pair, seed groups with 95% intervals (or why they could not be had). */
  readonly stats = new Resource<RunComparison | null>(null);
  /** The settings whose values are not all equal, plus dataset. */
  readonly diff = $derived(settingsDiff(this.details.value));
  /** Test images every compared run (with predictions) gets wrong. */
  readonly commonMistakes = $derived(commonMistakes(this.details.value));

  constructor(private readonly api: Api) {}

  get ids(): readonly number[] {
    return this.#ids;
  }
  get runs(): readonly RunDetail[] {
    return this.details.value;
  }

  async open(ids: readonly number[]): Promise<void> {
    this.#ids = ids;
    // The runs compared before stay in view until these arrive.
    this.details.reset(this.details.value);
    this.stats.reset(null);
    await Promise.all([this.details.load(() => Promise.all(ids.map((id) => this.api.getRun(id)))), this.stats.load(() => this.api.compareRuns(ids))]);
  }
}

/**
 * Test images that every run with predictions gets wrong: those all runs call the same wrong
 * class first, then the most confident mistakes.
 */
export function commonMistakes(runs: readonly RunDetail[]): CommonMistake[] {
  const withPreds = runs.filter((r) => r.predictions.length > 0);
  if (withPreds.length < 2) return [];
  const byImage = withPreds.map((r) => new Map<number, Prediction>(r.predictions.map((p) => [p.imageId, p])));
  const out: CommonMistake[] = [];
  for (const first of withPreds[0].predictions) {
    const preds = byImage.map((m) => m.get(first.imageId));
    if (!preds.every((p): p is Prediction => p !== undefined && p.predictedClass !== p.trueClass)) continue;
    const predicted = preds.map((p, i) => ({ runId: withPreds[i].id, cls: p.predictedClass, p: Math.max(...p.probabilities) }));
    out.push({ imageId: first.imageId, path: first.path, trueClass: first.trueClass, predicted, agree: new Set(predicted.map((q) => q.cls)).size === 1 });
  }
  const confidence = (m: CommonMistake): number => m.predicted.reduce((a, q) => a + q.p, 0) / m.predicted.length;
  return out.sort((a, b) => Number(b.agree) - Number(a.agree) || confidence(b) - confidence(a));
}
