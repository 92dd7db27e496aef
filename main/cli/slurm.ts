/**
 * `bloombench study run <study> --slurm …` and `bloombench study collect <study>`: a study's
 * cells as one Slurm job array, followed from a terminal, and how a cell on Slurm reads in
 * `study show`.
 */
import type { SlurmCollection, SlurmSettings } from '../../shared/contract/slurm';
import type { StudyCell, StudyDetail, StudyGrid } from '../../shared/contract/studies';
import type { Workstation } from '../core/workstation';
import { out, UsageError } from './common';
import { duration, pct, table } from './format';

/** The `study run` options of a Slurm submission (parseArgs specs). */
export const SLURM_RUN_OPTIONS = {
  slurm: { type: 'boolean' },
  partition: { type: 'string' },
  gres: { type: 'string' },
  time: { type: 'string' },
  cpus: { type: 'string' },
  mem: { type: 'string' },
  'sbatch-arg': { type: 'string', multiple: true },
  'bloombench-cmd': { type: 'string' },
  wait: { type: 'boolean' },
  poll: { type: 'string' },
} as const;

/** The help lines of the Slurm commands. */
export const SLURM_HELP = `  run <study> --slurm [--partition P] [--gres gpu:1] [--time HH:MM:SS] [--cpus N] [--mem 8G]
        [--sbatch-arg=--account=lab …] [--bloombench-cmd CMD] [--retry-failed] [--wait [--poll S]] [--json]
                               submit the cells left to run as one sbatch --array (settings are
                               remembered per study); --wait follows and imports the tasks;
                               --retry-failed resubmits failed ones, from their checkpoints
  collect <study> [--json]     ask Slurm where the study's tasks are and import finished bundles
  pause <study> [--now]        on Slurm: hold the pending tasks (--now: scancel every task)`;

type SlurmRunValues = { [K in keyof typeof SLURM_RUN_OPTIONS]?: (typeof SLURM_RUN_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof SLURM_RUN_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The sbatch settings given on the command line (the rest stay as the study remembers them). */
export function slurmSettingsFromFlags(values: SlurmRunValues): Partial<SlurmSettings> {
  const s: { -readonly [K in keyof SlurmSettings]?: SlurmSettings[K] } = {};
  const text = (v: string | undefined) => (v === undefined ? undefined : v === '' || v === 'none' ? null : v);
  if (values.partition !== undefined) s.partition = text(values.partition);
  if (values.gres !== undefined) s.gres = text(values.gres);
  if (values.time !== undefined) s.time = text(values.time);
  if (values.mem !== undefined) s.mem = text(values.mem);
  if (values['bloombench-cmd'] !== undefined) s.bloombenchCmd = text(values['bloombench-cmd']);
  if (values.cpus !== undefined) {
    const n = Number(values.cpus);
    if (values.cpus === 'none') s.cpus = null;
    else if (!Number.isInteger(n) || n < 1) throw new UsageError(`--cpus: "${values.cpus}" must be a whole number ≥ 1.`);
    else s.cpus = n;
  }
  if (values['sbatch-arg'] !== undefined) s.sbatchArgs = values['sbatch-arg'];
  return s;
}

const FIELD_FLAGS: Record<string, string> = { partition: '--partition', gres: '--gres', time: '--time', cpus: '--cpus', mem: '--mem', sbatchArgs: '--sbatch-arg', bloombenchCmd: '--bloombench-cmd' };

/** A Slurm settings error, with the command line's flag names. */
function asUsage(e: unknown): UsageError {
  const msg = (e as Error).message.replace(/\b(partition|gres|time|cpus|mem|sbatchArgs|bloombenchCmd)(\.\d+)?: /g, (_m, f: string) => `${FIELD_FLAGS[f]}: `);
  return new UsageError(msg);
}

/** How a cell reads in tables: `queued (job 12_0)`, `running on n3 (job 12_1)`, `failed (TIMEOUT, job 12_1 on n3)`. */
export function cellStatusText(c: StudyCell): string {
  const t = c.slurm;
  if (!t) return c.status;
  const job = `job ${t.jobId}`;
  switch (t.state) {
    case 'queued':
      return `queued (${job}${t.reason && t.reason !== 'None' ? `, ${t.reason}` : ''})`;
    case 'held':
      return `held (${job})`;
    case 'running':
      return `running on ${t.node ?? '?'} (${job}, ${t.epochsDone} epoch${t.epochsDone === 1 ? '' : 's'} done)`;
    case 'collecting':
      return `finishing on ${t.node ?? '?'} (${job})`;
    case 'done':
      return c.status === 'completed' ? `completed (${job} on ${t.node ?? '?'})` : c.status;
    case 'failed': {
      if (c.status !== 'failed') return c.status;
      const why = (t.reason ?? 'see the run').split('\n')[0];
      return `failed (${why.length > 70 ? `${why.slice(0, 69)}…` : why}, ${job}${t.node ? ` on ${t.node}` : ''})`;
    }
    case 'cancelled':
      return c.status === 'cancelled' ? `cancelled (${job})` : c.status;
  }
}

/** The header line of a study with cells on Slurm, or null. */
export function slurmHeaderLine(d: StudyDetail): string | null {
  const on = d.cells.filter((c) => c.slurm);
  if (!on.length) return null;
  const jobs = [...new Set(on.map((c) => c.slurm!.arrayJobId))];
  const counts = new Map<string, number>();
  for (const c of on) {
    const s = c.slurm!.state === 'running' ? `running on ${c.slurm!.node ?? '?'}` : c.slurm!.state;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return `  slurm   job${jobs.length === 1 ? '' : 's'} ${jobs.join(', ')}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`;
}

function cellWhere(d: StudyDetail, c: StudyCell): string {
  const labels = d.axes.map((a, i) => `${a.key}=${c.labels[i]}`).join(' ');
  return `[${c.index + 1}/${d.runCount}] run ${c.runId}${labels ? ` ${labels}` : ''} seed=${c.seed}`;
}

function collectionTable(c: SlurmCollection): string {
  const d = c.study;
  return table(
    ['#', ...d.axes.map((a) => a.title), 'seed', 'run', 'status', 'epochs'],
    d.cells.map((cell) => [cell.index + 1, ...cell.labels, cell.seed, cell.runId ?? '—', cellStatusText(cell), cell.slurm ? cell.slurm.epochsDone : '—']),
  );
}

const SOURCES: Record<SlurmCollection['source'], string> = {
  sacct: "ended tasks' reasons from sacct (accounting)",
  scontrol: "ended tasks' reasons from scontrol show job (no accounting here)",
  bundle: "ended tasks' reasons from their bundles (the scheduler no longer remembers them)",
  none: '',
};

/** `bloombench study collect <study>`. */
export async function slurmCollect(ws: Workstation, studyId: number, json: boolean): Promise<number> {
  const c = await ws.collectStudySlurm(studyId);
  if (json) {
    out(JSON.stringify(c));
    return 0;
  }
  out(collectionTable(c));
  for (const f of c.finished) out(`run ${f.runId} → ${f.status}${f.error ? `: ${f.error}` : ''}`);
  out(`${c.finished.length} bundle${c.finished.length === 1 ? '' : 's'} imported, ${c.open} task${c.open === 1 ? '' : 's'} still on Slurm${SOURCES[c.source] ? `; ${SOURCES[c.source]}` : ''}.`);
  return 0;
}

/** `bloombench study run <study> --slurm …`: submits, and with `--wait` follows until every task is imported. */
export async function slurmRun(
  ws: Workstation,
  studyId: number,
  values: SlurmRunValues & { 'retry-failed'?: boolean; json?: boolean },
  print: { header(d: StudyDetail): string; grid(g: StudyGrid): string },
): Promise<number> {
  const json = Boolean(values.json);
  const err = (s: string) => process.stderr.write(s);
  let poll = 10;
  if (values.poll !== undefined) {
    poll = Number(values.poll);
    if (!Number.isFinite(poll) || poll < 0.2) throw new UsageError(`--poll: "${values.poll}" must be a number of seconds ≥ 0.2.`);
  }
  const settings = slurmSettingsFromFlags(values);
  let sub;
  try {
    sub = await ws.submitStudySlurm(studyId, settings, { retryFailed: Boolean(values['retry-failed']) });
  } catch (e) {
    throw asUsage(e);
  }
  const submitted = Date.now();
  if (json) out(JSON.stringify({ event: 'submitted', ...sub }));
  else {
    err(`Submitted ${sub.tasks.length} cell${sub.tasks.length === 1 ? '' : 's'} of study ${studyId} as Slurm array job ${sub.arrayJobId}: ${sub.script}\n`);
    for (const t of sub.tasks) err(`  task ${sub.arrayJobId}_${t.arrayIndex}: run ${t.runId}${t.resumeEpoch ? ` (resumes after epoch ${t.resumeEpoch})` : ''} → ${t.bundleDir}\n`);
    for (const w of sub.warnings) err(`  ! ${w}\n`);
  }
  if (!values.wait) {
    if (!json) err(`Follow it: 'bloombench study collect ${studyId}' (or 'bloombench study run ${studyId} --slurm --wait' next time); the app imports the bundles while it runs.\n`);
    return 0;
  }
  // Follow: the tasks' state changes and epochs as their bundles are imported.
  const seen = new Map<number, string>();
  const off = ws.onEvent((e) => {
    if (e.kind !== 'epoch-end' || json || ws.studyOfRun(e.runId) !== studyId) return;
    const m = e.metrics;
    err(`  run ${e.runId} epoch ${m.epoch}  loss ${m.trainLoss.toFixed(4)}  acc ${pct(m.trainAccuracy)}  val acc ${pct(m.valAccuracy)}  ${m.seconds.toFixed(1)}s${e.best ? '  *best' : ''}\n`);
  });
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    err(`\nStopped following; the tasks keep running on Slurm. 'bloombench study collect ${studyId}' imports them later, 'bloombench study pause ${studyId}' holds the pending ones.\n`);
  };
  process.on('SIGINT', onSigint);
  let c: SlurmCollection;
  try {
    for (;;) {
      c = await ws.collectStudySlurm(studyId);
      for (const cell of c.study.cells) {
        if (cell.runId === null) continue;
        const text = cellStatusText(cell);
        if (seen.get(cell.runId) === text) continue;
        seen.set(cell.runId, text);
        if (json) out(JSON.stringify({ event: 'cell', studyId, runId: cell.runId, cell: cell.index, status: cell.status, slurm: cell.slurm ?? null }));
        else err(`${cellWhere(c.study, cell)}: ${text}\n`);
      }
      for (const f of c.finished) {
        if (json) out(JSON.stringify({ event: 'run', studyId, ...f }));
        else if (f.error) err(`  run ${f.runId} → ${f.status}: ${f.error}\n`);
      }
      if (c.open === 0 || stop) break;
      await new Promise((r) => setTimeout(r, poll * 1000));
    }
  } finally {
    off();
    process.off('SIGINT', onSigint);
  }
  if (stop) return 130;
  const d = c.study;
  const grid = await ws.studyGrid(studyId);
  if (json) out(JSON.stringify({ event: 'study', study: d, grid, seconds: (Date.now() - submitted) / 1000 }));
  else {
    out(print.header(d));
    out('');
    out(print.grid(grid));
    err(`All ${sub.tasks.length} task${sub.tasks.length === 1 ? '' : 's'} of job ${sub.arrayJobId} imported in ${duration((Date.now() - submitted) / 1000)}${SOURCES[c.source] ? `; ${SOURCES[c.source]}` : ''}.\n`);
  }
  return d.counts.failed > 0 ? 1 : 0;
}
