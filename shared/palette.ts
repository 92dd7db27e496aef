/**
 * Series colours: one per run or group, in a fixed order, distinguishable in light and dark
 * themes; the screen's charts and the reports' SVG charts both draw with them.
 */
export const SERIES_COLORS = ['#2563eb', '#e11d48', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'] as const;

/** The colour of the `i`-th series (the list repeats after ten). */
export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length];
}
