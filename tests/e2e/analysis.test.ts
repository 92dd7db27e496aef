/// <reference lib="dom" />
/**
 * Calibration, honest statistics and label suspects in a real browser against a real server
 * and core. The runs are written into the store directly (no training): four runs of a
 * 2 × 2 study on a generated folder, one seed per cell, and one test image every run calls
 * another class. Screenshots go to tests/artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../shared/config';
import { percent } from '../../shared/format';
import type { ImageRef } from '../../shared/contract/api';
import { addFinishedRun } from '../studies/fixtures';
import { ensureRendererBuilt, hasChromium, importGenerated, openApp, shot, startApp, TINY_LENET, type App } from './harness';

let app: App;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
const classes = ['circle', 'square', 'star'];
let test: readonly ImageRef[];
const runIds: number[] = [];

describe.skipIf(!hasChromium)('calibration, statistics and suspects in the browser', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    app = await startApp();
    const ds = await importGenerated(app, 'shapes', { classes, perClass: 30, size: 32, seed: 5 });
    test = await app.ws.listImages(ds.datasetId, { split: 'test' });
    const base = TINY_LENET;
    const study = await app.ws.createStudy({ name: 'act × sched', datasetId: ds.datasetId, base, axes: [{ key: 'activation', values: ['relu', 'tanh'] }, { key: 'schedule', values: [{ kind: 'constant' }, { kind: 'cosine', minLr: 0 }] }] });
    // Run r gets the first test image wrong (every run calls it the next class, sure of it) and
    // r more; the rest right.
    study.cells.forEach((cell, r) => {
      const config = { ...base, activation: cell.labels[0] as TrainConfig['activation'], schedule: r % 2 ? { kind: 'cosine' as const, minLr: 0 } : { kind: 'constant' as const } };
      const preds = test.map((img, j) => (j === 0 ? ([img.id, img.classIndex, (img.classIndex + 1) % 3, 0.95] as const) : j <= r ? ([img.id, img.classIndex, (img.classIndex + 1) % 3, 0.6] as const) : ([img.id, img.classIndex, img.classIndex, 0.8] as const)));
      const id = addFinishedRun(app.ws.queue.runs, ds.datasetId, config, classes, [{ valAccuracy: 0.8 - r / 20, trainLoss: 1 }], preds);
      app.ws.studies.db.link(study.id, id);
      runIds.push(id);
    });
    ({ browser, page, pageErrors } = await openApp(app.server.url, { viewport: { width: 1360, height: 1000 } }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows a run's reliability diagram, ECE and top-2 accuracy in its evaluation", async () => {
    const cal = (await app.ws.getRun(runIds[1])).calibration!;
    await page.getByTestId('nav-evaluation').click();
    await page.getByTestId('eval-run-picker').selectOption(String(runIds[1]));
    await page.getByTestId('calibration').waitFor();
    expect(await page.getByTestId('calibration-ece').textContent()).toBe(percent(cal.ece));
    expect(await page.getByTestId('calibration-topk').textContent()).toBe(percent(cal.topKAccuracy));
    // Three confidences (0.95, 0.6, 0.8): three bars.
    expect(await page.getByTestId('reliability-bin').count()).toBe(3);
    expect(await page.getByTestId('calibration-lean').textContent()).toMatch(/confident by \d+\.\d points/);
    await page.getByTestId('calibration').scrollIntoViewIfNeeded();
    await shot(page, 'analysis-01-calibration');
  });

  it("compares two runs with McNemar's exact test on the same test images", async () => {
    await page.getByTestId('nav-runs').click();
    for (const id of [runIds[0], runIds[3]]) await page.locator(`[data-testid=run-row][data-run-id="${id}"] [data-testid=run-select]`).check();
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('compare-mcnemar').waitFor();
    // Run 1 wrong on image 1 only, run 4 on images 1–4: only run 1 right on 3, p = 2 · 2⁻³.
    expect(await page.getByTestId('mcnemar-only-a').textContent()).toBe('3');
    expect(await page.getByTestId('mcnemar-only-b').textContent()).toBe('0');
    expect(await page.getByTestId('mcnemar-p').textContent()).toBe('0.25');
    expect(await page.getByTestId('compare-mcnemar').textContent()).toMatch(/within chance/);
    expect(await page.getByTestId('compare-calibration').textContent()).toMatch(/Top-2 \d+\.\d%/);
    await page.getByTestId('compare-mcnemar').scrollIntoViewIfNeeded();
    await shot(page, 'analysis-02-mcnemar');
  });

  it('gives no ★ to a grid of one seed per cell, says so, and shows the main effects', async () => {
    await page.getByTestId('nav-studies').click();
    await page.locator('[data-testid^=open-study-]').first().click();
    await page.getByTestId('tab-grid').click();
    await page.getByTestId('grid-verdict').waitFor();
    expect(await page.getByTestId('grid-verdict').textContent()).toMatch(/^No clear winner with 1 seed: relu · constant \(\d+\.\d%\) has the best mean/);
    expect(await page.getByTestId('grid-verdict').getAttribute('data-kind')).toBe('no-clear-winner');
    expect(await page.getByTestId('grid-best').count()).toBe(0);
    expect(await page.locator('[data-testid=grid-cell][data-best=true]').count()).toBe(1);
    expect(await page.getByTestId('main-effect').count()).toBe(4);
    await shot(page, 'analysis-03-grid');
  });

  it("opens an image every run gets wrong in the detail view, with every run's answer", async () => {
    await page.getByTestId('tab-failures').click();
    await page.getByTestId('failures-allWrong').click();
    await page.getByTestId('failure-open').first().click();
    await page.getByTestId('image-detail').waitFor();
    expect(await page.getByTestId('image-detail').getAttribute('data-image-id')).toBe(String(test[0].id));
    expect(await page.getByTestId('detail-path').textContent()).toBe(test[0].path);
    const answers = page.getByTestId('detail-answer');
    expect(await answers.count()).toBe(4);
    // Every run calls it the next class, 95% sure.
    for (const text of await answers.allTextContents()) expect(text).toMatch(new RegExp(`${classes[(test[0].classIndex + 1) % 3]}\\s*95\\.0%`));
    // Grad-CAM asks which of the runs to use.
    await page.getByTestId('detail-gradcam').check();
    expect(await page.getByTestId('detail-gradcam-run').locator('option').count()).toBe(4);
    await page.getByTestId('detail-gradcam').uncheck();
    await shot(page, 'analysis-05-failure-detail');
    await page.keyboard.press('Escape');
    await page.getByTestId('image-detail').waitFor({ state: 'detached' });
  });

  it('lists the image every run calls another class first among the suspects of the dataset', async () => {
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('suspects-gallery').waitFor();
    const first = page.getByTestId('suspect').first();
    expect(await first.getAttribute('data-image-id')).toBe(String(test[0].id));
    expect(await first.textContent()).toMatch(new RegExp(`labelled ${classes[test[0].classIndex]}.*looks like ${classes[(test[0].classIndex + 1) % 3]}.*4 of 4 runs agree`));
    expect(await page.getByTestId('suspects-summary').textContent()).toMatch(/of \d+ test images have a label the runs \(#1, #2, #3, #4\) confidently contradict/);
    await page.getByTestId('suspects').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid=suspects-gallery] img')].every((i) => i.complete && i.naturalWidth > 0), undefined, { timeout: 15_000 });
    await shot(page, 'analysis-04-suspects');
    expect(pageErrors).toEqual([]);
  });
});
