/**
 * Where a cell's Slurm task stands, in words: "queued (job 12_0)", "running on node-3",
 * "failed (TIMEOUT)".
 */
import type { SlurmCellStatus } from '@shared/contract/slurm';
import { t } from '../../i18n/i18n.svelte';

/** One task's state as a grid cell and the cell's run list show it. */
export function slurmCellText(s: SlurmCellStatus): string {
  switch (s.state) {
    case 'queued':
      return t('slurm.cell.queued', { job: s.jobId });
    case 'held':
      return t('slurm.cell.held', { job: s.jobId });
    case 'running':
      return s.node ? t('slurm.cell.running', { node: s.node }) : t('slurm.cell.runningNoNode', { job: s.jobId });
    case 'collecting':
      return t('slurm.cell.collecting');
    case 'done':
      return t('slurm.cell.done');
    case 'failed':
      return s.reason ? t('slurm.cell.failed', { reason: s.reason }) : t('slurm.cell.failedNoReason');
    case 'cancelled':
      return t('slurm.cell.cancelled');
  }
}
