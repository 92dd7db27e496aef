/**
 * torchvision's pretrained weights as the views see them: which files are in the weights
 * folder, the downloads under way (from the weights panel or from a run that starts from
 * ImageNet), and why the last download of each failed.
 */
import type { Api, WeightsProgress } from '@shared/contract/api';
import type { PretrainedStatus } from '@shared/pretrained';
import { errorText } from '../lib/format';
import { Resource } from '../lib/resource.svelte';

/** The weights folder, fed by `weights-progress` events. */
export class WeightsState {
  readonly list = new Resource<readonly PretrainedStatus[]>([]);
  /** The latest progress of each download under way, by architecture. */
  #progress = $state.raw<ReadonlyMap<string, WeightsProgress>>(new Map());
  /** Why the last download of an architecture failed (the core's message: the URL, the folder). */
  #errors = $state.raw<ReadonlyMap<string, string>>(new Map());
  /** Downloads this window asked for and the core has not answered yet. */
  #asked = $state.raw<ReadonlySet<string>>(new Set());

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    await this.list.load(() => this.api.listWeights());
  }

  /** The published file of `arch`, and whether it is on disk; undefined when it has none. */
  status(arch: string): PretrainedStatus | undefined {
    return this.list.value.find((w) => w.arch === arch);
  }

  /** The download of `arch` under way, or null. */
  progress(arch: string): WeightsProgress | null {
    const p = this.#progress.get(arch);
    return p && p.state === 'downloading' ? p : null;
  }

  /** True while `arch`'s file is downloading (asked here, or reported by the core). */
  downloading(arch: string): boolean {
    return this.#asked.has(arch) || this.progress(arch) !== null;
  }

  /** Why the last download of `arch` failed, or null. */
  error(arch: string): string | null {
    return this.#errors.get(arch) ?? null;
  }

  /** Downloads `arch`'s ImageNet weights now; the progress arrives as events. */
  async download(arch: string): Promise<boolean> {
    this.#asked = new Set([...this.#asked, arch]);
    this.#setError(arch, null);
    try {
      await this.api.downloadWeights(arch);
      return true;
    } catch (e) {
      this.#setError(arch, errorText(e));
      return false;
    } finally {
      const asked = new Set(this.#asked);
      asked.delete(arch);
      this.#asked = asked;
      void this.load();
    }
  }

  onEvent(e: WeightsProgress): void {
    const next = new Map(this.#progress);
    next.set(e.arch, e);
    this.#progress = next;
    if (e.state === 'failed') this.#setError(e.arch, e.error ?? 'The download failed.');
    if (e.state === 'done') this.#setError(e.arch, null);
    if (e.state !== 'downloading') void this.load();
  }

  #setError(arch: string, error: string | null): void {
    const next = new Map(this.#errors);
    if (error === null) next.delete(arch);
    else next.set(arch, error);
    this.#errors = next;
  }
}
