/**
 * The desktop app's system notification when a run ends (issue 14 item 13).
 */
import { describe, expect, it } from 'vitest';
import { runEndNotice } from '../../renderer/src/state/notices';

const RUN = { id: 7, name: 'lenet A' };

describe('run-end notifications', () => {
  it('say how a run ended, with its test accuracy or its error', () => {
    expect(runEndNotice(RUN, 'completed', 0.81, null, false)).toEqual({ title: 'Run #7 finished', body: 'lenet A · test accuracy 81.0%' });
    expect(runEndNotice(RUN, 'failed', null, 'The loss became NaN', false)).toEqual({ title: 'Run #7 failed', body: 'lenet A: The loss became NaN' });
    expect(runEndNotice(RUN, 'interrupted', null, null, false)?.title).toBe('Run #7 was interrupted');
  });

  it('stay quiet for a run the user stopped, a run still going, and while the app has the focus', () => {
    expect(runEndNotice(RUN, 'cancelled', null, null, false)).toBeNull();
    expect(runEndNotice(RUN, 'running', null, null, false)).toBeNull();
    expect(runEndNotice(RUN, 'completed', 0.81, null, true)).toBeNull();
  });
});
