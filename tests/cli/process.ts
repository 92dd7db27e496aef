/**
 * The `bloombench` command as real child processes, for the fault tests: run one to its end,
 * or start one and act on it while it runs (signals, closed pipes, a second process).
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const ENTRY = path.join(__dirname, '..', '..', 'main', 'cli', 'index.ts');

/** The node arguments that run the CLI from its TypeScript source with `--home home`. */
export function cliArgv(home: string, args: readonly string[]): string[] {
  return ['--import', 'tsx', ENTRY, '--home', home, ...args];
}

/** What a finished CLI process left. */
export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the CLI to its end; never rejects. */
export function runCli(home: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, cliArgv(home, args), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({ stdout, stderr, code: e ? (typeof e.code === 'number' ? e.code : child.exitCode) : 0, signal: e?.signal ?? null });
    });
  });
}

/** A CLI process left running, with its output so far. */
export interface LiveCli {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything it wrote to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout or stderr (as chosen) matches `re`; rejects after `ms`. */
  waitFor(stream: 'stdout' | 'stderr', re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI and returns at once. */
export function startCli(home: string, ...args: string[]): LiveCli {
  const child = spawn(process.execPath, cliArgv(home, args), { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const watchers: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...watchers]) w();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...watchers]) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(stream, re, ms = 90_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = (stream === 'stdout' ? out : err).match(re);
          if (!m) return false;
          clearTimeout(timer);
          watchers.splice(watchers.indexOf(check), 1);
          clearInterval(poll);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          watchers.splice(watchers.indexOf(check), 1);
          clearInterval(poll);
          reject(new Error(`no ${re} on ${stream} within ${ms} ms.\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`));
        }, ms);
        // Also re-checked when the process exits without more output.
        const poll = setInterval(() => check(), 250);
        watchers.push(check);
        check();
      });
    },
  };
}
