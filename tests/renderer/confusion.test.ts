/**
 * The confusion matrix's shading (hits and mistakes in two hues) and its arrow-key moves.
 */
import { describe, expect, it } from 'vitest';
import { cellShade, moveCell } from '../../renderer/src/features/evaluation/confusion';

// Dandelions mostly called daisies: 57 mistakes beside 44 hits (the flowers run that misled).
const M = [
  [60, 3, 0],
  [57, 44, 2],
  [0, 1, 70],
];

describe('confusion matrix shading', () => {
  it('shades hits and mistakes as two kinds, each by its count', () => {
    expect(cellShade(M, 1, 1, false)).toEqual({ kind: 'hit', strength: 44 / 70 });
    expect(cellShade(M, 1, 0, false)).toEqual({ kind: 'miss', strength: 57 / 70 });
    expect(cellShade(M, 0, 2, false)).toEqual({ kind: 'empty', strength: 0 });
  });

  it('in row percentages, scales by the row', () => {
    expect(cellShade(M, 1, 0, true).strength).toBeCloseTo(57 / 103, 12);
    expect(cellShade(M, 1, 1, true)).toMatchObject({ kind: 'hit' });
  });
});

describe('confusion matrix keys', () => {
  it('arrows move one cell and stop at the edges; Home and End go to the row ends', () => {
    expect(moveCell({ t: 0, p: 0 }, 'ArrowRight', 3)).toEqual({ t: 0, p: 1 });
    expect(moveCell({ t: 0, p: 0 }, 'ArrowDown', 3)).toEqual({ t: 1, p: 0 });
    expect(moveCell({ t: 0, p: 0 }, 'ArrowUp', 3)).toEqual({ t: 0, p: 0 });
    expect(moveCell({ t: 2, p: 2 }, 'ArrowRight', 3)).toEqual({ t: 2, p: 2 });
    expect(moveCell({ t: 1, p: 1 }, 'Home', 3)).toEqual({ t: 1, p: 0 });
    expect(moveCell({ t: 1, p: 1 }, 'End', 3)).toEqual({ t: 1, p: 2 });
    expect(moveCell({ t: 1, p: 1 }, 'a', 3)).toBeNull();
  });
});
