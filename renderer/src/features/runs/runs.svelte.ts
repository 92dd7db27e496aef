/**
 * The runs table: list, sorting, filtering, selection, and the edits a row offers.
 */
import type { Api } from '@shared/contract/api';
import { fmt } from '../../i18n/i18n.svelte';
import type { RunStatus, RunSummary } from '@shared/types';
import { errorText } from '../../lib/format';
import { Resource } from '../../lib/resource.svelte';

/** How long a run trained (so far, while it trains): `3 min 5 s`. */
export function runTime(r: RunSummary): string {
  if (!r.startedMs) return '—';
  return fmt.duration(((r.endedMs ?? Date.now()) - r.startedMs) / 1000);
}

export type SortKey = 'id' | 'name' | 'arch' | 'status' | 'dataset' | 'epochs' | 'bestVal' | 'test' | 'params' | 'created';

/** What each column sorts by (runs without a number sort first, as -1). */
const SORT_VALUE: Readonly<Record<SortKey, (r: RunSummary) => string | number>> = {
  id: (r) => r.id,
  name: (r) => r.name.toLowerCase(),
  arch: (r) => r.arch,
  status: (r) => r.status,
  dataset: (r) => r.datasetName.toLowerCase(),
  epochs: (r) => r.epochsDone,
  bestVal: (r) => r.bestValAccuracy ?? -1,
  test: (r) => r.testAccuracy ?? -1,
  params: (r) => r.trainableParams ?? -1,
  created: (r) => r.createdMs,
};

/** The runs table: every run, how it is sorted and filtered, which rows are ticked. */
export class RunsState {
  readonly list = new Resource<readonly RunSummary[]>([]);
  #rowError = $state.raw<{ id: number; message: string } | null>(null);
  #sortKey = $state<SortKey>('created');
  #sortDesc = $state(true);
  #selected = $state.raw<ReadonlySet<number>>(new Set());
  /** Free-text filter over name, architecture, dataset, tags and notes. */
  filter = $state('');
  statusFilter = $state<RunStatus | 'all'>('all');
  #reloadTimer: ReturnType<typeof setTimeout> | null = null;
  #openId = $state<number | null>(null);
  #opened = $state(0);

  constructor(private readonly api: Api) {}

  get rowError(): { id: number; message: string } | null {
    return this.#rowError;
  }
  get sortKey(): SortKey {
    return this.#sortKey;
  }
  get sortDesc(): boolean {
    return this.#sortDesc;
  }
  get selected(): ReadonlySet<number> {
    return this.#selected;
  }
  /** The run whose panel is open beside the table. */
  get openId(): number | null {
    return this.#openId;
  }
  /** Counts openings: opening a run, even the open one again, starts its panel afresh. */
  get opened(): number {
    return this.#opened;
  }

  /** Opens a run's panel (null closes it). */
  openRun(id: number | null): void {
    this.#openId = id;
    if (id !== null) this.#opened++;
  }

  /** Ticks exactly these runs. */
  select(ids: readonly number[]): void {
    this.#selected = new Set(ids);
  }

  /** The rows after filter and sort. */
  get visible(): readonly RunSummary[] {
    const words = this.filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const rows = this.list.value.filter((r) => {
      if (this.statusFilter !== 'all' && r.status !== this.statusFilter) return false;
      if (words.length === 0) return true;
      const hay = `${r.id} ${r.name} ${r.arch} ${r.datasetName} ${r.tags.join(' ')} ${r.notes} ${r.status} ${r.config.optimizer} ${r.config.activation}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    const k = this.#sortKey;
    const dir = this.#sortDesc ? -1 : 1;
    return [...rows].sort((a, b) => {
      const va = SORT_VALUE[k](a);
      const vb = SORT_VALUE[k](b);
      return (va < vb ? -1 : va > vb ? 1 : a.id - b.id) * dir;
    });
  }

  sortBy(k: SortKey): void {
    if (this.#sortKey === k) this.#sortDesc = !this.#sortDesc;
    else {
      this.#sortKey = k;
      this.#sortDesc = k === 'created' || k === 'test' || k === 'bestVal' || k === 'epochs' || k === 'params' || k === 'id';
    }
  }

  toggle(id: number, on: boolean): void {
    const s = new Set(this.#selected);
    if (on) s.add(id);
    else s.delete(id);
    this.#selected = s;
  }

  clearSelection(): void {
    this.#selected = new Set();
  }

  async load(): Promise<void> {
    if (!(await this.list.load(() => this.api.listRuns()))) return;
    const ids = new Set(this.list.value.map((r) => r.id));
    if ([...this.#selected].some((id) => !ids.has(id))) this.#selected = new Set([...this.#selected].filter((id) => ids.has(id)));
  }

  /** Reloads soon, coalescing bursts of change events. */
  scheduleReload(): void {
    if (this.#reloadTimer !== null) return;
    this.#reloadTimer = setTimeout(() => {
      this.#reloadTimer = null;
      void this.load();
    }, 250);
  }

  async update(id: number, patch: { name?: string; notes?: string; tags?: readonly string[] }): Promise<boolean> {
    this.#rowError = null;
    try {
      const updated = await this.api.updateRun(id, patch);
      this.list.set(this.list.value.map((r) => (r.id === id ? updated : r)));
      return true;
    } catch (e) {
      this.#rowError = { id, message: errorText(e) };
      return false;
    }
  }

  async remove(id: number): Promise<void> {
    this.#rowError = null;
    try {
      await this.api.deleteRun(id);
      this.toggle(id, false);
      await this.load();
    } catch (e) {
      this.#rowError = { id, message: errorText(e) };
    }
  }

  async resume(id: number): Promise<void> {
    this.#rowError = null;
    try {
      await this.api.resumeRun(id);
      await this.load();
    } catch (e) {
      this.#rowError = { id, message: errorText(e) };
    }
  }
}
