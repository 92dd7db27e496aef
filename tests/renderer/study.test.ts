/// <reference types="svelte" />
/**
 * The Studies view's helpers: what the axis editor turns typed values into, how many runs a
 * grid expands to, and how grid numbers read.
 */
import { describe, expect, it } from 'vitest';
import { axisInput, axisValues, exportFileName, heat, parseAugmentCombo, parseNumberList, presetSchedule, runCount, shortLabel } from '../../renderer/src/features/studies/study';

describe('axis values', () => {
  it('turns the classic step presets into absolute rates at the base learning rate', () => {
    expect(presetSchedule('step-2:1:1', 0.001)).toEqual({ kind: 'step', rates: [0.001, 0.0001, 0.00001], ratios: [2, 1, 1] });
    expect(presetSchedule('step-5:4:1', 0.1)).toEqual({ kind: 'step', rates: [0.1, 0.01, 0.001], ratios: [5, 4, 1] });
    expect(presetSchedule('cosine', 0.1)).toEqual({ kind: 'cosine', minLr: 0 });
    expect(presetSchedule('constant', 0.1)).toEqual({ kind: 'constant' });
  });

  it('reads step schedules by their ratios', () => {
    expect(shortLabel('step:0.001,0.0001,0.00001@2:1:1')).toBe('step 2:1:1');
    expect(shortLabel('tanh · step:0.1,0.01@3:1')).toBe('tanh · step 3:1');
    expect(shortLabel('cosine')).toBe('cosine');
  });

  it('parses number lists and augmentation combinations, naming what is wrong', () => {
    expect(parseNumberList('0.01, 0.001 1e-4')).toEqual([0.01, 0.001, 0.0001]);
    expect(() => parseNumberList('16, 3x')).toThrow(/3x/);
    expect(() => parseNumberList('16, 2.5', { integer: true })).toThrow(/whole/);
    const known = ['flip', 'pad-crop', 'color'];
    expect(parseAugmentCombo('none', known)).toEqual([]);
    expect(parseAugmentCombo('flip+pad-crop', known)).toEqual(['flip', 'pad-crop']);
    expect(() => parseAugmentCombo('flip+zoom', known)).toThrow(/zoom/);
  });

  it('counts the runs of a grid', () => {
    expect(runCount([3, 2], 1)).toBe(6);
    expect(runCount([3, 2], 3)).toBe(18);
    expect(runCount([], 2)).toBe(2);
  });
});

describe('axis drafts', () => {
  it('ticks choices, types numbers, whole ones where the setting is a count', () => {
    expect(axisInput('activation', [])).toMatchObject({ kind: 'choice', options: expect.arrayContaining(['relu', 'tanh']) });
    expect(axisInput('arch', ['lenet5', 'vgg11'])).toEqual({ kind: 'choice', options: ['lenet5', 'vgg11'] });
    expect(axisInput('epochs', [])).toMatchObject({ kind: 'numbers', integer: true });
    expect(axisInput('threads', [])).toMatchObject({ kind: 'numbers', integer: true, placeholder: '1, 2' });
    expect(axisInput('lr', [])).toMatchObject({ kind: 'numbers', integer: false });
  });

  it('reads a draft into values, or says why not', () => {
    expect(axisValues({ id: 1, key: 'epochs', picked: [], text: '2, 4' }, 0.01, [])).toEqual({ values: [2, 4], error: null });
    expect(axisValues({ id: 1, key: 'epochs', picked: [], text: '2.5' }, 0.01, []).error).toMatch(/not a whole number/);
    expect(axisValues({ id: 1, key: 'batchNorm', picked: ['on', 'off'], text: '' }, 0.01, []).values).toEqual([true, false]);
    expect(axisValues({ id: 1, key: 'schedule', picked: ['step-2:1:1'], text: 'cosine' }, 0.1, []).values).toEqual([
      { kind: 'step', rates: [0.1, 0.01, 0.001], ratios: [2, 1, 1] },
      { kind: 'cosine', minLr: 0 },
    ]);
    expect(axisValues({ id: 1, key: 'lr', picked: [], text: '' }, 0.01, []).error).toMatch(/at least one value/);
    expect(axisValues({ id: 1, key: 'lr', picked: [], text: '0.1 0.1' }, 0.01, []).error).toMatch(/listed twice/);
  });
});

describe('grid numbers', () => {
  it('colours the best mean strongest, whichever direction is better', () => {
    expect(heat(0.9, 0.5, 0.9, true)).toBe(1);
    expect(heat(0.5, 0.5, 0.9, true)).toBe(0);
    expect(heat(0.2, 0.2, 1.0, false)).toBe(1);
    expect(heat(0.7, 0.7, 0.7, true)).toBe(1);
    expect(heat(null, 0, 1, true)).toBe(0);
  });

  it('names export files safely', () => {
    expect(exportFileName('activation × schedule', 'md')).toBe('activation-schedule.md');
    expect(exportFileName('///', 'csv')).toBe('study.csv');
  });
});
