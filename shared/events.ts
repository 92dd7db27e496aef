/**
 * Events a training run emits: the worker sends them to the core, the core stores them and
 * forwards them to every view (IPC, server-sent events, the terminal progress bar).
 */
import type { BackendInfo, Diagnostic, EpochMetrics, Evaluation, RunStatus } from './types';

export type RunEvent =
  | {
      readonly kind: 'started';
      readonly runId: number;
      readonly backend: BackendInfo;
      readonly trainableParams: number;
      readonly totalParams: number;
      readonly macs: number;
      readonly stepsPerEpoch: number;
      readonly epochs: number;
      /** First epoch this process trains (greater than 1 when resumed). */
      readonly startEpoch: number;
    }
  | {
      readonly kind: 'batch';
      readonly runId: number;
      readonly epoch: number;
      /** Batch within the epoch, from 1. */
      readonly batch: number;
      /** Global step, from 1. */
      readonly step: number;
      readonly loss: number;
      readonly accuracy: number;
      readonly learningRate: number;
      readonly imagesPerSecond: number;
      /** Estimated seconds left in the whole run. */
      readonly etaSeconds: number;
    }
  | { readonly kind: 'epoch-end'; readonly runId: number; readonly metrics: EpochMetrics; readonly best: boolean }
  | { readonly kind: 'diagnostic'; readonly runId: number; readonly diagnostic: Diagnostic }
  | { readonly kind: 'checkpoint'; readonly runId: number; readonly epoch: number; readonly which: 'last' | 'best'; readonly dir: string }
  | {
      readonly kind: 'evaluation';
      readonly runId: number;
      readonly evaluation: Evaluation;
      /** Per test image: [imageId, trueIndex, predictedIndex, ...probabilities]. */
      readonly predictions: readonly { readonly imageId: number; readonly trueIndex: number; readonly probabilities: readonly number[] }[];
    }
  | { readonly kind: 'status'; readonly runId: number; readonly status: RunStatus; readonly error: string | null }
  | { readonly kind: 'log'; readonly runId: number; readonly level: 'info' | 'warn'; readonly message: string };

export type RunEventKind = RunEvent['kind'];
