/**
 * Fixing a dataset's labels, reversibly: relabel, exclude or restore images. Edits are rows in
 * the run database (no file on disk is moved or deleted); each batch makes a new dataset
 * version, and every run records the version it trained on. The split never changes: an
 * excluded image is left out of the split it was in. The core implements the verbs in
 * `main/datasets/labels.ts`.
 */
import { z } from 'zod';

/** What an edit does: a new label; leaving the image out; back to the folder's label, included. */
export type LabelAction = 'relabel' | 'exclude' | 'restore';

/** One edit asked for: the image by id or by its path inside the dataset folder. */
export interface LabelEditRequest {
  readonly image: number | string;
  readonly action: LabelAction;
  /** The new class, for `relabel`. */
  readonly className?: string;
}

/** One edit as stored. */
export interface LabelEdit {
  readonly version: number;
  readonly imageId: number;
  readonly path: string;
  readonly split: 'train' | 'val' | 'test' | null;
  readonly action: LabelAction;
  /** The label before the edit, and after it (the same for exclude). */
  readonly fromClass: string;
  readonly toClass: string;
  readonly createdMs: number;
}

/** An image whose label or inclusion differs from the folder's, at the newest version. */
export interface EditedImage {
  readonly imageId: number;
  readonly path: string;
  readonly split: 'train' | 'val' | 'test' | null;
  /** The folder's class and the class it has now. */
  readonly folderClass: string;
  readonly className: string;
  readonly excluded: boolean;
}

/** A dataset's label history. */
export interface LabelHistory {
  readonly datasetId: number;
  /** The newest version (0: the folder as imported, no edit). */
  readonly version: number;
  /** Every edit, newest first. */
  readonly edits: readonly LabelEdit[];
  /** The images that differ from the folder now. */
  readonly edited: readonly EditedImage[];
  /** Edits of the last call that changed nothing (already so) and were skipped. */
  readonly skipped: number;
}

/** The label verbs, beside the workstation's `Api`. */
export interface LabelsApi {
  labelHistory(datasetId: number): Promise<LabelHistory>;
  /** Applies the edits as one new version; refuses the whole batch, naming the image, if one is wrong. */
  editLabels(datasetId: number, edits: readonly LabelEditRequest[]): Promise<LabelHistory>;
  /** Queues a run with `runId`'s exact configuration on the dataset's newest version; returns the new run's id. */
  retrainRun(runId: number): Promise<number>;
}

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const edit = z
  .object({
    image: z.union([id, z.string().min(1).max(4096)]),
    action: z.enum(['relabel', 'exclude', 'restore']),
    className: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Validators of the `LabelsApi` verbs' arguments (part of `apiArgSchemas`). */
export const labelsArgSchemas = {
  labelHistory: z.tuple([id]),
  editLabels: z.tuple([id, z.array(edit).min(1).max(10_000)]),
  retrainRun: z.tuple([id]),
} satisfies { readonly [V in keyof LabelsApi]: z.ZodType<unknown> };
