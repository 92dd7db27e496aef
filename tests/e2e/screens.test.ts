/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The screens in a real browser against a real server and core, on runs written into the store
 * (tests/e2e/seed.ts) rather than trained: the live charts' headline numbers, the confusion
 * matrix's two hues and arrow keys, the classify tab, and (in later blocks) URLs with Back and
 * Forward and the runs table at 1024 px. Screenshots at 1024 and 1440 px go to tests/artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classPixels, encodePixels, makeImageFolder } from '../fixtures/images';
import { ensureRendererBuilt, hasChromium, importGenerated, openApp, shot, startApp, type App } from './harness';
import { seedRun } from './seed';

let app: App;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
let datasetId = 0;
/** Seeded runs by role. */
const ids = { a: 0, b: 0, c: 0 };

/** Opens a run's live view from the runs table. */
async function openLive(runId: number): Promise<void> {
  await page.getByTestId('nav-runs').click();
  await page.locator(`[data-testid=run-row][data-run-id="${runId}"]`).click();
  await page.getByTestId('run-panel').getByRole('button', { name: 'Curves' }).click();
  await page.getByTestId('live-run').waitFor();
}

describe.skipIf(!hasChromium)('the screens in a browser', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    app = await startApp();
    const report = await importGenerated(app, 'flowers', { classes: ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'], perClass: 24, size: 24, seed: 3 });
    datasetId = report.datasetId;
    ids.a = seedRun(app.ws, datasetId, { name: 'lenet plain', epochs: [{}, { trainAccuracy: 0.55, valAccuracy: 0.51, trainLoss: 1.1, valLoss: 1.25 }] });
    ids.b = seedRun(app.ws, datasetId, { name: 'lenet wide', config: { width: 2, lr: 0.003 }, epochs: [{}, {}, {}] });
    // Dandelions mostly called daisies: a mistake cell larger than the diagonal cell beside it.
    ids.c = seedRun(app.ws, datasetId, { name: 'resnet18 confused', config: { arch: 'resnet18' }, predict: (t, i) => (t === 1 ? (i % 5 < 3 ? 0 : 1) : t) });
    ({ browser, page, pageErrors } = await openApp(app.server.url, { viewport: { width: 1440, height: 900 } }));
    await page.getByTestId('nav-runs').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("a finished run's chart headlines are its last epoch's train and validation, not the last (partial) batch", async () => {
    await openLive(ids.a);
    const acc = page.getByTestId('headline-accuracy');
    await acc.waitFor();
    // The seeded last batch of every epoch scored 0 % at loss 2.208; epoch 2 was 55 % / 51 %.
    expect(await acc.textContent()).toBe('train 55.0% · val 51.0%');
    expect(await acc.getAttribute('data-source')).toBe('epoch');
    expect(await page.getByTestId('headline-loss').textContent()).toBe('train 1.100 · val 1.250');
    await shot(page, 'screens-01-live-finished-1440');
  });

  it('the confusion matrix shows hits and mistakes in two hues, and arrow keys move between its cells', async () => {
    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-testid=run-row][data-run-id="${ids.c}"]`).click();
    await page.getByTestId('run-panel').getByRole('button', { name: 'Evaluation' }).click();
    await page.getByTestId('confusion-matrix').waitFor();
    // Dandelion (row 1) mostly called daisy (column 0): more mistakes than hits in that row.
    const miss = page.getByTestId('cm-cell-1-0');
    const hit = page.getByTestId('cm-cell-1-1');
    expect(Number(await miss.textContent())).toBeGreaterThan(Number(await hit.textContent()));
    expect(await miss.getAttribute('data-kind')).toBe('miss');
    expect(await hit.getAttribute('data-kind')).toBe('hit');
    /** The cell's background as [r, g, b]. */
    const rgb = async (testid: string): Promise<number[]> =>
      page.getByTestId(testid).evaluate((el) => (getComputedStyle(el).backgroundColor.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number));
    const [mr, mg] = await rgb('cm-cell-1-0');
    const [hr, hg] = await rgb('cm-cell-1-1');
    expect(mr).toBeGreaterThan(mg); // red
    expect(hg).toBeGreaterThan(hr); // green
    await shot(page, 'screens-02-confusion-1440');

    // One tab stop; arrows move the focus, Enter opens the cell's images.
    await page.getByTestId('cm-cell-0-0').focus();
    const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('cm-cell-0-1');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('cm-cell-1-1');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('cm-cell-1-0');
    expect(await page.locator('[data-testid^=cm-cell-][tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByTestId('cell-gallery').waitFor();
    expect(await page.locator('[data-testid=cell-gallery] [data-testid=prediction-card]').count()).toBe(Number(await miss.textContent()));
  });

  it('classifying a picture has a tab of its own, not a pane below the mistake cards', async () => {
    await page.getByTestId('tab-mistakes').click();
    await page.getByTestId('mistake-gallery').waitFor();
    expect(await page.getByTestId('classify-dropzone').count()).toBe(0);
    await page.getByTestId('tab-classify').click();
    const zone = page.getByTestId('classify-dropzone');
    await zone.waitFor();
    expect(await page.getByTestId('mistake-gallery').count()).toBe(0);
    // In view where the galleries start, without scrolling past cards.
    const box = await zone.boundingBox();
    expect(box && box.y + box.height <= 900).toBe(true);
    const png = await encodePixels(classPixels(2, 5, 7, 24, 3), 24, 24, 'png');
    const file = path.join(app.home, 'new-rose.png');
    fs.writeFileSync(file, png);
    await page.getByTestId('classify-file').setInputFiles(file);
    // Classifying needs the run's checkpoint, which a seeded run does not have: the reason shows in the tab.
    await page.locator('[data-testid=classify-result], [data-testid=classify-error]').first().waitFor({ timeout: 60_000 });
    await shot(page, 'screens-03-classify-tab-1440');
  });

  it('while a run is prepared, its card counts the cache images once (not over each chart)', async () => {
    // A folder big enough that decoding it at a new input size takes a few updates.
    const big = path.join(app.home, 'big');
    await makeImageFolder(big, { classes: 4, perClass: 150, size: 64, seed: 9 });
    await app.ws.importDataset(big, 'big');
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('arch-lenet5').click();
    await page.locator('#f-dataset').selectOption({ label: 'big' });
    await page.getByTestId('f-input').fill('60');
    await page.getByTestId('f-epochs').fill('1');
    await page.getByTestId('start-run').click();
    const stage = page.locator('[data-testid=live-stage][data-total="600"]');
    await stage.waitFor({ timeout: 60_000 });
    expect(await stage.textContent()).toMatch(/Preparing the 60px cache: [\d,]+ \/ 600 images/);
    expect(await stage.getByRole('progressbar').count()).toBe(1);
    await shot(page, 'screens-04-preparing-1440');
    // The charts wait quietly: one note, on the first chart.
    expect(await page.locator('[data-testid^=chart-] + .empty, .empty').allTextContents()).toEqual(['The curves start with the first batch.']);
    await page.getByTestId('cancel-run').click();
    await page.getByTestId('confirm-cancel').click();
    await page.waitForSelector('[data-testid=live-run][data-status=cancelled]', { timeout: 60_000 });
  }, 180_000);

  it('a run name typed for one architecture follows the architecture when another is picked', async () => {
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('arch-lenet5').click();
    await page.getByTestId('f-name').fill('lenet5 32px quick');
    await page.getByTestId('arch-alexnet').click();
    expect(await page.getByTestId('f-name').inputValue()).toBe('alexnet 32px quick');
    await page.getByTestId('arch-lenet5').click();
    expect(await page.getByTestId('f-name').inputValue()).toBe('lenet5 32px quick');
  });

  it('queues a run behind another: the banner goes when that run ends, and the live view says the first one ended when it moves on', async () => {
    const form = async (name: string, epochs: number): Promise<void> => {
      await page.getByTestId('nav-new-run').click();
      await page.getByTestId('arch-lenet5').click();
      await page.locator('#f-dataset').selectOption({ label: 'flowers' });
      await page.getByTestId('f-input').fill('32');
      await page.getByTestId('f-epochs').fill(String(epochs));
      await page.getByTestId('f-name').fill(name);
    };
    await form('first long', 300);
    await page.getByTestId('start-run').click();
    await page.waitForSelector('[data-testid=live-run][data-status=running]', { timeout: 60_000 });
    const first = (await app.ws.listRuns()).find((r) => r.name === 'first long')!;

    await form('second short', 1);
    await page.getByTestId('queue-run').click();
    const banner = page.getByTestId('queued');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Queued “second short” \(#\d+\)/);
    // The name belonged to that run: the form starts the next one without it.
    expect(await page.getByTestId('f-name').inputValue()).toBe('');
    await shot(page, 'screens-05-queued-1440');

    await page.getByTestId('nav-live').click();
    await page.getByTestId('cancel-run').click();
    await page.getByTestId('confirm-cancel').click();
    // The live view follows the next run and says what became of the first.
    const previous = page.getByTestId('previous-run');
    await previous.waitFor({ timeout: 60_000 });
    expect(await previous.textContent()).toContain(`“first long” (#${first.id}) was cancelled`);
    expect(await page.locator('[data-testid=live-run] h2').textContent()).toBe('second short');
    await page.waitForSelector('[data-testid=live-run][data-status=completed]', { timeout: 180_000 });
    await shot(page, 'screens-06-moved-on-1440');

    // That run has ended: the new-run form no longer says it is queued.
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('start-run').waitFor();
    await expect.poll(() => page.getByTestId('queued').count(), { timeout: 5_000 }).toBe(0);
  }, 300_000);

  it('at 1024 px the runs table keeps Name and Test acc. in view, with the run drawer open too, while the rest scrolls', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    const card = page.locator('.table-card');
    /** True when the header cell (and the first row's cell below it) lies inside the card's visible box. */
    const inView = async (label: string): Promise<boolean> =>
      card.evaluate((el, text) => {
        const box = el.getBoundingClientRect();
        const th = [...el.querySelectorAll('thead th')].find((h) => h.textContent?.trim().startsWith(text));
        if (!th) return false;
        const col = [...th.parentElement!.children].indexOf(th);
        const td = el.querySelector('tbody tr')?.children[col];
        return [th, td].every((c) => {
          if (!c) return false;
          const r = c.getBoundingClientRect();
          // Not covered by another column either: the cell's middle is this cell.
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1 && !!hit && c.contains(hit);
        });
      }, label);
    const check = async (): Promise<void> => {
      expect(await inView('Name'), 'Name in view').toBe(true);
      expect(await inView('Test acc.'), 'Test acc. in view').toBe(true);
      // Scrolled to its far end, the pinned columns stay.
      await card.evaluate((el) => (el.scrollLeft = el.scrollWidth));
      expect(await inView('Name'), 'Name in view, scrolled').toBe(true);
      expect(await inView('Test acc.'), 'Test acc. in view, scrolled').toBe(true);
      await card.evaluate((el) => (el.scrollLeft = 0));
    };
    await check();
    await shot(page, 'screens-07-runs-1024');
    await page.locator(`[data-testid=run-row][data-run-id="${ids.b}"]`).click();
    await page.getByTestId('run-panel').waitFor();
    await check();
    await shot(page, 'screens-08-runs-drawer-1024');
    await page.getByTestId('run-panel').getByRole('button', { name: 'Close' }).click();
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, 'screens-09-runs-1440');
  });

  it('every view, run, comparison and study has its own address, and Back and Forward walk through them', async () => {
    const hash = (): string => new URL(page.url()).hash;
    const title = (): Promise<string | null> => page.locator('.topbar h1').textContent();
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    expect(hash()).toMatch(/^#\/runs(\/\d+)?$/);
    await page.locator(`[data-testid=run-row][data-run-id="${ids.b}"]`).click();
    expect(hash()).toBe(`#/runs/${ids.b}`);
    expect(await page.evaluate(() => document.title)).toBe('Runs · Bloombench');
    await page.getByTestId('run-panel').getByRole('button', { name: 'Curves' }).click();
    await page.getByTestId('live-run').waitFor();
    expect(hash()).toBe(`#/live/${ids.b}`);
    await page.getByTestId('nav-evaluation').click();
    await page.getByTestId('eval-run-picker').selectOption(String(ids.c));
    await page.getByTestId('confusion-matrix').waitFor();
    expect(hash()).toBe(`#/evaluation/${ids.c}`);
    await page.getByTestId('nav-studies').click();
    expect(hash()).toBe('#/studies');
    await page.getByTestId('new-study').click();
    await page.getByTestId('study-form').waitFor();
    expect(hash()).toBe('#/studies/new');

    // Back, step by step, to where the user was; Forward again.
    await page.goBack();
    await page.getByTestId('new-study').waitFor();
    expect(hash()).toBe('#/studies');
    await page.goBack();
    await page.getByTestId('confusion-matrix').waitFor();
    expect(hash()).toBe(`#/evaluation/${ids.c}`);
    expect(await page.getByTestId('eval-run-picker').inputValue()).toBe(String(ids.c));
    await page.goBack();
    await page.getByTestId('live-run').waitFor();
    expect(hash()).toBe(`#/live/${ids.b}`);
    expect(await page.locator('[data-testid=live-run] h2').textContent()).toBe('lenet wide');
    await page.goBack();
    await page.getByTestId('run-panel').waitFor();
    expect(hash()).toBe(`#/runs/${ids.b}`);
    expect(await title()).toBe('Runs');
    await page.goForward();
    await page.getByTestId('live-run').waitFor();
    expect(hash()).toBe(`#/live/${ids.b}`);
  });

  it('a reload keeps the comparison and its ticked runs; an address opens what it names in a new tab', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await page.getByTestId('run-select').first().waitFor();
    await page.locator(`[data-testid=run-row][data-run-id="${ids.a}"] [data-testid=run-select]`).check();
    await page.locator(`[data-testid=run-row][data-run-id="${ids.b}"] [data-testid=run-select]`).check();
    await page.getByTestId('compare-selected').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=compare-summary] tbody tr').length === 2);
    expect(new URL(page.url()).hash).toBe(`#/compare/${ids.a},${ids.b}`);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=compare-summary] tbody tr').length === 2, null, { timeout: 30_000 });
    expect(await page.locator('.topbar h1').textContent()).toBe('Compare runs');
    expect(await page.getByTestId('compare-summary').textContent()).toContain('lenet wide');
    await shot(page, 'screens-10-compare-reloaded-1440');
    await page.getByTestId('nav-runs').click();
    expect(await page.locator(`[data-testid=run-row][data-run-id="${ids.a}"] [data-testid=run-select]`).isChecked()).toBe(true);
    expect(await page.locator(`[data-testid=run-row][data-run-id="${ids.b}"] [data-testid=run-select]`).isChecked()).toBe(true);

    const tab = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    tab.on('pageerror', (e) => pageErrors.push(e.message));
    await tab.goto(`${app.server.url}#/evaluation/${ids.c}`);
    await tab.getByTestId('confusion-matrix').waitFor();
    expect(await tab.getByTestId('eval-run-picker').inputValue()).toBe(String(ids.c));
    // The token left the address; the route stayed.
    expect(tab.url()).not.toContain('token=');
    expect(new URL(tab.url()).hash).toBe(`#/evaluation/${ids.c}`);
    await shot(tab, 'screens-11-evaluation-by-address-1024');
    await tab.close();
  });

  it('the changed screens at 1024 px, and the confusion matrix in the dark theme', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const go = async (hash: string, ready: string): Promise<void> => {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.getByTestId(ready).waitFor();
    };
    await go(`#/live/${ids.a}`, 'headline-accuracy');
    await shot(page, 'screens-12-live-1024');
    await go(`#/evaluation/${ids.c}`, 'confusion-matrix');
    await shot(page, 'screens-13-confusion-1024');
    await page.getByTestId('tab-classify').click();
    await page.getByTestId('classify-dropzone').scrollIntoViewIfNeeded();
    await shot(page, 'screens-14-classify-tab-1024');
    await go('#/new-run', 'start-run');
    await shot(page, 'screens-15-new-run-1024');
    await page.emulateMedia({ colorScheme: 'dark' });
    await go(`#/evaluation/${ids.c}`, 'confusion-matrix');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    const rgb = async (testid: string): Promise<number[]> =>
      page.getByTestId(testid).evaluate((el) => (getComputedStyle(el).backgroundColor.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number));
    const [mr, mg] = await rgb('cm-cell-1-0');
    const [hr, hg] = await rgb('cm-cell-1-1');
    expect(mr).toBeGreaterThan(mg);
    expect(hg).toBeGreaterThan(hr);
    await shot(page, 'screens-16-confusion-dark-1024');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
