/**
 * The live charts' header numbers: an epoch's value, or the smoothed curve, never the last
 * (often partial) batch.
 */
import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../shared/types';
import { headline } from '../../renderer/src/features/live/headline';

const epoch = (e: number, over: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch: e,
  trainLoss: 1.1,
  trainAccuracy: 0.55,
  valLoss: 1.2,
  valAccuracy: 0.57,
  learningRate: 0.001,
  seconds: 10,
  imagesPerSecond: 100,
  ...over,
});

describe('live chart headlines', () => {
  // 2,568 images in batches of 32: 80 full batches and one of 8; the smoothed curve ends near 0.5
  // while the last batch (8 images, all wrong) read 0 %.
  const steps = 81;
  const smoothed: [number, number][] = Array.from({ length: 2 * steps }, (_, i) => [i + 1, 0.5]);

  it('a finished run shows its last epoch: train and validation, never the last batch', () => {
    const h = headline('accuracy', { smoothed, epochs: [epoch(1), epoch(2, { trainAccuracy: 0.6, valAccuracy: 0.57 })], stepsPerEpoch: steps, active: false });
    expect(h).toEqual({ train: 0.6, source: 'epoch', val: 0.57, epoch: 2 });
    const loss = headline('loss', { smoothed, epochs: [epoch(2, { trainLoss: 0.9, valLoss: 1.05 })], stepsPerEpoch: steps, active: false });
    expect(loss).toMatchObject({ train: 0.9, val: 1.05, source: 'epoch' });
  });

  it('at an epoch boundary of a training run, the epoch; once the next epoch has batches, the smoothed value beside the last validation', () => {
    const atBoundary = headline('loss', { smoothed: smoothed.slice(0, steps), epochs: [epoch(1)], stepsPerEpoch: steps, active: true });
    expect(atBoundary).toMatchObject({ source: 'epoch', train: 1.1, val: 1.2, epoch: 1 });
    const next = headline('loss', { smoothed: smoothed.slice(0, steps + 3), epochs: [epoch(1)], stepsPerEpoch: steps, active: true });
    expect(next).toMatchObject({ source: 'smoothed', train: 0.5, val: 1.2, epoch: 1 });
  });

  it('during the first epoch, the smoothed value; before any batch, nothing', () => {
    expect(headline('accuracy', { smoothed: smoothed.slice(0, 10), epochs: [], stepsPerEpoch: steps, active: true })).toEqual({ train: 0.5, source: 'smoothed', val: null, epoch: null });
    expect(headline('accuracy', { smoothed: [], epochs: [], stepsPerEpoch: 0, active: true })).toEqual({ train: null, source: null, val: null, epoch: null });
  });

  it('a run without validation shows its training value alone', () => {
    const h = headline('accuracy', { smoothed, epochs: [epoch(2, { valAccuracy: null, valLoss: null })], stepsPerEpoch: steps, active: false });
    expect(h).toMatchObject({ train: 0.55, val: null, source: 'epoch' });
  });
});
