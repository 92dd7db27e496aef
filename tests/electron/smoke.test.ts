/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Smoke test of the real Electron app: the window opens on our own page, the preload bridge is
 * there, Node is not, and the first screen renders. Runs where the Electron binary exists (it
 * cannot be downloaded on every machine); elsewhere the test is reported as skipped, with why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, ensureRendererBuilt, ROOT } from '../e2e/harness';

function electronBinary(): string | null {
  try {
    const pathTxt = path.join(ROOT, 'node_modules', 'electron', 'path.txt');
    if (!fs.existsSync(pathTxt)) return null;
    const exe = path.join(ROOT, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
    return fs.existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

const exe = electronBinary();
const hasElectronBinary = exe !== null;
const hasDisplay = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;
const mainJs = path.join(ROOT, 'dist', 'main', 'electron', 'main.js');
const why = !hasElectronBinary
  ? 'SKIPPED: no Electron binary in node_modules/electron (its download was skipped or impossible here)'
  : !hasDisplay
    ? 'SKIPPED: no display (run under xvfb-run)'
    : '';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-electron-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('Electron app', () => {
  it.skipIf(!hasElectronBinary || !hasDisplay)(`opens a locked-down window on the app ${why}`.trim(), async () => {
    ensureRendererBuilt();
    expect(fs.existsSync(mainJs), 'run `npm run build` first').toBe(true);
    const app = await electron.launch({ executablePath: exe!, args: [mainJs], env: { ...process.env, BLOOMBENCH_HOME: home } as Record<string, string> });
    try {
      const page = await app.firstWindow();
      await page.waitForSelector('[data-testid=nav-datasets]', { timeout: 30_000 });
      // The app's own page; the hash is the open view's route (renderer/src/state/route.ts).
      expect(page.url()).toMatch(/^bloombench-app:\/\/app\/index\.html(#\/[a-z-]+.*)?$/);
      const probe = await page.evaluate(() => ({
        bridge: typeof (window as unknown as { bloombench?: { api?: unknown } }).bloombench?.api,
        node: typeof (window as unknown as { process?: unknown }).process,
        require: typeof (window as unknown as { require?: unknown }).require,
      }));
      expect(probe).toEqual({ bridge: 'object', node: 'undefined', require: 'undefined' });
      // Navigation away from the app and new windows are refused.
      await page.evaluate(() => {
        window.open('https://example.com/');
        window.location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toMatch(/^bloombench-app:\/\/app\/index\.html(#\/[a-z-]+.*)?$/);
      expect(app.windows()).toHaveLength(1);
      await page.getByTestId('import-sample').waitFor({ timeout: 30_000 });
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'electron-first-start.png') });
    } finally {
      await app.close();
    }
  });
});
