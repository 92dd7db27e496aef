/**
 * The weights folder (`<home>/weights/`): torchvision's files, downloaded once and checked by
 * SHA-256, or put there by hand; and what a run's `pretrained` setting resolves to.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TrainConfig } from '../../shared/config';
import { megabytes } from '../../shared/format';
import { noPretrainedReason, type PretrainedEntry, pretrainedFileName, pretrainedFor, PRETRAINED, type RunWeights, sha256PrefixOf } from '../../shared/pretrained';
import { DownloadError, type DownloadProgress, downloadFile, sha256File } from './download';

/** Where downloaded weights live under a Bloombench home. */
export function weightsDir(home: string): string {
  return path.join(home, 'weights');
}

/**
 * Where an entry is downloaded from: torchvision's URL, or the same file name under
 * `$BLOOMBENCH_WEIGHTS_URL` (a mirror inside a firewall, or a test server).
 */
export function downloadUrl(entry: PretrainedEntry): string {
  const mirror = process.env.BLOOMBENCH_WEIGHTS_URL;
  if (!mirror) return entry.url;
  return `${mirror.replace(/\/+$/, '')}/${pretrainedFileName(entry)}`;
}

/** A catalog entry and whether its file is in the weights folder. */
export interface WeightsStatus {
  readonly entry: PretrainedEntry;
  readonly file: string;
  /** Size on disk, or null when it is not there. */
  readonly bytes: number | null;
  /** Bytes of an unfinished download (`.part`), or null. */
  readonly partial: number | null;
}

/** Every published file and whether it is on disk. */
export function listWeightsSync(home: string): WeightsStatus[] {
  return PRETRAINED.map((entry) => {
    const file = path.join(weightsDir(home), pretrainedFileName(entry));
    const size = (f: string): number | null => (fs.existsSync(f) ? fs.statSync(f).size : null);
    return { entry, file, bytes: size(file), partial: size(`${file}.part`) };
  });
}

/** The entry for `arch`, or an Error saying why it has none. */
export function pretrainedEntryFor(arch: string): PretrainedEntry {
  const entry = pretrainedFor(arch);
  if (!entry) throw new Error(`${arch} has no ImageNet weights: ${noPretrainedReason(arch)}. 'bloombench weights list' shows the architectures that have them.`);
  return entry;
}

/** What to do without network: the URL, and the folder to put the file in by hand. */
export function offlineHelp(entry: PretrainedEntry, home: string): string {
  const name = pretrainedFileName(entry);
  return [
    `To install it by hand, download this file on a machine with internet access:`,
    `  ${entry.url}`,
    `and put it, under that name, in the folder`,
    `  ${weightsDir(home)}${path.sep}`,
    `(so that it is ${path.join(weightsDir(home), name)}), or pass the file itself: --pretrained /path/to/${name}`,
  ].join('\n');
}

/** A download that failed, with what to do about it. */
export class WeightsUnavailableError extends Error {
  constructor(
    message: string,
    readonly download: DownloadError,
  ) {
    super(message);
    this.name = 'WeightsUnavailableError';
  }
}

/**
 * The local file of `arch`'s ImageNet weights: the one in the weights folder (its SHA-256
 * checked against its name), or downloaded there first. A failed download is a
 * `WeightsUnavailableError` whose message says exactly how to install the file by hand.
 */
export async function ensureImagenetWeights(home: string, arch: string, onProgress?: (p: DownloadProgress) => void): Promise<{ file: string; sha256: string; entry: PretrainedEntry }> {
  const entry = pretrainedEntryFor(arch);
  const file = path.join(weightsDir(home), pretrainedFileName(entry));
  if (fs.existsSync(file)) {
    const sha256 = await sha256File(file);
    if (!sha256.startsWith(entry.sha256Prefix)) {
      throw new Error(
        `${file} is not torchvision's file: its SHA-256 is ${sha256}, its name says it starts with ${entry.sha256Prefix} (damaged, or another file under that name). Delete it and run 'bloombench weights get ${arch}' again.`,
      );
    }
    return { file, sha256, entry };
  }
  const url = downloadUrl(entry);
  try {
    const { sha256 } = await downloadFile(url, file, { sha256Prefix: entry.sha256Prefix, onProgress });
    return { file, sha256, entry };
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    const resume = e.kind === 'interrupted' ? ' The part downloaded so far is kept; running the same command again resumes it.' : '';
    throw new WeightsUnavailableError(`Could not download the ImageNet weights of ${arch} (${entry.title}) from ${url}: ${e.reason}.${resume}\n${offlineHelp(entry, home)}`, e);
  }
}

/** A number of bytes as "44.7 MB" (shared/format.ts; the views use the same). */
export { megabytes };

/**
 * What a run's `pretrained` setting resolves to: nothing (from scratch), torchvision's file
 * (downloaded if needed — by `ensure`, the weights folder's shared downloads in the core — with
 * progress in words through `log` every tenth), or a local file — which counts as torchvision's
 * published weights when its SHA-256 is theirs.
 */
export async function resolveRunWeights(
  config: Pick<TrainConfig, 'arch' | 'pretrained'>,
  home: string,
  log: (message: string) => void = () => undefined,
  ensure: (arch: string, onProgress: (p: DownloadProgress) => void) => Promise<{ file: string; sha256: string }> = (arch, onProgress) => ensureImagenetWeights(home, arch, onProgress),
): Promise<RunWeights | null> {
  if (config.pretrained === 'none') return null;
  if (config.pretrained === 'imagenet') {
    const entry = pretrainedEntryFor(config.arch);
    let shown = -1;
    const { file, sha256 } = await ensure(config.arch, (p) => {
      if (p.total === null) return;
      const tenth = Math.floor((10 * p.received) / p.total);
      if (tenth === shown) return;
      if (shown < 0) log(`Downloading the ImageNet weights of ${config.arch} (${entry.title}, ${megabytes(p.total)}) to ${weightsDir(home)}…`);
      shown = tenth;
      if (tenth > 0) log(`Downloaded ${tenth * 10}% of ${pretrainedFileName(entry)} (${megabytes(p.received)} of ${megabytes(p.total)}).`);
    });
    return { source: 'imagenet', title: entry.title, file, sha256 };
  }
  const file = path.resolve(config.pretrained);
  if (!fs.existsSync(file)) throw new Error(`pretrained: the weights file ${file} does not exist.`);
  if (!fs.statSync(file).isFile()) throw new Error(`pretrained: ${file} is not a file.`);
  const sha256 = await sha256File(file);
  const entry = pretrainedFor(config.arch);
  if (entry && sha256.startsWith(entry.sha256Prefix)) return { source: 'imagenet', title: entry.title, file, sha256 };
  return { source: 'file', title: path.basename(file), file, sha256 };
}

/** The SHA-256 prefix a weights file name carries (re-exported for the CLI). */
export { sha256PrefixOf };
