/**
 * Who owns a queued or training run: the process (id and start time), the machine, and the
 * run queue inside that process. Recovery calls a run interrupted only when its owner is gone,
 * and a queue only takes a run whose owner is itself or gone.
 *
 * A process id alone is not enough: ids are reused. On Linux the owner also records the
 * process's start time (field 22 of /proc/<pid>/stat, in clock ticks since boot) and the boot
 * id, so a new process that got the same id is not mistaken for the owner. Elsewhere only
 * whether the id is alive can be checked. An owner on another machine (a home on a shared
 * file system) cannot be checked at all and is taken as alive.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

/** A run's owner as the store records it. */
export interface RunOwner {
  readonly pid: number;
  /** `<boot id>:<start ticks>` on Linux; null where the start time cannot be read. */
  readonly started: string | null;
  readonly host: string;
  /** The owning run queue, one per `RunQueue` in that process. */
  readonly queue: string;
}

/** The start-time token of a live process (Linux), or null if it is not running or unknown. */
export function processStartToken(pid: number): string | null {
  return hasProc ? startToken(pid) : null;
}

/**
 * True while the process that had `started` as its start token runs (by id alone where start
 * times cannot be read, or were not recorded).
 */
export function processAlive(pid: number, started: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (hasProc) {
    const now = startToken(pid);
    return now !== null && (started === null || started === now);
  }
  return pidAlive(pid);
}

function startToken(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // A zombie (exited, not yet reaped: an orphan whose new parent does not reap) is gone.
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  // Field 22 (starttime) is the 20th after comm (fields 3…).
  const ticks = fields[19];
  return ticks ? `${bootId()}:${ticks}` : null;
}

let cachedBootId: string | undefined;
function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = '';
    }
  }
  return cachedBootId;
}

const hasProc = process.platform === 'linux' && fs.existsSync(`/proc/${process.pid}/stat`);
const thisProcessStarted = hasProc ? startToken(process.pid) : null;
const thisHost = os.hostname();

/** The queues open in this process (their owner tokens). */
const openQueues = new Set<string>();

/** A new owner for a run queue of this process; `release` it when the queue closes. */
export function newQueueOwner(): RunOwner {
  const owner: RunOwner = { pid: process.pid, started: thisProcessStarted, host: thisHost, queue: crypto.randomBytes(8).toString('hex') };
  openQueues.add(owner.queue);
  return owner;
}

/** Marks a queue of this process closed: its runs are no longer owned by a live queue. */
export function releaseQueueOwner(owner: RunOwner): void {
  openQueues.delete(owner.queue);
}

/** True while a process with this id exists (it may be another program that got the id). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True unless the owner is known to be gone (another machine's owner is taken as alive). */
export function ownerAlive(owner: RunOwner): boolean {
  if (owner.host !== thisHost) return true;
  if (owner.pid === process.pid && (owner.started === thisProcessStarted || owner.started === null)) return openQueues.has(owner.queue);
  // An owner recorded without a start time (another OS's build) is checked by id alone.
  return processAlive(owner.pid, owner.started);
}

/**
 * Stops a training worker whose owner is gone (it stops by itself when it notices, but may be
 * inside a step or writing a checkpoint) and waits up to `ms` for it to end; true once gone.
 */
export function stopOrphanWorkerSync(pid: number, started: string | null, ms = 5000): boolean {
  // Without a start time a reused process id could be anybody's: it is not stopped, and not
  // waited for either (the worker stops by itself once it notices its owner is gone).
  if (started === null || !processAlive(pid, started)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile, or not ours to stop.
  }
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (processAlive(pid, started) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  return !processAlive(pid, started);
}

/** True when `owner` is this queue. */
export function sameOwner(a: RunOwner | null, b: RunOwner): boolean {
  return a !== null && a.pid === b.pid && a.host === b.host && a.queue === b.queue && a.started === b.started;
}

/** "pid 1234" or "pid 1234 on host-b", for messages. */
export function describeOwner(owner: RunOwner): string {
  return owner.host === thisHost ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.host}`;
}
