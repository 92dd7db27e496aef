/**
 * Colours read from the page's theme (series colours are shared/palette.ts).
 */

/** Reads a CSS custom property from the document (for chart axes and grid lines). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
