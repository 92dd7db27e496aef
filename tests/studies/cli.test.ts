/**
 * The study command line: `--vary` parsing, and the study and report commands on a store whose
 * runs are written directly (no training), in a separate process as a user would run them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli/index';
import { parseVary, splitValues } from '../../main/cli/study';
import { Workstation } from '../../main/core/workstation';
import { parseApiArgs } from '../../shared/contract/api-schemas';
import { openStore } from '../../main/store/db';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import { makeImageFolder } from '../fixtures/images';
import { addFinishedRun } from './fixtures';

const run = promisify(execFile);

describe('--vary', () => {
  it('splits on commas, keeps a step schedule whole, and on | when asked', () => {
    expect(splitValues('activation', 'relu, tanh,')).toEqual(['relu', 'tanh']);
    expect(splitValues('schedule', 'constant,cosine:1e-5,step:0.1,0.01,0.001@2:1:1')).toEqual(['constant', 'cosine:1e-5', 'step:0.1,0.01,0.001@2:1:1']);
    expect(splitValues('augment', 'none|flip,pad-crop')).toEqual(['none', 'flip,pad-crop']);
  });

  it('parses values by the train option rules into a typed axis', () => {
    expect(parseVary('activation=relu,tanh')).toEqual({ key: 'activation', values: ['relu', 'tanh'] });
    expect(parseVary('batch-size=16,32')).toEqual({ key: 'batchSize', values: [16, 32] });
    expect(parseVary('batchNorm=on,off')).toEqual({ key: 'batchNorm', values: [true, false] });
    expect(parseVary('augment=none,flip,flip+pad-crop')).toEqual({ key: 'augment', values: [[], ['flip'], ['flip', 'pad-crop']] });
    expect(() => parseVary('augment=none,flip+crop')).toThrow(/"crop" is two augmentations now — resized-crop .* or pad-crop/);
    expect(parseVary('schedule=constant,step:0.1,0.01@1:1')).toEqual({
      key: 'schedule',
      values: [{ kind: 'constant' }, { kind: 'step', rates: [0.1, 0.01], ratios: [1, 1] }],
    });
  });

  it('refuses unknown settings, the seed, and bad values, naming the setting', () => {
    expect(() => parseVary('activation')).toThrow(/SETTING=V1,V2/);
    expect(() => parseVary('seed=1,2')).toThrow(/--seeds/);
    expect(() => parseVary('colour=red')).toThrow(/not a setting/);
    expect(() => parseVary('activation=relu,gelu')).toThrow(/--vary activation: "gelu" is not one of/);
    expect(() => parseVary('epochs=2,two')).toThrow(/--vary epochs: "two" is not a number/);
  });
});

describe('study API validation', () => {
  const base: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5' };
  it('accepts a well-formed study and refuses values wrong for their setting', () => {
    const [spec] = parseApiArgs('createStudy', [{ datasetId: 1, base, axes: [{ key: 'lr', values: [0.1, 0.01] }], repeats: 2 }]);
    expect(spec.axes[0]).toEqual({ key: 'lr', values: [0.1, 0.01] });
    expect(() => parseApiArgs('createStudy', [{ datasetId: 1, base, axes: [{ key: 'activation', values: ['relu', 'gelu'] }] }])).toThrow(/args\[0\]\.axes\[0\]\.values\[1\]/);
    expect(() => parseApiArgs('createStudy', [{ datasetId: 1, base, axes: [{ key: 'seed', values: [1] }] }])).toThrow(/axes\[0\]\.key/);
    expect(() => parseApiArgs('studyGrid', [1, { metric: 'f1' }])).toThrow(/metric/);
    expect(parseApiArgs('failuresAcrossRuns', [{ runIds: [1, 2] }, null])).toEqual([{ runIds: [1, 2] }]);
    expect(() => parseApiArgs('runStudy', [1, { retryFailed: true, extra: 1 }])).toThrow(/extra|Unrecognized/);
  });
});

describe('bloombench study and report', () => {
  let home: string;
  let studyId: number;
  /** A real `bloombench` process (slow to start: tsx and tfjs load each time). */
  const cliProcess = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'main', 'cli', 'index.ts'), '--home', path.join(home, 'store'), ...args], { encoding: 'utf8' });
  /** The same command in this process, its standard output captured. */
  const cli = async (...args: string[]): Promise<{ stdout: string }> => {
    let stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    try {
      const code = await main(['--home', path.join(home, 'store'), ...args]);
      expect(code).toBe(0);
      return { stdout };
    } finally {
      spy.mockRestore();
    }
  };

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-study-cli-'));
    const folder = await makeImageFolder(path.join(home, 'flowers'), { classes: ['daisy', 'rose', 'tulip'], perClass: 20, size: 48 });
    const ws = new Workstation(openStore(path.join(home, 'store')), { recover: false });
    try {
      const ds = await ws.importDataset(folder.root, 'flowers');
      const test = await ws.listImages(ds.datasetId, { split: 'test' });
      const base: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, epochs: 2, batchSize: 8, backend: 'wasm' };
      const study = await ws.studies.createStudy({ name: 'act-sched', datasetId: ds.datasetId, base, axes: [{ key: 'activation', values: ['relu', 'tanh'] }, { key: 'schedule', values: [{ kind: 'constant' }, { kind: 'cosine', minLr: 0 }] }] });
      studyId = study.id;
      // Three of four cells "trained": each gets one more test image wrong than the last.
      study.cells.slice(0, 3).forEach((cell, i) => {
        const config = { ...base, activation: cell.labels[0] as TrainConfig['activation'], schedule: i === 1 ? { kind: 'cosine' as const, minLr: 0 } : { kind: 'constant' as const } };
        const preds = test.map((img, j) => [img.id, img.classIndex, j <= i ? (img.classIndex + 1) % 3 : img.classIndex, 0.8] as const);
        const id = addFinishedRun(ws.queue.runs, ds.datasetId, config, ['daisy', 'rose', 'tulip'], [{ valAccuracy: 0.5 + i / 10, trainLoss: 1 }, { valAccuracy: 0.4, trainLoss: 0.7 }], preds);
        ws.studies.db.link(study.id, id);
      });
    } finally {
      await ws.close();
    }
  });

  afterAll(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('shows the grid with the best cell marked, and exports CSV and Markdown', async () => {
    const { stdout } = await cli('study', 'show', 'act-sched', '--cells');
    expect(stdout).toContain('Study 1 "act-sched" on flowers (#1) — paused: 3/4 runs completed, 1 pending');
    expect(stdout).toMatch(/activation ↓ \/ schedule →\s+constant\s+cosine/);
    expect(stdout).toMatch(/relu\s+88\.9% \(n=1: #1\)\s/);
    // One seed per cell: the best mean is no winner.
    expect(stdout).not.toMatch(/\) ★/);
    expect(stdout).toMatch(/No clear winner with 1 seed: relu · constant \(88\.9%\) has the best mean/);
    expect(stdout).toContain('pending');
    const { stdout: md } = await cli('study', 'export', String(studyId), '-', '--format', 'md', '--metric', 'best_val_accuracy');
    expect(md).toContain('| relu | 50.0% (n=1: #1) | 60.0% (n=1: #2) |');
    expect(md).toContain('| tanh | 70.0% (n=1: #3) | pending |');
    expect(md).toContain('No clear winner with 1 seed');
    const csvFile = path.join(home, 'grid.csv');
    await cli('study', 'export', 'act-sched', csvFile);
    expect(fs.readFileSync(csvFile, 'utf8').split('\n')[0]).toBe('activation,schedule,metric,n,mean,std,min,max,run_ids,pending,best,ci95_lo,ci95_hi,winner');
    const { stdout: failures } = await cli('study', 'failures', 'act-sched', '--json');
    const f = JSON.parse(failures) as { allWrong: { count: number }; onlyOneRight: { count: number } };
    expect(f.allWrong.count).toBe(1);
    expect(f.onlyOneRight.count).toBe(1);
    await expect(cli('study', 'show', 'nope')).rejects.toThrow(/No study "nope". Known studies: act-sched \(id 1\)/);
  });

  it('writes a self-contained HTML report with the images embedded', async () => {
    const file = path.join(home, 'report.html');
    const { stdout } = await cliProcess('report', 'act-sched', file);
    expect(stdout).toMatch(/Wrote .*report\.html/);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('<h1>act-sched</h1>');
    expect(html).toMatch(/<td class="lead"><span class="v">88\.9%<\/span><br>/);
    expect(html).toContain('No clear winner with 1 seed');
    // Calibration per run and for the best and weakest run a reliability diagram; McNemar between the two best.
    expect(html).toContain('<th>ECE</th><th>top-k</th>');
    expect(html).toContain('<h2>Calibration</h2>');
    expect(html).toMatch(/<svg [^>]*aria-label="#1 relu · constant"/);
    expect(html).toMatch(/Is #1's lead over #2 real\? <small>McNemar's exact test on the same \d+ test images/);
    expect(html).toMatch(/Only #1 \(relu · constant\) is right on <b>1<\/b> images, only #2 \(relu · cosine\) on <b>0<\/b>: p = 1, within chance/);
    expect(html).toContain('<h3>Main effects');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
    expect(html).toMatch(/<img src="data:image\/jpeg;base64,[A-Za-z0-9+/]{100,}/);
    expect(html).toContain('Wrong in every run');
    expect(html).not.toMatch(/<script|<link|src="http|url\(http/);
    // Which crop the runs used is said, not only named.
    expect(html).toContain('Augmentations: <b>flip</b> — mirror left–right, half of the images; <b>resized-crop</b> — random-resized crop: a random 50–100% of the area (aspect 3:4 to 4:3) resized back to the input size.');
    expect(html).not.toContain('<b>pad-crop</b>');
    const runs = path.join(home, 'runs.html');
    await cli('report', '1', '3', runs);
    expect(fs.readFileSync(runs, 'utf8')).toContain('<h1>Runs #1, #3</h1>');
  });

  it('writes the report in Korean with --lang ko, and in the system language by default', async () => {
    const file = path.join(home, 'report-ko.html');
    await cliProcess('report', 'act-sched', file, '--lang', 'ko');
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('<html lang="ko">');
    for (const words of ['<h2>설정</h2>', '<h2>결과</h2>', '<h2>학습 곡선</h2>', '<h2>혼동 행렬</h2>', '<h2>실행 간 오분류</h2>', '모든 실행이 틀린 이미지', '뚜렷한 1위가 없습니다', '검증 정확도', '에폭']) expect(html).toContain(words);
    // No English sentence is left: the words between tags are Korean, numbers, ids and names (a command is code).
    const text = html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<code>[\s\S]*?<\/code>/g, ' ').replace(/<[^>]+>/g, ' ');
    expect(text.match(/.{0,40}\b(the|runs?|test images|Training|Setup|Results|seed|epoch|pending|completed|queued|running)\b.{0,40}/)?.[0] ?? null).toBeNull();
    // With no --lang, a Korean system locale gives Korean, an English one English.
    const env = (lang: string) => ({ ...process.env, LANGUAGE: '', LC_ALL: '', LC_MESSAGES: '', LANG: lang });
    const byEnv = async (lang: string, name: string): Promise<string> => {
      const out = path.join(home, name);
      await run(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'main', 'cli', 'index.ts'), '--home', path.join(home, 'store'), 'report', 'act-sched', out], { encoding: 'utf8', env: env(lang) });
      return fs.readFileSync(out, 'utf8');
    };
    expect(await byEnv('ko_KR.UTF-8', 'sys-ko.html')).toContain('<html lang="ko">');
    expect(await byEnv('en_US.UTF-8', 'sys-en.html')).toContain('<html lang="en">');
    await expect(cliProcess('report', 'act-sched', file, '--lang', 'fr')).rejects.toThrow(/--lang: "fr" is not one of en, ko/);
  });
});
