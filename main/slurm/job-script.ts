/**
 * The job script of a study's submission: an `sbatch --array` script written next to the
 * bundles, meant to be read and, if need be, rerun by hand. Each array task runs the node-side
 * bloombench on its own bundle folder; nothing is fetched from the network.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SlurmSettings } from '../../shared/contract/slurm';

/** Quotes one word for bash. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line of this install's `bloombench`, as the nodes would run it: the same Node (or
 * Electron run as Node) and the CLI beside this file — compiled, or TypeScript through tsx.
 */
export function defaultBloombenchCommand(): string {
  const ts = __filename.endsWith('.ts');
  const cli = path.join(__dirname, '..', 'cli', `index.${ts ? 'ts' : 'js'}`);
  const words = [process.execPath];
  // tsx by absolute path: the task's working folder has no node_modules.
  if (ts) words.push('--import', pathToFileURL(require.resolve('tsx')).href);
  words.push(cli);
  const env = process.versions.electron ? 'ELECTRON_RUN_AS_NODE=1 ' : '';
  return env + words.map(shellQuote).join(' ');
}

/** Splits a command line into words as bash would (quotes and backslashes; no expansions). */
export function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < cmd.length) word += cmd[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < cmd.length) {
      word = (word ?? '') + cmd[++i];
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + ch;
  }
  if (word !== null) words.push(word);
  return words;
}

/** The program a command line starts (its first word after `VAR=value` assignments). */
export function commandProgram(cmd: string): string {
  return shellWords(cmd).find((w) => !/^\w+=/.test(w)) ?? '';
}

/** Everything a job script says. */
export interface JobScriptSpec {
  readonly studyId: number;
  readonly studyName: string;
  readonly submission: number;
  readonly settings: SlurmSettings;
  /** The bundle folder of each array index, in order. */
  readonly bundles: readonly string[];
  /** The run id of each array index (for the comments). */
  readonly runIds: readonly number[];
  /** Folder of the tasks' output files. */
  readonly logDir: string;
  /** The bloombench command line the tasks run. */
  readonly command: string;
}

/** The `#SBATCH` options of a submission, one argument each. */
export function sbatchOptions(spec: Pick<JobScriptSpec, 'studyId' | 'settings' | 'bundles' | 'logDir'>): string[] {
  const s = spec.settings;
  const opts = [`--job-name=bloombench-study-${spec.studyId}`, `--array=0-${spec.bundles.length - 1}`, `--output=${path.join(spec.logDir, '%A_%a.out')}`, '--ntasks=1'];
  if (s.partition) opts.push(`--partition=${s.partition}`);
  if (s.gres) opts.push(`--gres=${s.gres}`);
  if (s.time) opts.push(`--time=${s.time}`);
  if (s.cpus) opts.push(`--cpus-per-task=${s.cpus}`);
  if (s.mem) opts.push(`--mem=${s.mem}`);
  // Slurm sends SIGTERM KillWait seconds before SIGKILL; the task stops at its next step.
  opts.push(...s.sbatchArgs);
  return opts;
}

/** The script's text. */
export function jobScriptText(spec: JobScriptSpec): string {
  const lines = [
    '#!/bin/bash',
    ...sbatchOptions(spec).map((o) => `#SBATCH ${o}`),
    '#',
    `# Bloombench study ${spec.studyId} "${spec.studyName.replace(/[\r\n]/g, ' ')}", submission ${spec.submission}: one array task per cell.`,
    '# Each task trains its cell into its bundle folder (job.json in; events-<attempt>.jsonl,',
    '# checkpoints/ and status.json out) and never opens the run database; the machine that',
    `# submitted imports the bundles ('bloombench study collect ${spec.studyId}').`,
    '# Nothing is fetched from the network: the node-side install below must see this folder,',
    '# the dataset cache named in each job.json, and its own node_modules.',
    '#',
    '# Rerun by hand: sbatch this file (all tasks), sbatch --array=1 this file (one task), or',
    '# SLURM_ARRAY_TASK_ID=0 bash this file (the first task, here, without Slurm).',
    'set -euo pipefail',
    '',
    '# The node-side bloombench (--bloombench-cmd):',
    `BLOOMBENCH=${shellQuote(spec.command)}`,
    '',
    'BUNDLES=(',
    ...spec.bundles.map((b, i) => `  ${shellQuote(b)}  # ${i}: run ${spec.runIds[i]}`),
    ')',
    'BUNDLE="${BUNDLES[${SLURM_ARRAY_TASK_ID:?set SLURM_ARRAY_TASK_ID to the task to run}]}"',
    'echo "bloombench task ${SLURM_ARRAY_JOB_ID:-by-hand}_${SLURM_ARRAY_TASK_ID} on $(hostname): ${BUNDLE}" >&2',
    '# exec: the trainer itself gets the scheduler\'s SIGTERM and saves how far it got.',
    'eval "exec ${BLOOMBENCH} slurm-task \\"\\${BUNDLE}\\""',
    '',
  ];
  return lines.join('\n');
}

/** Writes the script (executable) and returns its path. */
export function writeJobScriptSync(file: string, spec: JobScriptSpec): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.mkdirSync(spec.logDir, { recursive: true });
  fs.writeFileSync(file, jobScriptText(spec), { mode: 0o755 });
  return file;
}
