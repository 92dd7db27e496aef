/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * End-to-end harness: a real core (Workstation on a temp home) behind the real HTTP server,
 * and Debian's Chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { Workstation } from '../../main/core/workstation';
import { startServer, type RunningServer } from '../../main/server/server';
import { openStore } from '../../main/store/db';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import type { ImportReport, Prediction } from '../../shared/types';
import { makeImageFolder, type ImageFolderOptions } from '../fixtures/images';

export const ROOT = path.resolve(__dirname, '../..');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
export const CHROMIUM = process.env.BLOOMBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** True when a Chromium binary is there to drive. */
export const hasChromium = fs.existsSync(CHROMIUM);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function rendererFresh(): boolean {
  const index = path.join(RENDERER_DIR, 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'renderer')), newestMtime(path.join(ROOT, 'shared')));
  return fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources;
}

/**
 * Builds the renderer with Vite unless dist/renderer is newer than its sources.
 *
 * Test files run in parallel processes, so the build holds a lock folder; a second caller
 * waits for it and then finds the build fresh.
 */
export function ensureRendererBuilt(): void {
  if (rendererFresh()) return;
  const lock = path.join(ROOT, 'dist', '.renderer-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another test process is building; a lock left by a killed run goes stale.
      const st = fs.statSync(lock, { throwIfNoEntry: false });
      if (!st) continue;
      if (Date.now() > deadline || Date.now() - st.mtimeMs > 180_000) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (!rendererFresh()) {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface App {
  readonly home: string;
  readonly ws: Workstation;
  readonly server: RunningServer;
  close(): Promise<void>;
}

/** Starts the core and the server on a fresh temp home. */
export async function startApp(): Promise<App> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-e2e-'));
  const store = openStore(path.join(home, 'store'));
  const ws = new Workstation(store, { recover: false });
  // The browser may import only under allowed folders: the test's own temp home is one.
  const server = await startServer({ workstation: ws, staticDir: RENDERER_DIR, cacheDir: path.join(home, 'thumbs'), allowImport: [home] });
  return {
    home,
    ws,
    server,
    async close() {
      await server.close();
      await ws.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Launches headless Debian Chromium (never a downloaded browser). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Saves a full-page screenshot under tests/artifacts/. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** A browser on the app: its page (at the app's address) and the errors the page throws. */
export interface OpenPage {
  readonly browser: Browser;
  readonly page: Page;
  readonly pageErrors: string[];
}

/**
 * Launches Chromium with one page (1360 × 900 unless `options` say otherwise) that records the
 * errors it throws, at `url` when one is given.
 */
export async function openApp(url: string | null, options: BrowserContextOptions = {}): Promise<OpenPage> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, ...options });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (url !== null) await page.goto(url);
  return { browser, page, pageErrors };
}

/** Waits until every <img> inside `selector` has loaded a picture; returns how many. */
export async function imagesLoaded(page: Page, selector: string): Promise<number> {
  await page.waitForFunction(
    (sel) => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>(`${sel} img`)];
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    selector,
    { timeout: 30_000 },
  );
  return page.locator(`${selector} img`).count();
}

/** Generates a folder of pictures named `name` under the app's home and imports it as `name`. */
export async function importGenerated(app: App, name: string, opts: ImageFolderOptions): Promise<ImportReport> {
  const folder = path.join(app.home, name);
  await makeImageFolder(folder, opts);
  return app.ws.importDataset(folder, name);
}

/** The tiny LeNet the e2e tests train for real: one epoch at 32 px on wasm. */
export const TINY_LENET: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 1, batchSize: 8, backend: 'wasm' };

/**
 * Generates a folder of circles, squares and stars under the app's home with one picture filed
 * under two classes (`circle/circle_001.png` again as `star/copy_of_circle.png`: a label
 * conflict), imports it as "shapes" and trains `TINY_LENET` on it; the dataset's and run's ids.
 */
export async function shapesWithConflictAndRun(app: App, perClass: number, seed: number): Promise<{ datasetId: number; runId: number }> {
  const folder = path.join(app.home, 'shapes');
  await makeImageFolder(folder, { classes: ['circle', 'square', 'star'], perClass, size: 32, seed });
  fs.copyFileSync(path.join(folder, 'circle', 'circle_001.png'), path.join(folder, 'star', 'copy_of_circle.png'));
  const ds = await app.ws.importDataset(folder, 'shapes');
  const run = await app.ws.startRun(ds.datasetId, TINY_LENET, { name: 'tiny lenet' });
  const final = await app.ws.waitForRun(run.id);
  if (final.status !== 'completed') throw new Error(`The tiny run ended ${final.status}: ${final.error ?? ''}`);
  return { datasetId: ds.datasetId, runId: run.id };
}

/** A run's test mistakes in the evaluation gallery's order: most confident first. */
export async function mistakesOf(app: App, runId: number): Promise<Prediction[]> {
  const conf = (p: Prediction): number => Math.max(...p.probabilities);
  return (await app.ws.getRun(runId)).predictions.filter((p) => p.predictedClass !== p.trueClass).sort((a, b) => conf(b) - conf(a));
}

/**
 * Opens the import report of the "shapes" of `shapesWithConflictAndRun` and waits until both
 * copies of its label conflict have their pictures (their ids looked up).
 */
export async function openShapesConflict(page: Page): Promise<void> {
  await page.getByTestId('nav-datasets').click();
  await page.getByRole('button', { name: /^shapes/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=duplicate-open]').length === 2);
}

/** An app with the trained "shapes" of `shapesWithConflictAndRun`, its run's mistakes, and a browser on it. */
export interface TrainedShapes extends OpenPage {
  readonly app: App;
  readonly datasetId: number;
  readonly runId: number;
  /** The run's mistakes in the gallery's order (most confident first). */
  readonly mistakes: Prediction[];
}

/**
 * Builds the renderer if needed, starts the app, trains `shapesWithConflictAndRun(app, perClass,
 * seed)` and opens a browser on the app.
 */
export async function openTrainedShapes(perClass: number, seed: number): Promise<TrainedShapes> {
  ensureRendererBuilt();
  const app = await startApp();
  try {
    const { datasetId, runId } = await shapesWithConflictAndRun(app, perClass, seed);
    const mistakes = await mistakesOf(app, runId);
    return { app, datasetId, runId, mistakes, ...(await openApp(app.server.url)) };
  } catch (e) {
    // No caller holds the app yet to close it.
    await app.close();
    throw e;
  }
}
