/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The whole user journey in a real browser against a real server and core: first start,
 * importing a folder, starting a small run and watching it live, the evaluation (confusion
 * matrix cells, misclassified gallery, classifying a new picture), and comparing two runs.
 * Screenshots of each view go to tests/artifacts/.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classPixels, encodePixels, makeImageFolder, makeMessyFolder } from '../fixtures/images';
import { ensureRendererBuilt, hasChromium, imagesLoaded, openApp, shot, startApp, type App } from './harness';

let app: App;
let browser: Browser;
let page: Page;
let folder: string;
let pageErrors: string[] = [];

/** Fills a number or text input the way a person would (select all, type). */
async function fill(testid: string, value: string): Promise<void> {
  const input = page.getByTestId(testid);
  await input.fill(value);
}

/** Starts a run from the new-run form with these settings (the others as the form has them). */
async function startFromForm(settings: { optimizer: string; lr: string; epochs: string; name: string }): Promise<void> {
  await page.getByTestId('nav-new-run').click();
  await page.locator('#f-opt').selectOption(settings.optimizer);
  await fill('f-lr', settings.lr);
  await fill('f-epochs', settings.epochs);
  await fill('f-name', settings.name);
  await page.getByTestId('start-run').click();
}

async function waitForRunStatus(status: string, timeout = 240_000): Promise<void> {
  await page.waitForSelector(`[data-testid=live-run][data-status=${status}]`, { timeout });
}

describe.skipIf(!hasChromium)('the workstation in a browser', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    app = await startApp();
    folder = path.join(app.home, 'flowers');
    await makeImageFolder(folder, { classes: ['daisy', 'rose', 'tulip'], perClass: 30, size: 32, seed: 5 });
    ({ browser, page, pageErrors } = await openApp(null));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('first start: no dataset, the sample is one click away', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('import-sample').waitFor();
    expect(await page.getByText('No dataset yet').isVisible()).toBe(true);
    // The token left the address bar but stays for this tab.
    expect(page.url()).not.toContain('token=');
    await shot(page, '01-first-start');
  });

  it('refuses a folder that does not exist, saying so next to the field', async () => {
    await fill('import-path', path.join(app.home, 'no-such-folder'));
    await page.getByTestId('import-submit').click();
    const error = page.getByTestId('import-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/no-such-folder/);
  });

  it('imports a folder and shows the report with class balance and thumbnails', async () => {
    await fill('import-path', folder);
    await page.getByTestId('import-submit').click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });
    const text = await report.textContent();
    expect(text).toContain('daisy');
    expect(text).toContain('tulip');
    expect(await imagesLoaded(page, '[data-testid=import-report]')).toBeGreaterThanOrEqual(3);
    await shot(page, '02-dataset-report');
  });

  it('reports rejected files with reasons, empty classes, duplicates and label conflicts', async () => {
    const messy = await makeMessyFolder(path.join(app.home, 'messy-src'));
    await fill('import-path', messy.root);
    await page.getByTestId('import-submit').click();
    const report = page.getByTestId('import-report');
    await page.locator('[data-testid=import-report] h2', { hasText: 'messy' }).waitFor({ timeout: 60_000 });
    const rows = page.locator('[data-testid=rejected-table] tbody tr');
    expect(await rows.count()).toBe(Math.min(messy.rejected.length, 200));
    const text = (await report.textContent()) ?? '';
    for (const r of messy.rejected.slice(0, 5)) expect(text).toContain(r.path);
    for (const c of messy.emptyClasses) expect(text).toContain(c);
    if (messy.duplicates.some((d) => d.labelConflict)) expect(text).toMatch(/filed under two labels/);
    // Duplicates and label conflicts show their pictures, not only their paths.
    if (messy.duplicates.length > 0) expect(await imagesLoaded(page, '[data-testid=duplicates]')).toBeGreaterThanOrEqual(2);
    await shot(page, '02b-messy-report');
    // Reasons in plain words; the decoder's bytes only behind the disclosure.
    const notes = page.locator('[data-testid=rejected-table] tbody tr', { hasText: 'dogs/notes.txt' });
    expect(await notes.getAttribute('data-code')).toBe('not-an-image');
    expect(await notes.getByText('not an image: it is a text file').isVisible()).toBe(true);
    const truncated = page.locator('[data-testid=rejected-table] tbody tr', { hasText: 'dogs/truncated.jpg' });
    expect(await truncated.getByText('the JPEG is cut short').isVisible()).toBe(true);
    const detail = notes.locator('details .mono');
    expect(await detail.isVisible()).toBe(false);
    await notes.locator('summary').click();
    expect(await detail.isVisible()).toBe(true);
    expect(await detail.textContent()).toMatch(/starts 54 68 65 73/);
    await page.locator('[data-testid=rejected-table]').scrollIntoViewIfNeeded();
    await shot(page, '02c-messy-rejected');
    // Back to the clean dataset for the runs below.
    await page.getByRole('button', { name: /^flowers/ }).click();
    await page.locator('[data-testid=import-report] h2', { hasText: 'flowers' }).waitFor();
  });

  it('says a folder is already imported and offers to open it or re-scan it', async () => {
    const datasets = (await app.ws.listDatasets()).length;
    const messyRoot = path.join(app.home, 'messy-src', 'messy');
    // Open: the messy dataset's report, nothing imported.
    await fill('import-path', messyRoot);
    await page.getByTestId('import-submit').click();
    const already = page.getByTestId('import-already');
    await already.waitFor();
    expect(await already.textContent()).toMatch(/already imported/);
    expect(await already.textContent()).toContain('messy');
    await shot(page, '02d-already-imported');
    await page.getByTestId('import-open-existing').click();
    await page.locator('[data-testid=import-report] h2', { hasText: 'messy' }).waitFor();
    expect(await already.count()).toBe(0);
    expect((await app.ws.listDatasets()).length).toBe(datasets);
    // Re-scan: the folder as it is now replaces that dataset (no run used it), under its name.
    fs.writeFileSync(path.join(messyRoot, 'dogs', 'more-notes.txt'), 'added after the import\n');
    await fill('import-path', messyRoot);
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-rescan').click();
    await page.getByTestId('import-rescanned').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-rescanned').textContent()).toMatch(/replaces the earlier import/);
    expect(await page.locator('[data-testid=rejected-table] tbody tr', { hasText: 'dogs/more-notes.txt' }).count()).toBe(1);
    const list = await app.ws.listDatasets();
    expect(list.length).toBe(datasets);
    expect(list.filter((d) => d.name.startsWith('messy')).map((d) => d.name)).toEqual(['messy']);
    await page.getByRole('button', { name: /^flowers/ }).click();
    await page.locator('[data-testid=import-report] h2', { hasText: 'flowers' }).waitFor();
  });

  it('shows inline validation, then starts a small run and draws it live', async () => {
    // A view scrolled to its end: the next view (here the same, reopened) opens at its top.
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('arch-lenet5').waitFor();
    const scrollTop = (): Promise<number> => page.getByTestId('scroll').evaluate((el) => el.scrollTop);
    await page.getByTestId('scroll').evaluate((el) => el.scrollTo(0, 10_000));
    expect(await scrollTop()).toBeGreaterThan(0);
    await page.getByTestId('nav-datasets').click();
    expect(await scrollTop()).toBe(0);
    await page.getByTestId('nav-new-run').click();
    expect(await scrollTop()).toBe(0);
    await page.getByTestId('arch-lenet5').click();
    await fill('f-batch', '0');
    await page.locator('#f-batch-error', { hasText: 'Batch size must be at least 1' }).waitFor();
    await fill('f-batch', '16');
    await fill('f-epochs', '2');
    await fill('f-input', '32');
    await fill('f-name', 'lenet A');
    const note = await page.getByTestId('backend-note').first().textContent();
    expect(note).toMatch(/wasm|cpu|tensorflow/);
    // On a multi-core machine the wasm/cpu note says runs use more than the probe's one thread.
    if (os.availableParallelism() > 1 && /^\s*(wasm|cpu)/.test(note ?? '')) expect(note).toMatch(/runs train on up to \d threads \(data-parallel\)/);
    // Nothing trained here yet: the time is the bench's speed of LeNet-5, and the run's total is said.
    await page.locator('[data-testid=estimate-lenet5][data-source=bench]').waitFor();
    await expect.poll(async () => page.getByTestId('run-estimate').textContent()).toBe('under a second for 2 epochs (from the bench)');
    await shot(page, '03-new-run');
    await page.getByTestId('start-run').click();

    await page.getByTestId('live-run').waitFor();
    const points = async (): Promise<number> => Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-loss]')?.getAttribute('data-points')) > 0, null, { timeout: 120_000 });
    const first = await points();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=chart-loss]')?.getAttribute('data-points')) > n, first, { timeout: 120_000 });
    expect(await points()).toBeGreaterThan(first);
    // The x axis counts epochs in round steps, never the same label twice.
    const ticks = ((await page.getByTestId('chart-loss').getAttribute('data-x-ticks')) ?? '').split(' ').filter(Boolean);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const t of ticks) expect(Number.isFinite(Number(t))).toBe(true);
    await shot(page, '04-live-run');
    await waitForRunStatus('completed');
    await page.getByTestId('epoch-table').waitFor();
    expect(await page.getByTestId('epoch-table').locator('tbody tr').count()).toBe(2);
    // The kept (best) epoch is marked once.
    expect(await page.getByTestId('epoch-table').locator('.best-mark').count()).toBe(1);
    await shot(page, '05-live-run-done');
  }, 300_000);

  it('opens the evaluation: a confusion-matrix cell shows its images, and the misclassified gallery', async () => {
    await page.getByTestId('open-evaluation').click();
    await page.getByTestId('confusion-matrix').waitFor();
    expect(await page.getByTestId('test-accuracy').textContent()).toMatch(/%/);
    const cell = page.locator('[data-testid^=cm-cell-]:not([aria-disabled=true])').first();
    const count = Number(await cell.textContent());
    expect(count).toBeGreaterThan(0);
    await cell.click();
    await page.getByTestId('cell-gallery').waitFor();
    expect(await page.locator('[data-testid=cell-gallery] [data-testid=prediction-card]').count()).toBe(Math.min(count, 48));
    await imagesLoaded(page, '[data-testid=cell-gallery]');
    await shot(page, '06-evaluation-cell');

    await page.getByTestId('cm-normalise').click();
    expect(await page.getByTestId('confusion-matrix').textContent()).toContain('%');
    await page.getByTestId('tab-mistakes').click();
    const mistakes = page.locator('[data-testid=mistake-gallery] [data-testid=prediction-card]');
    if ((await mistakes.count()) > 0) {
      await imagesLoaded(page, '[data-testid=mistake-gallery]');
      // Most confident mistakes first: the first card's top bar is at least the last card's.
      const confidences = await page.$$eval('[data-testid=mistake-gallery] [data-testid=prediction-card]', (cards) =>
        cards.map((c) => Math.max(...[...c.querySelectorAll('.p')].map((p) => parseFloat(p.textContent ?? '0')))),
      );
      expect(confidences[0]).toBeGreaterThanOrEqual(confidences[confidences.length - 1]);
    }
    await page.getByTestId('per-class').waitFor();
    await shot(page, '07-misclassified');
  });

  it('classifies a new picture dropped on the evaluation', async () => {
    const png = await encodePixels(classPixels(1, 3, 99, 32, 5), 32, 32, 'png');
    const file = path.join(app.home, 'new-rose.png');
    fs.writeFileSync(file, png);
    // The drop zone has a tab of its own beside the galleries.
    await page.getByTestId('tab-classify').click();
    await page.getByTestId('classify-file').setInputFiles(file);
    const result = page.getByTestId('classify-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/daisy|rose|tulip/);
    await result.scrollIntoViewIfNeeded();
    await shot(page, '08-classify');
  });

  it('queues a second run and compares the two: curves, settings diff, summary', async () => {
    await page.getByTestId('nav-new-run').click();
    // lenet A trained these settings here: its card and the run's total are now measured.
    await page.locator('[data-testid=estimate-lenet5][data-source=measured]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('estimate-lenet5').getAttribute('title')).toMatch(/^median of 1 run of lenet5 at 32 px, width ×[\d.]+ on \w+ trained here$/);
    await expect.poll(async () => page.getByTestId('run-estimate').textContent()).toMatch(/for 2 epochs \((.+ each, )?measured here\)$/);
    await shot(page, '03b-new-run-measured');
    await fill('f-lr', '0.003');
    await fill('f-name', 'lenet B');
    await page.getByTestId('queue-run').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=start-error]').length === 0);
    // The click's request checks the config against the zoo first (the compute service): wait for the run.
    await expect.poll(async () => (await app.ws.listRuns()).some((r) => r.name === 'lenet B'), { timeout: 30_000 }).toBe(true);
    const second = (await app.ws.listRuns()).find((r) => r.name === 'lenet B');
    await app.ws.queue.waitFor(second!.id);

    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 2);
    await page.waitForFunction(() => !document.querySelector('[data-testid=run-row] [data-status=running], [data-testid=run-row] [data-status=queued]'), null, { timeout: 60_000 });
    for (const box of await page.getByTestId('run-select').all()) await box.check();
    await shot(page, '09-runs');
    await page.getByTestId('compare-selected').click();
    const summary = page.getByTestId('compare-summary');
    await summary.waitFor();
    expect(await summary.locator('tbody tr').count()).toBe(2);
    const diff = await page.getByTestId('settings-diff').textContent();
    expect(diff).toContain('lr');
    expect(diff).not.toContain('epochs');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=compare-accuracy]')?.getAttribute('data-points')) >= 4);
    // Pictures every run gets wrong say what each run called them.
    const common = page.getByTestId('common-mistake');
    if ((await common.count()) > 0) expect(await common.first().locator('.called').count()).toBe(2);
    await shot(page, '10-compare');
  }, 300_000);

  it('renames, tags, annotates, filters and deletes runs in the table', async () => {
    await page.getByTestId('nav-runs').click();
    await page.locator('[data-testid=run-row]', { hasText: 'lenet B' }).click();
    const panel = page.getByTestId('run-panel');
    await panel.waitFor();
    await page.getByTestId('run-name-input').fill('lenet B (lr 3e-3)');
    await panel.getByLabel('Tags').fill('sweep, lr');
    await panel.getByLabel('Notes').fill('Three times the default learning rate.');
    // With the panel open, the test accuracy column stays in view (not scrolled off the card).
    const testHeader = await page.locator('[data-testid=runs-table] th', { hasText: 'Test acc.' }).boundingBox();
    const tableCard = await page.locator('.table-card').boundingBox();
    expect(testHeader && tableCard && testHeader.x + testHeader.width <= tableCard.x + tableCard.width + 1).toBe(true);
    await page.getByTestId('run-save').click();
    await panel.getByText('Saved').waitFor();
    const saved = (await app.ws.listRuns()).find((r) => r.name === 'lenet B (lr 3e-3)');
    expect(saved?.tags).toEqual(['sweep', 'lr']);
    expect(saved?.notes).toBe('Three times the default learning rate.');

    await page.getByTestId('runs-filter').fill('sweep');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 1);
    await page.getByTestId('runs-filter').fill('');
    // Sorting by test accuracy toggles the arrow and keeps both rows.
    await page.getByRole('button', { name: 'Test acc.' }).click();
    expect(await page.locator('th[aria-sort=descending]').textContent()).toContain('Test acc.');
    await shot(page, '13-runs-panel');
  });

  it('warns in plain words when a run collapses, and cancels a long run', async () => {
    await startFromForm({ optimizer: 'sgd', lr: '10', epochs: '2', name: 'too hot' });
    await waitForRunStatus('completed');
    const banner = page.getByTestId('diagnostic').first();
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/one class|not moving|NaN|drifting/);
    await shot(page, '14-diagnostic');

    await startFromForm({ optimizer: 'adam', lr: '0.001', epochs: '200', name: 'long one' });
    await waitForRunStatus('running');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-loss]')?.getAttribute('data-points')) > 0, null, { timeout: 120_000 });
    await page.getByTestId('cancel-run').click();
    await page.getByTestId('confirm-cancel').click();
    await waitForRunStatus('cancelled', 60_000);

    await page.getByTestId('nav-runs').click();
    await page.locator('[data-testid=run-row]', { hasText: 'long one' }).click();
    await page.getByRole('button', { name: 'Delete run' }).click();
    await page.getByTestId('confirm-delete').click();
    await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid=run-row]')].some((r) => r.textContent?.includes('long one')));
    expect((await app.ws.listRuns()).some((r) => r.name === 'long one')).toBe(false);
  }, 300_000);

  it('has a dark theme that follows the system and a toggle', async () => {
    const theme = (t: string) => page.waitForFunction((want) => document.documentElement.dataset.theme === want, t, { timeout: 5_000 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await theme('dark');
    await shot(page, '11-compare-dark');
    await page.getByTestId('theme-toggle').click(); // system → light
    await theme('light');
    await page.getByTestId('theme-toggle').click(); // light → dark
    await theme('dark');
    await page.getByTestId('nav-evaluation').click();
    await page.getByTestId('confusion-matrix').waitFor();
    await shot(page, '12-evaluation-dark');
    await page.getByTestId('theme-toggle').click(); // back to system
  });

  it('in a new tab, Evaluation opens the latest evaluated run; a view picked during the first load is kept; Compare offers the latest two', async () => {
    const tab = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    tab.on('pageerror', (e) => pageErrors.push(e.message));
    await tab.goto(app.server.url);
    await tab.getByTestId('nav-evaluation').click();
    await tab.getByTestId('confusion-matrix').waitFor();
    const latest = (await app.ws.listRuns()).filter((r) => r.testAccuracy !== null).sort((a, b) => b.createdMs - a.createdMs || b.id - a.id)[0];
    expect(await tab.getByTestId('eval-run-picker').inputValue()).toBe(String(latest.id));
    await tab.close();

    // A view picked while the first lists still load is kept (the load used to switch to Runs),
    // and Compare with nothing ticked offers the latest two finished runs.
    const slow = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    slow.on('pageerror', (e) => pageErrors.push(e.message));
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await slow.route('**/api/listRuns*', async (route) => {
      await held;
      await route.continue();
    });
    await slow.goto(app.server.url);
    await slow.getByTestId('nav-compare').click();
    release();
    await slow.getByTestId('compare-latest').click();
    await slow.waitForFunction(() => document.querySelectorAll('[data-testid=compare-summary] tbody tr').length === 2);
    expect(await slow.locator('.topbar h1').textContent()).toBe('Compare runs');
    await slow.close();
  });

  it('shows where keyboard focus is', async () => {
    await page.getByTestId('nav-runs').click();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return { visible: el.matches(':focus-visible'), outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(focus).not.toBeNull();
    expect(focus!.visible).toBe(true);
    expect(focus!.outline).not.toBe('none');
    expect(focus!.width).toBeGreaterThan(0);
    await shot(page, '15-keyboard-focus');
  });

  it('shows no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
