import { describe, expect, it } from 'vitest';
import { AUGMENTATION_INFO, AUGMENTATIONS, DEFAULT_CONFIG, formatSchedule, learningRateAt, parseSchedule, stepIndex } from '../../shared/config';
import { readStoredConfig, storedConfigSchema, trainConfigSchema } from '../../shared/contract/config';
import { sharedText } from '../../shared/i18n/messages';

describe('learning-rate schedules', () => {
  it('step 0.1/0.01/0.001 over 2:1:1 of 12 epochs switches after epochs 6 and 9', () => {
    const cfg = { ...DEFAULT_CONFIG, epochs: 12, warmupEpochs: 0, schedule: parseSchedule('step:0.1,0.01,0.001@2:1:1') };
    const perEpoch = Array.from({ length: 12 }, (_, e) => learningRateAt(cfg, e));
    expect(perEpoch).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001]);
  });

  it('step 5:3:2 and 5:4:1 of 10 epochs', () => {
    expect(Array.from({ length: 10 }, (_, e) => stepIndex([5, 3, 2], 10, e))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    expect(Array.from({ length: 10 }, (_, e) => stepIndex([5, 4, 1], 10, e))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 2]);
  });

  it('cosine goes from lr to minLr through the midpoint', () => {
    const cfg = { ...DEFAULT_CONFIG, lr: 0.1, epochs: 10, warmupEpochs: 0, schedule: parseSchedule('cosine:0.001') };
    expect(learningRateAt(cfg, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(cfg, 5)).toBeCloseTo((0.1 + 0.001) / 2, 12);
    expect(learningRateAt(cfg, 10)).toBeCloseTo(0.001, 12);
  });

  it('warm-up rises linearly from lr/10 to lr', () => {
    const cfg = { ...DEFAULT_CONFIG, lr: 0.1, epochs: 10, warmupEpochs: 2, schedule: { kind: 'constant' as const } };
    expect(learningRateAt(cfg, 0)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(cfg, 1)).toBeCloseTo(0.055, 12);
    expect(learningRateAt(cfg, 2)).toBeCloseTo(0.1, 12);
  });

  it('parses and formats schedules, refusing bad ones with the reason', () => {
    for (const s of ['constant', 'cosine', 'cosine:0.001', 'step:0.1,0.01@1:1']) expect(formatSchedule(parseSchedule(s))).toBe(s);
    expect(() => parseSchedule('step:0.1,0.01@1')).toThrow(/2 rates but 1 ratios/);
    expect(() => parseSchedule('step:-1@1')).toThrow(/positive/);
    expect(() => parseSchedule('exponential')).toThrow(/not one of/);
  });
});

describe('stored configs', () => {
  it('reads an old "crop" as the random-resized crop it was, and keeps the names of today', () => {
    const old = { ...DEFAULT_CONFIG, augment: ['flip', 'crop'] };
    expect(readStoredConfig(JSON.stringify(old)).augment).toEqual(['flip', 'resized-crop']);
    expect(readStoredConfig(JSON.stringify({ ...DEFAULT_CONFIG, augment: ['crop', 'resized-crop', 'pad-crop'] })).augment).toEqual(['resized-crop', 'pad-crop']);
    expect(readStoredConfig(JSON.stringify({ ...DEFAULT_CONFIG, augment: [] })).augment).toEqual([]);
    // A new config must name its crop.
    expect(trainConfigSchema.safeParse(old).success).toBe(false);
    expect(trainConfigSchema.safeParse({ ...DEFAULT_CONFIG, augment: ['pad-crop'] }).success).toBe(true);
    // A job an older core wrote (a run bundle waiting on a cluster) reads the old name too.
    expect(storedConfigSchema.parse(old).augment).toEqual(['flip', 'resized-crop']);
    // The catalogue's English is the same line (the Korean beside it is the translation).
    for (const a of AUGMENTATIONS) expect(sharedText('en')(`augmentInfo.${a}`)).toBe(AUGMENTATION_INFO[a]);
  });
});
