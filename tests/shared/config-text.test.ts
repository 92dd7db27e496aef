/**
 * A config in words: the one function the run panel, the settings diff, a study's summary,
 * `bloombench show` and the study report all print a configuration with.
 */
import { describe, expect, it } from 'vitest';
import { runReport } from '../../main/cli/format';
import { axisValueLabel } from '../../main/studies/plan';
import { DEFAULT_CONFIG, parseSchedule, type TrainConfig } from '../../shared/config';
import { configText, MODEL_SETTINGS, SETTINGS, settingPhrase, settingValue } from '../../shared/config-text';
import { STUDY_AXIS_KEYS } from '../../shared/contract/studies';
import type { RunDetail } from '../../shared/types';

const config: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', inputSize: 32, width: 1, epochs: 4, schedule: parseSchedule('step:0.01,0.001@3:1'), batchNorm: false };

describe('config text', () => {
  it('names every setting once, in the order of TrainConfig', () => {
    expect(SETTINGS).toEqual(Object.keys(DEFAULT_CONFIG));
    for (const k of SETTINGS) expect(settingPhrase(config, k), k).not.toBe('');
  });

  it('shows a value as the study axes label it', () => {
    expect(settingValue('schedule', config.schedule)).toBe('step:0.01,0.001@3:1');
    expect(settingValue('augment', [])).toBe('none');
    expect(settingValue('augment', ['flip', 'pad-crop'])).toBe('flip+pad-crop');
    expect(settingValue('batchNorm', true)).toBe('on');
    expect(settingValue('lr', 0.001)).toBe('0.001');
    for (const k of STUDY_AXIS_KEYS) expect(axisValueLabel(k, config[k])).toBe(settingValue(k, config[k]));
  });

  it('writes a summary line that leaves out what a study varies', () => {
    expect(configText(config)).toBe('lenet5 · 32 px · width ×1 · 4 epochs · batch 32 · adam · lr 1e-3 · relu · no batch-norm · post-activation · step:0.01,0.001@3:1 · flip+resized-crop');
    expect(configText(config, { omit: ['lr', 'schedule'], settings: ['arch', 'lr', 'schedule', 'epochs'] })).toBe('lenet5 · 4 epochs');
    expect(configText({ ...config, optimizer: 'nesterov', momentum: 0.95 }, { settings: ['optimizer'] })).toBe('nesterov 0.95');
  });

  it('is what `bloombench show` prints', () => {
    const run = { id: 1, name: 'r', status: 'completed', error: null, datasetName: 'd', datasetId: 1, config, trainableParams: 1000, macs: 2000, backendInfo: null, epochs: [], diagnostics: [], predictions: [], test: null, bestEpoch: null } as unknown as RunDetail;
    expect(runReport(run)).toContain(`model     ${configText(config, { settings: MODEL_SETTINGS, separator: ', ' })}; `);
  });
});

describe('config text in Korean', () => {
  it('writes the summary line as Korean courses do, keeping model and setting ids', () => {
    const line = configText(config, { locale: 'ko' });
    expect(line).toBe('lenet5 · 32 px · 너비 ×1 · 4 에폭 · 배치 32 · adam · 학습률 1e-3 · relu · 배치 정규화 없음 · 사후 활성화 · 계단식 0.01,0.001 (3:1) · flip+resized-crop');
    expect(settingPhrase({ ...config, augment: [] }, 'augment', 'ko')).toBe('증강 없음');
    expect(settingPhrase({ ...config, earlyStopping: 3 }, 'earlyStopping', 'ko')).toBe('조기 종료 (3 에폭)');
    expect(settingPhrase({ ...config, pretrained: 'imagenet' }, 'pretrained', 'ko')).toBe('ImageNet 가중치에서 시작');
    expect(settingValue('batchNorm', true, 'ko')).toBe('사용');
    expect(settingValue('schedule', parseSchedule('cosine'), 'ko')).toBe('코사인');
    // Every phrase has a Korean form that is not the English one, but for ids and numbers.
    for (const k of SETTINGS) expect(settingPhrase(config, k, 'ko'), k).not.toBe('');
  });
});
