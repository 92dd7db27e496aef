/**
 * Read and delete datasets: summaries, import reports, image lists, file checks.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ImageRef } from '../../shared/contract/api';
import { UserError } from '../../shared/contract/errors';
import { contentKind, rejectionMessage, type FormatName, type RejectProblem, type RejectReason } from '../../shared/rejections';
import type { DatasetSummary, ImportReport, RejectedFile, Split } from '../../shared/types';
import type { Store } from '../store/db';

interface DatasetRow {
  id: number;
  name: string;
  root: string;
  created_ms: number;
  classes_json: string;
}

interface ImageRow {
  id: number;
  path: string;
  class_index: number;
  split: Split | null;
}

const DATASET_COLUMNS = 'id, name, root, created_ms, classes_json';

function splitCounts(store: Store, datasetIds: readonly number[]): Map<number, { train: number; val: number; test: number }> {
  const out = new Map<number, { train: number; val: number; test: number }>();
  for (const id of datasetIds) out.set(id, { train: 0, val: 0, test: 0 });
  if (datasetIds.length === 0) return out;
  const rows = store.db
    .prepare(`SELECT dataset_id, split, COUNT(*) AS n FROM images WHERE status = 'ok' AND split IS NOT NULL GROUP BY dataset_id, split`)
    .all() as { dataset_id: number; split: Split; n: number }[];
  for (const r of rows) {
    const counts = out.get(r.dataset_id);
    if (counts) counts[r.split] = r.n;
  }
  return out;
}

function toSummary(row: DatasetRow, split: { train: number; val: number; test: number }): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    root: row.root,
    classes: JSON.parse(row.classes_json) as string[],
    total: split.train + split.val + split.test,
    split,
    createdMs: row.created_ms,
  };
}

/** Every dataset not deleted, oldest first. */
export function listDatasets(store: Store): DatasetSummary[] {
  const rows = store.db.prepare(`SELECT ${DATASET_COLUMNS} FROM datasets WHERE deleted = 0 ORDER BY id`).all() as DatasetRow[];
  const counts = splitCounts(store, rows.map((r) => r.id));
  return rows.map((r) => toSummary(r, counts.get(r.id) ?? { train: 0, val: 0, test: 0 }));
}

function knownNames(store: Store): string {
  const list = listDatasets(store);
  return list.length ? `Known datasets: ${list.map((d) => `${d.name} (id ${d.id})`).join(', ')}.` : 'No dataset has been imported yet.';
}

/** One dataset by id; throws, listing the known datasets, if there is none (or it was deleted). */
export function getDataset(store: Store, id: number): DatasetSummary {
  const row = store.db.prepare(`SELECT ${DATASET_COLUMNS} FROM datasets WHERE id = ? AND deleted = 0`).get(id) as DatasetRow | undefined;
  if (!row) throw new UserError('not-found', `No dataset with id ${id}. ${knownNames(store)}`);
  const counts = store.db.prepare(`SELECT split, COUNT(*) AS n FROM images WHERE dataset_id = ? AND status = 'ok' AND split IS NOT NULL GROUP BY split`).all(id) as { split: Split; n: number }[];
  const split = { train: 0, val: 0, test: 0 };
  for (const c of counts) split[c.split] = c.n;
  return toSummary(row, split);
}

function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The dataset (not deleted) imported from `folder`, or null: the same folder after resolving
 * it and its symbolic links (`flowers/`, `./flowers` and a link to it are one folder). When
 * several were, the newest.
 */
export function findDatasetByFolder(store: Store, folder: string): DatasetSummary | null {
  const wanted = path.resolve(folder);
  const wantedReal = realOr(wanted);
  const rows = store.db.prepare('SELECT id, root FROM datasets WHERE deleted = 0 ORDER BY id DESC').all() as { id: number; root: string }[];
  const hit = rows.find((r) => r.root === wanted || realOr(r.root) === wantedReal);
  return hit ? getDataset(store, hit.id) : null;
}

/** How many runs (not deleted) and studies use a dataset. */
export function usesOfDataset(store: Store, id: number): { readonly runs: number; readonly studies: number } {
  const runs = (store.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE dataset_id = ? AND deleted = 0').get(id) as { n: number }).n;
  const studies = (store.db.prepare('SELECT COUNT(*) AS n FROM studies WHERE dataset_id = ? AND deleted = 0').get(id) as { n: number }).n;
  return { runs, studies };
}

/** The split settings a dataset was imported with. */
export function splitSettings(store: Store, id: number): { readonly seed: number; readonly valFraction: number; readonly testFraction: number; readonly presplit: boolean } {
  const r = store.db.prepare('SELECT split_seed, val_fraction, test_fraction, presplit FROM datasets WHERE id = ?').get(id) as { split_seed: number; val_fraction: number; test_fraction: number; presplit: number };
  return { seed: r.split_seed, valFraction: r.val_fraction, testFraction: r.test_fraction, presplit: r.presplit === 1 };
}

/**
 * A dataset by reference as a user types it: an id (`3`) or a name (exact, else the one name
 * that matches ignoring case). Throws, listing the known datasets, when nothing matches.
 */
export function resolveDataset(store: Store, ref: string): DatasetSummary {
  const text = ref.trim();
  if (/^\d+$/.test(text)) {
    const byId = store.db.prepare('SELECT id FROM datasets WHERE id = ? AND deleted = 0').get(Number(text)) as { id: number } | undefined;
    if (byId) return getDataset(store, byId.id);
  }
  const exact = store.db.prepare('SELECT id FROM datasets WHERE name = ? AND deleted = 0').get(text) as { id: number } | undefined;
  if (exact) return getDataset(store, exact.id);
  const loose = store.db.prepare('SELECT id FROM datasets WHERE lower(name) = lower(?) AND deleted = 0').all(text) as { id: number }[];
  if (loose.length === 1) return getDataset(store, loose[0].id);
  throw new UserError('not-found', `No dataset "${ref}". ${knownNames(store)}`);
}

/** The report stored when the dataset was imported. */
export function getImportReport(store: Store, id: number): ImportReport {
  const row = store.db.prepare('SELECT report_json FROM datasets WHERE id = ? AND deleted = 0').get(id) as { report_json: string } | undefined;
  if (!row) throw new UserError('not-found', `No dataset with id ${id}. ${knownNames(store)}`);
  const report = JSON.parse(row.report_json) as ImportReport;
  return { ...report, rejected: report.rejected.map((r) => ('code' in r && 'message' in r ? r : storedRejection(r))) };
}

/** The picture format a file name promises, for a report stored before rejections had codes. */
const FORMAT_OF_EXT: Readonly<Record<string, FormatName>> = {
  '.jpg': 'JPEG',
  '.jpeg': 'JPEG',
  '.jpe': 'JPEG',
  '.jfif': 'JPEG',
  '.png': 'PNG',
  '.gif': 'GIF',
  '.webp': 'WebP',
  '.bmp': 'BMP',
  '.dib': 'BMP',
  '.tif': 'TIFF',
  '.tiff': 'TIFF',
  '.avif': 'AVIF',
  '.heic': 'HEIC',
  '.heif': 'HEIC',
};

/**
 * A rejected file of a report stored before rejections had codes (`path`, `reason`, `detail`
 * only), given the code its detail shows: the first bytes the old detail quoted tell what a
 * non-image is, the detail or the name which format a damaged picture was.
 */
export function storedRejection(r: { readonly path: string; readonly reason: RejectReason; readonly detail: string }): RejectedFile {
  const d = r.detail;
  const ext = path.extname(r.path).toLowerCase();
  const quoted = /starts ((?:[0-9a-f]{2} ?)+)/i.exec(d);
  const kind = quoted ? contentKind(Uint8Array.from(quoted[1].trim().split(/\s+/), (h) => parseInt(h, 16))) : 'unknown';
  const format: FormatName = /\bjpe?g\b/i.test(d) ? 'JPEG' : /\bpng\b/i.test(d) ? 'PNG' : /\bbmp\b/i.test(d) ? 'BMP' : /\bgif\b/i.test(d) ? 'GIF' : /\bwebp\b/i.test(d) ? 'WebP' : (FORMAT_OF_EXT[ext] ?? 'JPEG');
  let problem: RejectProblem;
  switch (r.reason) {
    case 'empty':
      problem = { code: 'empty', params: {} };
      break;
    case 'unreadable':
      if (/broken symbolic link/i.test(d)) problem = { code: 'broken-link', params: {} };
      else if (/not a regular file/i.test(d)) problem = { code: 'not-a-file', params: {} };
      else if (/folder cannot be read/i.test(d)) problem = { code: 'folder-unreadable', params: {} };
      else if (/EACCES|EPERM|permission denied/i.test(d)) problem = { code: 'no-permission', params: {} };
      else problem = { code: 'unreadable', params: {} };
      break;
    case 'not-an-image':
      problem = /HEIC|HEIF/.test(d) ? { code: 'unsupported-format', params: { format: 'HEIC' } } : { code: 'not-an-image', params: { kind } };
      break;
    case 'truncated':
      problem = { code: 'truncated', params: { format } };
      break;
    case 'corrupt':
      problem = /^named \S+ but its bytes/.test(d) ? { code: 'misnamed', params: { ext, kind } } : { code: 'corrupt', params: { format } };
      break;
  }
  return { path: r.path, reason: r.reason, ...problem, message: rejectionMessage(problem), detail: d };
}

/** Filters for `listImages`. */
export interface ListImagesOptions {
  readonly split?: Split;
  readonly classIndex?: number;
  readonly limit?: number;
  /** `ok` (default): images in the dataset; `rejected`: files left out; `all`: both. */
  readonly status?: 'ok' | 'rejected' | 'all';
}

/**
 * Images of a dataset in a stable order (by id, which follows the relative path), paths
 * relative to the dataset root. Rejected files have a null split (and class -1 when their
 * class folder had no readable image).
 */
export function listImages(store: Store, datasetId: number, opts: ListImagesOptions = {}): ImageRef[] {
  getDataset(store, datasetId);
  const where = ['dataset_id = ?'];
  const params: (string | number)[] = [datasetId];
  const status = opts.status ?? 'ok';
  if (status !== 'all') {
    where.push('status = ?');
    params.push(status);
  }
  if (opts.split !== undefined) {
    where.push('split = ?');
    params.push(opts.split);
  }
  if (opts.classIndex !== undefined) {
    where.push('class_index = ?');
    params.push(opts.classIndex);
  }
  let sql = `SELECT id, path, class_index, split FROM images WHERE ${where.join(' AND ')} ORDER BY id`;
  if (opts.limit !== undefined) {
    if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new UserError('invalid', `limit must be a whole number ≥ 0 (got ${opts.limit}).`);
    sql += ' LIMIT ?';
    params.push(opts.limit);
  }
  const rows = store.db.prepare(sql).all(...params) as ImageRow[];
  return rows.map((r) => ({ id: r.id, path: r.path, classIndex: r.class_index, split: r.split }));
}

/**
 * The absolute path of an image the store knows (by id). Only files recorded at import can be
 * named this way, and only inside their dataset's root — never an arbitrary path.
 */
export function imageFile(store: Store, imageId: number): string {
  const row = store.db
    .prepare('SELECT i.path AS path, d.root AS root FROM images i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ? AND d.deleted = 0')
    .get(imageId) as { path: string; root: string } | undefined;
  if (!row) throw new UserError('not-found', `No image with id ${imageId}.`);
  const abs = path.resolve(row.root, ...row.path.split('/'));
  const rel = path.relative(row.root, abs);
  if (rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) throw new Error(`Image ${imageId} has a path outside its dataset.`);
  return abs;
}

/**
 * Compares a dataset's accepted images with the files on disk now: `missing` (gone or
 * unreadable) and `changed` (their content is not what was imported), as paths relative to
 * the dataset root. Files added since the import are not looked for.
 *
 * Size and modification time, stored at import, are compared first; a file whose size or
 * time differs is read and its SHA-256 compared with the import's, so a file that was only
 * touched (or copied back) is not called changed, and its new time is stored. A replacement
 * with the same size and the same modification time is not detected.
 */
export function checkDatasetFiles(store: Store, id: number): { missing: string[]; changed: string[] } {
  const ds = getDataset(store, id);
  const rows = store.db.prepare(`SELECT id, path, bytes, mtime_ms, sha256 FROM images WHERE dataset_id = ? AND status = 'ok' ORDER BY id`).all(id) as {
    id: number;
    path: string;
    bytes: number;
    mtime_ms: number;
    sha256: string | null;
  }[];
  const missing: string[] = [];
  const changed: string[] = [];
  const touched: { id: number; mtimeMs: number }[] = [];
  for (const r of rows) {
    const abs = path.join(ds.root, ...r.path.split('/'));
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      missing.push(r.path);
      continue;
    }
    if (!st.isFile()) {
      missing.push(r.path);
      continue;
    }
    if (st.size === r.bytes && Math.floor(st.mtimeMs) === r.mtime_ms) continue;
    let sha: string | null = null;
    try {
      sha = st.size === r.bytes ? createHash('sha256').update(fs.readFileSync(abs)).digest('hex') : null;
    } catch {
      missing.push(r.path);
      continue;
    }
    if (sha !== null && sha === r.sha256) touched.push({ id: r.id, mtimeMs: Math.floor(st.mtimeMs) });
    else changed.push(r.path);
  }
  if (touched.length) {
    try {
      const update = store.db.prepare('UPDATE images SET mtime_ms = ? WHERE id = ?');
      store.db.transaction(() => {
        for (const t of touched) update.run(t.mtimeMs, t.id);
      })();
    } catch {
      // Only a shortcut for the next check (a full disk, say): the hashes matched all the same.
    }
  }
  return { missing, changed };
}

/**
 * Deletes a dataset from the store (never the image files) and its preprocessing caches.
 *
 * A dataset that runs still refer to is kept as a hidden record, renamed
 * "name (deleted #id)" so its name can be used again, and those runs keep their history.
 */
export function deleteDataset(store: Store, id: number): void {
  getDataset(store, id);
  const runs = (store.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE dataset_id = ?').get(id) as { n: number }).n;
  store.db.transaction(() => {
    if (runs > 0) {
      store.db.prepare(`UPDATE datasets SET deleted = 1, name = name || ' (deleted #' || id || ')' WHERE id = ?`).run(id);
    } else {
      store.db.prepare('DELETE FROM images WHERE dataset_id = ?').run(id);
      store.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
    }
  })();
  removeCacheFiles(store.cacheDir, id);
}

/** Cache files of a dataset are named `ds<id>-…`; see `cache.ts`. */
function removeCacheFiles(cacheDir: string, datasetId: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(cacheDir);
  } catch {
    return;
  }
  const prefix = `ds${datasetId}-`;
  for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(cacheDir, name), { force: true });
}
