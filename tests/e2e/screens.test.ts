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
import { ensureRendererBuilt, hasChromium, launchChromium, shot, startApp, type App } from './harness';
import { seedRun } from './seed';

let app: App;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
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
    const folder = path.join(app.home, 'flowers');
    await makeImageFolder(folder, { classes: ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'], perClass: 24, size: 24, seed: 3 });
    const report = await app.ws.importDataset(folder, 'flowers');
    datasetId = report.datasetId;
    ids.a = seedRun(app.ws, datasetId, { name: 'lenet plain', epochs: [{}, { trainAccuracy: 0.55, valAccuracy: 0.51, trainLoss: 1.1, valLoss: 1.25 }] });
    ids.b = seedRun(app.ws, datasetId, { name: 'lenet wide', config: { width: 2, lr: 0.003 }, epochs: [{}, {}, {}] });
    // Dandelions mostly called daisies: a mistake cell larger than the diagonal cell beside it.
    ids.c = seedRun(app.ws, datasetId, { name: 'resnet18 confused', config: { arch: 'resnet18' }, predict: (t, i) => (t === 1 ? (i % 5 < 3 ? 0 : 1) : t) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(app.server.url);
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

  it('shows no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
