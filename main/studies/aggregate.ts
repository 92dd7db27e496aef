/**
 * Aggregation over a study's runs: mean ± standard deviation, the results grid and the curves
 * by group. Pure functions over plain records, so they can be tested on known numbers.
 */
import {
  STUDY_AXIS_TITLES,
  STUDY_METRIC_INFO,
  type CurveGroup,
  type CurveMetric,
  type GridCell,
  type GridCellRun,
  type GridHeader,
  type GridOptions,
  type GridPlace,
  type GridTable,
  type GridVerdict,
  type MainEffect,
  type RunMetrics,
  type Stats,
  type StudyAxisKey,
  type StudyAxisView,
  type StudyCell,
  type StudyGrid,
  type StudyMetric,
} from '../../shared/contract/studies';
import { meanInterval, SIGNIFICANCE, welchTest } from '../../shared/statistics';

/** n, mean, sample standard deviation (n − 1), min and max of the finite numbers given. */
export function stats(values: readonly (number | null)[]): Stats {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n: 0, mean: null, std: null, min: null, max: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? null : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

/** The field of a run's kept-epoch record that holds each metric. */
const METRIC_FIELDS = {
  test_accuracy: 'testAccuracy',
  best_val_accuracy: 'bestValAccuracy',
  val_loss: 'valLoss',
  train_loss: 'trainLoss',
  test_loss: 'testLoss',
  time: 'seconds',
  images_per_second: 'imagesPerSecond',
} as const satisfies Record<StudyMetric, keyof RunMetrics>;

/** The value of `metric` in a run's kept-epoch record. */
export function metricValue(m: RunMetrics, metric: StudyMetric): number | null {
  return m[METRIC_FIELDS[metric]];
}

/** Every combination of the given axes' values, first axis slowest. */
function headers(axes: readonly StudyAxisView[], keys: readonly StudyAxisKey[]): GridHeader[] {
  let out: GridHeader[] = [{ coords: [], labels: [] }];
  for (const k of keys) {
    const a = axes.find((x) => x.key === k)!;
    const next: GridHeader[] = [];
    for (const h of out) a.labels.forEach((label, i) => next.push({ coords: [...h.coords, i], labels: [...h.labels, label] }));
    out = next;
  }
  return out;
}

/**
 * The results grid: rows and columns from the chosen axes, one table per combination of the
 * other axes (or all of them pooled), each cell mean ± std of `metric` over its completed runs.
 */
export function buildGrid(
  studyId: number,
  axes: readonly StudyAxisView[],
  cells: readonly StudyCell[],
  metrics: ReadonlyMap<number, RunMetrics>,
  opts: GridOptions = {},
): StudyGrid {
  const metric = opts.metric ?? 'test_accuracy';
  const info = STUDY_METRIC_INFO[metric];
  if (!info) throw new Error(`Unknown metric "${metric}"; one of: ${Object.keys(STUDY_METRIC_INFO).join(', ')}.`);
  const keys = axes.map((a) => a.key);
  const check = (list: readonly StudyAxisKey[], what: string) => {
    for (const k of list) if (!keys.includes(k)) throw new Error(`${what}: "${k}" is not an axis of this study (its axes: ${keys.join(', ') || 'none'}).`);
  };
  let rowAxes = opts.rows ? [...opts.rows] : keys.slice(0, 1);
  let colAxes = opts.cols ? [...opts.cols] : keys.filter((k) => !rowAxes.includes(k)).slice(0, 1);
  check(rowAxes, 'rows');
  check(colAxes, 'cols');
  const overlap = rowAxes.filter((k) => colAxes.includes(k));
  if (overlap.length) throw new Error(`"${overlap[0]}" cannot be both a row and a column axis.`);
  rowAxes = [...new Set(rowAxes)];
  colAxes = [...new Set(colAxes)];
  const restAxes = keys.filter((k) => !rowAxes.includes(k) && !colAxes.includes(k));
  const rest = opts.rest ?? 'split';
  const rows = headers(axes, rowAxes);
  const cols = headers(axes, colAxes);
  const pages = rest === 'split' ? headers(axes, restAxes) : [{ coords: [], labels: [] }];
  const pos = (k: StudyAxisKey) => keys.indexOf(k);

  const tables: GridTable[] = [];
  let best: StudyGrid['best'] = null;
  let bestMean = 0;
  const matches = (cell: StudyCell, list: readonly StudyAxisKey[], h: GridHeader) => list.every((k, i) => cell.coords[pos(k)] === h.coords[i]);
  const raw: { runs: GridCellRun[]; pending: number; s: Stats }[][][] = [];
  pages.forEach((page, t) => {
    const grid = rows.map((row, r) =>
      cols.map((col, c) => {
        const inCell = cells.filter((cell) => matches(cell, rowAxes, row) && matches(cell, colAxes, col) && (rest === 'pool' || matches(cell, restAxes, page)));
        const runs: GridCellRun[] = inCell
          .filter((cell) => cell.runId !== null)
          .map((cell) => {
            const m = metrics.get(cell.runId!);
            return { runId: cell.runId!, seed: cell.seed, status: cell.status, value: cell.status === 'completed' && m ? metricValue(m, metric) : null };
          });
        const s = stats(runs.map((x) => x.value));
        if (s.mean !== null && (best === null || (info.higherIsBetter ? s.mean > bestMean : s.mean < bestMean))) {
          best = { table: t, row: r, col: c };
          bestMean = s.mean;
        }
        return { runs, pending: inCell.filter((cell) => cell.runId === null).length, s };
      }),
    );
    raw.push(grid);
  });
  const verdict = gridVerdict(raw, info.higherIsBetter);
  raw.forEach((grid, t) => {
    const page = pages[t];
    const b = best as StudyGrid['best'];
    tables.push({
      fixed: rest === 'split' ? restAxes.map((k, i) => ({ key: k, title: STUDY_AXIS_TITLES[k], label: page.labels[i] })) : [],
      cells: grid.map((row, r) =>
        row.map((x, c): GridCell => {
          const ci = meanInterval(x.runs.map((y) => y.value));
          return {
            ...x.s,
            runs: x.runs,
            pending: x.pending,
            // Every cell tied with the best mean is marked (the summary's `best` is the first one).
            best: b !== null && x.s.mean !== null && Math.abs(x.s.mean - bestMean) <= 1e-12 * Math.max(1, Math.abs(bestMean)),
            ci95: ci.lo !== null && ci.hi !== null ? { lo: ci.lo, hi: ci.hi } : null,
            winner: verdict.kind === 'winner' && verdict.best!.table === t && verdict.best!.row === r && verdict.best!.col === c,
          };
        }),
      ),
    });
  });
  return { studyId, metric, info, rowAxes, colAxes, restAxes, rest, rows, cols, tables, best, verdict, mainEffects: mainEffects(axes, cells, metrics, metric) };
}

/**
 * Does the best cell beat the runner-up beyond chance? Welch's t-test between their runs'
 * values (two-sided, p < 0.05); a cell with one completed run never wins.
 */
export function gridVerdict(tables: readonly (readonly (readonly { runs: readonly GridCellRun[]; s: Stats }[])[])[], higherIsBetter: boolean): GridVerdict {
  const places: (GridPlace & { values: (number | null)[] })[] = [];
  tables.forEach((grid, table) =>
    grid.forEach((rowCells, row) =>
      rowCells.forEach((x, col) => {
        if (x.s.mean !== null) places.push({ table, row, col, mean: x.s.mean, n: x.s.n, values: x.runs.map((r) => r.value) });
      }),
    ),
  );
  // Best first; among equal means, the first in table order (as `best`).
  const order = places.map((p, i) => ({ p, i })).sort((a, b) => (higherIsBetter ? b.p.mean - a.p.mean : a.p.mean - b.p.mean) || a.i - b.i);
  const place = (p: (typeof places)[number]): GridPlace => ({ table: p.table, row: p.row, col: p.col, mean: p.mean, n: p.n });
  if (!order.length) return { kind: 'none', best: null, runnerUp: null, p: null, seeds: 0 };
  const best = order[0].p;
  if (order.length === 1) return { kind: 'single', best: place(best), runnerUp: null, p: null, seeds: best.n };
  const second = order[1].p;
  const test = welchTest(best.values, second.values);
  const seeds = Math.min(best.n, second.n);
  const beats = test !== null && test.p < SIGNIFICANCE && (higherIsBetter ? test.difference > 0 : test.difference < 0);
  return { kind: beats ? 'winner' : 'no-clear-winner', best: place(best), runnerUp: place(second), p: test?.p ?? null, seeds };
}

/**
 * Each axis's main effect: for each of its values, the mean over the grid points with that
 * value of each point's mean over its seeds — every combination of the other axes counts once.
 */
export function mainEffects(axes: readonly StudyAxisView[], cells: readonly StudyCell[], metrics: ReadonlyMap<number, RunMetrics>, metric: StudyMetric): MainEffect[] {
  // Each grid point's completed values.
  const points = new Map<string, { coords: readonly number[]; values: number[] }>();
  for (const cell of cells) {
    const key = cell.coords.join(',');
    const point = points.get(key) ?? { coords: cell.coords, values: [] };
    points.set(key, point);
    const m = cell.runId !== null && cell.status === 'completed' ? metrics.get(cell.runId) : undefined;
    const v = m ? metricValue(m, metric) : null;
    if (v !== null && Number.isFinite(v)) point.values.push(v);
  }
  const means = [...points.values()].filter((p) => p.values.length).map((p) => ({ coords: p.coords, mean: p.values.reduce((a, b) => a + b, 0) / p.values.length, runs: p.values.length }));
  return axes.map((a, ai) => ({
    key: a.key,
    title: a.title,
    levels: a.labels.map((label, v) => {
      const at = means.filter((p) => p.coords[ai] === v);
      const ms = at.map((p) => p.mean);
      return {
        label,
        mean: ms.length ? ms.reduce((x, y) => x + y, 0) / ms.length : null,
        points: ms.length,
        runs: at.reduce((x, p) => x + p.runs, 0),
        min: ms.length ? Math.min(...ms) : null,
        max: ms.length ? Math.max(...ms) : null,
      };
    }),
  }));
}

/** One run's per-epoch series for the curves (`values[e - 1]` is epoch e). */
export interface RunSeries {
  readonly runId: number;
  readonly keptEpoch: number | null;
  readonly values: readonly (number | null)[];
}

/** Per epoch, mean and spread over the runs of one group that reached that epoch. */
export function curveGroup(label: string, series: readonly RunSeries[]): CurveGroup {
  const length = Math.max(0, ...series.map((s) => s.values.length));
  const points = [];
  for (let e = 1; e <= length; e++) {
    const s = stats(series.map((x) => x.values[e - 1] ?? null));
    if (s.n > 0) points.push({ epoch: e, ...s });
  }
  return { label, runIds: series.map((s) => s.runId), points, runs: series.map((s) => ({ runId: s.runId, keptEpoch: s.keptEpoch, values: s.values })) };
}

/** Groups the study's runs by one axis (or by grid point when `by` is null) for the curves. */
export function groupCells(
  axes: readonly StudyAxisView[],
  cells: readonly StudyCell[],
  by: StudyAxisKey | null,
): { label: string; runIds: number[] }[] {
  const withRun = cells.filter((c) => c.runId !== null);
  if (by !== null) {
    const i = axes.findIndex((a) => a.key === by);
    if (i < 0) throw new Error(`"${by}" is not an axis of this study (its axes: ${axes.map((a) => a.key).join(', ') || 'none'}).`);
    return axes[i].labels.map((label, v) => ({ label, runIds: withRun.filter((c) => c.coords[i] === v).map((c) => c.runId!) }));
  }
  const groups = new Map<string, { label: string; runIds: number[] }>();
  for (const c of cells) {
    const key = c.coords.join(',');
    const g = groups.get(key) ?? { label: c.labels.join(' · ') || 'all runs', runIds: [] };
    if (c.runId !== null) g.runIds.push(c.runId);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** Names of the curve metrics as stored per epoch in the metrics table. */
export const CURVE_KEYS: Readonly<Record<CurveMetric, string>> = {
  val_accuracy: 'val_accuracy',
  val_loss: 'val_loss',
  train_loss: 'train_loss',
  train_accuracy: 'train_accuracy',
  learning_rate: 'learning_rate',
  images_per_second: 'images_per_second',
};
