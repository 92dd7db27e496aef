/**
 * A real one-node Slurm cluster for the tests: Debian's `munged`, `slurmctld` and `slurmd`,
 * started in a temporary folder with a config of their own (their own munge socket and key,
 * free ports, no accounting database — so `sacct` is not available, as on many small
 * clusters), and stopped by their process ids.
 *
 * A test run that is killed leaves its daemons behind: every cluster is listed in a registry
 * folder with the pid of the test process that owns it, and the next start stops the daemons
 * of clusters whose owner is gone (checking each pid's command line names that cluster's
 * folder, so a recycled pid is never touched) and deletes their folders.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pidAlive } from '../../main/store/owner';

/** Where running test clusters are listed. */
const REGISTRY = path.join(os.tmpdir(), 'bloombench-test-slurm');

export interface TestCluster {
  /** The cluster's folder (config, state, logs, munge socket). */
  readonly dir: string;
  /** Its slurm.conf: point `SLURM_CONF` at it. */
  readonly conf: string;
  /** The one node (this machine's host name) and its partition. */
  readonly node: string;
  readonly partition: string;
  /** The daemons' process ids. */
  pids: { readonly munged: number; readonly slurmctld: number; readonly slurmd: number };
  /**
   * Restarts slurmctld with its saved state cleared (`-c`): it no longer remembers any job, as
   * after `MinJobAge` or a controller rebuilt from scratch. The node stays up.
   */
  forgetJobs(): Promise<void>;
  /** Stops the daemons (SIGTERM, then SIGKILL) and deletes the folder. */
  stop(): Promise<void>;
}

interface RegistryEntry {
  readonly owner: number;
  readonly dir: string;
  readonly pids: readonly number[];
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Stops a pid if it is still the daemon we started (its command line names `dir`). */
async function stopPid(pid: number, dir: string): Promise<void> {
  if (!pidAlive(pid) || !cmdline(pid).includes(dir)) return;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + 10_000;
  while (pidAlive(pid) && cmdline(pid).includes(dir) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (pidAlive(pid) && cmdline(pid).includes(dir)) process.kill(pid, 'SIGKILL');
}

/** Cancels every job of the cluster (its tasks are slurmstepd's children, not the daemons') and waits for the queue to empty. */
async function cancelAllJobs(conf: string): Promise<void> {
  const env = { ...process.env, SLURM_CONF: conf };
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    } catch {
      return null;
    }
  };
  if (run('scancel', [`--user=${os.userInfo().username}`]) === null) return;
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const q = run('squeue', ['-h', '-o', '%i']);
    if (q === null || !q.trim()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops the daemons of clusters whose test process died, and deletes their folders. */
export async function cleanStaleClusters(): Promise<string[]> {
  const cleaned: string[] = [];
  if (!fs.existsSync(REGISTRY)) return cleaned;
  for (const name of fs.readdirSync(REGISTRY)) {
    const file = path.join(REGISTRY, name);
    let entry: RegistryEntry;
    try {
      entry = JSON.parse(fs.readFileSync(file, 'utf8')) as RegistryEntry;
    } catch {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (pidAlive(entry.owner) && entry.owner !== process.pid) continue;
    if (fs.existsSync(path.join(entry.dir, 'slurm.conf'))) await cancelAllJobs(path.join(entry.dir, 'slurm.conf'));
    for (const pid of entry.pids) await stopPid(pid, entry.dir);
    fs.rmSync(entry.dir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
    cleaned.push(entry.dir);
  }
  return cleaned;
}

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** Starts a daemon in the foreground, detached from the test's process group, its output to a log. */
function daemon(cmd: string, args: readonly string[], log: string, opts: { uid?: number; gid?: number } = {}): number {
  const fd = fs.openSync(log, 'a');
  const child = spawn(cmd, [...args], { detached: true, stdio: ['ignore', fd, fd], uid: opts.uid, gid: opts.gid, env: { ...process.env } });
  fs.closeSync(fd);
  child.unref();
  if (!child.pid) throw new Error(`Could not start ${cmd}`);
  return child.pid;
}

async function waitFor(what: string, check: () => boolean, logs: readonly string[], ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  const tails = logs.map((l) => `--- ${l}\n${fs.existsSync(l) ? fs.readFileSync(l, 'utf8').split('\n').slice(-15).join('\n') : '(no log)'}`).join('\n');
  throw new Error(`The test cluster did not come up: ${what}\n${tails}`);
}

/** Why a test cluster cannot start on this machine (a tool missing, not root), or null when it can. */
export function clusterUnavailable(): string | null {
  const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'].filter((c) => !which(c));
  if (missing.length) return `The Slurm tests need Debian's slurm-wlm and munge (apt-get install slurm-wlm munge); missing: ${missing.join(', ')}.`;
  if (process.getuid?.() !== 0) return 'The Slurm tests start slurmctld and slurmd with SlurmUser=root: run them as root (the CI machine does).';
  return null;
}

/** Starts munged, slurmctld and slurmd for one node with `cpus` CPUs. Needs root and Debian's slurm-wlm + munge. */
export async function startCluster(opts: { cpus?: number; killWait?: number } = {}): Promise<TestCluster> {
  const unavailable = clusterUnavailable();
  if (unavailable) throw new Error(unavailable);
  await cleanStaleClusters();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-slurm-'));
  fs.chmodSync(dir, 0o755);
  const mungeDir = path.join(dir, 'munge');
  fs.mkdirSync(mungeDir);
  const uid = Number(execFileSync('id', ['-u', 'munge'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'munge'], { encoding: 'utf8' }).trim());
  // munged refuses a socket folder others cannot traverse, or one others can write.
  fs.chownSync(mungeDir, uid, gid);
  fs.chmodSync(mungeDir, 0o711);
  const key = path.join(mungeDir, 'munge.key');
  if (which('mungekey')) execFileSync(which('mungekey')!, ['--create', `--keyfile=${key}`], { stdio: 'ignore' });
  else fs.writeFileSync(key, crypto.randomBytes(1024));
  fs.chownSync(key, uid, gid);
  fs.chmodSync(key, 0o600);
  const socket = path.join(mungeDir, 'munge.socket');

  for (const sub of ['state', 'spool', 'log']) fs.mkdirSync(path.join(dir, sub));
  const node = os.hostname().split('.')[0];
  const partition = 'debug';
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(
    conf,
    [
      'ClusterName=bloombench-test',
      `SlurmctldHost=${node}`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${path.join(dir, 'state')}`,
      `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
      `SlurmctldPidFile=${path.join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${path.join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${path.join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${path.join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'MpiDefault=none',
      'ReturnToService=2',
      `KillWait=${opts.killWait ?? 10}`,
      'MinJobAge=300',
      `NodeName=${node} CPUs=${opts.cpus ?? 2} State=UNKNOWN`,
      `PartitionName=${partition} Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );

  const pids: number[] = [];
  const entryFile = path.join(REGISTRY, `${path.basename(dir)}.json`);
  fs.mkdirSync(REGISTRY, { recursive: true });
  const register = () => fs.writeFileSync(entryFile, JSON.stringify({ owner: process.pid, dir, pids } satisfies RegistryEntry));
  register();
  const logs = { munged: path.join(mungeDir, 'munged.log'), ctld: path.join(dir, 'log', 'slurmctld.out'), slurmd: path.join(dir, 'log', 'slurmd.out') };
  const stop = async () => {
    if (pids.length === 3) await cancelAllJobs(conf);
    for (const pid of [...pids].reverse()) await stopPid(pid, dir);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(entryFile, { force: true });
  };
  try {
    const munged = daemon(
      which('munged')!,
      ['--foreground', `--socket=${socket}`, `--key-file=${key}`, `--pid-file=${path.join(mungeDir, 'munged.pid')}`, `--log-file=${logs.munged}`, `--seed-file=${path.join(mungeDir, 'munged.seed')}`],
      path.join(dir, 'log', 'munged.out'),
      { uid, gid },
    );
    pids.push(munged);
    register();
    await waitFor('munged socket', () => fs.existsSync(socket), [logs.munged, path.join(dir, 'log', 'munged.out')]);
    const env = { ...process.env, SLURM_CONF: conf };
    const slurmctld = daemon(which('slurmctld')!, ['-D', '-f', conf], logs.ctld);
    pids.push(slurmctld);
    register();
    const slurmd = daemon(which('slurmd')!, ['-D', '-f', conf], logs.slurmd);
    pids.push(slurmd);
    register();
    await waitFor(
      'the node idle in sinfo',
      () => {
        try {
          return /idle/.test(execFileSync(which('sinfo')!, ['-h', '-N', '-o', '%T'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }));
        } catch {
          return false;
        }
      },
      [logs.ctld, logs.slurmd, path.join(dir, 'log', 'slurmctld.log'), path.join(dir, 'log', 'slurmd.log')],
    );
    const idle = () => {
      try {
        return /idle/.test(execFileSync(which('sinfo')!, ['-h', '-N', '-o', '%T'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }));
      } catch {
        return false;
      }
    };
    const cluster = {
      dir,
      conf,
      node,
      partition,
      pids: { munged, slurmctld, slurmd },
      stop,
      forgetJobs: async () => {
        await stopPid(cluster.pids.slurmctld, dir);
        const fresh = daemon(which('slurmctld')!, ['-D', '-c', '-f', conf], logs.ctld);
        pids[pids.indexOf(cluster.pids.slurmctld)] = fresh;
        cluster.pids = { ...cluster.pids, slurmctld: fresh };
        register();
        await waitFor('the node idle after the controller restart', idle, [logs.ctld, path.join(dir, 'log', 'slurmctld.log')]);
      },
    };
    return cluster;
  } catch (e) {
    await stop();
    throw e;
  }
}
