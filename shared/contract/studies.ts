/**
 * Studies: a named grid of runs on one dataset — a base configuration, the settings to vary,
 * and a number of seeds per cell — and the views over their results (grid, curves, failures).
 *
 * Plain data and the `StudyApi` verbs only; the core implements them in `main/studies/`.
 */
import type { TrainConfig } from '../config';
import type { RunStatus } from '../types';

/** A setting a study can vary: every training setting and architecture option but the seed. */
export type StudyAxisKey = Exclude<keyof TrainConfig, 'seed'>;

/** What each axis is called in tables and reports. */
export const STUDY_AXIS_TITLES: Readonly<Record<StudyAxisKey, string>> = {
  arch: 'architecture',
  epochs: 'epochs',
  batchSize: 'batch size',
  inputSize: 'input size',
  channels: 'channels',
  width: 'width',
  activation: 'activation',
  batchNorm: 'batch-norm',
  dropout: 'dropout',
  order: 'layer order',
  optimizer: 'optimizer',
  lr: 'learning rate',
  momentum: 'momentum',
  weightDecay: 'weight decay',
  schedule: 'schedule',
  warmupEpochs: 'warm-up',
  labelSmoothing: 'label smoothing',
  augment: 'augmentation',
  earlyStopping: 'early stopping',
  monitor: 'monitor',
  backend: 'backend',
  threads: 'threads',
  pretrained: 'start',
  freeze: 'freeze',
  unfreezeAfter: 'unfreeze after',
  backboneLrScale: 'backbone lr',
};

/** Every axis key, in the order of `TrainConfig`. */
export const STUDY_AXIS_KEYS = Object.keys(STUDY_AXIS_TITLES) as StudyAxisKey[];

/** One varied setting and its values, typed by the setting. */
export type StudyAxis = {
  readonly [K in StudyAxisKey]: { readonly key: K; readonly values: readonly TrainConfig[K][] };
}[StudyAxisKey];

/** An axis as views show it: its title and one label per value (`cosine`, `flip+pad-crop`, `on`). */
export type StudyAxisView = StudyAxis & { readonly title: string; readonly labels: readonly string[] };

/** What `createStudy` needs. */
export interface StudySpec {
  /** Unique; `study-<id>` when left out. */
  readonly name?: string;
  readonly datasetId: number;
  /** The settings every cell starts from; `base.seed` is the first repeat's seed. */
  readonly base: TrainConfig;
  /** Settings to vary; the grid is their cartesian product (no axes: one cell). */
  readonly axes: readonly StudyAxis[];
  /** Runs per cell, with seeds `base.seed`, `base.seed + 1`, … (default 1). */
  readonly repeats?: number;
  readonly notes?: string;
}

/** What `extendStudy` adds. Finished cells are never re-run. */
export interface StudyExtension {
  /**
   * Values to add to an axis. A new axis must include the base configuration's value (it is
   * put first when missing), so that the runs already made become that value's cells.
   */
  readonly axis?: StudyAxis;
  /** A larger number of seeds per cell. */
  readonly repeats?: number;
}

/**
 * Where a study stands: `idle` (nothing run yet), `running`, `pausing` (paused, its current run
 * still finishing), `paused` (cells left to run), `finished` (every cell completed or failed).
 */
export const STUDY_STATES = ['idle', 'running', 'pausing', 'paused', 'finished'] as const;
export type StudyState = (typeof STUDY_STATES)[number];

/** A cell's state: `pending` until its run is created, then the run's status. */
export type StudyCellStatus = 'pending' | RunStatus;

/**
 * Where a cell's task stands: `queued` (pending in the scheduler), `held` (pending, held by a
 * pause), `running` (on a node), `collecting` (the scheduler is done, the bundle not imported
 * yet), `done` (imported), `failed` and `cancelled` (imported, with the reason).
 */
export const SLURM_TASK_STATES = ['queued', 'held', 'running', 'collecting', 'done', 'failed', 'cancelled'] as const;
export type SlurmTaskState = (typeof SLURM_TASK_STATES)[number];

/** One cell's latest Slurm task. */
export interface SlurmCellStatus {
  /** The array task as Slurm names it: `<array job id>_<index>`. */
  readonly jobId: string;
  readonly arrayJobId: string;
  readonly arrayIndex: number;
  /** 1 for the first submission of the run, 2 for its first retry, … */
  readonly attempt: number;
  readonly state: SlurmTaskState;
  /** The node it runs (or ran) on. */
  readonly node: string | null;
  /** The scheduler's reason: why it waits (`Resources`, `JobHeldUser`) or why it stopped (`TIMEOUT`). */
  readonly reason: string | null;
  /** The epochs its bundle reports done so far. */
  readonly epochsDone: number;
  /** The bundle folder on the shared filesystem. */
  readonly bundleDir: string;
  /** When the core last asked the scheduler (epoch ms). */
  readonly checkedMs: number;
}

/** One run of the plan: a grid point and one seed. */
export interface StudyCell {
  /** Position in the run order: every grid point with the first seed, then with the second, … */
  readonly index: number;
  /** The grid point: an index into each axis's values, in axis order. */
  readonly coords: readonly number[];
  /** The value labels at `coords`, in axis order. */
  readonly labels: readonly string[];
  /** 0 for the first seed. */
  readonly repeat: number;
  readonly seed: number;
  /** The cell's current run, null while pending. */
  readonly runId: number | null;
  readonly status: StudyCellStatus;
  /** Earlier runs of this cell (failed attempts replaced by `runStudy(…, { retryFailed })`). */
  readonly previousRunIds: readonly number[];
  /** Its latest Slurm task, when the cell was submitted to Slurm (`shared/contract/slurm.ts`). */
  readonly slurm?: SlurmCellStatus;
}

/** One row of the studies list. */
export interface StudySummary {
  readonly id: number;
  readonly name: string;
  readonly datasetId: number;
  readonly datasetName: string;
  readonly state: StudyState;
  /** Why the study stopped by itself (e.g. a cell became invalid), else null. */
  readonly error: string | null;
  readonly axes: readonly StudyAxisView[];
  readonly repeats: number;
  /** Grid points (product of the axis lengths). */
  readonly gridSize: number;
  /** Planned runs: grid points × repeats. */
  readonly runCount: number;
  /** Cells by status. */
  readonly counts: Readonly<Record<StudyCellStatus, number>>;
  /** The study's run that is queued or training, if any. */
  readonly activeRunId: number | null;
  readonly notes: string;
  readonly createdMs: number;
  readonly updatedMs: number;
}

export interface StudyDetail extends StudySummary {
  readonly base: TrainConfig;
  readonly cells: readonly StudyCell[];
}

/** Numbers a grid cell can show. */
export const STUDY_METRICS = ['test_accuracy', 'best_val_accuracy', 'val_loss', 'train_loss', 'test_loss', 'time', 'images_per_second'] as const;
export type StudyMetric = (typeof STUDY_METRICS)[number];

/** How a metric is named, read and ranked. */
export interface StudyMetricInfo {
  readonly label: string;
  readonly higherIsBetter: boolean;
  /** `fraction` prints as a percentage, `seconds` as a duration. */
  readonly unit: 'fraction' | 'loss' | 'seconds' | 'rate';
}

/**
 * Every metric of a run is read at the epoch whose weights the run kept (its best epoch; the
 * last one when there is no validation split), except `time` (the whole run's training time)
 * and `images_per_second` (mean over its epochs).
 */
export const STUDY_METRIC_INFO: Readonly<Record<StudyMetric, StudyMetricInfo>> = {
  test_accuracy: { label: 'test accuracy', higherIsBetter: true, unit: 'fraction' },
  best_val_accuracy: { label: 'best validation accuracy', higherIsBetter: true, unit: 'fraction' },
  val_loss: { label: 'validation loss (kept epoch)', higherIsBetter: false, unit: 'loss' },
  train_loss: { label: 'final train loss (kept epoch)', higherIsBetter: false, unit: 'loss' },
  test_loss: { label: 'test loss', higherIsBetter: false, unit: 'loss' },
  time: { label: 'training time', higherIsBetter: false, unit: 'seconds' },
  images_per_second: { label: 'images/second', higherIsBetter: true, unit: 'rate' },
};

/** A run's numbers at the epoch whose weights it kept. */
export interface RunMetrics {
  readonly runId: number;
  readonly status: RunStatus;
  /** The epoch whose weights the run kept (and was tested with); null before its first epoch. */
  readonly keptEpoch: number | null;
  readonly epochsDone: number;
  readonly testAccuracy: number | null;
  /** Validation accuracy at the kept epoch. */
  readonly bestValAccuracy: number | null;
  readonly valLoss: number | null;
  readonly trainLoss: number | null;
  readonly trainAccuracy: number | null;
  readonly testLoss: number | null;
  /** Training time of the whole run (sum of its epochs), in seconds. */
  readonly seconds: number | null;
  /** Mean training throughput over its epochs. */
  readonly imagesPerSecond: number | null;
}

/** Mean ± sample standard deviation of some numbers. */
export interface Stats {
  readonly n: number;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1); null when n < 2. */
  readonly std: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** How `studyGrid` lays out the table. */
export interface GridOptions {
  /** Axes down the side (default: the first axis). */
  readonly rows?: readonly StudyAxisKey[];
  /** Axes across the top (default: the second axis, if any). */
  readonly cols?: readonly StudyAxisKey[];
  readonly metric?: StudyMetric;
  /**
   * The axes in neither `rows` nor `cols`: `split` (default) makes one table per combination
   * of their values; `pool` folds their runs into the same cell.
   */
  readonly rest?: 'split' | 'pool';
}

/** A row or column header: one value of each of its axes. */
export interface GridHeader {
  /** Value index per axis (of `rowAxes` or `colAxes`). */
  readonly coords: readonly number[];
  readonly labels: readonly string[];
}

export interface GridCellRun {
  readonly runId: number;
  readonly seed: number;
  readonly status: StudyCellStatus;
  /** The metric, for completed runs. */
  readonly value: number | null;
}

export interface GridCell extends Stats {
  /** Every run of the cell, whatever its status; the stats use the completed ones. */
  readonly runs: readonly GridCellRun[];
  /** Seeds not run yet. */
  readonly pending: number;
  /** Has the best mean of the whole grid (every tied cell is marked). */
  readonly best: boolean;
  /** The 95% confidence interval of the mean over its seeds (Student's t); null below two runs. */
  readonly ci95: { readonly lo: number; readonly hi: number } | null;
  /** The best cell, and it beats the runner-up beyond chance (`StudyGrid.verdict`): the one that earns the ★. */
  readonly winner: boolean;
}

/** Where a cell of the grid is, and its mean. */
export interface GridPlace {
  readonly table: number;
  readonly row: number;
  readonly col: number;
  readonly mean: number;
  /** Completed runs behind the mean. */
  readonly n: number;
}

/**
 * Whether the best cell beats the runner-up beyond chance: Welch's t-test (two-sided) between
 * their runs' values, a winner when p < 0.05. One seed says nothing about the spread, so a
 * cell with fewer than two completed runs never wins.
 */
export interface GridVerdict {
  /**
   * `winner`: the best cell beats the runner-up; `no-clear-winner`: it does not (too few seeds,
   * a tie, or a gap within chance); `single`: one cell has results; `none`: no run completed.
   */
  readonly kind: 'winner' | 'no-clear-winner' | 'single' | 'none';
  readonly best: GridPlace | null;
  /** The cell with the next best mean (it may tie with the best). */
  readonly runnerUp: GridPlace | null;
  /** Welch's two-sided p; null when either cell has fewer than two completed runs. */
  readonly p: number | null;
  /** The smaller number of completed runs of the two cells ("no clear winner with N seeds"). */
  readonly seeds: number;
}

/** One axis's main effect: the metric at each of its values, averaged over the other axes. */
export interface MainEffect {
  readonly key: StudyAxisKey;
  readonly title: string;
  readonly levels: readonly {
    readonly label: string;
    /** Mean over the grid points with this value of each point's mean over its seeds; null when none completed. */
    readonly mean: number | null;
    /** Grid points (combinations of the other axes) behind the mean. */
    readonly points: number;
    /** Completed runs behind it. */
    readonly runs: number;
    /** The lowest and highest grid-point mean: how much the other axes move it. */
    readonly min: number | null;
    readonly max: number | null;
  }[];
}

export interface GridTable {
  /** The remaining axes' values this table holds fixed (empty when pooled or none). */
  readonly fixed: readonly { readonly key: StudyAxisKey; readonly title: string; readonly label: string }[];
  /** `cells[row][col]`. */
  readonly cells: readonly (readonly GridCell[])[];
}

/** The results table of a study. */
export interface StudyGrid {
  readonly studyId: number;
  readonly metric: StudyMetric;
  readonly info: StudyMetricInfo;
  readonly rowAxes: readonly StudyAxisKey[];
  readonly colAxes: readonly StudyAxisKey[];
  readonly restAxes: readonly StudyAxisKey[];
  readonly rest: 'split' | 'pool';
  readonly rows: readonly GridHeader[];
  readonly cols: readonly GridHeader[];
  readonly tables: readonly GridTable[];
  /** Where the (first) best cell is, or null when no run completed. */
  readonly best: { readonly table: number; readonly row: number; readonly col: number } | null;
  /** Whether that cell beats the runner-up beyond chance. */
  readonly verdict: GridVerdict;
  /** Per axis, the metric at each value averaged over the other axes (whatever the layout). */
  readonly mainEffects: readonly MainEffect[];
}

/** Per-epoch series a curve view can plot. */
export const CURVE_METRICS = ['val_accuracy', 'val_loss', 'train_loss', 'train_accuracy', 'learning_rate', 'images_per_second'] as const;
export type CurveMetric = (typeof CURVE_METRICS)[number];

export interface CurveOptions {
  /** One group per value of this axis; null: one group per grid point (default: the first axis). */
  readonly by?: StudyAxisKey | null;
  readonly metric?: CurveMetric;
}

/** Mean and spread over a group's runs at one epoch. */
export interface CurvePoint extends Stats {
  readonly epoch: number;
}

export interface CurveGroup {
  /** E.g. `tanh`, or `tanh · cosine` for a grid point. */
  readonly label: string;
  readonly runIds: readonly number[];
  /** One point per epoch that at least one run reached. */
  readonly points: readonly CurvePoint[];
  /** Each run's own series (`values[e - 1]` is epoch e) and the epoch it kept. */
  readonly runs: readonly { readonly runId: number; readonly keptEpoch: number | null; readonly values: readonly (number | null)[] }[];
}

export interface StudyCurves {
  readonly studyId: number;
  readonly metric: CurveMetric;
  readonly by: StudyAxisKey | null;
  readonly groups: readonly CurveGroup[];
}

/** Runs to compare: given by id (all on one dataset), or a study's completed runs. */
export type RunSelection = { readonly runIds: readonly number[] } | { readonly studyId: number };

/** One run's answer on one test image. */
export interface RunAnswer {
  readonly runId: number;
  readonly predictedIndex: number;
  readonly predictedClass: string;
  /** Probability of the predicted class. */
  readonly probability: number;
  /** Probability the run gave the true class. */
  readonly trueProbability: number;
  readonly correct: boolean;
}

/** A test image with every selected run's answer (in the selection's run order). */
export interface ImageAcrossRuns {
  readonly imageId: number;
  /** Relative to the dataset root. */
  readonly path: string;
  readonly trueIndex: number;
  readonly trueClass: string;
  /** How many runs got it right. */
  readonly rightCount: number;
  readonly answers: readonly RunAnswer[];
}

export interface FailureGroup {
  /** All images of this kind (the list may be cut at the limit). */
  readonly count: number;
  readonly images: readonly ImageAcrossRuns[];
}

/** The test images the selected runs get wrong together, disagree on, or only one gets right. */
export interface FailuresAcrossRuns {
  readonly datasetId: number;
  readonly classes: readonly string[];
  readonly runIds: readonly number[];
  /** Test images every selected run has a prediction for. */
  readonly testImages: number;
  /** Every run wrong; most confident mistakes first. */
  readonly allWrong: FailureGroup;
  /** Some runs right, some wrong; fewest right first. */
  readonly disagree: FailureGroup;
  /** Exactly one run right (needs two runs or more); grouped by that run. */
  readonly onlyOneRight: FailureGroup & { readonly perRun: readonly { readonly runId: number; readonly count: number }[] };
}

/** Two runs' test confusion matrices side by side. */
export interface ConfusionDiff {
  readonly classes: readonly string[];
  readonly runA: number;
  readonly runB: number;
  readonly accuracyA: number;
  readonly accuracyB: number;
  /** `a[t][p]`: images of true class t that run A predicted as p. */
  readonly a: readonly (readonly number[])[];
  readonly b: readonly (readonly number[])[];
  /** `b − a`, cell by cell. */
  readonly diff: readonly (readonly number[])[];
  readonly perClass: readonly {
    readonly name: string;
    readonly recallA: number;
    readonly recallB: number;
    readonly precisionA: number;
    readonly precisionB: number;
  }[];
  /** Off-diagonal cells that changed, largest change first. */
  readonly changes: readonly { readonly trueClass: string; readonly predictedClass: string; readonly a: number; readonly b: number }[];
}

/** What `exportStudy` writes. */
export interface StudyExportOptions extends GridOptions {
  /** CSV only: one line per run with every metric, instead of one per cell. */
  readonly perRun?: boolean;
}

/** Pushed when a study changes (a run started or ended, paused, extended, created, deleted). */
export type StudyEvent = { readonly kind: 'study-changed'; readonly studyId: number; readonly state: StudyState } | { readonly kind: 'studies-changed' };

/** The studies verbs, beside the workstation's `Api`. */
export interface StudyApi {
  /** Validates every cell's configuration and stores the study (nothing runs yet). */
  createStudy(spec: StudySpec): Promise<StudyDetail>;
  listStudies(): Promise<readonly StudySummary[]>;
  getStudy(studyId: number): Promise<StudyDetail>;
  /**
   * Starts (or continues) the study: its runs queue one after another. Interrupted and
   * cancelled runs resume from their checkpoints; failed ones are kept unless `retryFailed`.
   */
  runStudy(studyId: number, opts?: { readonly retryFailed?: boolean }): Promise<StudyDetail>;
  /** Stops queueing the study's runs; the training one finishes unless `cancelActive`. */
  pauseStudy(studyId: number, opts?: { readonly cancelActive?: boolean }): Promise<StudyDetail>;
  /** Adds axis values (or an axis, or seeds); cells already run are kept. */
  extendStudy(studyId: number, extension: StudyExtension): Promise<StudyDetail>;
  updateStudy(studyId: number, patch: { readonly name?: string; readonly notes?: string }): Promise<StudySummary>;
  /** Deletes the study (pausing it); its runs stay, as ordinary runs. */
  deleteStudy(studyId: number): Promise<void>;
  studyGrid(studyId: number, opts?: GridOptions): Promise<StudyGrid>;
  studyCurves(studyId: number, opts?: CurveOptions): Promise<StudyCurves>;
  /** Kept-epoch metrics of runs (any runs, or a study's). */
  runMetrics(selection: RunSelection): Promise<readonly RunMetrics[]>;
  failuresAcrossRuns(selection: RunSelection, opts?: { readonly limit?: number }): Promise<FailuresAcrossRuns>;
  confusionDiff(runA: number, runB: number): Promise<ConfusionDiff>;
  /** The grid as CSV or a Markdown table. */
  exportStudy(studyId: number, format: 'csv' | 'markdown', opts?: StudyExportOptions): Promise<string>;
  onStudyEvent(listener: (event: StudyEvent) => void): () => void;
}
