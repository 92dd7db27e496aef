/// <reference lib="dom" />
/**
 * Fixing labels in a real browser against a real server and core: keep one copy of a label
 * conflict from the import report, relabel a mistake from the detail view, exclude two from the
 * gallery's selection, then "retrain on the fixed data" and see the comparison with McNemar's
 * test and the note that the runs trained on different label versions. Every edit is checked in
 * the database's history, and the retrained run's evaluation leaves the excluded test images
 * out. Screenshots go to tests/artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prediction } from '../../shared/types';
import { hasChromium, openShapesConflict, openTrainedShapes, shot, type App } from './harness';

let app: App;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
let datasetId: number;
let runId: number;
/** The run's mistakes in the gallery's order (most confident first). */
let mistakes: Prediction[];

const card = (imageId: number): ReturnType<Page['locator']> => page.locator(`[data-testid=prediction-card][data-image-id="${imageId}"]`);

describe.skipIf(!hasChromium)('fixing labels in the browser', () => {
  beforeAll(async () => {
    ({ app, datasetId, runId, mistakes, browser, page, pageErrors } = await openTrainedShapes(20, 11));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('keeps the circle copy of a label conflict from the import report and excludes the star copy', async () => {
    await openShapesConflict(page);
    await page.getByTestId('conflict-keep').filter({ hasText: 'circle' }).click();
    await page.getByTestId('conflict-kept').filter({ hasText: 'circle' }).waitFor();
    const h = await app.ws.labelHistory(datasetId);
    expect(h.version).toBe(1);
    expect(h.edited.map((e) => [e.path, e.excluded])).toEqual([['star/copy_of_circle.png', true]]);
    expect(await page.getByTestId('duplicate-copy').filter({ hasText: 'star/copy_of_circle.png' }).getByTestId('label-mark').textContent()).toBe('excluded');
    await shot(page, 'labels-conflict-kept');
    // Keeping the star copy instead undoes it in one new version: the circle out, the star back.
    await page.getByTestId('conflict-keep').filter({ hasText: 'star' }).click();
    await page.getByTestId('conflict-kept').filter({ hasText: 'star' }).waitFor();
    const again = await app.ws.labelHistory(datasetId);
    expect(again.version).toBe(2);
    expect(again.edited.map((e) => [e.path, e.excluded])).toEqual([['circle/circle_001.png', true]]);
    await page.getByTestId('conflict-keep').filter({ hasText: 'circle' }).click();
    await page.getByTestId('conflict-kept').filter({ hasText: 'circle' }).waitFor();
    expect((await app.ws.labelHistory(datasetId)).version).toBe(3);
    // The dataset's label fixes list what differs from the folder now, and the history.
    expect(await page.getByTestId('label-version').textContent()).toBe('version 3');
    expect(await page.getByTestId('label-edited').allTextContents()).toEqual([expect.stringContaining('star/copy_of_circle.png')]);
  });

  it('relabels a mistake from the detail view as the class the run predicted', async () => {
    expect(mistakes.length).toBeGreaterThanOrEqual(3);
    const m = mistakes[0];
    await page.getByTestId('nav-evaluation').click();
    await page.getByTestId('eval-run-picker').selectOption(String(runId));
    await page.getByTestId('mistake-gallery').waitFor();
    await card(m.imageId).getByTestId('prediction-open').click();
    await page.getByTestId('label-fix').waitFor();
    // The picker offers the run's prediction first.
    expect(await page.getByTestId('label-class').inputValue()).toBe(m.predictedClass);
    await page.getByTestId('label-relabel').click();
    await page.getByTestId('label-saved').waitFor();
    expect(await page.getByTestId('label-now').textContent()).toContain(`Labelled ${m.predictedClass} now (its folder says ${m.trueClass})`);
    const h = await app.ws.labelHistory(datasetId);
    expect(h.version).toBe(4);
    expect(h.edits[0]).toMatchObject({ imageId: m.imageId, action: 'relabel', fromClass: m.trueClass, toClass: m.predictedClass, split: 'test' });
    // The detail view offers the retrain, and the card says what the image is now.
    await page.getByTestId('image-detail').getByTestId('retrain').waitFor();
    await shot(page, 'labels-detail-relabelled');
    await page.keyboard.press('Escape');
    await page.getByTestId('image-detail').waitFor({ state: 'detached' });
    expect(await card(m.imageId).getByTestId('label-mark').textContent()).toBe(`now ${m.predictedClass}`);
  });

  it("excludes two mistakes at once from the gallery's selection", async () => {
    // Two of different classes, so that no class leaves the test split.
    const first = mistakes[1];
    const second = mistakes.slice(2).find((p) => p.trueClass !== first.trueClass) ?? mistakes[2];
    await card(first.imageId).getByTestId('pick').check();
    await card(second.imageId).getByTestId('pick').check();
    expect(await page.getByTestId('selection-count').textContent()).toBe('2 selected');
    await page.getByTestId('selection-exclude').click();
    await page.getByTestId('selection-saved').waitFor();
    // Saved: the selection is cleared and both cards are marked.
    expect(await page.getByTestId('selection-count').count()).toBe(0);
    expect(await card(first.imageId).getByTestId('label-mark').textContent()).toBe('excluded');
    expect(await card(second.imageId).getByTestId('label-mark').textContent()).toBe('excluded');
    const h = await app.ws.labelHistory(datasetId);
    expect(h.version).toBe(5);
    expect(h.edits.filter((e) => e.version === 5).map((e) => e.imageId).sort()).toEqual([first.imageId, second.imageId].sort());
    await shot(page, 'labels-gallery-excluded');
  });

  it('retrains on the fixed data and opens the comparison with McNemar and the label versions', async () => {
    await page.getByTestId('retrain-banner').waitFor();
    expect(await page.getByTestId('retrain-banner').textContent()).toContain('dataset version 0 → 5');
    await page.getByTestId('retrain-banner').getByTestId('retrain').click();
    await page.waitForFunction((old) => new RegExp(`^#/compare/${old},\\d+$`).test(location.hash), runId);
    const newId = Number(/,(\d+)$/.exec(await page.evaluate(() => location.hash))![1]);
    expect(newId).toBeGreaterThan(runId);
    expect((await app.ws.waitForRun(newId)).status).toBe('completed');
    // The comparison reloads when the retrained run finishes.
    await page.getByTestId('mcnemar-pair').waitFor({ timeout: 60_000 });
    const fresh = await app.ws.getRun(newId);
    expect(fresh.datasetVersion).toBe(5);
    expect(fresh.config).toEqual((await app.ws.getRun(runId)).config);
    // The two excluded test images are left out of the new evaluation and of the paired test.
    const excluded = new Set([mistakes[1].imageId, (mistakes.slice(2).find((p) => p.trueClass !== mistakes[1].trueClass) ?? mistakes[2]).imageId]);
    const old = await app.ws.getRun(runId);
    expect(fresh.predictions.some((p) => excluded.has(p.imageId))).toBe(false);
    expect(fresh.predictions.find((p) => p.imageId === mistakes[0].imageId)?.trueClass).toBe(mistakes[0].predictedClass);
    const cmp = await app.ws.compareRuns([runId, newId]);
    expect(cmp.pairs[0].images).toBe(old.predictions.length - excluded.size);
    const row = page.getByTestId('mcnemar-pair');
    expect(await row.locator('td').nth(1).textContent()).toBe(String(cmp.pairs[0].images));
    expect(await row.getByTestId('mcnemar-only-a').textContent()).toBe(String(cmp.pairs[0].onlyA));
    expect(await row.getByTestId('mcnemar-only-b').textContent()).toBe(String(cmp.pairs[0].onlyB));
    expect(await page.getByTestId('compare-versions').textContent()).toContain(`#${runId}: version 0, #${newId}: version 5`);
    await shot(page, 'labels-compare');
  }, 180_000);

  it("restores an image from the dataset's label fixes", async () => {
    await page.getByTestId('nav-datasets').click();
    const row = page.getByTestId('label-edited').filter({ hasText: 'star/copy_of_circle.png' });
    await row.getByTestId('label-edited-restore').click();
    await row.waitFor({ state: 'detached' });
    expect(await page.getByTestId('label-version').textContent()).toBe('version 6');
    const h = await app.ws.labelHistory(datasetId);
    expect(h.edits[0]).toMatchObject({ version: 6, path: 'star/copy_of_circle.png', action: 'restore' });
    expect(h.edited.map((e) => e.path)).not.toContain('star/copy_of_circle.png');
    await shot(page, 'labels-fixes');
    expect(pageErrors).toEqual([]);
  });
});
