/**
 * The Slurm commands the core runs: `sbatch`, `squeue`, `scontrol`, `sacct` and `scancel`,
 * each started without a shell, with the caller's environment (so `SLURM_CONF` and `PATH`
 * choose the cluster), and its output parsed here.
 *
 * Where a finished task's end comes from, best first: `sacct` (accounting, when the cluster
 * keeps it), then `scontrol show job` (while the controller remembers the job, `MinJobAge`,
 * 300 s by default: slurm.conf(5)), then the task's own bundle.
 */
import { execFile } from 'node:child_process';

/** What one command printed and how it ended. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command (no shell); a missing command is code 127 with the reason in `stderr`. */
export function runCommand(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (e.code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: `${cmd} is not installed here (not found on PATH)` });
      if (e.killed) return resolve({ code: 124, stdout, stderr: `${stderr}${cmd} did not answer within ${(opts.timeoutMs ?? 60_000) / 1000} s` });
      resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout, stderr: stderr || e.message });
    });
  });
}

/** The first line of a command's complaint, for messages. */
function complaint(cmd: string, r: CommandResult): string {
  const text = (r.stderr || r.stdout).trim().split('\n').filter(Boolean).slice(-3).join(' ');
  return `${cmd} failed (exit ${r.code})${text ? `: ${text}` : ''}`;
}

/** Where the scheduler says one array task is. */
export interface TaskSighting {
  /** Slurm's state name: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, OUT_OF_MEMORY, … */
  readonly state: string;
  readonly node: string | null;
  /** Why it waits (`Resources`, `JobHeldUser`) or a note on how it ended; null for `None`. */
  readonly reason: string | null;
  /** `exit:signal` as Slurm prints it, when known. */
  readonly exitCode: string | null;
}

/** Array-task sightings by array index. */
export type Sightings = Map<number, TaskSighting>;

/** States of a task that has not ended. */
export const LIVE_STATES: ReadonlySet<string> = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);

const none = (s: string | undefined): string | null => (!s || s === 'None' || s === '(null)' || s === 'n/a' ? null : s);

/** Expands an array index list as Slurm prints it: `3`, `1-4`, `0,2,5-7`, `[4-9%2]`. */
export function expandIndices(text: string): number[] {
  const body = text.replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Math.max(1, Number(m[3]));
    for (let i = from; i <= to && out.length < 100_000; i += step) out.push(i);
  }
  return out;
}

/** `sbatch --parsable`'s answer (`1234` or `1234;cluster`) → the job id. */
export function parseSbatchAnswer(stdout: string): string | null {
  const m = /^(\d+)(?:;\S+)?\s*$/m.exec(stdout.trim());
  return m ? m[1] : null;
}

/** Submits a job script; resolves with the (array) job id. */
export async function sbatch(script: string, opts: { cwd: string }): Promise<string> {
  const r = await runCommand('sbatch', ['--parsable', script], { cwd: opts.cwd });
  if (r.code !== 0) throw new Error(complaint('sbatch', r));
  const id = parseSbatchAnswer(r.stdout);
  if (!id) throw new Error(`sbatch answered something that is not a job id: ${r.stdout.trim().slice(0, 200)}`);
  return id;
}

/** Parses `squeue -h -r -o '%i|%T|%N|%r'` lines of one array job. */
export function parseSqueue(stdout: string, arrayJobId: string): Sightings {
  const out: Sightings = new Map();
  for (const line of stdout.split('\n')) {
    const [jobId, state, node, reason] = line.trim().split('|');
    if (!jobId || !state) continue;
    const m = /^(\d+)_(.+)$/.exec(jobId);
    if (!m || m[1] !== arrayJobId) continue;
    for (const i of expandIndices(m[2])) out.set(i, { state: state.replace(/\+$/, ''), node: none(node), reason: none(reason), exitCode: null });
  }
  return out;
}

/**
 * Where the scheduler's queue has the array job's tasks (pending, running, and those that
 * ended within `MinJobAge`). Null when squeue does not know the job at all.
 */
export function squeue(arrayJobId: string): Promise<Sightings | null> {
  return sightings('squeue', ['squeue', '-h', '-r', '-t', 'all', '-j', arrayJobId, '-o', '%i|%T|%N|%r'], (out) => parseSqueue(out, arrayJobId));
}

/** Runs a scheduler query and parses its output; null when the scheduler does not know the job. */
async function sightings(what: string, [command, ...args]: readonly string[], parse: (stdout: string) => Sightings): Promise<Sightings | null> {
  const r = await runCommand(command, args);
  if (r.code !== 0) {
    if (/Invalid job id/i.test(r.stderr)) return null;
    throw new Error(complaint(what, r));
  }
  return parse(r.stdout);
}

/** Parses `scontrol show job -o` (one record per line, `Key=Value` tokens). */
export function parseScontrol(stdout: string, arrayJobId: string): Sightings {
  const out: Sightings = new Map();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const fields = new Map<string, string>();
    for (const m of line.matchAll(/(\S+?)=(\S*)/g)) if (!fields.has(m[1])) fields.set(m[1], m[2]);
    if (fields.get('ArrayJobId') !== arrayJobId) continue;
    const indices = expandIndices(fields.get('ArrayTaskId') ?? '');
    const state = fields.get('JobState');
    if (!state) continue;
    for (const i of indices) {
      out.set(i, { state, node: none(fields.get('NodeList')) ?? none(fields.get('BatchHost')), reason: none(fields.get('Reason')), exitCode: none(fields.get('ExitCode')) });
    }
  }
  return out;
}

/** The controller's record of the array job's tasks; null once it forgot the job. */
export function scontrolShowJob(arrayJobId: string): Promise<Sightings | null> {
  return sightings('scontrol show job', ['scontrol', 'show', 'job', '-o', arrayJobId], (out) => parseScontrol(out, arrayJobId));
}

/** Parses `sacct -n -P -X -o JobID,State,ExitCode,NodeList,Reason`. */
export function parseSacct(stdout: string, arrayJobId: string): Sightings {
  const out: Sightings = new Map();
  for (const line of stdout.split('\n')) {
    const [jobId, state, exitCode, node, reason] = line.trim().split('|');
    if (!jobId || !state) continue;
    const m = /^(\d+)_(.+)$/.exec(jobId);
    if (!m || m[1] !== arrayJobId) continue;
    // sacct writes "CANCELLED by 1000"; the state is the first word.
    const [word, ...rest] = state.split(' ');
    for (const i of expandIndices(m[2])) {
      out.set(i, { state: word, node: none(node === 'None assigned' ? undefined : node), reason: none(reason) ?? (rest.length ? rest.join(' ') : null), exitCode: none(exitCode) });
    }
  }
  return out;
}

/** The accounting record of the array job's tasks; null where the cluster keeps no accounting. */
export async function sacct(arrayJobId: string): Promise<Sightings | null> {
  const r = await runCommand('sacct', ['-n', '-P', '-X', '-j', arrayJobId, '-o', 'JobID,State,ExitCode,NodeList,Reason']);
  if (r.code !== 0 || /accounting storage is disabled/i.test(r.stderr)) return null;
  return parseSacct(r.stdout, arrayJobId);
}

/** `scontrol hold` / `release` of the given tasks (`12_3`) or whole array jobs (`12`). */
export async function scontrol(action: 'hold' | 'release', jobIds: readonly string[]): Promise<void> {
  if (!jobIds.length) return;
  const r = await runCommand('scontrol', [action, jobIds.join(',')]);
  // Tasks that started or ended meanwhile cannot be held: that is not an error here.
  if (r.code !== 0 && !/already|not pending|Job has already finished|Requested operation is presently disabled|Invalid job id/i.test(r.stderr)) {
    throw new Error(complaint(`scontrol ${action}`, r));
  }
}

/** `scancel` of the given tasks (`12_3`) or array jobs (`12`). */
export async function scancel(jobIds: readonly string[]): Promise<void> {
  if (!jobIds.length) return;
  const r = await runCommand('scancel', [...jobIds]);
  if (r.code !== 0 && !/already completed|Invalid job id/i.test(r.stderr)) throw new Error(complaint('scancel', r));
}

/** Whether `sbatch` can be run here, and why not. */
export async function sbatchAvailable(): Promise<{ ok: boolean; reason: string | null }> {
  const r = await runCommand('sbatch', ['--version'], { timeoutMs: 10_000 });
  if (r.code === 0) return { ok: true, reason: null };
  return { ok: false, reason: r.code === 127 ? 'sbatch is not installed on this machine (Slurm commands not on PATH)' : complaint('sbatch --version', r) };
}

/**
 * A sentence for how a task ended, from the scheduler's state: what `collect` writes as the
 * failed run's error (sbatch(1) and squeue(1), "JOB STATE CODES").
 */
export function describeEnd(s: TaskSighting): string {
  const code = s.exitCode && s.exitCode !== '0:0' ? `, exit code ${s.exitCode}` : '';
  const on = s.node ? ` on ${s.node}` : '';
  const because = s.reason ? ` (${s.reason})` : '';
  switch (s.state) {
    case 'TIMEOUT':
      return `Slurm stopped the task at its time limit${on}${because}`;
    case 'CANCELLED':
      return `the task was cancelled (scancel)${on}${because}${code}`;
    case 'PREEMPTED':
      return `Slurm preempted the task${on} for a job of higher priority${because}`;
    case 'NODE_FAIL':
      return `the node${s.node ? ` ${s.node}` : ''} failed under the task${because}`;
    case 'BOOT_FAIL':
      return `the node${s.node ? ` ${s.node}` : ''} failed to boot for the task${because}`;
    case 'OUT_OF_MEMORY':
      return `the task ran out of memory${on} (raise --mem)${because}`;
    case 'DEADLINE':
      return `the task reached its deadline${on}${because}`;
    case 'FAILED':
      return `the task failed${on}${code}${because}`;
    case 'COMPLETED':
      return `the task exited${on}${code}`;
    default:
      return `Slurm reports the task ${s.state}${on}${because}${code}`;
  }
}
