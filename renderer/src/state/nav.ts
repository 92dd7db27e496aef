/**
 * Where a view can send the user: the app's navigation as the views see it (AppState keeps
 * the rest of itself to itself).
 */
import type { RunSummary } from '@shared/types';

/** The views of the app, one per sidebar entry. */
export type View = 'datasets' | 'new-run' | 'live' | 'runs' | 'compare' | 'evaluation' | 'studies';

/** What a view may ask the app to show next. */
export interface Nav {
  /** Opens a view as it is. */
  go(view: View): void;
  /** Opens the live view on a run. */
  watch(runId: number): void;
  /** Opens the evaluation of a run. */
  evaluate(runId: number): void;
  /** Opens the comparison of these runs. */
  compareRuns(ids: readonly number[]): void;
  /** Opens the new-run form on a dataset. */
  trainOn(datasetId: number): void;
  /** Opens the new-run form with a past run's settings ("run again with changes"). */
  runAgain(run: RunSummary): void;
}
