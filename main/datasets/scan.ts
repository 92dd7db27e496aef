/**
 * Walks an image folder: finds the class folders (and a `train/`/`test/` split if the folder
 * brings one) and lists every candidate file under each class.
 *
 * Hidden and system files are skipped silently. Symbolic links to files are followed; links to
 * folders are followed once, never into a folder already visited or an ancestor of the root,
 * so a link loop cannot hang the walk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contract/errors';
import type { RejectProblem } from '../../shared/rejections';
import type { Split } from '../../shared/types';

/** One file found under a class folder. */
export interface FoundFile {
  /** Path relative to the dataset root, with `/` separators. */
  readonly rel: string;
  /** Absolute path (through any symlinks, as found). */
  readonly abs: string;
  /** Name of the top-level class folder it belongs to. */
  readonly className: string;
  /** The split its folder fixes (`train/`, `val/`, `test/`), or null when the split is ours to draw. */
  readonly split: Split | null;
  /** Why it cannot even be opened (broken link, not a regular file), with the detail, or null. */
  readonly problem: { readonly problem: RejectProblem; readonly detail: string } | null;
}

/** What the walk found. */
export interface FolderScan {
  /** Absolute, resolved root. */
  readonly root: string;
  /** True when the root holds `train/` and `test/` folders of classes. */
  readonly presplit: boolean;
  /** True when a pre-split folder also brings its own validation folder (`val/`, `validation/`). */
  readonly valFolder: boolean;
  /** Every class folder name seen (sorted), including ones with no files. */
  readonly classNames: readonly string[];
  readonly files: readonly FoundFile[];
}

/** Names skipped without a word: OS metadata, version control, thumbnails caches. */
const SYSTEM_NAMES = new Set(['thumbs.db', 'ehthumbs.db', 'desktop.ini', '__macosx', '$recycle.bin', 'system volume information', '@eadir', 'icon\r']);

/** True for hidden files and folders (`.DS_Store`, `._x.jpg`, `.git`) and OS system files. */
export function isHiddenOrSystem(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || SYSTEM_NAMES.has(name.toLowerCase());
}

/** Folder names that mark a pre-split dataset, by split. */
const SPLIT_DIRS: Readonly<Record<Split, readonly string[]>> = {
  train: ['train', 'training'],
  val: ['val', 'valid', 'validation'],
  test: ['test', 'testing'],
};

/** Lists the class folders and candidate files under `root`; throws on a root that is not a folder. */
export async function scanFolder(root: string): Promise<FolderScan> {
  const abs = path.resolve(root);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('not-found', `The folder ${abs} does not exist.`);
    throw new UserError('invalid', `The folder ${abs} cannot be read: ${(e as Error).message}`);
  }
  if (!stat.isDirectory()) throw new UserError('invalid', `${abs} is not a folder. Choose a folder that holds one sub-folder per class.`);
  const realRoot = await fs.promises.realpath(abs);
  const visited = new Set<string>([realRoot]);
  const top = await listDirs(abs);

  const splitDirs = new Map<Split, string>();
  for (const split of ['train', 'val', 'test'] as const) {
    const found = top.find((d) => SPLIT_DIRS[split].includes(d.toLowerCase()));
    if (found !== undefined) splitDirs.set(split, found);
  }
  const presplit = splitDirs.has('train') && splitDirs.has('test');

  const files: FoundFile[] = [];
  const classNames = new Set<string>();
  // Every class folder is marked visited before any walk, so a link from one class into
  // another cannot file the other's images twice.
  const plan: { dir: string; rel: string; className: string; split: Split | null }[] = [];
  const bases: [string, string, Split | null][] = presplit ? [...splitDirs].map(([split, d]) => [path.join(abs, d), d + '/', split]) : [[abs, '', null]];
  for (const [base, relBase, split] of bases) {
    visited.add(await fs.promises.realpath(base));
    for (const className of await listDirs(base)) {
      const dir = path.join(base, className);
      visited.add(await fs.promises.realpath(dir));
      plan.push({ dir, rel: relBase + className + '/', className, split });
    }
  }
  for (const p of plan) {
    classNames.add(p.className);
    await walk(p.dir, p.rel, p.className, p.split, files, visited, realRoot);
  }
  return { root: abs, presplit, valFolder: presplit && splitDirs.has('val'), classNames: [...classNames].sort(compareNames), files };
}

/** Class names sort by code point, as Python's `sorted` (and so Keras) orders them. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Visible sub-folders of `dir` (following links to folders), sorted. */
async function listDirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
    if (isHiddenOrSystem(entry.name)) continue;
    if (entry.isDirectory()) out.push(entry.name);
    else if (entry.isSymbolicLink()) {
      try {
        if ((await fs.promises.stat(path.join(dir, entry.name))).isDirectory()) out.push(entry.name);
      } catch {
        // A broken link at class level is no class.
      }
    }
  }
  return out.sort(compareNames);
}

/** True when `inner` is `outer` or lies inside it. */
function isSameOrInside(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

async function walk(dir: string, rel: string, className: string, split: Split | null, files: FoundFile[], visited: Set<string>, realRoot: string): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (e) {
    files.push({ rel: rel.replace(/\/$/, ''), abs: dir, className, split, problem: { problem: { code: 'folder-unreadable', params: {} }, detail: `folder cannot be read: ${(e as Error).message}` } });
    return;
  }
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const entry of entries) {
    if (isHiddenOrSystem(entry.name)) continue;
    const abs = path.join(dir, entry.name);
    const entryRel = rel + entry.name;
    let isDir = entry.isDirectory();
    let problem: FoundFile['problem'] = null;
    if (entry.isSymbolicLink()) {
      try {
        const target = await fs.promises.stat(abs);
        isDir = target.isDirectory();
        if (!isDir && !target.isFile()) problem = { problem: { code: 'not-a-file', params: {} }, detail: 'the link points to something that is not a regular file' };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const detail = `broken symbolic link (${code ?? (e as Error).message})`;
        problem = { problem: code === 'EACCES' || code === 'EPERM' ? { code: 'no-permission', params: {} } : { code: 'broken-link', params: {} }, detail };
      }
      if (isDir) {
        const real = await fs.promises.realpath(abs);
        // Skip folders already walked and links back up to the root or above it.
        if (visited.has(real) || isSameOrInside(realRoot, real)) continue;
      }
    } else if (!isDir && !entry.isFile()) {
      problem = { problem: { code: 'not-a-file', params: {} }, detail: 'not a regular file (a device, socket or pipe)' };
    }
    if (isDir) {
      const real = await fs.promises.realpath(abs);
      if (visited.has(real)) continue;
      visited.add(real);
      await walk(abs, entryRel + '/', className, split, files, visited, realRoot);
    } else {
      files.push({ rel: entryRel, abs, className, split, problem });
    }
  }
}
