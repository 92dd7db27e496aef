/**
 * One home's weights folder as the core shares it: one download per file at a time, whoever
 * asks (the weights panel, a run that starts from ImageNet, `bloombench weights get`), and its
 * progress pushed to listeners as `weights-progress` events.
 *
 * Two downloads of the same file would append to the same `.part`; here a second caller waits
 * for the first download and sees its progress.
 */
import type { WeightsProgress } from '../../shared/contract/events';
import type { TrainConfig } from '../../shared/config';
import type { PretrainedEntry, PretrainedStatus, RunWeights } from '../../shared/pretrained';
import { ensureImagenetWeights, listWeightsSync, resolveRunWeights } from './cache';
import type { DownloadProgress } from './download';
import { Listeners } from '../core/listeners';

/** How often a download's progress is pushed (its end always is). */
const PROGRESS_MS = 200;

interface InFlight {
  readonly done: Promise<{ file: string; sha256: string; entry: PretrainedEntry }>;
  readonly followers: Set<(p: DownloadProgress) => void>;
}

/** The weights folder of one home, with its downloads in flight. */
export class WeightsFolder {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly listeners = new Listeners<WeightsProgress>();

  constructor(readonly home: string) {}

  /** Subscribes to download progress; returns the unsubscribe function. */
  onProgress(listener: (e: WeightsProgress) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Every published file and whether it is on disk (or partly downloaded). */
  list(): PretrainedStatus[] {
    return listWeightsSync(this.home).map((w) => ({ arch: w.entry.arch, title: w.entry.title, url: w.entry.url, file: w.file, top1: w.entry.top1, bytes: w.bytes, partialBytes: w.partial }));
  }

  /** True while `arch`'s file is being downloaded. */
  downloading(arch: string): boolean {
    return this.inFlight.has(arch);
  }

  /**
   * `arch`'s ImageNet weights in the folder: checked when there, else downloaded — joining the
   * download already under way, if any. `onProgress` sees every chunk of it.
   */
  ensure(arch: string, onProgress?: (p: DownloadProgress) => void): Promise<{ file: string; sha256: string; entry: PretrainedEntry }> {
    let job = this.inFlight.get(arch);
    if (!job) {
      const followers = new Set<(p: DownloadProgress) => void>();
      let last: DownloadProgress = { received: 0, total: null };
      let shownMs = 0;
      let downloaded = false;
      // At most one push per PROGRESS_MS, and the latest bytes pushed when a pause follows.
      let trailing: NodeJS.Timeout | null = null;
      const show = () => {
        trailing = null;
        shownMs = Date.now();
        this.listeners.emit({ kind: 'weights-progress', arch, received: last.received, total: last.total, state: 'downloading', error: null });
      };
      const settle = () => {
        if (trailing) clearTimeout(trailing);
        trailing = null;
      };
      const done = ensureImagenetWeights(this.home, arch, (p) => {
        downloaded = true;
        last = p;
        for (const f of followers) f(p);
        const wait = PROGRESS_MS - (Date.now() - shownMs);
        if (wait <= 0) show();
        else trailing ??= setTimeout(show, wait);
      }).then(
        (r) => {
          settle();
          // A file that was there already was only checked: nothing to tell.
          if (downloaded) this.listeners.emit({ kind: 'weights-progress', arch, received: last.total ?? last.received, total: last.total, state: 'done', error: null });
          return r;
        },
        (e: unknown) => {
          settle();
          this.listeners.emit({ kind: 'weights-progress', arch, received: last.received, total: last.total, state: 'failed', error: e instanceof Error ? e.message : String(e) });
          throw e;
        },
      );
      job = { done, followers };
      this.inFlight.set(arch, job);
      const forget = () => this.inFlight.delete(arch);
      done.then(forget, forget);
    }
    const { followers } = job;
    if (onProgress) followers.add(onProgress);
    const leave = () => {
      if (onProgress) followers.delete(onProgress);
    };
    job.done.then(leave, leave);
    return job.done;
  }

  /** What a run's `pretrained` setting resolves to, through this folder's downloads (`resolveRunWeights`). */
  resolveRun(config: Pick<TrainConfig, 'arch' | 'pretrained'>, log?: (message: string) => void): Promise<RunWeights | null> {
    return resolveRunWeights(config, this.home, log, (arch, onProgress) => this.ensure(arch, onProgress));
  }
}
