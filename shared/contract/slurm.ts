/**
 * A study's cells as Slurm jobs: the sbatch settings remembered per study, where each cell
 * stands on the scheduler, the verbs the views call, and the run bundle a task writes.
 *
 * A task never opens the database: it reads its job from `job.json` in its bundle folder and
 * writes its events (one `RunEvent` per line), checkpoints and a status file there; the core
 * imports the bundle into the store (`collectStudySlurm`).
 */
import { z } from 'zod';
import type { RunEvent } from './events';
import type { StudyDetail } from './studies';

export { SLURM_TASK_STATES, type SlurmCellStatus, type SlurmTaskState } from './studies';
import { workerJobSchema, type WorkerJob } from './worker';

/** The sbatch options of a study's submissions (remembered per study, reused by the next one). */
export interface SlurmSettings {
  /** `--partition`; null: the cluster's default partition. */
  readonly partition: string | null;
  /** `--gres`, e.g. `gpu:1`; null: none. */
  readonly gres: string | null;
  /** `--time` (`MM`, `HH:MM:SS`, `D-HH:MM:SS`, …); null: the partition's default limit. */
  readonly time: string | null;
  /** `--cpus-per-task`; null: Slurm's default (1). */
  readonly cpus: number | null;
  /** `--mem`, e.g. `8G`; null: the partition's default. */
  readonly mem: string | null;
  /** More sbatch options, one argument each (`--account=lab`, `--qos=short`). */
  readonly sbatchArgs: readonly string[];
  /**
   * The node-side bloombench command the job script runs (`/shared/bloombench/bin/bloombench`);
   * null: the install that submitted.
   */
  readonly bloombenchCmd: string | null;
}

/** The settings of a study that was never submitted. */
export const DEFAULT_SLURM_SETTINGS: SlurmSettings = { partition: null, gres: null, time: null, cpus: null, mem: null, sbatchArgs: [], bloombenchCmd: null };

/** One `sbatch --array` submission of a study. */
export interface SlurmSubmission {
  readonly studyId: number;
  /** The array job id sbatch answered. */
  readonly arrayJobId: string;
  /** The job script, next to the bundles (readable, and rerunnable by hand). */
  readonly script: string;
  readonly settings: SlurmSettings;
  readonly submittedMs: number;
  /** One per array index. */
  readonly tasks: readonly {
    readonly arrayIndex: number;
    readonly runId: number;
    readonly cellIndex: number;
    /** The epoch its checkpoint resumes from, null for a fresh run. */
    readonly resumeEpoch: number | null;
    readonly bundleDir: string;
  }[];
  /** Things to know before the tasks start (paths the nodes may not see). */
  readonly warnings: readonly string[];
}

/** What the study's Slurm side looks like now. */
export interface StudySlurmInfo {
  readonly studyId: number;
  /** Whether `sbatch` is on this machine's PATH (with why not). */
  readonly available: boolean;
  readonly unavailableReason: string | null;
  /** The settings of the last submission (the form's defaults), null if never submitted. */
  readonly settings: SlurmSettings | null;
  /** Where the study's job scripts and bundles are written. */
  readonly folder: string;
  readonly submissions: readonly SlurmSubmission[];
  /** Tasks not imported yet. */
  readonly openTasks: number;
  /** The pending tasks are held (the study was paused). */
  readonly held: boolean;
  /** The cells a submission would take now, as the core plans it. */
  readonly cells: SlurmCellCounts;
  /** What a submission with the remembered settings would meet, checked before submitting. */
  readonly preflight: SlurmPreflight;
}

/** What a submission would take now: the core's own plan, so the dialog's count is what is submitted. */
export interface SlurmCellCounts {
  /** Cells left to run, interrupted or cancelled: a plain submission takes these. */
  readonly toSubmit: number;
  /** Failed cells, taken too with `retryFailed`. */
  readonly failed: number;
  /** Why nothing can be submitted now (a cell's run is busy on this machine), or null. */
  readonly busy: string | null;
}

/** The checks of a submission that can be made before it: can the nodes read what the tasks need? */
export interface SlurmPreflight {
  /** What makes a submission fail now (files of the dataset missing or changed since the import). */
  readonly problems: readonly string[];
  /** What may make the tasks fail on other nodes (paths only this machine sees, a node-side install not found). */
  readonly warnings: readonly string[];
}

/** What `collectStudySlurm` did. */
export interface SlurmCollection {
  readonly study: StudyDetail;
  /** Runs whose bundle this call finished importing, with their final status. */
  readonly finished: readonly { readonly runId: number; readonly status: 'completed' | 'failed' | 'cancelled'; readonly error: string | null }[];
  /** Tasks still on the scheduler (queued, held or running). */
  readonly open: number;
  /** Where the scheduler's reasons came from: `sacct`, `scontrol` or the bundles alone. */
  readonly source: 'sacct' | 'scontrol' | 'bundle' | 'none';
}

/** Verbs of the Slurm side of studies, beside the workstation's `Api`. */
export interface SlurmApi {
  /**
   * Submits the study's pending cells (and interrupted or cancelled ones, resuming from their
   * checkpoints; failed ones too with `retryFailed`) as one `sbatch --array`. Settings left out
   * are the study's remembered ones.
   */
  submitStudySlurm(studyId: number, settings?: Partial<SlurmSettings>, opts?: { readonly retryFailed?: boolean }): Promise<SlurmSubmission>;
  /** Asks the scheduler where the study's tasks are and imports the bundles of those that ended. */
  collectStudySlurm(studyId: number): Promise<SlurmCollection>;
  /** The remembered settings, the submissions and whether sbatch is available. */
  studySlurm(studyId: number): Promise<StudySlurmInfo>;
  /** `hold`: pending tasks wait (`scontrol hold`); `release`: they may start; `cancel`: `scancel` every task. */
  controlStudySlurm(studyId: number, action: 'hold' | 'release' | 'cancel'): Promise<StudyDetail>;
}

// Validators of the verbs' arguments.

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A scheduler option value: printable, no newline (it goes into the job script's #SBATCH lines). */
const oneLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n\0]/.test(s), 'must be one line');
const optionText = oneLine(200);
/** `--time`: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (sbatch(1), "--time"). */
export const SLURM_TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i;

export const slurmSettingsSchema = z
  .object({
    partition: optionText.regex(/^[\w.,-]+$/, 'must be a partition name (letters, digits, - _ . ,)').nullable(),
    gres: optionText.regex(/^[\w.:,=-]+$/, 'must look like gpu:1 or gpu:a100:2').nullable(),
    time: optionText.regex(SLURM_TIME, 'must be minutes, HH:MM:SS or D-HH:MM:SS').nullable(),
    cpus: z.number().int().min(1).max(1024).nullable(),
    mem: optionText.regex(/^\d+[KMGT]?$/i, 'must be a size such as 8G or 16000M').nullable(),
    sbatchArgs: z.array(optionText.regex(/^-/, 'must be an sbatch option (starting with -)')).max(50),
    bloombenchCmd: oneLine(4096).nullable(),
  })
  .strict();

export const slurmArgSchemas = {
  submitStudySlurm: z.tuple([id, slurmSettingsSchema.partial().strict().optional(), z.object({ retryFailed: z.boolean().optional() }).strict().optional()]),
  collectStudySlurm: z.tuple([id]),
  studySlurm: z.tuple([id]),
  controlStudySlurm: z.tuple([id, z.enum(['hold', 'release', 'cancel'])]),
} satisfies { readonly [V in keyof SlurmApi]: z.ZodType<unknown> };

/** Compile-time proof that each schema's output is a valid argument list for its verb. */
type SlurmSchemasMatch = { [V in keyof SlurmApi]: z.output<(typeof slurmArgSchemas)[V]> extends Parameters<SlurmApi[V]> ? true : V }[keyof SlurmApi];
const slurmSchemasMatch: SlurmSchemasMatch = true;
void slurmSchemasMatch;

// The run bundle: what the core writes for a task, and what the task writes back.

/** The bundle layout's version, written into every file of it. */
export const BUNDLE_FORMAT = 'bloombench-run-bundle-1';

/** File names inside a bundle folder (checkpoints go to `checkpoints/last` and `checkpoints/best`). */
export const BUNDLE_FILES = {
  /** Written by the core: the task's `BundleJob`. */
  job: 'job.json',
  /** Written by the task, replaced atomically: its `BundleStatus`. */
  status: 'status.json',
  /** Written by the task: one `RunEvent` JSON per line, per attempt. */
  events: (attempt: number) => `events-${attempt}.jsonl`,
} as const;

/** What a task trains: the same job a local training worker gets, and which attempt it is. */
export interface BundleJob {
  readonly format: typeof BUNDLE_FORMAT;
  readonly studyId: number;
  readonly runId: number;
  readonly attempt: number;
  readonly submittedMs: number;
  readonly job: WorkerJob;
}

export const bundleJobSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  studyId: id,
  runId: id,
  attempt: z.number().int().min(1),
  submittedMs: z.number().int(),
  job: workerJobSchema,
});

/**
 * How far a task got: `running` while it trains (rewritten after each epoch), then
 * `completed`, `failed` (the trainer's error), `cancelled`, or `terminated` (a signal from the
 * scheduler: time limit, preemption, scancel). A task killed outright (SIGKILL, a node lost)
 * leaves `running` with its last update time.
 */
export const BUNDLE_STATES = ['running', 'completed', 'failed', 'cancelled', 'terminated'] as const;
export type BundleState = (typeof BUNDLE_STATES)[number];

export interface BundleStatus {
  readonly format: typeof BUNDLE_FORMAT;
  readonly runId: number;
  readonly attempt: number;
  readonly state: BundleState;
  /** The node's host name. */
  readonly node: string;
  readonly pid: number;
  /** `SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID` (or `SLURM_JOB_ID`), null when run by hand. */
  readonly slurmJobId: string | null;
  readonly startedMs: number;
  readonly updatedMs: number;
  readonly epochsDone: number;
  /** The epoch of the last checkpoint written, null before the first. */
  readonly checkpointEpoch: number | null;
  /** The signal that stopped it (`terminated`). */
  readonly signal: string | null;
  readonly error: string | null;
}

export const bundleStatusSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  runId: id,
  attempt: z.number().int().min(1),
  state: z.enum(BUNDLE_STATES),
  node: z.string(),
  pid: z.number().int(),
  slurmJobId: z.string().nullable(),
  startedMs: z.number().int(),
  updatedMs: z.number().int(),
  epochsDone: z.number().int().min(0),
  checkpointEpoch: z.number().int().min(1).nullable(),
  signal: z.string().nullable(),
  error: z.string().nullable(),
}) satisfies z.ZodType<BundleStatus>;

/** One line of an events file (JSON has no NaN: losses that were NaN read back from null). */
export function bundleEventLine(event: RunEvent): string {
  return `${JSON.stringify(event)}\n`;
}
