/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The journey in Korean: Chromium with the locale ko-KR against a real server and core. Every
 * view is opened (datasets and the import report, new run, a run trained live, runs, compare,
 * evaluation, studies, the HTML report), a screenshot of each goes to tests/artifacts/ko-*.png,
 * and no English UI text may be left on any of them: the words in Latin letters are user data
 * (dataset, class and run names, paths), model and setting ids, units and names of libraries.
 * The language switch changes the page without a reload and is remembered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, DEFAULT_CONFIG, LAYER_ORDERS, OPTIMIZERS } from '../../shared/config';
import { buildReportHtml } from '../../main/studies/report';
import { REFERENCE_MACHINE } from '../../main/core/reference-speeds';
import { makeImageFolder, makeMessyFolder } from '../fixtures/images';
import { ARTIFACTS, ensureRendererBuilt, hasChromium, launchChromium, shot, startApp, type App } from './harness';
import { seedRun } from './seed';

let app: App;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
/** Latin words the screens may show: what the test made (names, paths) and what the zoo calls its models. */
const allowed = new Set<string>();
/** Per screen, the English words found on it. */
const leftovers: Record<string, string[]> = {};

/** Words in Latin letters that are not English UI text: ids, units, names of libraries and formats. */
const NOT_ENGLISH =
  /^(Bloombench|SGD|Adam|AdamW|RMSprop|ReLU|LeakyReLU|ELU|ImageNet|HTTP|URL|JPEG|PNG|HEIC|BMP|GIF|WebP|TIFF|AVIF|CSV|HTML|JSON|Markdown|PDF|MACs?|GPU|CPU|CUDA|WebGPU|SIMD|wasm|px|ln|NaN|id|sha256|Slurm|tfjs|tfjs-node(-gpu)?|TensorFlow|torchvision|PyTorch|ECE|MCE|McNemar|Guo|ceil|fire|study-N|Vulkan|Debian|Ubuntu|VK_ICD_FILENAMES|Metal|Direct3D|Dawn|SwiftShader|llvmpipe|[\w-]+_\d+\.(png|jpe?g)|RGB|BN|ETA|top-k|step|cosine|constant|none|scratch|auto|post|pre|val_accuracy|val_loss|[A-Z]{1,3}|[a-z]|[A-Za-z]+-?\d+[A-Za-z\d_-]*|[a-z]+(_[a-z]+)+|tensorflow(-gpu)?|cpu|sgd|momentum|nesterov|adam|adamw|rmsprop|flip|crop|rotate|color|blur|cutout|dropout)$/;

/** Every Latin word the page shows (text and the attributes a person meets: titles, labels, placeholders). */
async function latinWords(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const seen: string[] = [];
    // What a person sees: not hidden, not inside a closed disclosure.
    const visible = (el: Element): boolean => el.checkVisibility({ checkVisibilityCSS: true, contentVisibilityAuto: true }) && !el.closest('details:not([open]) > :not(summary)');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('code, .mono, canvas, svg, [data-i18n-skip]') || !visible(el)) continue;
      seen.push(n.textContent ?? '');
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], img[alt]')) {
      if (el.closest('[data-i18n-skip]')) continue;
      for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) seen.push(v);
      }
    }
    for (const o of document.querySelectorAll('select option')) seen.push(o.textContent ?? '');
    return seen.join(' ').match(/[A-Za-z][A-Za-z0-9_'.-]*[A-Za-z0-9]|[A-Za-z]/g) ?? [];
  });
}

/** Looks at a screen: a screenshot, then the English words on it kept for the last test. */
async function look(name: string): Promise<void> {
  await page.waitForTimeout(300);
  await shot(page, `ko-${name}`);
  const words = (await latinWords(page)).map((w) => w.replace(/[.']+$/, ''));
  const english = [...new Set(words.filter((w) => !NOT_ENGLISH.test(w) && !allowed.has(w) && !allowed.has(w.toLowerCase())))];
  if (english.length) leftovers[name] = english;
}

/** Registers every Latin word of a piece of user data as allowed. */
function allow(...texts: readonly string[]): void {
  for (const t of texts) for (const w of t.match(/[A-Za-z][A-Za-z0-9_'.-]*[A-Za-z0-9]|[A-Za-z]/g) ?? []) allowed.add(w);
}

describe.skipIf(!hasChromium)('the workstation in Korean', () => {
  let flowers: string;
  let trainedRunId = 0;

  beforeAll(async () => {
    ensureRendererBuilt();
    app = await startApp();
    flowers = path.join(app.home, 'flowers');
    await makeImageFolder(flowers, { classes: ['daisy', 'rose', 'tulip', '해바라기'], perClass: 24, size: 32, seed: 7 });
    const messy = await makeMessyFolder(path.join(app.home, 'messy-src'));
    await app.ws.importDataset(messy.root);
    allow(app.home, flowers, messy.root, 'flowers', 'messy', 'messy-src', 'daisy', 'rose', 'tulip', 'cats', 'dogs', 'birds', 'fish', 'no-such-folder');
    // The switch names each language in itself; file names keep their extensions.
    allow('English', 'jpg', 'jpeg', 'png', 'bmp', 'gif', 'txt', 'webp', 'tif', 'tiff');
    for (const r of messy.rejected) allow(r.path);
    for (const d of messy.duplicates) allow(...d.paths);
    for (const m of await app.ws.listModels()) allow(m.id, m.title, m.family, m.reference);
    allow(...ACTIVATIONS, ...OPTIMIZERS, ...AUGMENTATIONS, ...LAYER_ORDERS, ...BACKENDS);
    // The machine's processor, as the report names it.
    allow(os.cpus()[0]?.model ?? '', REFERENCE_MACHINE.cpuModel); // this CPU, and the bench's reference one (time estimates)
    const backend = await app.ws.backendReport();
    allow(backend.selected.description, ...backend.selected.unavailable.map((u) => u.name));
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('starts in Korean, from the browser language, with <html lang="ko">', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('import-path').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ko');
    expect(await page.locator('.topbar h1').textContent()).toBe('데이터셋');
    expect(await page.getByTestId('nav-runs').textContent()).toContain('실행 목록');
  });

  it('imports a folder and shows its report in Korean; the messy folder says why each file was left out', async () => {
    await page.getByTestId('import-path').fill(path.join(app.home, 'no-such-folder'));
    await page.getByTestId('import-submit').click();
    const error = page.getByTestId('import-error');
    await error.waitFor();
    // The core's message by reference: in Korean, naming the folder.
    expect(await error.textContent()).toMatch(/no-such-folder 폴더가 없습니다/);
    await look('datasets-error');
    await page.getByTestId('import-path').fill(flowers);
    await page.getByTestId('import-submit').click();
    await page.locator('[data-testid=import-report] h2', { hasText: 'flowers' }).waitFor({ timeout: 60_000 });
    const report = (await page.getByTestId('import-report').textContent()) ?? '';
    expect(report).toContain('클래스 분포');
    expect(report).toContain('해바라기');
    await look('datasets-report');
    await page.getByRole('button', { name: /^messy/ }).click();
    await page.locator('[data-testid=import-report] h2', { hasText: 'messy' }).waitFor();
    const messy = (await page.getByTestId('import-report').textContent()) ?? '';
    expect(messy).toMatch(/이미지가 아닙니다|잘려 있습니다|빈 파일입니다/);
    await page.locator('[data-testid=rejected-table]').scrollIntoViewIfNeeded();
    await look('datasets-rejected');
    await page.getByRole('button', { name: /^flowers/ }).click();
  }, 120_000);

  it('checks the new-run form in Korean, then trains a run and watches it live', async () => {
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('arch-lenet5').waitFor({ timeout: 60_000 });
    await page.getByTestId('arch-lenet5').click();
    await page.getByTestId('f-batch').fill('0');
    await page.locator('#f-batch-error', { hasText: '배치 크기는 1 이상이어야 합니다' }).waitFor();
    await page.getByTestId('f-batch').fill('16');
    await page.getByTestId('f-epochs').fill('2');
    await page.getByTestId('f-input').fill('32');
    await page.getByTestId('f-name').fill('lenet 한국어');
    allow('lenet');
    await look('new-run');
    await page.getByTestId('scroll').evaluate((el) => el.scrollTo(0, 10_000));
    await look('new-run-settings');
    await page.getByTestId('start-run').click();
    await page.getByTestId('live-run').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-loss]')?.getAttribute('data-points')) > 0, null, { timeout: 120_000 });
    await look('live-training');
    await page.waitForSelector('[data-testid=live-run][data-status=completed]', { timeout: 240_000 });
    await look('live-done');
    trainedRunId = (await app.ws.listRuns()).find((r) => r.name === 'lenet 한국어')!.id;
  }, 300_000);

  it('shows the runs, a comparison and the evaluation in Korean', async () => {
    const ds = (await app.ws.listDatasets()).find((d) => d.name === 'flowers')!;
    seedRun(app.ws, ds.id, { name: 'resnet18 비교', config: { arch: 'resnet18', lr: 0.01 }, epochs: [{}, {}, {}] });
    allow('resnet18');
    // Written behind the core's back: the page learns of it by loading again.
    await page.reload();
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 2);
    for (const box of await page.getByTestId('run-select').all()) await box.check();
    await look('runs');
    await page.locator('[data-testid=run-row]', { hasText: 'lenet 한국어' }).click();
    await page.getByTestId('run-panel').waitFor();
    await look('runs-panel');
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('compare-summary').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=compare-accuracy]')?.getAttribute('data-points')) >= 2);
    await look('compare');
    await page.getByTestId('scroll').evaluate((el) => el.scrollTo(0, 10_000));
    await look('compare-more');
    await page.getByTestId('nav-evaluation').click();
    await page.getByTestId('confusion-matrix').waitFor();
    await page.getByTestId('eval-run-picker').selectOption(String(trainedRunId));
    await page.getByTestId('confusion-matrix').waitFor();
    await look('evaluation');
    await page.getByTestId('tab-mistakes').click();
    await look('evaluation-mistakes');
    await page.getByTestId('per-class').scrollIntoViewIfNeeded();
    await look('evaluation-per-class');
  }, 120_000);

  it('runs a small study and shows its pages in Korean', async () => {
    const ds = (await app.ws.listDatasets()).find((d) => d.name === 'flowers')!;
    const study = await app.ws.createStudy({
      name: 'activation-study',
      datasetId: ds.id,
      base: { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 1, batchSize: 16 },
      axes: [{ key: 'activation', values: ['relu', 'tanh'] }],
    });
    allow('activation-study');
    await app.ws.runStudy(study.id);
    await expect.poll(async () => (await app.ws.getStudy(study.id)).state, { timeout: 240_000, interval: 1000 }).toBe('finished');
    await page.getByTestId('nav-studies').click();
    await page.getByTestId('studies-list').waitFor();
    await look('studies');
    await page.getByTestId(`open-study-${study.id}`).click();
    await page.getByTestId('study-page').waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=grid-cell]')].filter((c) => c.getAttribute('data-mean')).length === 2, null, { timeout: 30_000 });
    await look('study-grid');
    for (const tab of ['curves', 'failures', 'diff', 'runs']) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForTimeout(800);
      await look(`study-${tab}`);
    }
    await page.getByTestId('studies-back').click();
    await page.getByTestId('new-study').click();
    await page.getByTestId('study-form').waitFor();
    await look('study-form');

    // The HTML report of the same study, in Korean.
    const html = await buildReportHtml(app.ws, { studyId: study.id }, { locale: 'ko' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'ko-report.html');
    fs.writeFileSync(file, html);
    const reportPage = await context.newPage();
    await reportPage.goto(`file://${file}`);
    expect(await reportPage.evaluate(() => document.documentElement.lang)).toBe('ko');
    await reportPage.screenshot({ path: path.join(ARTIFACTS, 'ko-report.png'), fullPage: true });
    const words = (await latinWords(reportPage)).filter((w) => !NOT_ENGLISH.test(w) && !allowed.has(w));
    if (words.length) leftovers.report = [...new Set(words)];
    await reportPage.close();
  }, 300_000);

  it('switches to English and back without a reload, and remembers the choice', async () => {
    await page.getByTestId('nav-datasets').click();
    await page.evaluate(() => ((window as unknown as { keep: number }).keep = 42));
    await page.getByTestId('locale-select').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('.topbar h1').textContent()).toBe('Datasets');
    expect(await page.getByTestId('nav-studies').textContent()).toContain('Studies');
    // The same page: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { keep?: number }).keep)).toBe(42);
    await shot(page, 'ko-switched-to-english');
    // Remembered: a reload, and a new tab of the same origin, open in English.
    await page.reload();
    await page.getByTestId('nav-datasets').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.getByTestId('nav-datasets').textContent()).toContain('Datasets');
    const tab = await context.newPage();
    await tab.goto(app.server.url);
    await tab.getByTestId('nav-datasets').waitFor();
    expect(await tab.getByTestId('nav-datasets').textContent()).toContain('Datasets');
    await tab.close();
    // Back to the system's language.
    await page.getByTestId('locale-select').selectOption('system');
    await page.waitForFunction(() => document.documentElement.lang === 'ko');
    expect(await page.getByTestId('nav-datasets').textContent()).toContain('데이터셋');
  });

  it('leaves no English UI text on any screen, and no error in the page', () => {
    expect(leftovers).toEqual({});
    expect(pageErrors).toEqual([]);
  });
});
