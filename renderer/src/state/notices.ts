/**
 * What the desktop app's system notification says when a run ends.
 */
import type { RunStatus } from '../../../shared/types';
import { percent } from '../../../shared/format';

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
      return { title: `Run #${run.id} finished`, body: testAccuracy !== null ? `${who} · test accuracy ${percent(testAccuracy)}` : who };
    case 'failed':
      return { title: `Run #${run.id} failed`, body: error ? `${who}: ${error.slice(0, 300)}` : who };
    case 'interrupted':
      return { title: `Run #${run.id} was interrupted`, body: `${who}: resume it from Runs.` };
    default:
      return null;
  }
}
