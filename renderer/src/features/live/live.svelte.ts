/**
 * The run being watched: batch and epoch series, progress, diagnostics, status.
 *
 * Batch events can arrive many times a second; points are buffered and appended twice a second,
 * and the progress numbers (epoch, batch, speed, ETA) are shown with them. Each flush redraws
 * three charts and the numbers: per batch, that kept the browser busy enough to slow training
 * on a two-core machine; at 5 Hz the page still took about 17% of a core, at 2 Hz about 10%
 * (headless Chromium, `npm run bench:ui`). A run can have 100,000 steps and more: the batch series are
 * append-only arrays (a flush adds to them rather than copying them; a `version` signal tells
 * the views), and the loss range is kept as points arrive rather than scanned.
 */
import type { Api } from '@shared/contract/api';
import type { RunEvent } from '@shared/contract/events';
import type { BackendInfo, Diagnostic, EpochMetrics, RunDetail, RunStatus } from '@shared/types';
import { errorText } from '../../lib/format';
import { smooth } from '../../lib/smooth';
import type { DatasetsState } from '../datasets/datasets.svelte';

export type Point = readonly [number, number];

export interface Progress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly stepsPerEpoch: number;
  readonly step: number;
  readonly etaSeconds: number | null;
  readonly imagesPerSecond: number | null;
  readonly learningRate: number | null;
}

const FLUSH_MS = 500;

/** The core preparing the run before its worker starts: images in the input-size cache so far. */
export interface Preparing {
  readonly inputSize: number;
  readonly done: number;
  readonly total: number;
}

/** The batch series of a run, as the views read them. */
export interface BatchSeries {
  readonly loss: readonly Point[];
  readonly accuracy: readonly Point[];
  readonly lr: readonly Point[];
  readonly lossSmooth: readonly Point[];
  readonly accuracySmooth: readonly Point[];
}

/** The batch series as this state keeps them: appended to in place, replaced as a whole only on watch and reload. */
type GrowingSeries = { readonly [K in keyof BatchSeries]: Point[] };

function emptySeries(): GrowingSeries {
  return { loss: [], accuracy: [], lr: [], lossSmooth: [], accuracySmooth: [] };
}

/** Smallest and largest positive finite value among `points`' y, widening `range`. */
function widen(range: { min: number; max: number }, points: readonly Point[]): { min: number; max: number } {
  let { min, max } = range;
  for (const [, y] of points) {
    if (!(y > 0) || !Number.isFinite(y)) continue;
    if (y < min) min = y;
    if (y > max) max = y;
  }
  return { min, max };
}

/**
 * Batches per epoch, as the trainer counts them (main/worker/trainer.ts): whole batches, and
 * a last partial one when it holds at least two images.
 */
export function stepsPerEpoch(trainImages: number, batchSize: number): number {
  if (!(batchSize > 0)) return 0;
  return Math.floor(trainImages / batchSize) + (trainImages % batchSize >= 2 ? 1 : 0);
}

/** The run being watched, fed by its events. */
export class LiveRunState {
  #runId = $state<number | null>(null);
  #detail = $state.raw<RunDetail | null>(null);
  #status = $state<RunStatus | null>(null);
  #error = $state<string | null>(null);
  #loadError = $state<string | null>(null);
  #backend = $state.raw<BackendInfo | null>(null);
  /** Not reactive itself: `#version` changes whenever these arrays do. */
  #series: GrowingSeries = emptySeries();
  #version = $state(0);
  /** Positive finite batch losses seen: smallest and largest. */
  #lossRange = { min: Infinity, max: -Infinity };
  #smoothState = { loss: { value: 0, n: 0 }, accuracy: { value: 0, n: 0 } };
  #epochs = $state.raw<readonly EpochMetrics[]>([]);
  #bestEpoch = $state<number | null>(null);
  #diagnostics = $state.raw<readonly Diagnostic[]>([]);
  #progress = $state.raw<Progress | null>(null);
  /** The latest progress; `#progress` (what the view shows) catches up at the next flush. */
  #latest: Progress | null = null;
  #log = $state.raw<readonly { level: 'info' | 'warn'; message: string }[]>([]);
  #cancelling = $state(false);
  #preparing = $state.raw<Preparing | null>(null);

  /** Points received but not yet shown. */
  #pending: { loss: Point[]; accuracy: Point[]; lr: Point[] } = { loss: [], accuracy: [], lr: [] };
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;

  constructor(
    private readonly api: Api,
    private readonly datasets?: DatasetsState,
  ) {}

  get runId(): number | null {
    return this.#runId;
  }
  get detail(): RunDetail | null {
    return this.#detail;
  }
  get status(): RunStatus | null {
    return this.#status;
  }
  /** True while the watched run is queued or training. */
  get isActive(): boolean {
    return this.#status === 'running' || this.#status === 'queued';
  }
  get error(): string | null {
    return this.#error;
  }
  get loadError(): string | null {
    return this.#loadError;
  }
  get backend(): BackendInfo | null {
    return this.#backend;
  }
  /**
   * The batch series: loss, accuracy, their smoothed curves (exponential moving average) and
   * the learning rate. While a run trains the same arrays grow (a reader that must see a change
   * compares lengths, not identities); watching another run or reloading gives new arrays.
   */
  get series(): BatchSeries {
    void this.#version;
    return this.#series;
  }
  /** The smallest and largest positive finite batch loss (Infinity, -Infinity when none). */
  get lossRange(): { readonly min: number; readonly max: number } {
    void this.#version;
    return this.#lossRange;
  }
  get epochs(): readonly EpochMetrics[] {
    return this.#epochs;
  }
  /** The epoch whose weights are kept (the best on the monitored metric so far). */
  get bestEpoch(): number | null {
    return this.#bestEpoch;
  }
  get diagnostics(): readonly Diagnostic[] {
    return this.#diagnostics;
  }
  get progress(): Progress | null {
    return this.#progress;
  }
  get log(): readonly { level: 'info' | 'warn'; message: string }[] {
    return this.#log;
  }
  get cancelling(): boolean {
    return this.#cancelling;
  }
  /** The cache being built for this run (until its worker starts), or null. */
  get preparing(): Preparing | null {
    return this.#preparing;
  }
  /** Fraction of the run done, 0..1. */
  get fraction(): number {
    const p = this.#progress;
    if (!p || p.epochs === 0 || p.stepsPerEpoch === 0) return this.#status === 'completed' ? 1 : 0;
    return Math.min(1, p.step / (p.epochs * p.stepsPerEpoch));
  }

  /** Starts watching a run: loads what it has so far, then follows its events. */
  watch(runId: number): void {
    if (this.#runId === runId) return;
    this.#runId = runId;
    this.#generation++;
    this.#detail = null;
    this.#status = null;
    this.#error = null;
    this.#loadError = null;
    this.#backend = null;
    this.#series = emptySeries();
    this.#lossRange = { min: Infinity, max: -Infinity };
    this.#version++;
    this.#smoothState = { loss: { value: 0, n: 0 }, accuracy: { value: 0, n: 0 } };
    this.#epochs = [];
    this.#bestEpoch = null;
    this.#diagnostics = [];
    this.setProgress(null);
    this.#log = [];
    this.#preparing = null;
    this.#pending = { loss: [], accuracy: [], lr: [] };
    void this.reload();
  }

  /** Reloads the run's history from the store (the events then keep it current). */
  async reload(): Promise<void> {
    const id = this.#runId;
    if (id === null) return;
    const gen = this.#generation;
    try {
      const [detail, series] = await Promise.all([this.api.getRun(id), this.api.runSeries(id, ['batch_loss', 'batch_accuracy', 'batch_lr'])]);
      if (gen !== this.#generation) return;
      this.#detail = detail;
      this.#status = detail.status;
      this.#error = detail.error;
      this.#backend = detail.backendInfo;
      this.#epochs = detail.epochs;
      this.#bestEpoch = detail.bestEpoch;
      this.#diagnostics = detail.diagnostics;
      // Keep any live points newer than what the store returned.
      const merge = (stored: readonly Point[] | undefined, live: readonly Point[]): Point[] => {
        const s = (stored ?? []) as Point[];
        const last = s.length ? s[s.length - 1][0] : -Infinity;
        // The stored array (fresh from the transport) is kept and appended to, not copied.
        for (const p of live) if (p[0] > last) s.push(p);
        return s;
      };
      const batches = this.#series;
      const lossPoints = merge(series.batch_loss, batches.loss);
      const accuracyPoints = merge(series.batch_accuracy, batches.accuracy);
      const loss = smooth(lossPoints, { value: 0, n: 0 });
      const accuracy = smooth(accuracyPoints, { value: 0, n: 0 });
      this.#series = { loss: lossPoints, accuracy: accuracyPoints, lr: merge(series.batch_lr, batches.lr), lossSmooth: loss.points, accuracySmooth: accuracy.points };
      this.#lossRange = widen({ min: Infinity, max: -Infinity }, lossPoints);
      this.#smoothState = { loss: loss.state, accuracy: accuracy.state };
      this.#version++;
      const last = detail.epochs.at(-1) ?? null;
      const done = last?.epoch ?? 0;
      const storedLoss = this.#series.loss;
      const steps = storedLoss.length ? storedLoss[storedLoss.length - 1][0] : 0;
      // Opened mid-run, the stored steps include the epoch under way: count epochs from the
      // dataset's training split rather than dividing by the finished ones.
      const train = this.datasets?.list.value.find((d) => d.id === detail.datasetId)?.split.train;
      const perEpoch = train !== undefined ? stepsPerEpoch(train, detail.config.batchSize) : done > 0 ? Math.round(steps / done) : 0;
      const p = this.#latest;
      if (p) {
        // A batch event that came in before this load guessed the totals; the run knows them.
        this.setProgress({ ...p, epochs: detail.config.epochs, stepsPerEpoch: perEpoch || p.stepsPerEpoch });
      } else if (detail.epochs.length > 0 || storedLoss.length > 0) {
        const inEpoch = perEpoch > 0 ? steps - done * perEpoch : 0;
        const midEpoch = inEpoch > 0 && inEpoch < perEpoch;
        this.setProgress({
          epoch: midEpoch ? done + 1 : Math.max(done, 1),
          epochs: detail.config.epochs,
          batch: midEpoch ? inEpoch : perEpoch,
          stepsPerEpoch: perEpoch,
          step: steps,
          etaSeconds: null,
          imagesPerSecond: last?.imagesPerSecond ?? null,
          learningRate: last?.learningRate ?? this.#series.lr.at(-1)?.[1] ?? null,
        });
      }
    } catch (e) {
      if (gen === this.#generation) this.#loadError = errorText(e);
    }
  }

  onEvent(e: RunEvent): void {
    if (e.runId !== this.#runId) return;
    switch (e.kind) {
      case 'preparing':
        this.#preparing = { inputSize: e.inputSize, done: e.done, total: e.total };
        return;
      case 'started':
        this.#preparing = null;
        this.#status = 'running';
        this.#backend = e.backend;
        this.setProgress({
          epoch: e.startEpoch,
          epochs: e.epochs,
          batch: 0,
          stepsPerEpoch: e.stepsPerEpoch,
          step: (e.startEpoch - 1) * e.stepsPerEpoch,
          etaSeconds: null,
          imagesPerSecond: null,
          learningRate: null,
        });
        return;
      case 'batch': {
        const p = this.#latest;
        // Without a 'started' event (the tab opened mid-run), reload() corrects these totals.
        const perEpoch = p?.stepsPerEpoch ?? e.batch;
        // Shown at the next flush, with the batch's points.
        this.setProgress(
          {
          epoch: e.epoch,
          epochs: p?.epochs ?? this.#detail?.config.epochs ?? e.epoch,
          batch: e.batch,
          stepsPerEpoch: perEpoch,
          step: e.step,
          etaSeconds: e.etaSeconds,
          // An epoch's last batch is often a few images, timed with a whole step's overhead:
          // keep the speed of the full batches.
          imagesPerSecond: e.batch === perEpoch && p?.imagesPerSecond ? p.imagesPerSecond : e.imagesPerSecond,
          learningRate: e.learningRate,
          },
          true,
        );
        this.#pending.loss.push([e.step, e.loss]);
        this.#pending.accuracy.push([e.step, e.accuracy]);
        this.#pending.lr.push([e.step, e.learningRate]);
        this.scheduleFlush();
        return;
      }
      case 'epoch-end': {
        this.flush();
        this.#epochs = [...this.#epochs.filter((m) => m.epoch !== e.metrics.epoch), e.metrics];
        if (e.best) this.#bestEpoch = e.metrics.epoch;
        // The epoch's average speed, steadier than any one batch.
        const p = this.#latest;
        if (p && e.metrics.imagesPerSecond) this.setProgress({ ...p, imagesPerSecond: e.metrics.imagesPerSecond });
        return;
      }
      case 'diagnostic':
        this.#diagnostics = [...this.#diagnostics, e.diagnostic];
        return;
      case 'status':
        this.flush();
        this.#status = e.status;
        this.#error = e.error;
        if (e.status !== 'running' && e.status !== 'queued') {
          this.#cancelling = false;
          this.#preparing = null;
          void this.reload();
        }
        return;
      case 'log':
        this.#log = [...this.#log.slice(-49), { level: e.level, message: e.message }];
        return;
      case 'checkpoint':
      case 'evaluation':
        return;
    }
  }

  /** Sets the progress: shown now, or (`later`) at the next flush. */
  private setProgress(p: Progress | null, later = false): void {
    this.#latest = p;
    if (!later) this.#progress = p;
  }

  private scheduleFlush(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#progress !== this.#latest) this.#progress = this.#latest;
    const p = this.#pending;
    if (p.loss.length === 0) return;
    const s = this.#series;
    const loss = smooth(p.loss, this.#smoothState.loss);
    const accuracy = smooth(p.accuracy, this.#smoothState.accuracy);
    for (const q of p.loss) s.loss.push(q);
    for (const q of p.accuracy) s.accuracy.push(q);
    for (const q of p.lr) s.lr.push(q);
    for (const q of loss.points) s.lossSmooth.push(q);
    for (const q of accuracy.points) s.accuracySmooth.push(q);
    this.#lossRange = widen(this.#lossRange, p.loss);
    this.#smoothState = { loss: loss.state, accuracy: accuracy.state };
    this.#pending = { loss: [], accuracy: [], lr: [] };
    this.#version++;
  }

  async cancel(): Promise<void> {
    if (this.#runId === null) return;
    this.#cancelling = true;
    try {
      await this.api.cancelRun(this.#runId);
    } catch (e) {
      this.#cancelling = false;
      this.#error = errorText(e);
    }
  }
}
