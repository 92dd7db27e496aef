/**
 * What the desktop app's system notification says when a run ends.
 */
import type { RunStatus } from '../../../shared/types';
import { percent } from '../../../shared/format';
import { t } from '../i18n/i18n.svelte';

/** A system notification: a title and a line. */
export interface Notice {
  readonly title: string;
  readonly body: string;
}

/**
 * The notice for a run that reached `status`; null for a run the user stopped (they know) and
 * for a run that has not ended, and while the user looks at the app (`focused`: the view says it).
 */
export function runEndNotice(run: { readonly id: number; readonly name: string }, status: RunStatus, testAccuracy: number | null, error: string | null, focused: boolean): Notice | null {
  if (focused) return null;
  const who = run.name || `#${run.id}`;
  switch (status) {
    case 'completed':
      return { title: t('notice.finished', { id: String(run.id) }), body: testAccuracy !== null ? t('notice.tested', { name: who, accuracy: percent(testAccuracy) }) : who };
    case 'failed':
      return { title: t('notice.failed', { id: String(run.id) }), body: error ? `${who}: ${error.slice(0, 300)}` : who };
    case 'interrupted':
      return { title: t('notice.interrupted', { id: String(run.id) }), body: t('notice.resume', { name: who }) };
    default:
      return null;
  }
}
