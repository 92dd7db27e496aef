/**
 * Where a view can send the user: the app's navigation as the views see it (AppState keeps
 * the rest of itself to itself).
 */
// Relative rather than `@shared/`: route.ts, which the tests compile, reads View from here.
import type { RunSummary } from '../../../shared/types';

/** The views of the app, one per sidebar entry. */
export type View = 'datasets' | 'new-run' | 'live' | 'runs' | 'compare' | 'evaluation' | 'studies';

/**
 * What a view may ask the app to show next. Each of these is a step the user took: it gets its
 * own entry in the browser's history (see route.ts), so Back returns to where they were.
 */
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
  /** Opens the runs table with one run's panel open (null: the table alone). */
  openRun(runId: number | null): void;
  /** Opens a study's page, the new-study form (`new`) or the list of studies (null). */
  openStudy(study: number | 'new' | null): void;
  /** Opens a dataset's import report. */
  openDataset(datasetId: number): void;
}
