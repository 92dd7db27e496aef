/**
 * A study's time left keeps moving while its last run trains (it froze at "≈ 13 s left": the
 * mean run time × runs left changes only when a run ends).
 */
import { describe, expect, it } from 'vitest';
import { studyTimeLeft } from '../../renderer/src/features/studies/study';

const T0 = 1_000_000;

describe("a study's time left", () => {
  it('counts the training run down by its own ETA as time passes', () => {
    const at = (nowMs: number): number | null => studyTimeLeft({ perRunSeconds: 13, waiting: 0, active: { startedMs: T0, etaSeconds: 20, etaAtMs: T0 + 5_000 }, nowMs });
    expect(at(T0 + 5_000)).toBe(20);
    expect(at(T0 + 10_000)).toBe(15);
    expect(at(T0 + 40_000)).toBe(0);
  });

  it('without an ETA from the run, counts the mean run down from its start', () => {
    const at = (nowMs: number): number | null => studyTimeLeft({ perRunSeconds: 13, waiting: 2, active: { startedMs: T0, etaSeconds: null, etaAtMs: null }, nowMs });
    expect(at(T0)).toBe(13 + 26);
    expect(at(T0 + 3_000)).toBe(10 + 26);
  });

  it('before any run finished, the training run sets the pace for the ones waiting', () => {
    // 30 s in, 90 s to go: runs of 120 s; three more wait.
    expect(studyTimeLeft({ perRunSeconds: null, waiting: 3, active: { startedMs: T0, etaSeconds: 90, etaAtMs: T0 + 30_000 }, nowMs: T0 + 30_000 })).toBe(90 + 360);
    expect(studyTimeLeft({ perRunSeconds: null, waiting: 3, active: null, nowMs: T0 })).toBeNull();
  });

  it('with nothing training, the mean run times the runs waiting', () => {
    expect(studyTimeLeft({ perRunSeconds: 13, waiting: 4, active: null, nowMs: T0 })).toBe(52);
  });
});
