/**
 * Writing a study's results: a cell as text, the grid as CSV (one line per cell, or per run)
 * and as Markdown tables. Numbers read through shared/format.ts, as on the screen.
 */
import { STUDY_AXIS_TITLES, type GridCell, type GridPlace, type RunMetrics, type StudyCell, type StudyDetail, type StudyGrid, type StudyMetricInfo } from '../../shared/contract/studies';
import { formatInterval, formatMeanStd, formatP, formatValue } from '../../shared/format';

// The terminal's study commands print through these too.
export { formatMeanStd, formatValue } from '../../shared/format';

/** What a cell with no completed run says instead of a number. */
export function emptyCellText(cell: GridCell): string {
  if (cell.runs.some((r) => r.status === 'running')) return 'running';
  if (cell.runs.some((r) => r.status === 'queued')) return 'queued';
  if (cell.pending > 0 && cell.runs.length === 0) return 'pending';
  const failed = cell.runs.filter((r) => r.status === 'failed').length;
  if (failed) return `failed (${failed})`;
  if (cell.runs.length) return cell.runs[0].status;
  return cell.pending ? 'pending' : '—';
}

/** Cell text with its 95% interval and run ids: `84.2 ± 1.3% (95% CI 81.0–87.4%; n=3: #4, #7, #9)`. */
export function cellText(cell: GridCell, info: StudyMetricInfo, withRuns = true): string {
  const head = cell.n ? formatMeanStd(cell, info) : emptyCellText(cell);
  if (!withRuns || !cell.runs.length) return head;
  if (!cell.n) return `${head} (${cell.runs.map((r) => `#${r.runId}`).join(', ')}${cell.pending ? `, ${cell.pending} pending` : ''})`;
  const ids = cell.runs.map((r) => `#${r.runId}${r.status === 'completed' ? '' : ` ${r.status}`}`).join(', ');
  const missing = cell.pending ? `, ${cell.pending} pending` : '';
  const ci = formatInterval(cell.ci95, info);
  return `${head} (${ci ? `95% CI ${ci}; ` : ''}n=${cell.n}: ${ids}${missing})`;
}

/** A cell's place in words: its row, column and table values, `relu · cosine`. */
export function placeLabel(grid: StudyGrid, place: Pick<GridPlace, 'table' | 'row' | 'col'>): string {
  const labels = [...(grid.rows[place.row]?.labels ?? []), ...(grid.cols[place.col]?.labels ?? []), ...(grid.tables[place.table]?.fixed.map((f) => f.label) ?? [])];
  return labels.join(' · ') || 'all runs';
}

/**
 * Whether the best cell won, in a sentence: `★ relu · cosine beats …` or `No clear winner with
 * 1 seed: …`; empty when there is nothing to compare.
 */
export function verdictText(grid: StudyGrid): string {
  const v = grid.verdict;
  if ((v.kind !== 'winner' && v.kind !== 'no-clear-winner') || !v.best || !v.runnerUp) return '';
  const best = `${placeLabel(grid, v.best)} (${formatValue(v.best.mean, grid.info)})`;
  const second = `${placeLabel(grid, v.runnerUp)} (${formatValue(v.runnerUp.mean, grid.info)})`;
  const seeds = `${v.seeds} seed${v.seeds === 1 ? '' : 's'}`;
  if (v.kind === 'winner') return `★ ${best} beats the runner-up ${second} beyond chance: Welch's t-test p = ${formatP(v.p)} over ${seeds}.`;
  if (v.p === null) return `No clear winner with ${seeds}: ${best} has the best mean, but a cell needs two seeds or more to be told apart from ${second}.`;
  return `No clear winner with ${seeds}: the best mean, ${best}, is within chance of ${second} (Welch's t-test p = ${formatP(v.p)}).`;
}

/** The main effects as lines: `activation: relu 85.0% · tanh 66.3%` (over 2 points each). */
export function mainEffectsLines(grid: StudyGrid): string[] {
  return grid.mainEffects.map(
    (e) => `${e.title}: ${e.levels.map((l) => `${l.label} ${formatValue(l.mean, grid.info)}${l.points ? ` (${l.points} cell${l.points === 1 ? '' : 's'}, ${l.runs} run${l.runs === 1 ? '' : 's'})` : ''}`).join(' · ')}`,
  );
}

/** Titles of a table's corner: `activation ↓ / schedule →`. */
export function cornerTitle(grid: StudyGrid): string {
  const rows = grid.rowAxes.map((k) => STUDY_AXIS_TITLES[k]).join(' · ');
  const cols = grid.colAxes.map((k) => STUDY_AXIS_TITLES[k]).join(' · ');
  return cols ? `${rows || ' '} ↓ / ${cols} →` : rows;
}

/** A table's caption: the metric and the values the other axes are held at. */
export function tableCaption(grid: StudyGrid, t: number): string {
  const fixed = grid.tables[t].fixed.map((f) => `${f.title} = ${f.label}`).join(', ');
  const pooled = grid.rest === 'pool' && grid.restAxes.length ? ` (pooled over ${grid.restAxes.map((k) => STUDY_AXIS_TITLES[k]).join(', ')})` : '';
  return `${grid.info.label}${fixed ? ` — ${fixed}` : ''}${pooled}`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The grid as Markdown: one table per combination of the remaining axes, the winner in bold, the verdict and the main effects below. */
export function gridMarkdown(study: Pick<StudyDetail, 'name' | 'datasetName' | 'repeats'>, grid: StudyGrid): string {
  const out: string[] = [];
  out.push(`## ${mdEscape(study.name)}: ${grid.info.label}`);
  out.push('');
  out.push(
    `Dataset ${mdEscape(study.datasetName)}; mean ± sample standard deviation over ${study.repeats} seed${study.repeats === 1 ? '' : 's'} per cell with its 95% confidence interval (Student's t), metrics at each run's kept (best) epoch; **bold** ★: the best cell, when it beats the runner-up beyond chance (Welch's t-test, p < 0.05).`,
  );
  grid.tables.forEach((table, t) => {
    out.push('');
    if (grid.tables.length > 1 || table.fixed.length || grid.rest === 'pool') {
      out.push(`### ${mdEscape(tableCaption(grid, t))}`);
      out.push('');
    }
    const rowTitles = grid.rowAxes.length ? grid.rowAxes.map((k) => STUDY_AXIS_TITLES[k]) : [''];
    if (grid.colAxes.length && rowTitles.length) rowTitles[rowTitles.length - 1] = `${rowTitles[rowTitles.length - 1]} ↓ / ${grid.colAxes.map((k) => STUDY_AXIS_TITLES[k]).join(' · ')} →`;
    const colTitles = grid.colAxes.length ? grid.cols.map((c) => c.labels.join(' · ')) : [grid.info.label];
    out.push(`| ${[...rowTitles, ...colTitles].map(mdEscape).join(' | ')} |`);
    out.push(`| ${[...rowTitles.map(() => '---'), ...colTitles.map(() => '---:')].join(' | ')} |`);
    grid.rows.forEach((row, r) => {
      const heads = grid.rowAxes.length ? row.labels : ['all'];
      const cells = table.cells[r].map((cell) => {
        const text = mdEscape(cellText(cell, grid.info));
        return cell.winner ? `**${text}** ★` : text;
      });
      out.push(`| ${[...heads.map(mdEscape), ...cells].join(' | ')} |`);
    });
  });
  const verdict = verdictText(grid);
  if (verdict) out.push('', mdEscape(verdict));
  if (grid.mainEffects.length > 1) {
    out.push('', `### Main effects (${mdEscape(grid.info.label)}, mean over the other axes)`, '');
    for (const line of mainEffectsLines(grid)) out.push(`- ${mdEscape(line)}`);
  }
  return `${out.join('\n')}\n`;
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(8)))) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(fields: readonly (string | number | null)[]): string {
  return fields.map(csvField).join(',');
}

/** The grid as CSV, one line per cell: its axis values, n, mean, std, min, max, run ids, and its 95% interval. */
export function gridCsv(grid: StudyGrid): string {
  const axes = [...grid.rowAxes, ...grid.colAxes, ...(grid.rest === 'split' ? grid.restAxes : [])];
  const lines = [csvLine([...axes, 'metric', 'n', 'mean', 'std', 'min', 'max', 'run_ids', 'pending', 'best', 'ci95_lo', 'ci95_hi', 'winner'])];
  grid.tables.forEach((table) => {
    grid.rows.forEach((row, r) => {
      grid.cols.forEach((col, c) => {
        const cell = table.cells[r][c];
        lines.push(
          csvLine([
            ...row.labels,
            ...col.labels,
            ...table.fixed.map((f) => f.label),
            grid.metric,
            cell.n,
            cell.mean,
            cell.std,
            cell.min,
            cell.max,
            cell.runs.map((x) => x.runId).join(' '),
            cell.pending,
            cell.best ? 1 : 0,
            cell.ci95?.lo ?? null,
            cell.ci95?.hi ?? null,
            cell.winner ? 1 : 0,
          ]),
        );
      });
    });
  });
  return `${lines.join('\n')}\n`;
}

/** One CSV line per run of the study with every kept-epoch metric. */
export function runsCsv(study: StudyDetail, metrics: ReadonlyMap<number, RunMetrics>): string {
  const lines = [
    csvLine([
      'run_id',
      ...study.axes.map((a) => a.key),
      'seed',
      'status',
      'kept_epoch',
      'epochs_done',
      'test_accuracy',
      'best_val_accuracy',
      'val_loss',
      'train_loss',
      'test_loss',
      'time_s',
      'images_per_second',
    ]),
  ];
  const withRun = study.cells.filter((c): c is StudyCell & { runId: number } => c.runId !== null);
  for (const c of withRun) {
    const m = metrics.get(c.runId);
    lines.push(
      csvLine([
        c.runId,
        ...c.labels,
        c.seed,
        c.status,
        m?.keptEpoch ?? null,
        m?.epochsDone ?? 0,
        m?.testAccuracy ?? null,
        m?.bestValAccuracy ?? null,
        m?.valLoss ?? null,
        m?.trainLoss ?? null,
        m?.testLoss ?? null,
        m?.seconds ?? null,
        m?.imagesPerSecond ?? null,
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}
