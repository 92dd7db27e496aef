/// <reference lib="dom" />
/**
 * A study on Slurm in a real browser against a real server and core, and the one-node Slurm
 * cluster of the Slurm tests (tests/slurm/cluster.ts):
 *
 * - without sbatch on the PATH the "Run on Slurm" button is disabled and says why;
 * - the dialog shows the checks before submitting (the bundles under /tmp, which other nodes
 *   would not see), refuses a bad setting at its field with the core's validator, and submits
 *   a 2-cell study as one job array;
 * - each grid cell shows its task (queued with its job id, held, running on the node,
 *   cancelled, failed with the reason, done), refreshed while the page is open; Pause holds the
 *   waiting task, Release lets it go, Cancel cancels both, and the dialog opens again with the
 *   study's settings; Retry failed resubmits failed cells, and the dialog can too (with a
 *   setting fixed), until the cells end done with their numbers.
 *
 * The cluster part is skipped, saying why, where Slurm or root is missing.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { clusterUnavailable, startCluster, type TestCluster } from '../slurm/cluster';
import { ensureRendererBuilt, hasChromium, importGenerated, openApp, shot, startApp, type App } from './harness';

const noCluster = clusterUnavailable();
let app: App;
let browser: Browser;
let page: Page;
let cluster: TestCluster | undefined;
/** A study whose runs take long (held, then cancelled), and a quick one (run to the end). */
let slowId: number;
let quickId: number;
let pageErrors: string[] = [];

/** The text of every grid cell's Slurm line. */
async function cellTasks(): Promise<string[]> {
  return page.getByTestId('grid-cell-slurm').allTextContents();
}

async function waitForCells(what: string, check: (texts: string[]) => boolean, ms = 60_000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const texts = await cellTasks();
    if (texts.length && check(texts)) return texts;
    if (Date.now() > until) throw new Error(`The grid cells never showed ${what}: ${JSON.stringify(texts)}`);
    await page.waitForTimeout(250);
  }
}

describe.skipIf(!hasChromium)('a study on Slurm in the browser', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    if (!noCluster) {
      cluster = await startCluster({ cpus: 2 });
      // The core runs in this process: its sbatch, squeue and scancel talk to the test cluster.
      process.env.SLURM_CONF = cluster.conf;
    }
    app = await startApp();
    const ds = await importGenerated(app, 'shapes', { classes: 4, perClass: 10, size: 32, seed: 3 });
    const base = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 2, batchSize: 16, backend: 'wasm' as const, threads: 1, seed: 4 };
    const axes = [{ key: 'activation' as const, values: ['relu' as const, 'tanh' as const] }];
    slowId = (await app.ws.createStudy({ name: 'slow on slurm', datasetId: ds.datasetId, base: { ...base, epochs: 2000 }, axes })).id;
    quickId = (await app.ws.createStudy({ name: 'quick on slurm', datasetId: ds.datasetId, base, axes })).id;
    ({ browser, page, pageErrors } = await openApp(null));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await cluster?.stop();
    delete process.env.SLURM_CONF;
  });

  async function openStudy(id: number): Promise<void> {
    await page.goto(app.server.url);
    await page.getByTestId('nav-studies').click();
    await page.getByTestId(`open-study-${id}`).click();
    await page.locator(`[data-testid=study-slurm][data-study-id="${id}"]`).waitFor();
  }

  /** Fills the dialog's settings and submits; waits until it closes. */
  async function submit(settings: Readonly<Record<string, string>>): Promise<void> {
    const dialog = page.getByTestId('slurm-dialog');
    for (const [k, v] of Object.entries(settings)) await dialog.getByTestId(`slurm-${k}`).fill(v);
    await dialog.getByTestId('slurm-submit').click();
    try {
      await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
    } catch (e) {
      // Say what the dialog showed (a refusal from the core, a disabled button), not only that it stayed.
      await shot(page, 'slurm-submit-stuck');
      const text = (await dialog.innerText().catch(() => '')).replace(/\s+/g, ' ');
      throw new Error(`The Slurm dialog stayed open after Submit: ${text}`, { cause: e });
    }
  }

  it('says why it cannot run on Slurm where sbatch is missing', async () => {
    const saved = process.env.PATH;
    // The core looks sbatch up on its PATH: an empty one has none.
    process.env.PATH = path.join(app.home, 'no-such-bin');
    try {
      await openStudy(slowId);
      const button = page.getByTestId('slurm-run');
      await page.locator('[data-testid=slurm-run][data-unavailable]').waitFor();
      expect(await button.isDisabled()).toBe(true);
      expect(await button.textContent()).toMatch(/Slurm not available/);
      expect(await button.getAttribute('data-unavailable')).toBe('sbatch is not installed on this machine (Slurm commands not on PATH)');
      expect(await page.getByTestId('study-slurm').textContent()).toContain('sbatch is not installed on this machine');
      await shot(page, 'slurm-01-unavailable');
    } finally {
      process.env.PATH = saved;
    }
  });

  describe.skipIf(noCluster !== null)(`on the one-node test cluster${noCluster ? ` (skipped: ${noCluster})` : ''}`, () => {
    it('checks before submitting, refuses a bad setting at its field, and submits the cells as one job array', async () => {
      await openStudy(slowId);
      await page.getByTestId('slurm-run').click();
      const dialog = page.getByTestId('slurm-dialog');
      await dialog.waitFor();
      // The home is under /tmp: the nodes of a real cluster would not see the bundles.
      await dialog.getByTestId('slurm-warnings').filter({ hasText: /The bundles folder .* is (under \/tmp|on a tmpfs filesystem)/ }).waitFor();
      expect(await dialog.getByTestId('slurm-problems').count()).toBe(0);
      expect(await dialog.textContent()).toMatch(/2 cells will be submitted/);
      await dialog.getByTestId('slurm-partition').fill(cluster!.partition);
      // Two CPUs per task on a two-CPU node: one task runs, the other waits in the queue.
      await dialog.getByTestId('slurm-cpus').fill('2');
      await dialog.getByTestId('slurm-time').fill('10:00');
      await dialog.getByTestId('slurm-mem').fill('lots');
      await dialog.getByTestId('slurm-submit').click();
      await dialog.locator('#slurm-mem-error', { hasText: 'Memory: must be a size such as 8G or 16000M' }).waitFor();
      await shot(page, 'slurm-02-dialog');
      await submit({ mem: '' });
      expect(await page.getByTestId('slurm-submitted').textContent()).toMatch(/Submitted array job \d+: 2 tasks\. Their job script is .*job-1\.sh\./);
    }, 120_000);

    it('shows each cell on the scheduler, holds and releases the waiting task, cancels them all', async () => {
      const seen = await waitForCells('one task running on the node and one queued', (t) => t.some((x) => x === `running on ${cluster!.node}`) && t.some((x) => /^queued \(job \d+_\d\)$/.test(x)));
      expect(seen).toHaveLength(2);
      expect(await page.getByTestId('slurm-count-running').textContent()).toBe('1 running');
      await shot(page, 'slurm-03-running');
      await page.getByTestId('slurm-hold').click();
      await page.locator('[data-testid=study-slurm][data-held=true]').waitFor();
      await waitForCells('the waiting task held', (t) => t.some((x) => /^held \(job \d+_\d\)$/.test(x)));
      await page.getByTestId('slurm-release').click();
      await page.locator('[data-testid=study-slurm][data-held=false]').waitFor();
      await page.getByTestId('slurm-cancel').click();
      await page.getByTestId('slurm-cancel-confirm').click();
      await waitForCells('both tasks cancelled', (t) => t.length === 2 && t.every((x) => x === 'cancelled'));
      expect(await page.locator('[data-testid=study-slurm]').getAttribute('data-open-tasks')).toBe('0');
      await shot(page, 'slurm-04-cancelled');
      // The dialog opens with the settings the study was submitted with.
      await page.getByTestId('slurm-run').click();
      const dialog = page.getByTestId('slurm-dialog');
      await dialog.waitFor();
      expect(await dialog.getByTestId('slurm-partition').inputValue()).toBe(cluster!.partition);
      expect(await dialog.getByTestId('slurm-cpus').inputValue()).toBe('2');
      expect(await dialog.getByTestId('slurm-time').inputValue()).toBe('10:00');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }, 180_000);

    it('shows why tasks failed, retries them, and runs the study to the end: the cells end done with their numbers', async () => {
      await openStudy(quickId);
      await page.getByTestId('slurm-run').click();
      // A node-side command that exits at once: every task fails, with the scheduler's reason.
      await submit({ partition: cluster!.partition, cpus: '1', bloombenchCmd: '/bin/false' });
      await waitForCells('both tasks failed with a reason', (t) => t.length === 2 && t.every((x) => /^failed \(.+\)$/.test(x)), 120_000);
      await shot(page, 'slurm-05-failed');
      // Retry failed resubmits them with the same settings: they fail again, in a second submission.
      await page.getByTestId('slurm-retry').click();
      await page.getByTestId('study-slurm').filter({ hasText: /array job \d+ · 2 submissions/ }).waitFor({ timeout: 60_000 });
      // The grid may still show the first submission's failures: the second's have ended once no task is open.
      await page.locator('[data-testid=study-slurm][data-open-tasks="0"]').waitFor({ timeout: 120_000 });
      await waitForCells('both retried tasks failed', (t) => t.length === 2 && t.every((x) => /^failed/.test(x)), 120_000);
      // From the dialog, with the command fixed.
      await page.getByTestId('slurm-run').click();
      const dialog = page.getByTestId('slurm-dialog');
      expect(await dialog.getByTestId('slurm-bloombenchCmd').inputValue()).toBe('/bin/false');
      expect(await dialog.getByTestId('slurm-nothing').textContent()).toBe('Nothing to submit but the failed cells: tick the box above to resubmit them.');
      expect(await dialog.getByTestId('slurm-submit').isDisabled()).toBe(true);
      await dialog.getByTestId('slurm-retry-failed').check();
      expect(await dialog.textContent()).toMatch(/2 cells will be submitted/);
      expect(await dialog.getByTestId('slurm-nothing').count()).toBe(0);
      await submit({ bloombenchCmd: '' });
      await waitForCells('both cells done', (t) => t.length === 2 && t.every((x) => x === 'done'), 240_000);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=grid-cell]')].filter((c) => c.getAttribute('data-mean')).length === 2, undefined, { timeout: 30_000 });
      for (const text of await page.getByTestId('grid-cell').allTextContents()) expect(text).toMatch(/\d+\.\d%/);
      expect(await page.getByTestId('slurm-count-done').textContent()).toBe('2 done');
      await shot(page, 'slurm-06-done');
      expect(pageErrors).toEqual([]);
    }, 300_000);
  });
});
