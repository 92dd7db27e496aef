/**
 * How numbers read on the screen, in the terminal and in the reports: one formatter, so a loss
 * has the same decimals in the grid, the Markdown export and the HTML report.
 */
import { describe, expect, it } from 'vitest';
import { cellText } from '../../main/studies/export';
import type { GridCell } from '../../shared/contract/studies';
import { compact, formatMeanStd, formatSpread, formatValue } from '../../shared/format';

describe('compact', () => {
  it('keeps the zeros of whole numbers', () => {
    expect(compact(100e6)).toBe('100 M');
    expect(compact(99.96e6)).toBe('100 M');
    expect(compact(200e3)).toBe('200 k');
    expect(compact(10e9)).toBe('10 G');
  });
  it('rounds as before', () => {
    expect(compact(11689512)).toBe('11.7 M');
    expect(compact(431080)).toBe('431 k');
    expect(compact(1.5e6)).toBe('1.5 M');
    expect(compact(512)).toBe('512');
  });
  it('moves up a unit when rounding reaches 1000', () => {
    expect(compact(999_960)).toBe('1 M');
    expect(compact(999_960_000)).toBe('1 G');
  });
});

describe('metric values', () => {
  it('prints a value and its spread in the metric’s unit', () => {
    expect(formatValue(0.8734, 'fraction')).toBe('87.3%');
    expect(formatSpread(0.012, 'fraction')).toBe('1.2');
    expect(formatValue(0.51234, 'loss')).toBe('0.5123');
    expect(formatValue(75, 'seconds')).toBe('1 min 15 s');
    expect(formatValue(312.4, 'rate')).toBe('312/s');
    expect(formatValue(null, 'fraction')).toBe('—');
    expect(formatValue(Number.NaN, { unit: 'loss' })).toBe('—');
    expect(formatSpread(null, 'loss')).toBeNull();
  });

  it('prints mean ± std with the unit once', () => {
    expect(formatMeanStd({ mean: 0.842, std: 0.013 }, 'fraction')).toBe('84.2 ± 1.3%');
    expect(formatMeanStd({ mean: 0.43121, std: 0.01234 }, 'loss')).toBe('0.4312 ± 0.0123');
    expect(formatMeanStd({ mean: 1500, std: 20 }, 'rate')).toBe('1.5 k ± 20/s');
    expect(formatMeanStd({ mean: 0.9, std: null }, 'fraction')).toBe('90.0%');
    expect(formatMeanStd({ mean: null, std: null }, 'loss')).toBe('—');
  });

  it('gives the exported cell the screen’s digits', () => {
    const cell: GridCell = { mean: 0.43121, std: 0.01234, min: 0.42, max: 0.44, n: 2, pending: 0, best: false, ci95: null, winner: false, runs: [] };
    expect(cellText(cell, { label: 'validation loss', higherIsBetter: false, unit: 'loss' })).toBe(`${formatValue(0.43121, 'loss')} ± ${formatSpread(0.01234, 'loss')}`);
  });
});
