/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A study in a real browser against a real server and core: a 2 × 2 grid (activation ×
 * schedule) created from the UI on a generated folder, run to the end, then its results grid
 * (four cells with numbers, the best one marked), curves by group, the failures across runs
 * and a confusion diff. Screenshots go to tests/artifacts/.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, hasChromium, imagesLoaded, importGenerated, openApp, shot, startApp, type App } from './harness';

let app: App;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];

describe.skipIf(!hasChromium)('a study in the browser', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    app = await startApp();
    await importGenerated(app, 'shapes', { classes: ['circle', 'square', 'star', 'wave'], perClass: 15, size: 32, seed: 11 });
    ({ browser, page, pageErrors } = await openApp(null, { acceptDownloads: true }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('creates a 2 × 2 study from the form and says how many runs it expands to', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('nav-studies').click();
    await page.getByTestId('new-study').click();
    await page.getByTestId('study-form').waitFor();
    await page.getByTestId('s-arch').selectOption('lenet5');
    await page.getByTestId('s-input').fill('32');
    await page.getByTestId('s-epochs').fill('2');
    await page.getByTestId('s-batch').fill('8');
    await page.getByTestId('s-name').fill('activation × schedule');
    // The form suggests activation (relu, tanh) and schedule (constant, step 2:1:1) as the first two axes.
    expect(await page.getByTestId('axis-0').getAttribute('data-key')).toBe('activation');
    expect(await page.getByTestId('axis-1').getAttribute('data-key')).toBe('schedule');
    expect(await page.getByTestId('axis-0').getByTestId('axis-opt-relu').isChecked()).toBe(true);
    expect(await page.getByTestId('axis-0').getByTestId('axis-opt-tanh').isChecked()).toBe(true);
    expect(await page.getByTestId('axis-1').getByTestId('axis-opt-constant').isChecked()).toBe(true);
    expect(await page.getByTestId('axis-1').getByTestId('axis-opt-step-2:1:1').isChecked()).toBe(true);
    // Ticking one more value grows the count; unticking it shrinks it back.
    await page.getByTestId('axis-0').getByTestId('axis-opt-elu').check();
    expect(await page.getByTestId('planned-runs').getAttribute('data-runs')).toBe('6');
    await page.getByTestId('axis-0').getByTestId('axis-opt-elu').uncheck();
    await page.getByTestId('s-repeats').fill('2');
    expect(await page.getByTestId('planned-runs').getAttribute('data-runs')).toBe('8');
    await page.getByTestId('s-repeats').fill('1');
    expect(await page.getByTestId('planned-runs').getAttribute('data-runs')).toBe('4');
    expect(await page.getByTestId('planned-runs').textContent()).toMatch(/2 activation × 2 schedule\s*= 4 runs/);
    // Before it is created: how long it will take (nothing trained here yet: from the bench's speed of LeNet-5).
    await page.locator('[data-testid=planned-time][data-source=bench]').waitFor();
    expect(await page.getByTestId('planned-time').textContent()).toMatch(/^· ≈ .+ \(from the bench\)$/);
    await shot(page, 'studies-01-new');
    await page.getByTestId('create-run-study').click();
    await page.getByTestId('study-page').waitFor();
    expect(await page.getByTestId('study-name').textContent()).toBe('activation × schedule');
  });

  it('runs the study to the end, showing its progress', async () => {
    await page.waitForSelector('[data-testid=study-page][data-study-state=running]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=study-counts]:not([data-done="0"])', { timeout: 120_000 });
    // The time left counts down while a run trains (it used to freeze until the run ended).
    const left = page.getByTestId('study-time-left');
    await left.waitFor({ timeout: 30_000 });
    const first = await left.textContent();
    await page.waitForFunction(
      (t) => {
        const now = document.querySelector('[data-testid=study-time-left]')?.textContent;
        return now !== undefined && now !== t;
      },
      first,
      { timeout: 10_000 },
    );
    await shot(page, 'studies-02-running');
    await page.waitForSelector('[data-testid=study-page][data-study-state=finished]', { timeout: 180_000 });
    expect(await page.getByTestId('study-counts').getAttribute('data-done')).toBe('4');
    expect(await page.getByTestId('study-counts').textContent()).toMatch(/4 completed/);
    // Nothing is left for the estimate to price.
    await expect.poll(async () => page.getByTestId('study-estimate').textContent(), { timeout: 30_000 }).toMatch(/Nothing left to run/);
  }, 240_000);

  it('shows the result grid: four cells with numbers, the best one marked, a cell opens its runs', async () => {
    await page.getByTestId('tab-grid').click();
    const cells = page.getByTestId('grid-cell');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=grid-cell]')].filter((c) => c.getAttribute('data-mean')).length === 4, undefined, { timeout: 30_000 });
    expect(await cells.count()).toBe(4);
    for (const text of await cells.allTextContents()) expect(text).toMatch(/\d+\.\d%/);
    expect(await page.locator('[data-testid=grid-cell][data-best=true]').count()).toBeGreaterThanOrEqual(1);
    // One seed per cell: the best mean is outlined but earns no ★; the grid says so.
    expect(await page.getByTestId('grid-best').count()).toBe(0);
    expect(await page.getByTestId('grid-verdict').textContent()).toMatch(/No clear winner with 1 seed/);
    // Rows activation, columns schedule.
    const grid = (await page.getByTestId('result-grid').textContent()) ?? '';
    expect(grid).toMatch(/relu/);
    expect(grid).toMatch(/tanh/);
    expect(grid).toMatch(/step 2:1:1/);
    await shot(page, 'studies-03-grid');
    await page.locator('[data-testid=grid-cell][data-best=true]').first().click();
    await page.getByTestId('cell-runs').waitFor();
    expect(await page.getByTestId('cell-run-evaluate').count()).toBe(1);
    // The Markdown export downloads the table.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-md').click()]);
    const file = await download.path();
    const md = fs.readFileSync(file, 'utf8');
    expect(md).toMatch(/\|.*relu.*\|/);
    expect(download.suggestedFilename()).toMatch(/\.md$/);
  });

  it('draws the curves by group with a mean line and a spread band', async () => {
    await page.getByTestId('tab-curves').click();
    const chart = page.getByTestId('study-curves-chart');
    await page.waitForSelector('[data-testid=study-curves-chart][data-groups="2"]', { timeout: 15_000 });
    // Two runs per activation (the schedules pooled): both groups have a band over seeds and schedules.
    expect(await chart.getAttribute('data-bands')).toBe('2');
    expect(Number(await chart.getAttribute('data-points'))).toBe(4);
    await shot(page, 'studies-04-curves');
  });

  it('compares the failures across runs with every run’s answer, and diffs two confusion matrices', async () => {
    await page.getByTestId('tab-failures').click();
    await page.locator('[data-testid^=failures-]').first().waitFor({ timeout: 15_000 });
    // The first kind that has images (a tiny study may get some kinds all right).
    let shown = false;
    for (const kind of ['allWrong', 'disagree', 'onlyOneRight']) {
      const count = Number((await page.getByTestId(`failures-${kind}`).locator('.chip').textContent()) ?? '0');
      if (count === 0) continue;
      await page.getByTestId(`failures-${kind}`).click();
      await page.waitForSelector(`[data-testid=failure-gallery][data-kind=${kind}]`);
      expect(await imagesLoaded(page, '[data-testid=failure-gallery]')).toBeGreaterThan(0);
      const first = page.getByTestId('failure-image').first();
      expect(await first.locator('li').count()).toBe(4);
      expect(await first.textContent()).toMatch(/\d+%/);
      shown = true;
      break;
    }
    expect(shown).toBe(true);
    await shot(page, 'studies-05-failures');

    await page.getByTestId('tab-diff').click();
    await page.getByTestId('confusion-diff').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=confusion-diff] table').count()).toBe(3);
    await shot(page, 'studies-06-diff');
    expect(pageErrors).toEqual([]);
  });

  it('lists the study with its progress', async () => {
    await page.getByTestId('studies-back').click();
    const list = page.getByTestId('studies-list');
    await list.waitFor();
    expect(await list.textContent()).toMatch(/activation × schedule/);
    expect(await list.textContent()).toMatch(/4\/4/);
    await shot(page, 'studies-07-list');
  });
});
