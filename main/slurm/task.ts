/**
 * The node side of a study on Slurm, as the CLI's `bloombench slurm-task <bundle>` runs it:
 * a training process for one bundle (main/worker/bundle-task.ts), started the way the run queue
 * starts a worker, with the scheduler's signals passed on. Nothing here opens the database.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_FILES } from '../../shared/contract/slurm';

/** Signals the scheduler stops a task with (SIGTERM at the time limit or scancel; SIGINT, SIGUSR1 by `--signal`). */
const PASSED_ON: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGHUP'];

/** Trains the bundle in `bundleDir`; resolves with the exit code to leave with. */
export function runBundleTask(bundleDir: string): Promise<number> {
  const dir = path.resolve(bundleDir);
  if (!fs.existsSync(path.join(dir, BUNDLE_FILES.job))) {
    return Promise.reject(new Error(`${dir} is not a run bundle (no ${BUNDLE_FILES.job}); the job script passes each task its bundle folder.`));
  }
  const ts = __filename.endsWith('.ts');
  const entry = path.join(__dirname, '..', 'worker', `bundle-task.${ts ? 'ts' : 'js'}`);
  // tsx by absolute path: a task's working folder has no node_modules.
  const execArgv = ts ? ['--import', pathToFileURL(require.resolve('tsx')).href] : [];
  const child = spawn(process.execPath, [...execArgv, entry, dir], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const pass = (signal: NodeJS.Signals) => {
    // The scheduler signals every process of the task; the trainer takes a repeat calmly.
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of PASSED_ON) process.on(s, pass);
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`Could not start the training process: ${e.message}`)));
    child.on('exit', (code, signal) => {
      for (const s of PASSED_ON) process.off(s, pass);
      resolve(code ?? 128 + (signal ? (OS_SIGNALS[signal] ?? 9) : 9));
    });
  });
}

const OS_SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGUSR1: 10, SIGTERM: 15 };
