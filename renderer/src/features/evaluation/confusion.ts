/**
 * How the confusion matrix is shaded and walked with the keyboard.
 *
 * Hits (the diagonal) and mistakes (off it) get two hues, as the HTML report has them
 * (main/studies/report.ts): one scale for both made a large mistake cell look like a good
 * diagonal one.
 */

/** A cell's shade: its hue and how strong it is (0..1). */
export interface CellShade {
  readonly kind: 'hit' | 'miss' | 'empty';
  readonly strength: number;
}

/**
 * The shade of cell (t, p): counts scale by the largest cell, row percentages by the row.
 */
export function cellShade(matrix: readonly (readonly number[])[], t: number, p: number, normalised: boolean): CellShade {
  const n = matrix[t]?.[p] ?? 0;
  if (n === 0) return { kind: 'empty', strength: 0 };
  const scale = normalised ? (matrix[t] ?? []).reduce((a, b) => a + b, 0) : Math.max(1, ...matrix.flat());
  return { kind: t === p ? 'hit' : 'miss', strength: scale > 0 ? n / scale : 0 };
}

/** Where an arrow key (or Home / End) moves the focus in a k × k matrix; null for other keys. */
export function moveCell(at: { readonly t: number; readonly p: number }, key: string, k: number): { t: number; p: number } | null {
  const clamp = (x: number): number => Math.max(0, Math.min(k - 1, x));
  switch (key) {
    case 'ArrowUp':
      return { t: clamp(at.t - 1), p: at.p };
    case 'ArrowDown':
      return { t: clamp(at.t + 1), p: at.p };
    case 'ArrowLeft':
      return { t: at.t, p: clamp(at.p - 1) };
    case 'ArrowRight':
      return { t: at.t, p: clamp(at.p + 1) };
    case 'Home':
      return { t: at.t, p: 0 };
    case 'End':
      return { t: at.t, p: k - 1 };
    default:
      return null;
  }
}
