/**
 * `npm run bench:ui`: does the UI stay responsive while training?
 *
 * 1. Chart: the real server and renderer in headless Chromium, on the live-run view, receive
 *    `--points` batch events (loss, accuracy, learning rate) for one run. The events are
 *    synthetic (a real worker cannot train 100,000 steps in a benchmark's time) but injected at
 *    the core's event emitter, so they take the real path: server-sent events → the renderer's
 *    transport → AppState → LiveRunState → the charts; the rows go to the run database too, as
 *    the runner writes them. Phases: a fast stream (`--rate` events/s) up to the full count,
 *    then a steady phase at a realistic training rate (`--steady-rate`) with the chart full,
 *    then opening a finished run with the same history (Runs → Curves). Each phase records
 *    requestAnimationFrame intervals, long tasks and the JS heap (after a forced GC).
 * 2. Training: the same run trained by `bloombench train` and by `bloombench serve` with the
 *    app open in Chromium on the live view, alternating (`--rounds` of CLI then app); compares
 *    the images/second each run's epochs report (the first epoch, warm-up, left out).
 *
 * Writes `bench/results/ui-<time>.json` and prints a table; `--json` prints the JSON instead.
 * Flags: `--points n` (100000), `--rate n` (2000), `--steady-rate n` (50), `--steady-seconds n`
 * (10), `--rounds n` (2), `--arch id` (lenet5), `--epochs n` (4), `--input-size n` (32),
 * `--dataset folder` (default /work/shared/datasets/flower_photos_160, else a generated
 * folder), `--no-chart`, `--no-train`, `--profile file.cpuprofile` (the page's CPU profile during
 * the chart phases, for DevTools), `--no-animations` (the page without CSS animations and
 * transitions, to see their cost), `--json`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import sharp from 'sharp';
import type { AppEvent } from '../shared/contract/api';
import { DEFAULT_CONFIG, type TrainConfig } from '../shared/config';
import type { BackendInfo, EpochMetrics, RunDetail } from '../shared/types';
import { Workstation } from '../main/core/workstation';
import { startServer } from '../main/server/server';
import { openStore } from '../main/store/db';
import { benchDataset } from './dataset';

const ROOT = path.resolve(__dirname, '..', '..');
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const BIN = path.join(ROOT, 'bin', 'bloombench.js');
const CHROMIUM = process.env.BLOOMBENCH_CHROMIUM ?? '/usr/bin/chromium';

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

/** The same headless Debian Chromium the end-to-end tests drive (tests/e2e/harness.ts). */
function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// ---------------------------------------------------------------------------------------------
// Frame timing in the page

/** Frame and long-task statistics of one phase. */
export interface FrameStats {
  readonly seconds: number;
  readonly frames: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Frames longer than 20 ms (at least one 60 Hz frame dropped) and 50 ms. */
  readonly over20: number;
  readonly over50: number;
  readonly longTasks: number;
  readonly longTaskMaxMs: number;
  readonly longTaskTotalMs: number;
}

/** Installed before the app's scripts: a rAF loop and a long-task observer, off until `start`. */
const MONITOR = `
  window.__bb = { on: false, last: 0, frames: [], long: [], t0: 0 };
  (function loop() {
    requestAnimationFrame((t) => {
      const b = window.__bb;
      if (b.on && b.last) b.frames.push(t - b.last);
      b.last = t;
      loop();
    });
  })();
  try {
    new PerformanceObserver((list) => {
      if (!window.__bb.on) return;
      for (const e of list.getEntries()) window.__bb.long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  } catch {}
`;

async function startFrames(page: Page): Promise<void> {
  await page.evaluate(`(() => { const b = window.__bb; b.frames = []; b.long = []; b.last = 0; b.t0 = performance.now(); b.on = true; })()`);
}

async function stopFrames(page: Page): Promise<FrameStats> {
  const { frames, long, seconds } = (await page.evaluate(`(() => {
    const b = window.__bb;
    b.on = false;
    return { frames: b.frames, long: b.long, seconds: (performance.now() - b.t0) / 1000 };
  })()`)) as { frames: number[]; long: number[]; seconds: number };
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
  return {
    seconds,
    frames: frames.length,
    p50Ms: q(0.5),
    p95Ms: q(0.95),
    maxMs: sorted.at(-1) ?? NaN,
    over20: frames.filter((f) => f > 20).length,
    over50: frames.filter((f) => f > 50).length,
    longTasks: long.length,
    longTaskMaxMs: long.length ? Math.max(...long) : 0,
    longTaskTotalMs: long.reduce((a, b) => a + b, 0),
  };
}

/** The page's main-thread time so far, by kind (seconds; Chromium's Performance.getMetrics). */
async function mainThread(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const pick = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];
  return Object.fromEntries(metrics.filter((m) => pick.includes(m.name)).map((m) => [m.name, m.value]));
}

function busyPercent(a: Record<string, number>, b: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.keys(b).map((k) => [k.replace('Duration', ''), ((b[k] - (a[k] ?? 0)) / seconds) * 100]));
}

async function heapMiB(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const h = await cdp.send('Runtime.getHeapUsage');
  return h.usedSize / 2 ** 20;
}

/** Total points the live charts hold (the `data-points` the loss, accuracy and lr charts show). */
const POINTS = (id: string) => `Number(document.querySelector('[data-testid=${id}]')?.getAttribute('data-points') ?? 0)`;
const ALL_POINTS = `(${POINTS('chart-loss')} + ${POINTS('chart-accuracy')} + ${POINTS('chart-lr')})`;

async function chartPoints(page: Page): Promise<number> {
  return (await page.evaluate(ALL_POINTS)) as number;
}

// ---------------------------------------------------------------------------------------------
// 1. The chart at 100,000 points per series

export interface ChartResult {
  readonly pointsPerSeries: number;
  /** Series the live view draws per batch point: loss, smoothed loss, accuracy, smoothed accuracy, lr. */
  readonly batchSeries: number;
  readonly streamRate: number;
  readonly stream: FrameStats & { readonly events: number; readonly eventsPerSecond: number };
  readonly steadyRate: number;
  readonly steady: FrameStats & { readonly browserCpuPercent: number; readonly mainThreadPercent: Record<string, number> };
  /** The same page with the chart full and no events: what the machine gives any page. */
  readonly idle: FrameStats & { readonly browserCpuPercent: number };
  readonly heapMiB: { readonly before: number; readonly at100k: number; readonly afterHistory: number };
  /** Runs → Curves on a finished run with the same history: click to every point drawn. */
  readonly historyLoadMs: number;
  /** Of which the core's side of runSeries (query and JSON, measured in-process) and its size. */
  readonly historyServerMs: number;
  readonly historyJsonMiB: number;
  readonly historyLoad: FrameStats;
  readonly injected: string;
}

const BACKEND: BackendInfo = { name: 'wasm', description: 'wasm (bench: synthetic events)', unavailable: [], forced: false };

function batchValues(step: number, total: number): { loss: number; accuracy: number; lr: number } {
  const t = step / total;
  const noise = Math.sin(step * 12.9898) * 0.5 + Math.sin(step * 78.233) * 0.5;
  return {
    loss: Math.max(0.01, Math.log(5) * Math.exp(-3 * t) + 0.15 * noise),
    accuracy: Math.min(1, Math.max(0, 0.2 + 0.7 * (1 - Math.exp(-3 * t)) + 0.08 * noise)),
    lr: 0.001 * 0.5 * (1 + Math.cos(Math.PI * t)),
  };
}

function epochMetrics(epoch: number, step: number, total: number): EpochMetrics {
  const v = batchValues(step, total);
  return { epoch, trainLoss: v.loss, trainAccuracy: v.accuracy, valLoss: v.loss * 1.1, valAccuracy: v.accuracy * 0.95, learningRate: v.lr, seconds: 10, imagesPerSecond: 1000 };
}

/** `--no-animations`: the page without CSS animations and transitions, to see what they cost. */
const NO_ANIMATIONS = '*, *::before, *::after { animation: none !important; transition: none !important; }';

async function benchChart(opts: { noAnimations: boolean; profile?: string; points: number; rate: number; steadyRate: number; steadySeconds: number; stepsPerEpoch: number }): Promise<ChartResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-ui-'));
  const store = openStore(home);
  const ws = new Workstation(store, { recover: false });
  // Events go in where the runner's go out: every listener the server registers on the core.
  const listeners = new Set<(e: AppEvent) => void>();
  const onEvent = ws.onEvent.bind(ws);
  ws.onEvent = (l) => {
    listeners.add(l);
    const off = onEvent(l);
    return () => {
      listeners.delete(l);
      off();
    };
  };
  const emit = (e: AppEvent) => {
    for (const l of listeners) l(e);
    // As the core does for the runner's events (Workstation's constructor).
    if (e.kind === 'status' || e.kind === 'epoch-end' || e.kind === 'started') for (const l of listeners) l({ kind: 'runs-changed' });
  };
  const server = await startServer({ workstation: ws, staticDir: RENDERER_DIR, cacheDir: path.join(home, 'thumbs') });
  const browser = await launchChromium();
  try {
    const ds = await ws.importSampleDataset();
    const runs = ws.queue.runs;
    const trainConfig: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', epochs: Math.ceil(opts.points / opts.stepsPerEpoch) };
    const liveId = runs.createRun(ds.datasetId, trainConfig, 'ui bench (live)');
    runs.markStarted(liveId, BACKEND, { trainableParams: 60000, totalParams: 60000, macs: 400000 });
    runs.setStatus(liveId, 'running');

    // bypassCSP: Playwright's string predicates are evaluated in the page, which the app's CSP forbids.
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
    await page.addInitScript(MONITOR);
    const cdp = await page.context().newCDPSession(page);
    await page.goto(server.url);
    await page.locator(`[data-testid=live-run]`).waitFor();
    if (opts.noAnimations) await page.addStyleTag({ content: NO_ANIMATIONS });
    const heapBefore = await heapMiB(cdp);
    if (opts.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }

    const epochs = trainConfig.epochs;
    emit({ kind: 'started', runId: liveId, backend: BACKEND, trainableParams: 60000, totalParams: 60000, macs: 400000, stepsPerEpoch: opts.stepsPerEpoch, epochs, startEpoch: 1 });
    const rows: { step: number; epoch: number; loss: number; accuracy: number; lr: number; ips: number }[] = [];
    let step = 0;
    const total = opts.points;
    /** Emits batch events up to `until`, as the runner does: each one an event, rows stored in groups. */
    const sendUpTo = (until: number) => {
      while (step < until) {
        step++;
        const epoch = Math.ceil(step / opts.stepsPerEpoch);
        const batch = step - (epoch - 1) * opts.stepsPerEpoch;
        const v = batchValues(step, total);
        emit({ kind: 'batch', runId: liveId, epoch, batch, step, loss: v.loss, accuracy: v.accuracy, learningRate: v.lr, imagesPerSecond: 1000, etaSeconds: (total - step) / 50 });
        rows.push({ step, epoch, loss: v.loss, accuracy: v.accuracy, lr: v.lr, ips: 1000 });
        if (batch === opts.stepsPerEpoch) {
          runs.addBatchMetrics(liveId, rows.splice(0));
          const m = epochMetrics(epoch, step, total);
          runs.addEpoch(liveId, m, true);
          emit({ kind: 'epoch-end', runId: liveId, metrics: m, best: true });
        }
      }
    };
    /** Streams events at `rate` per second from `from` to `to` (paced every 5 ms). */
    const stream = async (to: number, rate: number) => {
      const t0 = performance.now();
      const from = step;
      while (step < to) {
        await new Promise((r) => setTimeout(r, 5));
        sendUpTo(Math.min(to, from + Math.floor(((performance.now() - t0) / 1000) * rate)));
      }
      return (to - from) / ((performance.now() - t0) / 1000);
    };

    // The stream up to the full count, then wait until the page has drawn it all.
    const streamTarget = Math.max(0, total - Math.round(opts.steadyRate * opts.steadySeconds));
    log(`chart: streaming ${streamTarget} batch events at ${opts.rate}/s…`);
    await startFrames(page);
    const eventsPerSecond = await stream(streamTarget, opts.rate);
    // Batch + smoothed for loss and accuracy, and the lr: five batch series, plus epoch markers.
    await page.waitForFunction(`${ALL_POINTS} >= ${streamTarget * 5}`, null, { timeout: 120_000, polling: 100 });
    const streamStats = await stopFrames(page);

    log(`chart: steady ${opts.steadySeconds}s at ${opts.steadyRate}/s with the chart full…`);
    await startFrames(page);
    await cdp.send('Performance.enable');
    const steadyMain0 = await mainThread(cdp);
    const steadyCpu0 = browserCpuSeconds();
    await stream(total, opts.steadyRate);
    await page.waitForFunction(`${POINTS('chart-lr')} >= ${total}`, null, { timeout: 60_000, polling: 100 });
    const steadyCpu1 = browserCpuSeconds();
    const steadyMain1 = await mainThread(cdp);
    const steadyFrames = await stopFrames(page);
    const steadyStats = {
      ...steadyFrames,
      browserCpuPercent: ((steadyCpu1 - steadyCpu0) / steadyFrames.seconds) * 100,
      mainThreadPercent: busyPercent(steadyMain0, steadyMain1, steadyFrames.seconds),
    };
    const heapFull = await heapMiB(cdp);
    log('chart: idle 5s, chart full…');
    await startFrames(page);
    const idleCpu0 = browserCpuSeconds();
    await page.waitForTimeout(5000);
    const idleStats = { ...(await stopFrames(page)), browserCpuPercent: 0 };
    idleStats.browserCpuPercent = ((browserCpuSeconds() - idleCpu0) / idleStats.seconds) * 100;
    if (rows.length) runs.addBatchMetrics(liveId, rows.splice(0));
    runs.setStatus(liveId, 'completed');
    emit({ kind: 'status', runId: liveId, status: 'completed', error: null });

    // A second finished run with the same history, opened from the Runs table.
    const histId = runs.createRun(ds.datasetId, trainConfig, 'ui bench (history)');
    runs.markStarted(histId, BACKEND, { trainableParams: 60000, totalParams: 60000, macs: 400000 });
    const all: typeof rows = [];
    for (let s = 1; s <= total; s++) {
      const v = batchValues(s, total);
      all.push({ step: s, epoch: Math.ceil(s / opts.stepsPerEpoch), loss: v.loss, accuracy: v.accuracy, lr: v.lr, ips: 1000 });
    }
    runs.addBatchMetrics(histId, all);
    for (let e = 1; e * opts.stepsPerEpoch <= total; e++) runs.addEpoch(histId, epochMetrics(e, e * opts.stepsPerEpoch, total), true);
    runs.setStatus(histId, 'completed');
    for (const l of listeners) l({ kind: 'runs-changed' });
    const t0 = performance.now();
    const json = JSON.stringify(await ws.runSeries(histId, ['batch_loss', 'batch_accuracy', 'batch_lr']));
    const historyServerMs = performance.now() - t0;

    await page.getByTestId('nav-runs').click();
    const row = page.locator(`[data-testid=run-row][data-run-id="${histId}"]`);
    await row.waitFor();
    await row.click();
    const curves = page.getByTestId('run-panel').getByRole('button', { name: 'Curves' });
    await curves.waitFor();
    await page.waitForTimeout(500);
    await startFrames(page);
    const clickAt = (await page.evaluate('performance.now()')) as number;
    await curves.click();
    // Checked at every animation frame; the charts draw synchronously when their points change.
    const doneAt = await page.waitForFunction(
      `${POINTS('chart-lr')} >= ${total} && ${POINTS('chart-loss')} >= ${2 * total} ? performance.now() : false`,
      null,
      { timeout: 60_000, polling: 'raf' },
    );
    const historyLoadMs = ((await doneAt.jsonValue()) as number) - clickAt;
    await page.waitForTimeout(500);
    const historyStats = await stopFrames(page);
    const heapAfter = await heapMiB(cdp);
    if (opts.profile) fs.writeFileSync(opts.profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const drawn = await chartPoints(page);
    if (drawn < total * 5) throw new Error(`the charts hold ${drawn} points, expected at least ${total * 5}`);
    await page.close();
    return {
      pointsPerSeries: total,
      batchSeries: 5,
      streamRate: opts.rate,
      stream: { ...streamStats, events: streamTarget, eventsPerSecond },
      steadyRate: opts.steadyRate,
      steady: steadyStats,
      idle: idleStats,
      heapMiB: { before: heapBefore, at100k: heapFull, afterHistory: heapAfter },
      historyLoadMs,
      historyServerMs,
      historyJsonMiB: json.length / 2 ** 20,
      historyLoad: historyStats,
      injected:
        'batch/epoch events are synthetic, emitted at the core (Workstation listeners) and carried by the real server (SSE), transport, state and charts; history is real rows in the run database loaded through runSeries',
    };
  } finally {
    await browser.close();
    await server.close();
    await ws.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Training speed: CLI vs the app open in a browser

export interface TrainSample {
  readonly mode: 'cli' | 'app';
  readonly round: number;
  readonly runId: number;
  /** Mean of the epochs' images/second, the first epoch left out. */
  readonly imagesPerSecond: number;
  readonly epochs: readonly number[];
  readonly load1: number;
  /** Wall-clock seconds from start to the end of training. */
  readonly seconds: number;
  /** CPU seconds of the training process tree (CLI; serve and its worker) during the run. */
  readonly coreCpuSeconds: number;
  /** App rounds: CPU seconds of Chromium (all its processes) during the run. */
  readonly browserCpuSeconds: number | null;
}

export interface TrainResult {
  readonly dataset: string;
  readonly arch: string;
  readonly inputSize: number;
  readonly epochsPerRun: number;
  readonly samples: readonly TrainSample[];
  readonly cliImagesPerSecond: number;
  readonly appImagesPerSecond: number;
  /** app / cli: 1 means the open app costs nothing. */
  readonly ratio: number;
}

/**
 * CPU seconds (user + system) used so far by `pid` and every process below it, the children
 * that already ended and were waited for included (Linux /proc; NaN elsewhere).
 */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined || !fs.existsSync('/proc/self/stat')) return NaN;
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name (field 2) may hold spaces; the fields after its ')' are plain.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(f[1]);
    cpu.set(Number(name), (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += cpu.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** CPU seconds of the Chromium this process launched (all its processes). */
function browserCpuSeconds(): number {
  let total = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(path.basename(CHROMIUM))) total += treeCpuSeconds(Number(name));
    } catch {
      // gone
    }
  }
  return total;
}

function steadyIps(epochs: readonly EpochMetrics[]): { mean: number; all: number[] } {
  const all = epochs.map((m) => m.imagesPerSecond);
  const later = all.length > 1 ? all.slice(1) : all;
  return { mean: later.reduce((a, b) => a + b, 0) / later.length, all };
}

/** Runs the CLI; `cpu.value` gets the CPU seconds of it and its children (read just before it exits). */
function runNode(cpu: { value: number }, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    // Read until it exits (then /proc forgets it).
    const poll = setInterval(() => {
      const v = treeCpuSeconds(child.pid);
      if (v > 0) cpu.value = v;
    }, 250);
    child.on('exit', () => clearInterval(poll));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`bloombench ${args.join(' ')} exited with ${code}`))));
  });
}

/** `bloombench serve` as a child process; resolves with its URL. */
function startServe(home: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/\S+token=\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`bloombench serve exited with ${code}: ${out}`)));
  });
}

async function apiCall<T>(url: string, verb: string, args: unknown[]): Promise<T> {
  const u = new URL(url);
  const res = await fetch(`${u.origin}/api/${verb}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Bloombench-Token': u.searchParams.get('token') ?? '' },
    body: JSON.stringify({ args }),
  });
  const body = (await res.json()) as { result?: T; error?: string };
  if (!res.ok) throw new Error(`${verb}: ${body.error ?? res.status}`);
  return body.result as T;
}

/** A generated image folder (five classes of coloured shapes) when the flower set is absent. */
async function generatedFolder(dir: string): Promise<string> {
  const colors = [
    [220, 40, 40],
    [40, 180, 40],
    [40, 60, 220],
    [230, 200, 30],
    [160, 40, 200],
  ];
  for (let c = 0; c < colors.length; c++) {
    const sub = path.join(dir, `class${c}`);
    fs.mkdirSync(sub, { recursive: true });
    for (let i = 0; i < 300; i++) {
      const px = Buffer.alloc(64 * 64 * 3);
      for (let p = 0; p < 64 * 64; p++) for (let k = 0; k < 3; k++) px[p * 3 + k] = Math.max(0, Math.min(255, colors[c][k] + ((p * 31 + i * 17 + k * 7) % 61) - 30));
      await sharp(px, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(path.join(sub, `${i}.png`));
    }
  }
  return dir;
}

async function benchTraining(opts: { noAnimations: boolean; dataset: string | null; arch: string; epochs: number; inputSize: number; rounds: number }): Promise<TrainResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bloombench-ui-train-'));
  const folder = opts.dataset ?? (await generatedFolder(path.join(tmp, 'images')));
  const cliHome = path.join(tmp, 'cli');
  const appHome = path.join(tmp, 'app');
  const samples: TrainSample[] = [];
  let config: TrainConfig | null = null;
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    for (let round = 1; round <= opts.rounds; round++) {
      log(`train: round ${round}, CLI…`);
      const cliStart = performance.now();
      const cliCpu = { value: NaN };
      const out = await runNode(cliCpu, ['--home', cliHome, 'train', '--dataset', folder, '--arch', opts.arch, '--epochs', String(opts.epochs), '--input-size', String(opts.inputSize), '--json']);
      const detail = JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).pop()!) as RunDetail;
      if (detail.status !== 'completed') throw new Error(`CLI run ${detail.id} ${detail.status}: ${detail.error}`);
      config ??= detail.config;
      const cli = steadyIps(detail.epochs);
      samples.push({ mode: 'cli', round, runId: detail.id, imagesPerSecond: cli.mean, epochs: cli.all, load1: os.loadavg()[0], seconds: (performance.now() - cliStart) / 1000, coreCpuSeconds: cliCpu.value, browserCpuSeconds: null });

      log(`train: round ${round}, app (serve + Chromium on the live view)…`);
      const serve = await startServe(appHome);
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(serve.url);
        if (opts.noAnimations) await page.addStyleTag({ content: NO_ANIMATIONS });
        let ds = (await apiCall<{ id: number; name: string }[]>(serve.url, 'listDatasets', []))[0];
        if (!ds) {
          await apiCall(serve.url, 'importDataset', [folder]);
          ds = (await apiCall<{ id: number; name: string }[]>(serve.url, 'listDatasets', []))[0];
        }
        const appStart = performance.now();
        const cpu0 = { core: treeCpuSeconds(serve.child.pid), browser: browserCpuSeconds() };
        const run = await apiCall<{ id: number }>(serve.url, 'startRun', [ds.id, config, { name: `ui bench app ${round}` }]);
        await page.getByTestId('nav-live').click();
        await page.locator(`[data-testid=live-run][data-status=running]`).waitFor({ timeout: 120_000 });
        await page.locator(`[data-testid=live-run][data-status=completed], [data-testid=live-run][data-status=failed]`).waitFor({ timeout: 1_800_000 });
        const cpu1 = { core: treeCpuSeconds(serve.child.pid), browser: browserCpuSeconds() };
        const seconds = (performance.now() - appStart) / 1000;
        const d = await apiCall<RunDetail>(serve.url, 'getRun', [run.id]);
        if (d.status !== 'completed') throw new Error(`app run ${d.id} ${d.status}: ${d.error}`);
        const app = steadyIps(d.epochs);
        samples.push({ mode: 'app', round, runId: d.id, imagesPerSecond: app.mean, epochs: app.all, load1: os.loadavg()[0], seconds, coreCpuSeconds: cpu1.core - cpu0.core, browserCpuSeconds: cpu1.browser - cpu0.browser });
        await page.close();
      } finally {
        serve.child.kill('SIGTERM');
        await new Promise((r) => serve.child.once('exit', r));
      }
    }
  } finally {
    await browser?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const mean = (m: 'cli' | 'app') => {
    const s = samples.filter((x) => x.mode === m);
    return s.reduce((a, b) => a + b.imagesPerSecond, 0) / s.length;
  };
  const cliIps = mean('cli');
  const appIps = mean('app');
  return { dataset: folder, arch: opts.arch, inputSize: opts.inputSize, epochsPerRun: opts.epochs, samples, cliImagesPerSecond: cliIps, appImagesPerSecond: appIps, ratio: appIps / cliIps };
}

// ---------------------------------------------------------------------------------------------

export interface UiBenchDocument {
  readonly time: string;
  readonly host: { readonly cpus: number; readonly node: string; readonly load: readonly number[] };
  readonly noAnimations: boolean;
  readonly chart: ChartResult | null;
  readonly training: TrainResult | null;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');

/** The readable table (Markdown). */
export function table(doc: UiBenchDocument): string {
  const lines: string[] = [`Bloombench UI benchmark — ${doc.time}, ${doc.host.cpus} CPUs, load ${doc.host.load.map((l) => l.toFixed(2)).join(' ')}${doc.noAnimations ? ', CSS animations off' : ''}`, ''];
  const c = doc.chart;
  if (c) {
    lines.push(`Live chart, ${c.pointsPerSeries.toLocaleString('en')} points per series (${c.batchSeries} batch series):`, '');
    lines.push('| phase | s | frames | p50 ms | p95 ms | max ms | >20 ms | >50 ms | long tasks | longest ms |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const row = (name: string, s: FrameStats) => `| ${name} | ${f1(s.seconds)} | ${s.frames} | ${f1(s.p50Ms)} | ${f1(s.p95Ms)} | ${f1(s.maxMs)} | ${s.over20} | ${s.over50} | ${s.longTasks} | ${f0(s.longTaskMaxMs)} |`;
    lines.push(row(`stream to ${c.stream.events.toLocaleString('en')} at ${f0(c.stream.eventsPerSecond)} events/s`, c.stream));
    lines.push(row(`steady at ${c.steadyRate} events/s, chart full`, c.steady));
    lines.push(row('idle, chart full (baseline)', c.idle));
    lines.push(row('open finished run (history)', c.historyLoad));
    lines.push('', `History load (Runs → Curves until every point is drawn): ${f0(c.historyLoadMs)} ms, of which ${f0(c.historyServerMs)} ms the core's runSeries (${f1(c.historyJsonMiB)} MiB of JSON)`);
    lines.push(
      `Chromium CPU (all its processes): ${f0(c.steady.browserCpuPercent)}% of a core in the steady phase (page main thread busy ${f0(c.steady.mainThreadPercent.Task)}%: script ${f0(c.steady.mainThreadPercent.Script)}%, style ${f0(c.steady.mainThreadPercent.RecalcStyle)}%, layout ${f0(c.steady.mainThreadPercent.Layout)}%), ${f0(c.idle.browserCpuPercent)}% idle`,
    );
    lines.push(`JS heap after GC: ${f1(c.heapMiB.before)} MiB empty, ${f1(c.heapMiB.at100k)} MiB at full chart, ${f1(c.heapMiB.afterHistory)} MiB after opening the history`);
    lines.push(`(${c.injected})`, '');
  }
  const t = doc.training;
  if (t) {
    lines.push(`Training speed, ${t.arch} at ${t.inputSize}px, ${t.epochsPerRun} epochs on ${t.dataset} (first epoch left out):`, '');
    lines.push('| round | mode | run | images/s | per epoch | wall s | core CPU s | browser CPU s | load (1 min) |', '| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
    for (const s of t.samples)
      lines.push(`| ${s.round} | ${s.mode} | ${s.runId} | ${f0(s.imagesPerSecond)} | ${s.epochs.map(f0).join(' ')} | ${f1(s.seconds)} | ${f1(s.coreCpuSeconds)} | ${s.browserCpuSeconds === null ? '—' : f1(s.browserCpuSeconds)} | ${s.load1.toFixed(2)} |`);
    lines.push('', `CLI ${f0(t.cliImagesPerSecond)} images/s, app open ${f0(t.appImagesPerSecond)} images/s: app / CLI = ${t.ratio.toFixed(3)}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      points: { type: 'string' },
      rate: { type: 'string' },
      'steady-rate': { type: 'string' },
      'steady-seconds': { type: 'string' },
      rounds: { type: 'string' },
      arch: { type: 'string' },
      epochs: { type: 'string' },
      'input-size': { type: 'string' },
      dataset: { type: 'string' },
      'no-chart': { type: 'boolean' },
      'no-train': { type: 'boolean' },
      profile: { type: 'string' },
      'no-animations': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) throw new Error('dist/renderer is missing: run `npm run build` first');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set BLOOMBENCH_CHROMIUM)`);
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  const dataset = values['no-train'] ? null : (await benchDataset(values.dataset, (m) => process.stderr.write(`${m}\n`))).folder;
  const chart = values['no-chart']
    ? null
    : await benchChart({ noAnimations: Boolean(values['no-animations']), profile: values.profile, points: num(values.points, 100_000), rate: num(values.rate, 2000), steadyRate: num(values['steady-rate'], 50), steadySeconds: num(values['steady-seconds'], 10), stepsPerEpoch: 1000 });
  const training = values['no-train']
    ? null
    : await benchTraining({ noAnimations: Boolean(values['no-animations']), dataset, arch: values.arch ?? 'lenet5', epochs: num(values.epochs, 4), inputSize: num(values['input-size'], 32), rounds: num(values.rounds, 2) });
  const doc: UiBenchDocument = { time: new Date().toISOString(), host: { cpus: os.cpus().length, node: process.version, load: os.loadavg() }, noAnimations: Boolean(values['no-animations']), chart, training };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `ui-${doc.time.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  if (values.json) process.stdout.write(JSON.stringify(doc) + '\n');
  else process.stdout.write(table(doc) + `\nWritten to ${path.relative(process.cwd(), file)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`bench:ui: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
