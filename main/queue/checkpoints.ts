/**
 * The core's view of a run's checkpoint folders on disk: which are complete, which epoch each
 * holds, and cleaning up what a stopped worker left half-written.
 *
 * The worker writes a checkpoint into `<name>.tmp` and renames it into place (the previous one
 * moved aside to `<name>.old` until then), so a folder under its own name is complete; a
 * `.tmp` folder is never one. See main/worker/checkpoint.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILES, checkpointStateSchema } from '../../shared/contract/worker';

/** A complete checkpoint folder and the loop state it holds. */
export interface CheckpointOnDisk {
  readonly dir: string;
  readonly epoch: number;
  readonly bestEpoch: number | null;
}

/** The folder checkpoints live in, inside a run's folder. */
export function checkpointsDirOf(runDir: string): string {
  return path.join(runDir, 'checkpoints');
}

/** Reads a checkpoint folder; null unless every file is there and its state is valid. */
export function readCheckpointSync(dir: string): CheckpointOnDisk | null {
  try {
    for (const f of Object.values(CHECKPOINT_FILES)) if (!fs.statSync(path.join(dir, f)).isFile()) return null;
    const state = checkpointStateSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_FILES.state), 'utf8')));
    return state.success ? { dir, epoch: state.data.epoch, bestEpoch: state.data.bestEpoch } : null;
  } catch {
    return null;
  }
}

/**
 * The checkpoint to resume a run from when the database has no usable row: the newest
 * complete one (`last`, `best`, or one moved aside as `.old`) whose epoch the database
 * recorded (≤ `recordedEpochs`), else the newest complete one; null if there is none.
 */
export function findCheckpointOnDiskSync(runDir: string, recordedEpochs: number): CheckpointOnDisk | null {
  const dir = checkpointsDirOf(runDir);
  const found: CheckpointOnDisk[] = [];
  for (const name of ['last', 'best', 'last.old', 'best.old']) {
    const ck = readCheckpointSync(path.join(dir, name));
    if (ck) found.push(ck);
  }
  found.sort((a, b) => b.epoch - a.epoch);
  return found.find((c) => c.epoch <= recordedEpochs) ?? found[0] ?? null;
}

/**
 * Removes what a stopped worker left half-written (`*.tmp` folders), and `.old` copies whose
 * replacement is complete. Call only when no worker writes into `runDir`. Returns the bytes freed.
 */
export function removePartialCheckpointsSync(runDir: string): number {
  const dir = checkpointsDirOf(runDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let freed = 0;
  for (const name of names) {
    const full = path.join(dir, name);
    const stale = name.endsWith('.tmp') || (name.endsWith('.old') && readCheckpointSync(path.join(dir, name.slice(0, -'.old'.length))) !== null);
    if (!stale) continue;
    freed += folderBytesSync(full);
    fs.rmSync(full, { recursive: true, force: true });
  }
  return freed;
}

function folderBytesSync(dir: string): number {
  let total = 0;
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      total += e.isDirectory() ? folderBytesSync(p) : fs.statSync(p).size;
    }
  } catch {
    // Gone meanwhile: nothing to count.
  }
  return total;
}

/**
 * Makes the `best` folder hold the best epoch that `resumeFrom` records, before a run resumes
 * from it: the worker writes `last` before `best`, so a worker stopped in between (killed, or
 * the disk full) leaves `best` one best epoch behind, or missing. When the best epoch is the
 * checkpoint's own epoch, `best` is copied from it; a `best.old` of that epoch is put back.
 * Returns the `best` folder, or null when that epoch's weights are gone (or there is none).
 */
export function repairBestCheckpointSync(runDir: string, resumeFrom: CheckpointOnDisk): string | null {
  if (resumeFrom.bestEpoch === null) return null;
  const bestDir = path.join(checkpointsDirOf(runDir), 'best');
  if (readCheckpointSync(bestDir)?.epoch === resumeFrom.bestEpoch) return bestDir;
  const old = `${bestDir}.old`;
  if (readCheckpointSync(old)?.epoch === resumeFrom.bestEpoch) {
    fs.rmSync(bestDir, { recursive: true, force: true });
    fs.renameSync(old, bestDir);
    return bestDir;
  }
  if (resumeFrom.bestEpoch !== resumeFrom.epoch) return null;
  const tmp = `${bestDir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.cpSync(resumeFrom.dir, tmp, { recursive: true });
  fs.rmSync(bestDir, { recursive: true, force: true });
  fs.renameSync(tmp, bestDir);
  return bestDir;
}
