/**
 * `bloombench study …`: create a grid of runs, run it with progress, pause, extend, and read
 * its results (grid, curves, failures across runs) from a terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { configText } from '../../shared/config-text';
import { formatP } from '../../shared/format';
import {
  CURVE_METRICS,
  STUDY_AXIS_KEYS,
  STUDY_AXIS_TITLES,
  STUDY_METRICS,
  type CurveMetric,
  type GridOptions,
  type StudyAxis,
  type StudyAxisKey,
  type StudyDetail,
  type StudyGrid,
  type StudyMetric,
  type StudySummary,
} from '../../shared/contract/studies';
import type { Workstation } from '../core/workstation';
import { cellText, formatMeanStd, formatValue, mainEffectsLines, tableCaption, verdictText } from '../studies/export';
import { count, duration, pct, studyEstimateLine, table } from './format';
import { ProgressLines } from './progress';
import { datasetFor, err as errOut, exitCodeFor, onStopFollowing, openWorkstation, out, runIdArg, stopCause, UsageError, type StopReason } from './common';
import { configFromFlags, flagOf, TRAIN_FLAGS, type TrainFlag } from './train-options';
import { cellStatusText, SLURM_HELP, SLURM_RUN_OPTIONS, slurmCollect, slurmHeaderLine, slurmRun } from './slurm';

export const STUDY_HELP = `Usage: bloombench study <command> [options]

A study is a grid of runs on one dataset: a base configuration (the train options), the
settings to vary, and a number of seeds per cell. Its runs queue one after another.

Commands:
  create --dataset <id|name|folder> --vary SETTING=V1,V2… [--vary …] [--seeds N] [--name N] [train options]
                               store a study (nothing runs yet); train options set the base
  list [--json]                list studies
  run <study> [--retry-failed] [--json]
                               run (or continue) the study with progress; Ctrl-C pauses it
  pause <study> [--now]        stop queueing its runs (--now also stops the training one)
${SLURM_HELP}
  extend <study> [--vary SETTING=V…] [--seeds N]
                               add values, a setting, or seeds; finished cells are kept
  show <study> [--metric M] [--rows A,B] [--cols C] [--pool] [--cells] [--json]
                               the plan, its progress and the results grid
  curves <study> [--by SETTING|none] [--metric M] [--json]
                               per-epoch mean and spread over seeds, per value of a setting
  export <study> <file.csv|file.md|-> [--format csv|md] [--per-run] [--metric M] [--rows …] [--cols …] [--pool]
                               the grid as CSV (one line per cell, or per run) or Markdown
  failures (<study> | --runs 1,2,3) [--limit N] [--json]
                               test images all runs get wrong, disagree on, or only one gets right
  diff <runA> <runB> [--json]  two runs' test confusion matrices and what changed
  delete <study>               delete the study (its runs stay)

<study> is an id or a name. SETTING is a train option (activation, schedule, augment, arch, lr,
width, optimizer, batch-norm, dropout, …). Values are separated by commas, or by | when a value
holds commas; augmentations combine with +:
  --vary activation=relu,tanh  --vary schedule=constant,cosine,step:0.1,0.01@1:1
  --vary augment=none,flip+resized-crop,flip+pad-crop  --vary 'lr=0.01|0.001'
Metrics: ${STUDY_METRICS.join(', ')} (each run's kept, best epoch).
Curve metrics: ${CURVE_METRICS.join(', ')}.
`;

/** Maps a setting as typed (`batch-size`, `batchSize`, `augment`) to its train flag. */
function flagFor(name: string): TrainFlag | null {
  if (name in TRAIN_FLAGS) return name as TrainFlag;
  for (const [flag, spec] of Object.entries(TRAIN_FLAGS)) if (spec.field === name) return flag as TrainFlag;
  return null;
}

const SCHEDULE_START = /^(constant|cosine|step)\b/;

/** Splits a value list: on `|` if present, else on commas (keeping a step schedule's commas). */
export function splitValues(field: string, list: string): string[] {
  let parts: string[];
  if (list.includes('|')) parts = list.split('|');
  else if (field === 'schedule') {
    parts = [];
    for (const token of list.split(',')) {
      if (parts.length && !SCHEDULE_START.test(token.trim())) parts[parts.length - 1] += `,${token}`;
      else parts.push(token);
    }
  } else parts = list.split(',');
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Parses `--vary SETTING=V1,V2,…` into a typed axis, refusing bad values by setting name. */
export function parseVary(text: string, base: TrainConfig = DEFAULT_CONFIG): StudyAxis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--vary needs SETTING=V1,V2,… (e.g. activation=relu,tanh), got "${text}".`);
  const name = text.slice(0, eq).trim();
  const flag = flagFor(name);
  if (flag === 'seed') throw new UsageError('--vary seed: use --seeds N instead (each repeat of a cell gets the next seed).');
  if (!flag || !(STUDY_AXIS_KEYS as readonly string[]).includes(TRAIN_FLAGS[flag].field)) {
    throw new UsageError(`--vary: "${name}" is not a setting a study can vary; one of: ${Object.keys(TRAIN_FLAGS).filter((f) => f !== 'seed').join(', ')}.`);
  }
  const field = TRAIN_FLAGS[flag].field as StudyAxisKey;
  const tokens = splitValues(field, text.slice(eq + 1));
  if (!tokens.length) throw new UsageError(`--vary ${name}: no values given.`);
  const values = tokens.map((t) => {
    try {
      return configFromFlags({ [flag]: field === 'augment' ? t.replace(/\+/g, ',') : t }, base)[field];
    } catch (e) {
      throw new UsageError(`--vary ${(e as Error).message.replace(/^--/, '')}`);
    }
  });
  return { key: field, values } as StudyAxis;
}

function parseAxisList(text: string | undefined, what: string): StudyAxisKey[] | undefined {
  if (text === undefined) return undefined;
  if (text === '' || text === 'none') return [];
  return text.split(',').map((s) => {
    const t = s.trim();
    const flag = flagFor(t);
    const key = flag ? TRAIN_FLAGS[flag].field : t;
    if (!(STUDY_AXIS_KEYS as readonly string[]).includes(key)) throw new UsageError(`--${what}: "${t}" is not a setting (${STUDY_AXIS_KEYS.join(', ')}).`);
    return key as StudyAxisKey;
  });
}

function parseMetric(text: string | undefined): StudyMetric | undefined {
  if (text === undefined) return undefined;
  if (!(STUDY_METRICS as readonly string[]).includes(text)) throw new UsageError(`--metric: "${text}" is not one of ${STUDY_METRICS.join(', ')}.`);
  return text as StudyMetric;
}

function gridOptions(values: { metric?: string; rows?: string; cols?: string; pool?: boolean }): GridOptions {
  return {
    metric: parseMetric(values.metric),
    rows: parseAxisList(values.rows, 'rows'),
    cols: parseAxisList(values.cols, 'cols'),
    rest: values.pool ? 'pool' : 'split',
  };
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag}: "${v}" must be a whole number ≥ 1.`);
  return n;
}

/** A short line of the settings every cell shares. */
function baseLine(c: TrainConfig, axes: readonly StudyAxisKey[]): string {
  return configText(c, {
    settings: ['arch', 'inputSize', 'width', 'activation', 'batchNorm', 'epochs', 'batchSize', 'optimizer', 'lr', 'schedule', 'augment', 'dropout', 'weightDecay', 'labelSmoothing'],
    omit: axes,
    separator: ', ',
  });
}

function progressText(s: StudySummary): string {
  const c = s.counts;
  const parts = [`${c.completed}/${s.runCount} runs completed`];
  if (c.running) parts.push(`${c.running} training`);
  if (c.queued) parts.push(`${c.queued} queued`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  if (c.interrupted) parts.push(`${c.interrupted} interrupted`);
  if (c.pending) parts.push(`${c.pending} pending`);
  return parts.join(', ');
}

/** The study's header: name, state, base, axes, seeds. */
export function studyHeader(d: StudyDetail): string {
  const lines = [`Study ${d.id} "${d.name}" on ${d.datasetName} (#${d.datasetId}) — ${d.state}: ${progressText(d)}`];
  if (d.error) lines.push(`  ! ${d.error}`);
  lines.push(`  base    ${baseLine(d.base, d.axes.map((a) => a.key))}`);
  if (d.axes.length) lines.push(`  axes    ${d.axes.map((a) => `${a.title}: ${a.labels.join(', ')}`).join('  ×  ')}  (${d.gridSize} cell${d.gridSize === 1 ? '' : 's'})`);
  lines.push(`  seeds   ${d.repeats} per cell (${Array.from({ length: d.repeats }, (_, i) => d.base.seed + i).join(', ')})`);
  if (d.notes) lines.push(`  notes   ${d.notes}`);
  const slurm = slurmHeaderLine(d);
  if (slurm) lines.push(slurm);
  return lines.join('\n');
}

/** The grid as terminal tables, the winner marked ★, then the verdict and the main effects. */
export function gridText(g: StudyGrid, withRuns = true): string {
  const outLines: string[] = [];
  g.tables.forEach((t, ti) => {
    outLines.push(`${tableCaption(g, ti)}:`);
    const rowTitles = g.rowAxes.length ? g.rowAxes.map((k) => STUDY_AXIS_TITLES[k]) : [''];
    if (g.colAxes.length) rowTitles[rowTitles.length - 1] += ` ↓ / ${g.colAxes.map((k) => STUDY_AXIS_TITLES[k]).join(' · ')} →`;
    const colTitles = g.colAxes.length ? g.cols.map((c) => c.labels.join(' · ')) : [g.info.label];
    const rows = g.rows.map((r, ri) => [...(g.rowAxes.length ? r.labels : ['all']), ...t.cells[ri].map((c) => `${cellText(c, g.info, withRuns)}${c.winner ? ' ★' : ''}`)]);
    outLines.push(table([...rowTitles, ...colTitles], rows));
    outLines.push('');
  });
  outLines.push(`mean ± sample std over seeds (95% CI: Student's t) at each run's kept (best) epoch; ${g.info.higherIsBetter ? 'higher' : 'lower'} is better; ★ a winner beyond chance`);
  const verdict = verdictText(g);
  if (verdict) outLines.push(verdict);
  if (g.mainEffects.length > 1) {
    outLines.push('', `Main effects (${g.info.label}, mean over the other axes):`);
    for (const line of mainEffectsLines(g)) outLines.push(`  ${line}`);
  }
  return outLines.join('\n');
}

function cellsText(d: StudyDetail, metrics: Map<number, { testAccuracy: number | null; keptEpoch: number | null; seconds: number | null }>): string {
  return table(
    ['#', ...d.axes.map((a) => a.title), 'seed', 'run', 'status', 'kept epoch', 'test acc', 'time'],
    d.cells.map((c) => {
      const m = c.runId !== null ? metrics.get(c.runId) : undefined;
      return [
        c.index + 1,
        ...c.labels,
        c.seed,
        c.runId ?? '—',
        cellStatusText(c) + (c.previousRunIds.length ? ` (earlier: ${c.previousRunIds.join(', ')})` : ''),
        m?.keptEpoch ?? '—',
        pct(m?.testAccuracy ?? null),
        m?.seconds ? duration(m.seconds) : '—',
      ];
    }),
  );
}

/** True for a cell whose task is on Slurm and not imported yet. */
function onSlurm(c: StudyDetail['cells'][number]): boolean {
  return c.slurm !== undefined && ['queued', 'held', 'running', 'collecting'].includes(c.slurm.state);
}

/**
 * Streams a study's runs to the terminal until it stops; returns the exit code. Ctrl-C,
 * SIGTERM, a closed terminal (SIGHUP) or a closed output pipe pause the study (its training
 * run stops and keeps its checkpoints); a second one leaves at once.
 */
async function followStudy(ws: Workstation, studyId: number, json: boolean): Promise<number> {
  const tty = process.stderr.isTTY && !json;
  const err = errOut;
  const lines = new ProgressLines({ tty, json, indent: '  ', learningRate: false, jsonFields: { studyId } });
  let interrupted: StopReason | null = null;
  const ours = (runId: number) => ws.studyOfRun(runId) === studyId;
  // Everything below resolves in microtasks (no I/O), so the lines keep the events' order.
  const where = async (runId: number): Promise<string> => {
    const d = await ws.getStudy(studyId);
    const cell = d.cells.find((c) => c.runId === runId);
    if (!cell) return `run ${runId}`;
    const labels = d.axes.map((a, i) => `${a.key}=${cell.labels[i]}`).join(' ');
    return `[${cell.index + 1}/${d.runCount}] run ${runId}${labels ? ` ${labels}` : ''} seed=${cell.seed}`;
  };
  const off = ws.onEvent((e) => void onEvent(e));
  const onEvent = async (e: Parameters<Parameters<Workstation['onEvent']>[0]>[0]): Promise<void> => {
    if (!('runId' in e) || !ours(e.runId)) return;
    if (lines.print(e)) return;
    switch (e.kind) {
      case 'started':
        if (!json) err(`${await where(e.runId)}: ${e.backend.description}, ${count(e.trainableParams)} params${e.startEpoch > 1 ? `, resuming at epoch ${e.startEpoch}` : ''}\n`);
        break;
      case 'status':
        if (e.status === 'queued' || e.status === 'running') break;
        {
          const r = await ws.getRun(e.runId);
          if (json) out(JSON.stringify({ event: 'run', studyId, runId: e.runId, status: e.status, testAccuracy: r.testAccuracy, bestEpoch: r.bestEpoch, error: e.error }));
          else err(`${lines.clear}  → ${e.status}${r.testAccuracy !== null ? `: test accuracy ${pct(r.testAccuracy)} (epoch ${r.bestEpoch ?? r.epochsDone} kept)` : ''}${e.error ? `: ${e.error}` : ''}\n`);
        }
        break;
      default:
        break;
    }
  };
  const offStop = onStopFollowing((why) => {
    interrupted = why;
    err(`\n${tty ? '\x1b[K' : ''}${stopCause(why)}Pausing the study: the training run stops and keeps its checkpoints; 'bloombench study run ${studyId}' continues it. (Ctrl-C again to quit at once.)\n`);
    ws.pauseStudy(studyId, { cancelActive: true }).catch(() => undefined);
  });
  try {
    const d = await ws.studySettled(studyId);
    if (tty) err('\r\x1b[K');
    const grid = await ws.studyGrid(studyId);
    if (json) out(JSON.stringify({ event: 'study', study: d, grid }));
    else {
      out(studyHeader(d));
      out('');
      out(gridText(grid));
    }
    if (interrupted !== null) return exitCodeFor(interrupted);
    if (d.error) {
      err(`Study ${studyId} paused: ${d.error}\n`);
      return 1;
    }
    return d.counts.failed > 0 ? 1 : 0;
  } finally {
    off();
    offStop();
  }
}

/** `bloombench study <command>`; returns the exit code. */
export async function studyCommand(args: string[], home: string | undefined): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '-h' || sub === '--help' || sub === 'help') {
    out(STUDY_HELP);
    return 0;
  }
  const open = (recover = false) => openWorkstation(home, { recover });
  const withWs = async <T>(fn: (ws: Workstation) => Promise<T>): Promise<T> => {
    const ws = open();
    try {
      return await fn(ws);
    } finally {
      await ws.close();
    }
  };
  const studyId = async (ws: Workstation, ref: string | undefined): Promise<number> => {
    if (!ref) throw new UsageError(`study ${sub} needs a study (its id or name); 'bloombench study list' lists them.`);
    try {
      return (await ws.resolveStudy(ref)).id;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };

  switch (sub) {
    case 'create': {
      const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
        dataset: { type: 'string' },
        name: { type: 'string' },
        vary: { type: 'string', multiple: true },
        seeds: { type: 'string' },
        notes: { type: 'string' },
        json: { type: 'boolean' },
      };
      for (const flag of Object.keys(TRAIN_FLAGS)) options[flag] = { type: 'string' };
      const { values } = parseArgs({ args: rest, options, strict: true });
      if (!values.dataset) throw new UsageError('study create needs --dataset <id|name|folder> (bloombench datasets lists them).');
      const flagValues: Partial<Record<TrainFlag, string>> = {};
      for (const flag of Object.keys(TRAIN_FLAGS) as TrainFlag[]) if (values[flag] !== undefined) flagValues[flag] = String(values[flag]);
      let base: TrainConfig;
      try {
        base = configFromFlags(flagValues);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const axes = ((values.vary as string[] | undefined) ?? []).map((v) => parseVary(v, base));
      if (!flagValues.arch && !axes.some((a) => a.key === 'arch')) throw new UsageError('study create needs --arch <id> (or --vary arch=…); bloombench models lists them.');
      const repeats = positiveInt('seeds', values.seeds as string | undefined) ?? 1;
      const json = Boolean(values.json);
      return withWs(async (ws) => {
        const datasetId = await datasetFor(ws, String(values.dataset), json);
        let d: StudyDetail;
        try {
          d = await ws.createStudy({ name: values.name as string | undefined, datasetId, base, axes, repeats, notes: values.notes as string | undefined });
        } catch (e) {
          throw new UsageError((e as Error).message.replace(/^(Cell [^:]+: )?(\w+): /gm, (_all, cell: string | undefined, field: string) => `${cell ?? ''}${flagOf(field)}: `));
        }
        if (json) out(JSON.stringify(d));
        else {
          out(studyHeader(d));
          out(`  time    ${studyEstimateLine(await ws.estimateStudy(d.id))}`);
          out(`\nRun it: bloombench study run ${d.id}`);
        }
        return 0;
      });
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
      return withWs(async (ws) => {
        const list = await ws.listStudies();
        if (values.json) out(JSON.stringify(list));
        else if (!list.length) out("No studies yet. Create one: bloombench study create --dataset <id> --arch lenet5 --vary activation=relu,tanh");
        else
          out(
            table(
              ['id', 'name', 'dataset', 'state', 'axes', 'seeds', 'runs'],
              list.map((s) => [s.id, s.name, s.datasetName, s.state, s.axes.map((a) => `${a.key}(${a.values.length})`).join(' × ') || '—', s.repeats, `${s.counts.completed}/${s.runCount}`]),
            ),
          );
        return 0;
      });
    }
    case 'run': {
      const { values, positionals } = parseArgs({ args: rest, options: { 'retry-failed': { type: 'boolean' }, json: { type: 'boolean' }, ...SLURM_RUN_OPTIONS }, allowPositionals: true });
      const slurmOnly = (Object.keys(SLURM_RUN_OPTIONS) as (keyof typeof SLURM_RUN_OPTIONS)[]).filter((k) => k !== 'slurm' && values[k] !== undefined);
      if (!values.slurm && slurmOnly.length) throw new UsageError(`--${slurmOnly[0]} is a Slurm option: add --slurm to submit the study as Slurm jobs.`);
      const ws = open();
      try {
        const id = await studyId(ws, positionals[0]);
        if (values.slurm) return await slurmRun(ws, id, values, { header: studyHeader, grid: (g) => gridText(g) });
        if ((await ws.getStudy(id)).cells.some(onSlurm)) {
          // Its cells are the scheduler's: continuing releases the held ones; the bundles come in by collect.
          const d = await ws.runStudy(id);
          process.stderr.write(`${studyHeader(d)}\n\nStudy ${id} runs on Slurm (its held tasks are released): 'bloombench study collect ${id}' imports the finished ones, 'bloombench study run ${id} --slurm --wait' follows them.\n`);
          return 0;
        }
        // Runs a dead process left `running` are interrupted; the study resumes them.
        ws.recoverInterrupted();
        // Before it starts: how long the cells left will take.
        const estimate = values.json ? null : await ws.estimateStudy(id).catch(() => null);
        const d = await ws.runStudy(id, { retryFailed: Boolean(values['retry-failed']) });
        if (!values.json) process.stderr.write(`${studyHeader(d)}\n${estimate ? `  time    ${studyEstimateLine(estimate)}\n` : ''}\n`);
        return await followStudy(ws, id, Boolean(values.json));
      } finally {
        await ws.close();
      }
    }
    case 'collect': {
      const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
      return withWs(async (ws) => slurmCollect(ws, await studyId(ws, positionals[0]), Boolean(values.json)));
    }
    case 'pause': {
      const { values, positionals } = parseArgs({ args: rest, options: { now: { type: 'boolean' } }, allowPositionals: true });
      return withWs(async (ws) => {
        const id = await studyId(ws, positionals[0]);
        const slurm = (await ws.getStudy(id)).cells.some(onSlurm);
        const d = await ws.pauseStudy(id, { cancelActive: Boolean(values.now) });
        if (slurm) {
          out(
            values.now
              ? `Study ${id} "${d.name}": every task on Slurm was cancelled (scancel); running ones stop within the cluster's KillWait and keep their last checkpoint. 'bloombench study run ${id} --slurm' resubmits them.`
              : `Study ${id} "${d.name}": its pending Slurm tasks are held (running ones finish). 'bloombench study run ${id}' releases them.`,
          );
          return 0;
        }
        out(`Study ${id} "${d.name}" paused (${progressText(d)}). A run training in another Bloombench process finishes first${values.now ? ' unless that process sees the pause' : ''}; 'bloombench study run ${id}' continues.`);
        return 0;
      });
    }
    case 'extend': {
      const { values, positionals } = parseArgs({ args: rest, options: { vary: { type: 'string', multiple: true }, seeds: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
      return withWs(async (ws) => {
        const id = await studyId(ws, positionals[0]);
        const varies = (values.vary as string[] | undefined) ?? [];
        const repeats = positiveInt('seeds', values.seeds as string | undefined);
        if (!varies.length && repeats === undefined) throw new UsageError('study extend needs --vary SETTING=V… or --seeds N.');
        let d = await ws.getStudy(id);
        try {
          for (const v of varies) d = await ws.extendStudy(id, { axis: parseVary(v, d.base) });
          if (repeats !== undefined) d = await ws.extendStudy(id, { repeats });
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError((e as Error).message);
        }
        if (values.json) out(JSON.stringify(d));
        else out(`${studyHeader(d)}\n\n'bloombench study run ${id}' runs the new cells.`);
        return 0;
      });
    }
    case 'show': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { metric: { type: 'string' }, rows: { type: 'string' }, cols: { type: 'string' }, pool: { type: 'boolean' }, cells: { type: 'boolean' }, json: { type: 'boolean' } },
        allowPositionals: true,
      });
      return withWs(async (ws) => {
        const id = await studyId(ws, positionals[0]);
        const d = await ws.getStudy(id);
        let grid: StudyGrid;
        try {
          grid = await ws.studyGrid(id, gridOptions(values));
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError((e as Error).message);
        }
        if (values.json) {
          out(JSON.stringify({ study: d, grid, runs: await ws.runMetrics({ runIds: d.cells.filter((c) => c.runId !== null).map((c) => c.runId!) }) }));
          return 0;
        }
        out(studyHeader(d));
        out('');
        out(gridText(grid));
        if (values.cells) {
          const metrics = new Map((await ws.runMetrics({ runIds: d.cells.filter((c) => c.runId !== null).map((c) => c.runId!) })).map((m) => [m.runId, m]));
          out('');
          out(cellsText(d, metrics));
        }
        return 0;
      });
    }
    case 'curves': {
      const { values, positionals } = parseArgs({ args: rest, options: { by: { type: 'string' }, metric: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
      return withWs(async (ws) => {
        const id = await studyId(ws, positionals[0]);
        const metric = (values.metric ?? 'val_accuracy') as CurveMetric;
        if (!(CURVE_METRICS as readonly string[]).includes(metric)) throw new UsageError(`--metric: "${metric}" is not one of ${CURVE_METRICS.join(', ')}.`);
        const by = values.by === undefined ? undefined : values.by === 'none' ? null : parseAxisList(values.by, 'by')![0];
        let c;
        try {
          c = await ws.studyCurves(id, { by, metric });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        if (values.json) {
          out(JSON.stringify(c));
          return 0;
        }
        const unit = { unit: metric.endsWith('accuracy') ? 'fraction' : metric === 'images_per_second' ? 'rate' : 'loss' } as const;
        const length = Math.max(0, ...c.groups.map((g) => g.points.length));
        out(`${metric} per epoch${c.by ? ` by ${STUDY_AXIS_TITLES[c.by]}` : ' by cell'} (mean ± std over seeds, [min, max])`);
        out(
          table(
            ['epoch', ...c.groups.map((g) => `${g.label} (${g.runIds.length})`)],
            Array.from({ length }, (_, i) => [
              i + 1,
              ...c.groups.map((g) => {
                const p = g.points.find((x) => x.epoch === i + 1);
                if (!p) return '—';
                return p.n > 1 ? `${formatMeanStd(p, unit)} [${formatValue(p.min, unit)}, ${formatValue(p.max, unit)}]` : formatValue(p.mean, unit);
              }),
            ]),
          ),
        );
        return 0;
      });
    }
    case 'export': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { format: { type: 'string' }, 'per-run': { type: 'boolean' }, metric: { type: 'string' }, rows: { type: 'string' }, cols: { type: 'string' }, pool: { type: 'boolean' } },
        allowPositionals: true,
      });
      const file = positionals[1];
      if (!file) throw new UsageError('study export needs a target file (.csv or .md, or - for the terminal): bloombench study export <study> <file>');
      const fmt = values.format ?? (/\.(md|markdown)$/i.test(file) ? 'md' : /\.csv$/i.test(file) ? 'csv' : undefined);
      if (fmt !== 'csv' && fmt !== 'md' && fmt !== 'markdown') throw new UsageError(`--format: say csv or md (got ${fmt === undefined ? 'a file name without .csv or .md' : `"${fmt}"`}).`);
      return withWs(async (ws) => {
        const id = await studyId(ws, positionals[0]);
        let text: string;
        try {
          text = await ws.exportStudy(id, fmt === 'csv' ? 'csv' : 'markdown', { ...gridOptions(values), perRun: Boolean(values['per-run']) });
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError((e as Error).message);
        }
        if (file === '-') process.stdout.write(text);
        else {
          fs.writeFileSync(path.resolve(file), text);
          out(`Wrote ${path.resolve(file)}`);
        }
        return 0;
      });
    }
    case 'failures': {
      const { values, positionals } = parseArgs({ args: rest, options: { runs: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
      return withWs(async (ws) => {
        const selection = values.runs ? { runIds: values.runs.split(',').map((s) => runIdArg(s.trim())) } : { studyId: await studyId(ws, positionals[0]) };
        const limit = positiveInt('limit', values.limit) ?? 10;
        let f;
        try {
          f = await ws.failuresAcrossRuns(selection, { limit });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        if (values.json) {
          out(JSON.stringify(f));
          return 0;
        }
        out(`${f.runIds.length} runs (${f.runIds.join(', ')}) on ${f.testImages} test images:`);
        out(`  all wrong ${f.allWrong.count}, disagree ${f.disagree.count}, only one right ${f.onlyOneRight.count}`);
        const show = (title: string, g: typeof f.allWrong) => {
          if (!g.images.length) return;
          out('');
          out(`${title} (${g.images.length} of ${g.count}):`);
          out(
            table(
              ['image', 'true', ...f.runIds.map((id) => `run ${id}`)],
              g.images.map((img) => [img.path, img.trueClass, ...img.answers.map((a) => `${a.correct ? '✓ ' : ''}${a.predictedClass} ${pct(a.probability)}`)]),
            ),
          );
        };
        show('Every run wrong, most confident first', f.allWrong);
        show('Runs disagree', f.disagree);
        if (f.runIds.length > 1) {
          show('Only one run right', f.onlyOneRight);
          out(`  only right in: ${f.onlyOneRight.perRun.map((p) => `run ${p.runId} ×${p.count}`).join(', ')}`);
        }
        return 0;
      });
    }
    case 'diff': {
      const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
      const a = runIdArg(positionals[0]);
      const b = runIdArg(positionals[1]);
      return withWs(async (ws) => {
        let d;
        try {
          d = await ws.confusionDiff(a, b);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        if (values.json) {
          out(JSON.stringify(d));
          return 0;
        }
        const paired = (await ws.compareRuns([a, b])).pairs[0];
        out(`Test accuracy: run ${a} ${pct(d.accuracyA)}, run ${b} ${pct(d.accuracyB)}`);
        if (paired)
          out(
            `McNemar's exact test on ${paired.images} test images: only run ${a} right on ${paired.onlyA}, only run ${b} right on ${paired.onlyB}; p = ${formatP(paired.p)} (${paired.p < 0.05 ? 'beyond chance' : 'within chance'})`,
          );
        out('');
        out(`Confusion (rows: true class; each cell: run ${a} → run ${b})`);
        out(table(['', ...d.classes], d.a.map((row, t) => [d.classes[t], ...row.map((v, p) => (v === d.b[t][p] ? String(v) : `${v}→${d.b[t][p]}`))])));
        out('');
        out(table(['class', `recall ${a}`, `recall ${b}`, `precision ${a}`, `precision ${b}`], d.perClass.map((c) => [c.name, pct(c.recallA), pct(c.recallB), pct(c.precisionA), pct(c.precisionB)])));
        if (d.changes.length) {
          out('');
          out('Largest changes in mistakes:');
          for (const c of d.changes.slice(0, 10)) out(`  ${c.trueClass} taken for ${c.predictedClass}: ${c.a} → ${c.b}`);
        }
        return 0;
      });
    }
    case 'delete': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      return withWs(async (ws) => {
        const id = await studyId(ws, positionals[0]);
        await ws.deleteStudy(id);
        out(`Deleted study ${id}; its runs are kept ('bloombench runs' lists them).`);
        return 0;
      });
    }
    default:
      throw new UsageError(`Unknown study command "${sub}". Run 'bloombench study --help' for the list.`);
  }
}
