/**
 * Formatting only the renderer needs: local dates and error messages. Numbers read through
 * shared/format.ts, the same as in the terminal and the reports.
 */

/** Epoch milliseconds → a local date and time. */
export function when(ms: number | null | undefined): string {
  if (!ms) return '—';
  const d = new Date(ms);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === today.toDateString()) return `today ${time}`;
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** An error's message, for showing where it happened (in the app's language when the core sent it by reference). */
export { errorText } from '../i18n/i18n.svelte';
