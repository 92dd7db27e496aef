/**
 * Imports a folder of images (one sub-folder per class) into the store.
 *
 * Every file is read, hashed and decoded in full, a few at a time; a bad file is recorded as
 * rejected with its reason and never stops the import. Accepted images are split into train /
 * validation / test once, here, so every run on the dataset sees the same test images.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contract/errors';
import { REASON_OF_CODE, rejectionMessage, type RejectProblem } from '../../shared/rejections';
import type { DatasetSummary, DuplicateGroup, ImportReport, RejectedFile, Split } from '../../shared/types';
import type { Store } from '../store/db';
import { probeImage } from './decode';
import { deleteDataset, findDatasetByFolder, splitSettings, usesOfDataset } from './queries';
import { defaultConcurrency, mapLimit } from './pool';
import { type FoundFile, compareNames, scanFolder } from './scan';
import { assignSplits } from './split';

/** Options for `importImageFolder`. */
export interface ImportOptions {
  /**
   * Dataset name. When given and already taken, the import is refused; when left out, the
   * folder's name is used, with " (2)", " (3)" … appended if that name is taken.
   */
  readonly name?: string;
  /** Seed of the train / validation / test draw (default 1). */
  readonly seed?: number;
  /**
   * Share of each class held out for validation (default 0.15). For a folder that brings its
   * own `train/` and `test/`, the share of each class's `train/` images.
   */
  readonly valFraction?: number;
  /** Share of each class held out for test (default 0.15); ignored for pre-split folders. */
  readonly testFraction?: number;
  /** Called as files are examined: `done` of `total` candidate files. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Import a folder imported before again, as it is now. Without it such a folder is refused
   * (naming the dataset it became). The earlier dataset is replaced (its name, seed and
   * fractions carry over) unless runs or studies use it; then it stays for them and this one is new.
   */
  readonly rescan?: boolean;
}

/** Default share of each class held out for validation. */
export const DEFAULT_VAL_FRACTION = 0.15;
/** Default share of each class held out for test. */
export const DEFAULT_TEST_FRACTION = 0.15;
/** Default seed of the split. */
export const DEFAULT_SPLIT_SEED = 1;

interface Examined {
  readonly file: FoundFile;
  readonly bytes: number;
  readonly mtimeMs: number;
  readonly sha256: string | null;
  readonly result: { readonly ok: true; readonly width: number; readonly height: number; readonly grayscale: boolean } | { readonly ok: false; readonly problem: RejectProblem; readonly detail: string };
}

/**
 * Imports `folder` as a new dataset and returns its report (also stored as the dataset's
 * `report_json`).
 *
 * Throws, naming the path, when the folder does not exist or is not a folder, has no class
 * folders, or has fewer than two classes with a readable image; and when `opts.name` is taken.
 */
export async function importImageFolder(store: Store, folder: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  // A folder imported before (and still there) is refused, or re-scanned when asked.
  const previous = isFolderSync(folder) ? findDatasetByFolder(store, folder) : null;
  if (previous && !opts.rescan) throw alreadyImported(previous, path.resolve(folder));
  // A re-scan draws its split as the earlier import did, unless told otherwise.
  const before = previous ? splitSettings(store, previous.id) : null;
  const seed = opts.seed ?? before?.seed ?? DEFAULT_SPLIT_SEED;
  const valFraction = opts.valFraction ?? (before && !before.presplit ? before.valFraction : DEFAULT_VAL_FRACTION);
  const testFraction = opts.testFraction ?? (before && !before.presplit ? before.testFraction : DEFAULT_TEST_FRACTION);
  validateOptions(seed, valFraction, testFraction);
  if (opts.name !== undefined && cleanName(opts.name) !== previous?.name) checkNameFree(store, cleanName(opts.name));

  const scan = await scanFolder(folder);
  const root = scan.root;
  if (scan.classNames.length === 0) {
    throw new UserError('invalid', `No class folders in ${root}. Put the images in one sub-folder per class (for example ${path.join(root, 'daisy')}, ${path.join(root, 'tulips')}).`);
  }

  const total = scan.files.length;
  const step = Math.max(1, Math.floor(total / 200));
  let done = 0;
  opts.onProgress?.(0, total);
  const examined = await mapLimit(scan.files, defaultConcurrency(), async (file) => {
    const result = await examineFile(file);
    done++;
    if (done % step === 0 || done === total) opts.onProgress?.(done, total);
    return result;
  });

  // Classes: the folders with at least one readable image, in sorted order.
  const okCounts = new Map<string, number>(scan.classNames.map((c) => [c, 0]));
  for (const e of examined) if (e.result.ok) okCounts.set(e.file.className, (okCounts.get(e.file.className) ?? 0) + 1);
  const classes = scan.classNames.filter((c) => (okCounts.get(c) ?? 0) > 0);
  const emptyClasses = scan.classNames.filter((c) => (okCounts.get(c) ?? 0) === 0);
  if (classes.length < 2) {
    const empties = emptyClasses.length ? ` Folders with no readable image: ${emptyClasses.join(', ')}.` : '';
    const found = classes.length === 1 ? `only one class folder (${classes[0]}) with readable images` : 'no readable images';
    throw new UserError('invalid', `${root} has ${found}; a dataset needs at least two classes.${empties}`);
  }
  const classIndex = new Map(classes.map((c, i) => [c, i]));

  const accepted = examined.filter((e) => e.result.ok);
  // A folder with its own val/ keeps it; nothing more is carved from train/.
  const valShare = scan.valFolder ? 0 : valFraction;
  const testShare = scan.presplit ? 0 : testFraction;
  const splits = assignSplits(
    accepted.map((e) => ({ key: e.file.rel, className: e.file.className, sha256: e.sha256 as string, fixed: e.file.split })),
    { seed, valFraction: valShare, testFraction: testShare },
  );
  const splitOf = new Map<Examined, Split>(accepted.map((e, i) => [e, splits[i]]));

  const rejected: RejectedFile[] = examined
    .filter((e) => !e.result.ok)
    .map((e) => rejectedFile(e.file.rel, (e.result as { problem: RejectProblem }).problem, (e.result as { detail: string }).detail))
    .sort((a, b) => compareNames(a.path, b.path));

  const rows = [...examined].sort((a, b) => compareNames(a.file.rel, b.file.rel));
  const splitSizes = { train: 0, val: 0, test: 0 };
  for (const s of splits) splitSizes[s]++;

  const insertDataset = store.db.prepare(
    `INSERT INTO datasets (name, root, created_ms, classes_json, split_seed, val_fraction, test_fraction, presplit, report_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
  );
  const insertImage = store.db.prepare(
    `INSERT INTO images (dataset_id, path, class_index, split, sha256, width, height, bytes, mtime_ms, status, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setReport = store.db.prepare('UPDATE datasets SET report_json = ? WHERE id = ?');

  return store.db.transaction((): ImportReport => {
    // A re-scan replaces the earlier dataset unless runs use it (then it stays for them).
    let rescanOf: ImportReport['rescanOf'];
    if (previous) {
      const uses = usesOfDataset(store, previous.id);
      const kept = uses.runs > 0 || uses.studies > 0;
      rescanOf = { datasetId: previous.id, name: previous.name, ...uses, kept };
      if (!kept) deleteDataset(store, previous.id);
    }
    // Picked inside the transaction, so two imports running at once cannot take the same name.
    let name: string;
    if (opts.name !== undefined) {
      name = cleanName(opts.name);
      checkNameFree(store, name);
    } else if (rescanOf) {
      // "again (2)" re-scanned beside its runs becomes "again (3)", not "again (2) (2)".
      name = freeName(store, rescanOf.kept ? rescanOf.name.replace(/ \(\d+\)$/, '') : rescanOf.name);
    } else {
      name = freeName(store, path.basename(root) || 'dataset');
    }
    const info = insertDataset.run(name, root, Date.now(), JSON.stringify(classes), seed, valShare, testShare, scan.presplit ? 1 : 0);
    const datasetId = Number(info.lastInsertRowid);
    for (const e of rows) {
      const ok = e.result.ok;
      insertImage.run(
        datasetId,
        e.file.rel,
        classIndex.get(e.file.className) ?? -1,
        ok ? (splitOf.get(e) as Split) : null,
        e.sha256,
        e.result.ok ? e.result.width : null,
        e.result.ok ? e.result.height : null,
        e.bytes,
        e.mtimeMs,
        ok ? 'ok' : 'rejected',
        e.result.ok ? null : REASON_OF_CODE[e.result.problem.code],
      );
    }
    const report: ImportReport = {
      datasetId,
      name,
      root,
      classes: classes.map((c) => ({ name: c, count: okCounts.get(c) ?? 0 })),
      total: accepted.length,
      rejected,
      duplicates: findDuplicates(accepted),
      emptyClasses,
      split: splitSizes,
      presplit: scan.presplit,
      imageSizes: sizeStats(accepted),
      grayscale: accepted.filter((e) => e.result.ok && e.result.grayscale).length,
      seconds: Math.round(performance.now() - started) / 1000,
      ...(rescanOf ? { rescanOf } : {}),
    };
    setReport.run(JSON.stringify(report), datasetId);
    return report;
  })();
}

/** A rejected file as the report lists it: the problem, its sentence, its broad reason and the detail. */
export function rejectedFile(rel: string, problem: RejectProblem, detail: string): RejectedFile {
  return { path: rel, reason: REASON_OF_CODE[problem.code], ...problem, message: rejectionMessage(problem), detail };
}

/** The problem of a file the system would not read. */
function readProblem(e: unknown): RejectProblem {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? { code: 'no-permission', params: {} } : { code: 'unreadable', params: {} };
}

async function examineFile(file: FoundFile): Promise<Examined> {
  const fail = (problem: RejectProblem, detail: string, bytes = 0, mtimeMs = 0, sha256: string | null = null): Examined => ({
    file,
    bytes,
    mtimeMs,
    sha256,
    result: { ok: false, problem, detail },
  });
  if (file.problem !== null) {
    const l = await fs.promises.lstat(file.abs).catch(() => null);
    return fail(file.problem.problem, file.problem.detail, 0, l ? Math.floor(l.mtimeMs) : 0);
  }
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file.abs);
  } catch (e) {
    return fail(readProblem(e), (e as Error).message);
  }
  const mtimeMs = Math.floor(stat.mtimeMs);
  if (stat.size === 0) return fail({ code: 'empty', params: {} }, 'the file is empty (0 bytes)', 0, mtimeMs);
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(file.abs);
  } catch (e) {
    return fail(readProblem(e), (e as Error).message, stat.size, mtimeMs);
  }
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const probe = await probeImage(buf, file.abs);
  if (!probe.ok) return fail(probe.problem, probe.detail, stat.size, mtimeMs, sha256);
  return { file, bytes: stat.size, mtimeMs, sha256, result: { ok: true, width: probe.width, height: probe.height, grayscale: probe.grayscale } };
}

function findDuplicates(accepted: readonly Examined[]): DuplicateGroup[] {
  const byHash = new Map<string, Examined[]>();
  for (const e of accepted) {
    const list = byHash.get(e.sha256 as string);
    if (list) list.push(e);
    else byHash.set(e.sha256 as string, [e]);
  }
  const groups: DuplicateGroup[] = [];
  for (const list of byHash.values()) {
    if (list.length < 2) continue;
    const paths = list.map((e) => e.file.rel).sort(compareNames);
    const classes = [...new Set(list.map((e) => e.file.className))].sort(compareNames);
    groups.push({ paths, classes, labelConflict: classes.length > 1 });
  }
  return groups.sort((a, b) => compareNames(a.paths[0], b.paths[0]));
}

function sizeStats(accepted: readonly Examined[]): ImportReport['imageSizes'] {
  const widths: number[] = [];
  const heights: number[] = [];
  for (const e of accepted) {
    if (!e.result.ok) continue;
    widths.push(e.result.width);
    heights.push(e.result.height);
  }
  widths.sort((a, b) => a - b);
  heights.sort((a, b) => a - b);
  // The lower median, so the value is a size some image really has.
  const median = (v: number[]): number => (v.length ? v[(v.length - 1) >> 1] : 0);
  return {
    minWidth: widths[0] ?? 0,
    maxWidth: widths[widths.length - 1] ?? 0,
    minHeight: heights[0] ?? 0,
    maxHeight: heights[heights.length - 1] ?? 0,
    medianWidth: median(widths),
    medianHeight: median(heights),
  };
}

function validateOptions(seed: number, valFraction: number, testFraction: number): void {
  if (!Number.isSafeInteger(seed)) throw new UserError('invalid', `The split seed must be an integer (got ${seed}).`);
  for (const [label, v] of [['valFraction', valFraction], ['testFraction', testFraction]] as const) {
    if (!Number.isFinite(v) || v < 0 || v >= 1) throw new UserError('invalid', `${label} must be at least 0 and below 1 (got ${v}).`);
  }
  if (valFraction + testFraction >= 1) throw new UserError('invalid', `valFraction + testFraction must leave images for training (got ${valFraction} + ${testFraction}).`);
}

function cleanName(name: string): string {
  const clean = name.trim();
  if (clean.length === 0) throw new UserError('invalid', 'A dataset name cannot be empty.');
  if (clean.length > 200) throw new UserError('invalid', `A dataset name can have at most 200 characters (got ${clean.length}).`);
  return clean;
}

function isFolderSync(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The refusal of a folder imported before: which dataset it became, and the two ways on. */
export function alreadyImported(d: DatasetSummary, folder: string): UserError {
  const when = new Date(d.createdMs).toISOString().slice(0, 16).replace('T', ' ');
  return new UserError(
    'conflict',
    `${folder} is already imported as "${d.name}" (dataset ${d.id}, ${d.total} images, imported ${when} UTC). Open that dataset, or re-scan the folder to import what it holds now.`,
  );
}

function checkNameFree(store: Store, name: string): void {
  const row = store.db.prepare('SELECT id, root FROM datasets WHERE name = ?').get(name) as { id: number; root: string } | undefined;
  if (row) throw new UserError('conflict', `A dataset named "${name}" already exists (id ${row.id}, imported from ${row.root}). Choose another name or delete that dataset first.`);
}

function freeName(store: Store, base: string): string {
  const taken = store.db.prepare('SELECT 1 FROM datasets WHERE name = ?');
  if (!taken.get(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base} (${i})`;
    if (!taken.get(candidate)) return candidate;
  }
}
