/// <reference lib="dom" />
/**
 * Pretrained weights in a real browser against a real server and core, with a weights mirror
 * on 127.0.0.1 that holds its answers part-way (tests/fixtures/weights-server.ts):
 *
 * - the new-run form's "Start from": ImageNet refused, with the reason, for an architecture
 *   torchvision has no weights for; picking it sets what the weights fix, and each setting
 *   changed against them is named at its field; a weights file must be named and exist;
 * - a run from ImageNet whose file is not there shows the download's progress in the run's
 *   view, then the core's message (the URL, the folder) when the download fails;
 * - the weights panel downloads a file with a progress bar, and shows the same message.
 *
 * The mirror's bytes cannot carry torchvision's SHA-256 (their names hold its first digits),
 * so every download here ends with the checksum refusal; a download that succeeds is covered
 * where a state dict is read (tests/cli/weights.test.ts, tests/weights/).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeightsServer, type WeightsServer } from '../fixtures/weights-server';
import { ensureRendererBuilt, hasChromium, importGenerated, openApp, shot, startApp, type App } from './harness';

const SIZE = 3 * 1024 * 1024;
const HOLD = 1024 * 1024;
let app: App;
let browser: Browser;
let page: Page;
let mirror: WeightsServer;
let pageErrors: string[] = [];

async function fill(testid: string, value: string): Promise<void> {
  await page.getByTestId(testid).fill(value);
}

describe.skipIf(!hasChromium)('pretrained weights in the browser', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    mirror = await startWeightsServer({ size: SIZE, holdAfter: HOLD });
    // The core runs in this process: its downloads go to the mirror.
    process.env.BLOOMBENCH_WEIGHTS_URL = mirror.url;
    app = await startApp();
    await importGenerated(app, 'shapes', { classes: ['circle', 'square', 'star'], perClass: 10, size: 32, seed: 5 });
    ({ browser, page, pageErrors } = await openApp(null));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await mirror?.close();
    delete process.env.BLOOMBENCH_WEIGHTS_URL;
  });

  it('offers ImageNet only where torchvision has weights, and checks the settings they fix', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('arch-googlenet').click();
    expect(await page.getByTestId('start-imagenet').isDisabled()).toBe(true);
    expect(await page.getByTestId('start-file').isDisabled()).toBe(true);
    expect(await page.getByTestId('no-imagenet-reason').textContent()).toMatch(/No ImageNet weights for googlenet: its "5×5" branches .*use googlenet_tv/);

    await page.getByTestId('arch-resnet18').click();
    await fill('f-width', '0.5');
    await page.getByTestId('start-imagenet').check();
    // Picking ImageNet sets what the weights fix.
    expect(await page.getByTestId('f-width').inputValue()).toBe('1');
    expect(await page.locator('#f-act').inputValue()).toBe('relu');
    expect(await page.getByTestId('f-batchnorm').isChecked()).toBe(true);
    expect(await page.getByTestId('weights-status').textContent()).toMatch(/torchvision ResNet-18 V1 · ImageNet top-1 69\.8%.*Not downloaded yet/s);
    // Changed against them, each is named at its field, with the shared limits' wording.
    await fill('f-width', '0.5');
    await page.locator('#f-width-error', { hasText: 'Width multiplier must be 1 with pretrained weights (got 0.5): the pretrained torchvision ResNet-18 V1 weights fix it' }).waitFor();
    await page.locator('#f-act').selectOption('tanh');
    await page.locator('#f-act-error', { hasText: 'Activation must be relu with pretrained weights' }).waitFor();
    await fill('f-width', '1');
    await page.locator('#f-act').selectOption('relu');
    await page.getByTestId('f-freeze').selectOption('backbone');
    await fill('f-epochs', '2');
    await fill('f-unfreeze', '2');
    await page.locator('#f-unfreeze-error', { hasText: 'Unfreeze after must be less than the 2 epochs' }).waitFor();
    await fill('f-unfreeze', '1');
    await fill('f-backbone-lr', '0');
    await page.locator('#f-backbone-lr-error', { hasText: 'Backbone learning-rate factor must be greater than 0' }).waitFor();
    await fill('f-backbone-lr', '0.1');
    await page.getByTestId('start-from').scrollIntoViewIfNeeded();
    await shot(page, 'weights-01-start-from-imagenet');

    // A weights file: it must be named, and the core says when it is not there.
    await fill('f-input', '32');
    await fill('f-batch', '8');
    await page.getByTestId('start-file').check();
    await page.getByTestId('start-run').click();
    await page.locator('#f-weights-file-error', { hasText: 'Name the weights file' }).waitFor();
    await fill('f-weights-file', path.join(app.home, 'nope.pth'));
    await page.getByTestId('start-run').click();
    await page.getByTestId('start-error').filter({ hasText: /the weights file .*nope\.pth does not exist/ }).waitFor();
    await shot(page, 'weights-02-file-missing');
  }, 120_000);

  it('starts a run from a weights file: the run says what it started from, and fails naming a file that is no state dict', async () => {
    const file = path.join(app.home, 'mine.pth');
    fs.writeFileSync(file, 'not a state dict');
    await fill('f-weights-file', file);
    await page.getByTestId('start-run').click();
    await page.getByTestId('live-run').waitFor();
    await page.getByTestId('live-start').filter({ hasText: /^from mine\.pth( \(sha256 [0-9a-f]{8}…\))?$/ }).waitFor();
    await page.locator('[data-testid=live-run][data-status=failed]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('run-error').textContent()).toContain('mine.pth');
    expect(await page.getByTestId('live-start').textContent()).toMatch(/^from mine\.pth \(sha256 [0-9a-f]{8}…\)$/);
  }, 180_000);

  it('shows the ImageNet download in the run view, then what to do when it fails', async () => {
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('start-imagenet').check();
    await fill('f-name', 'resnet18 from imagenet');
    await page.getByTestId('start-run').click();
    await page.getByTestId('live-run').waitFor();
    expect(await page.getByTestId('live-start').textContent()).toBe('from ImageNet');
    const bar = page.locator(`[data-testid=weights-progress][data-arch=resnet18][data-received="${HOLD}"]`);
    await bar.waitFor({ timeout: 60_000 });
    expect(await bar.getAttribute('data-total')).toBe(String(SIZE));
    expect(await bar.textContent()).toMatch(/Downloading the ImageNet weights of resnet18… 1\.0 MB of 3\.1 MB \(33%\)/);
    await shot(page, 'weights-03-run-downloading');
    mirror.release();
    await page.locator('[data-testid=live-run][data-status=failed]').waitFor({ timeout: 60_000 });
    const error = (await page.getByTestId('run-error').textContent()) ?? '';
    expect(error).toMatch(/Could not download the ImageNet weights of resnet18 \(torchvision ResNet-18 V1\) from http:\/\/127\.0\.0\.1:\d+\/resnet18-f37072fd\.pth: the file's SHA-256 is/);
    expect(error).toContain('https://download.pytorch.org/models/resnet18-f37072fd.pth');
    expect(error).toContain(path.join(app.home, 'store', 'weights'));
    expect(await page.getByTestId('weights-progress').count()).toBe(0);
    await shot(page, 'weights-04-run-download-failed');
    // The run's panel says what it was to start from.
    await page.getByTestId('nav-runs').click();
    await page.getByRole('button', { name: /resnet18 from imagenet/ }).first().click();
    expect(await page.getByTestId('run-start').textContent()).toMatch(/^from ImageNet/);
  }, 180_000);

  it('downloads from the weights panel with a progress bar, and shows the core\'s message', async () => {
    mirror.hold();
    await page.getByTestId('nav-new-run').click();
    const panel = page.getByTestId('weights-panel');
    await panel.locator('summary').click();
    const row = panel.locator('[data-testid=weights-row][data-arch=resnet34]');
    expect(await row.getAttribute('data-on-disk')).toBe('false');
    await row.getByTestId('weights-download').click();
    const bar = row.locator(`[data-testid=weights-progress][data-received="${HOLD}"]`);
    await bar.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('weights-download').isDisabled()).toBe(true);
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'weights-05-panel-downloading');
    mirror.release();
    const error = panel.locator('[data-testid=weights-row-error][data-arch=resnet34]');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/Could not download the ImageNet weights of resnet34 .*https:\/\/download\.pytorch\.org\/models\/resnet34-b627a593\.pth/s);
    // The run's failed download of resnet18 is listed too.
    expect(await panel.locator('[data-testid=weights-row-error][data-arch=resnet18]').count()).toBe(1);
    expect(await row.getByTestId('weights-download').isDisabled()).toBe(false);
    await error.scrollIntoViewIfNeeded();
    await shot(page, 'weights-06-panel-failed');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
