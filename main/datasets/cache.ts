/**
 * The preprocessing cache: every accepted image of a dataset decoded once, squashed to
 * size×size and stored as raw uint8 HWC pixels in one flat file per (dataset, size, channels).
 *
 * Layout: `<cacheDir>/ds<id>-<size>px-<rgb|gray>.u8` holds the records back to back, in image-id
 * order (record i ↔ `imageIds[i]`); `<same>.json` beside it holds the image ids and a
 * fingerprint of the files it was built from. A cache is reused while the fingerprint matches
 * and rebuilt when any file changed. Images are squashed to a square, ignoring the aspect ratio,
 * as Keras' `image_dataset_from_directory` does by default (`crop_to_aspect_ratio=False`).
 *
 * The file is written streaming: a few decodes in flight, records appended strictly in order,
 * so memory does not grow with the dataset.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Split } from '../../shared/types';
import type { Store } from '../store/db';
import { decodeSquare } from './decode';
import { defaultConcurrency, orderedPipeline } from './pool';
import { getDataset } from './queries';
import { pidAlive } from '../store/owner';

/** A built cache: where it is, how records are laid out, and what each record is. */
export interface CacheInfo {
  /** Absolute path of the flat uint8 file. */
  readonly file: string;
  /** Side of the square images. */
  readonly size: number;
  readonly channels: 1 | 3;
  /** size × size × channels. */
  readonly recordBytes: number;
  /** Image id of each record, in record order. */
  readonly imageIds: number[];
  readonly records: { imageId: number; classIndex: number; split: Split }[];
}

/** Bump when the pixels a cache holds would change (decoder, resize, colour handling). */
const PREPROCESS_VERSION = 'bloombench-cache-1 squash lanczos3 alpha-over-white srgb|b-w';

/** Largest square side a cache may hold. */
const MAX_SIZE = 1024;

/** Bytes gathered before each write to the cache file. */
const WRITE_CHUNK = 4 * 1024 * 1024;

interface Sidecar {
  readonly version: string;
  readonly datasetId: number;
  readonly size: number;
  readonly channels: 1 | 3;
  readonly recordBytes: number;
  readonly count: number;
  readonly fingerprint: string;
  readonly imageIds: readonly number[];
  readonly createdMs: number;
}

const building = new Map<string, Promise<CacheInfo>>();

/** Where the cache of (dataset, size, channels) lives: the data file; the sidecar adds `.json`. */
export function cacheFile(store: Store, datasetId: number, size: number, channels: 1 | 3): string {
  return path.join(store.cacheDir, `ds${datasetId}-${size}px-${channels === 3 ? 'rgb' : 'gray'}.u8`);
}

/**
 * Returns the cache of a dataset at `size`×`size`×`channels`, building it first if it is
 * missing or its images changed on disk since it was built.
 *
 * Throws, naming the file, when an image is missing or can no longer be decoded.
 * `onProgress(done, total)` is called while building (not when the cache is reused).
 */
export async function ensureCache(store: Store, datasetId: number, size: number, channels: 1 | 3, onProgress?: (done: number, total: number) => void): Promise<CacheInfo> {
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw new Error(`The cache image size must be a whole number from 1 to ${MAX_SIZE} (got ${size}).`);
  if (channels !== 1 && channels !== 3) throw new Error(`The cache needs 1 or 3 channels (got ${String(channels)}).`);
  const file = cacheFile(store, datasetId, size, channels);
  const pending = building.get(file);
  if (pending) return pending;
  const job = buildOrReuse(store, datasetId, size, channels, file, onProgress).finally(() => building.delete(file));
  building.set(file, job);
  return job;
}

async function buildOrReuse(store: Store, datasetId: number, size: number, channels: 1 | 3, file: string, onProgress?: (done: number, total: number) => void): Promise<CacheInfo> {
  const dataset = getDataset(store, datasetId);
  const rows = store.db
    .prepare(`SELECT id, path, class_index, split, sha256 FROM images WHERE dataset_id = ? AND status = 'ok' ORDER BY id`)
    .all(datasetId) as { id: number; path: string; class_index: number; split: Split; sha256: string }[];
  const recordBytes = size * size * channels;
  const absOf = (rel: string): string => path.join(dataset.root, ...rel.split('/'));

  // The fingerprint covers what the records were made from: ids, content hashes at import,
  // and the files' current size and modification time.
  const hash = createHash('sha256').update(`${PREPROCESS_VERSION}\n${size}\n${channels}\n`);
  for (const r of rows) {
    const abs = absOf(r.path);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      throw new Error(`The image ${abs} of dataset "${dataset.name}" is missing or unreadable since the import (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Was the folder moved? Import it again from its new place.`);
    }
    hash.update(`${r.id}\t${r.sha256}\t${Math.floor(st.mtimeMs)}\t${st.size}\n`);
  }
  const fingerprint = hash.digest('hex');
  const info: CacheInfo = {
    file,
    size,
    channels,
    recordBytes,
    imageIds: rows.map((r) => r.id),
    records: rows.map((r) => ({ imageId: r.id, classIndex: r.class_index, split: r.split })),
  };

  const sidecarFile = file + '.json';
  if (isValid(sidecarFile, file, fingerprint, rows.length * recordBytes)) return info;

  fs.rmSync(sidecarFile, { force: true });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  removeAbandonedPartials(file);
  const partial = `${file}.partial-${process.pid}`;
  const fd = fs.openSync(partial, 'w');
  let ok = false;
  try {
    const chunk = Buffer.allocUnsafe(Math.max(recordBytes, Math.floor(WRITE_CHUNK / recordBytes) * recordBytes));
    let used = 0;
    const flush = (): void => {
      let written = 0;
      while (written < used) written += fs.writeSync(fd, chunk, written, used - written);
      used = 0;
    };
    const total = rows.length;
    const step = Math.max(1, Math.floor(total / 200));
    onProgress?.(0, total);
    const concurrency = defaultConcurrency();
    await orderedPipeline(
      total,
      concurrency,
      concurrency * 4,
      async (i) => {
        const abs = absOf(rows[i].path);
        try {
          return await decodeSquare(await fs.promises.readFile(abs), size, channels);
        } catch (e) {
          throw new Error(`Could not read the image ${abs} while building the ${size}px cache of dataset "${dataset.name}": ${(e as Error).message}. The file changed or became unreadable since the import; restore it or import the folder again.`);
        }
      },
      (i, pixels) => {
        if (used + recordBytes > chunk.length) flush();
        pixels.copy(chunk, used);
        used += recordBytes;
        if ((i + 1) % step === 0 || i + 1 === total) onProgress?.(i + 1, total);
      },
    );
    flush();
    fs.fsyncSync(fd);
    ok = true;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOSPC') throw new Error(`The disk is full: could not write the cache ${file}. Free some space and try again.`);
    throw e;
  } finally {
    fs.closeSync(fd);
    if (!ok) fs.rmSync(partial, { force: true });
  }
  fs.renameSync(partial, file);
  const sidecar: Sidecar = { version: PREPROCESS_VERSION, datasetId, size, channels, recordBytes, count: rows.length, fingerprint, imageIds: info.imageIds, createdMs: Date.now() };
  fs.writeFileSync(sidecarFile + '.tmp', JSON.stringify(sidecar));
  fs.renameSync(sidecarFile + '.tmp', sidecarFile);
  return info;
}

/** Deletes half-written copies of `file` left by processes that no longer run. */
function removeAbandonedPartials(file: string): void {
  const prefix = path.basename(file) + '.partial-';
  for (const name of fs.readdirSync(path.dirname(file))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && pidAlive(pid)) continue;
    fs.rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

function isValid(sidecarFile: string, file: string, fingerprint: string, bytes: number): boolean {
  try {
    const sidecar = JSON.parse(fs.readFileSync(sidecarFile, 'utf8')) as Partial<Sidecar>;
    return sidecar.fingerprint === fingerprint && sidecar.version === PREPROCESS_VERSION && fs.statSync(file).size === bytes;
  } catch {
    return false;
  }
}
