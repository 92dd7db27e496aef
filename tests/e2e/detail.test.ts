/// <reference lib="dom" />
/**
 * The image detail view in a real browser against a real server and core: a tiny LeNet trained
 * for one epoch, its evaluation's mistake gallery opened image by image (path, every class's
 * probability, ← → and Esc, focus back on the card), and Grad-CAM from the run's kept weights.
 * Screenshots go to tests/artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prediction } from '../../shared/types';
import { hasChromium, openShapesConflict, openTrainedShapes, shot, type App } from './harness';

let app: App;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
let runId: number;
/** The run's mistakes in the gallery's order (most confident first). */
let mistakes: Prediction[];

const detail = (): ReturnType<Page['getByTestId']> => page.getByTestId('image-detail');

describe.skipIf(!hasChromium)('the image detail view in the browser', () => {
  beforeAll(async () => {
    // One picture filed under two classes: the import report lists the label conflict.
    ({ app, runId, mistakes, browser, page, pageErrors } = await openTrainedShapes(12, 7));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("opens a label conflict's copies from the import report, each with its path and class", async () => {
    await openShapesConflict(page);
    await page.getByTestId('duplicate-open').first().click();
    await detail().waitFor();
    expect(await page.getByTestId('detail-path').textContent()).toBe('circle/circle_001.png');
    expect(await page.getByTestId('detail-true').textContent()).toBe('circle');
    // No run: no probabilities and no Grad-CAM.
    expect(await page.getByTestId('detail-probabilities').count()).toBe(0);
    expect(await page.getByTestId('detail-gradcam').count()).toBe(0);
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=detail-path]', { hasText: 'star/copy_of_circle.png' }).waitFor();
    expect(await page.getByTestId('detail-true').textContent()).toBe('star');
    await page.keyboard.press('Escape');
    await detail().waitFor({ state: 'detached' });
  });

  it("opens a mistake card: the full picture, its path and every class's probability; ← → move, Esc closes", async () => {
    // One epoch on 36 shapes leaves mistakes; two are needed to move between them.
    expect(mistakes.length).toBeGreaterThanOrEqual(2);
    await page.getByTestId('nav-evaluation').click();
    await page.getByTestId('eval-run-picker').selectOption(String(runId));
    await page.getByTestId('mistake-gallery').waitFor();
    const opener = page.getByTestId('prediction-open').first();
    await opener.click();
    await detail().waitFor();
    // A modal dialog with the focus inside it.
    expect(await detail().evaluate((d: HTMLDialogElement) => d.open && d.matches(':modal') && d.contains(document.activeElement))).toBe(true);
    expect(await detail().getAttribute('data-image-id')).toBe(String(mistakes[0].imageId));
    expect(await page.getByTestId('detail-path').textContent()).toBe(mistakes[0].path);
    expect(await page.getByTestId('detail-true').textContent()).toBe(mistakes[0].trueClass);
    expect(await page.getByTestId('detail-predicted').textContent()).toBe(mistakes[0].predictedClass);
    // Every class's probability, as stored for the run.
    const shownProbs = await page.locator('[data-testid=detail-probabilities] li .p').allTextContents();
    expect(shownProbs).toHaveLength(3);
    expect([...shownProbs].sort()).toEqual(mistakes[0].probabilities.map((p) => `${(p * 100).toFixed(1)}%`).sort());
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=detail-image]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await shot(page, 'detail-01-mistake');

    await page.keyboard.press('ArrowRight');
    await page.waitForSelector(`[data-testid=image-detail][data-image-id="${mistakes[1].imageId}"]`);
    expect(await page.getByTestId('detail-path').textContent()).toBe(mistakes[1].path);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector(`[data-testid=image-detail][data-image-id="${mistakes[0].imageId}"]`);
    // The first image has no previous one.
    await page.keyboard.press('ArrowLeft');
    expect(await detail().getAttribute('data-image-id')).toBe(String(mistakes[0].imageId));
    expect(await page.getByTestId('detail-prev').isDisabled()).toBe(true);

    await page.keyboard.press('Escape');
    await detail().waitFor({ state: 'detached' });
    // Focus is back on the card that opened it.
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('shows a Grad-CAM overlay from the run for the predicted class, then for a picked class', async () => {
    await page.getByTestId('prediction-open').first().click();
    await detail().waitFor();
    await page.getByTestId('detail-gradcam').check();
    await page.locator('[data-testid=detail-overlay], [data-testid=detail-gradcam-error]').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('detail-gradcam-error').count(), (await page.getByTestId('image-detail').textContent()) ?? '').toBe(0);
    expect(await page.getByTestId('detail-overlay').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await page.getByTestId('detail-gradcam-class').inputValue()).toBe(mistakes[0].predictedClass);
    expect(await page.getByTestId('detail-gradcam-layer').textContent()).toMatch(new RegExp(`\\(\\d+×\\d+ map\\) · ${mistakes[0].predictedClass} `));
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=detail-overlay]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await shot(page, 'detail-02-gradcam');

    await page.getByTestId('detail-gradcam-class').selectOption(mistakes[0].trueClass);
    await page.locator('[data-testid=detail-gradcam-layer]', { hasText: ` · ${mistakes[0].trueClass} ` }).waitFor({ timeout: 60_000 });
    // Off again: the picture itself.
    await page.getByTestId('detail-gradcam').uncheck();
    await page.getByTestId('detail-image').waitFor();
    await page.getByTestId('detail-close').click();
    await detail().waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
