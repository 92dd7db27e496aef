/**
 * Datasets: the list, the open import report with sample thumbnails, and import progress.
 */
import type { Api, ImageRef, ImportProgress } from '@shared/contract/api';
import type { DatasetSummary, ImportReport } from '@shared/types';
import { errorText } from '../../lib/format';
import { Resource } from '../../lib/resource.svelte';
import { SuspectsState } from './suspects.svelte';

/** Duplicate groups whose pictures the report shows (label conflicts first). */
export const DUPLICATE_THUMBS = 24;

/** A folder asked for again: where it was asked from, the name given, and the dataset it became. */
export interface AlreadyImported {
  readonly folder: string;
  readonly name: string | undefined;
  readonly dataset: DatasetSummary;
}

/** The datasets, the open one's import report, and an import under way. */
export class DatasetsState {
  readonly list = new Resource<readonly DatasetSummary[]>([]);
  /** The selected dataset's import report (or why it could not be loaded or deleted). */
  readonly report = new Resource<ImportReport | null>(null);
  #selectedId = $state<number | null>(null);
  #samples = $state.raw<readonly (readonly ImageRef[])[]>([]);
  #duplicateIds = $state.raw<ReadonlyMap<string, number>>(new Map());
  #progress = $state.raw<ImportProgress | null>(null);
  #importing = $state<string | null>(null);
  #error = $state<string | null>(null);
  #already = $state.raw<AlreadyImported | null>(null);

  /** The open dataset's label suspects ("Review suspects"). */
  readonly suspects: SuspectsState;

  constructor(private readonly api: Api) {
    this.suspects = new SuspectsState(api);
  }

  get selectedId(): number | null {
    return this.#selectedId;
  }
  get selected(): DatasetSummary | null {
    return this.list.value.find((d) => d.id === this.#selectedId) ?? null;
  }
  /** Sample images per class index of the open report. */
  get samples(): readonly (readonly ImageRef[])[] {
    return this.#samples;
  }
  /** Image ids of the files listed as duplicates in the open report, by relative path. */
  get duplicateIds(): ReadonlyMap<string, number> {
    return this.#duplicateIds;
  }
  get progress(): ImportProgress | null {
    return this.#progress;
  }
  /** The folder being imported, or null. */
  get importing(): string | null {
    return this.#importing;
  }
  /** Why the last import failed. */
  get error(): string | null {
    return this.#error;
  }
  /** A folder the user asked to import that was imported before: open that dataset, or re-scan? */
  get already(): AlreadyImported | null {
    return this.#already;
  }

  async load(): Promise<void> {
    const before = new Set(this.list.value.map((d) => d.id));
    const wasLoaded = this.list.loaded;
    if (await this.list.load(() => this.api.listDatasets())) {
      const added = this.list.value.filter((d) => !before.has(d.id));
      if (wasLoaded && !this.#importing && added.length === 1) {
        await this.select(added[0].id);
        return;
      }
    }
    const list = this.list.value;
    if (this.#selectedId === null || !list.some((d) => d.id === this.#selectedId)) {
      const first = list[list.length - 1];
      if (first) await this.select(first.id);
      else {
        this.#selectedId = null;
        this.report.reset(null);
      }
    }
  }

  async select(id: number): Promise<void> {
    this.#selectedId = id;
    // The previous report stays in view until this one arrives.
    this.report.reset(this.report.value);
    if (await this.report.load(() => this.api.getImportReport(id))) await this.loadSamples(this.report.value!);
  }

  private async loadSamples(report: ImportReport): Promise<void> {
    const perClass = await Promise.all(report.classes.map((_, i) => this.api.listImages(report.datasetId, { classIndex: i, limit: 8 })));
    if (this.#selectedId === report.datasetId) this.#samples = perClass;
    await this.loadDuplicateIds(report);
  }
  /** Finds the ids of the first duplicate groups' files, so the report can show the pictures. */
  private async loadDuplicateIds(report: ImportReport): Promise<void> {
    this.#duplicateIds = new Map();
    const groups = [...report.duplicates].sort((a, b) => Number(b.labelConflict) - Number(a.labelConflict)).slice(0, DUPLICATE_THUMBS);
    const wanted = new Set(groups.flatMap((g) => g.paths));
    const classIndices = [...new Set(groups.flatMap((g) => g.classes))].map((c) => report.classes.findIndex((k) => k.name === c)).filter((i) => i >= 0);
    if (wanted.size === 0) return;
    try {
      const lists = await Promise.all(classIndices.map((classIndex) => this.api.listImages(report.datasetId, { classIndex })));
      const ids = new Map<string, number>();
      for (const img of lists.flat()) if (wanted.has(img.path)) ids.set(img.path, img.id);
      if (this.#selectedId === report.datasetId) this.#duplicateIds = ids;
    } catch {
      // The paths are still listed; only their pictures are missing.
    }
  }

  onProgress(p: ImportProgress): void {
    this.#progress = p;
  }

  clearError(): void {
    this.#error = null;
  }

  /** Imports a folder and shows its report when done; a folder imported before is asked about first (`already`). */
  async importFolder(folder: string, name?: string): Promise<void> {
    if (this.#importing) return;
    this.#error = null;
    this.#already = null;
    let known: DatasetSummary | null;
    try {
      known = await this.api.findImportedFolder(folder);
    } catch (e) {
      this.#error = errorText(e);
      return;
    }
    if (known) this.#already = { folder, name: name || undefined, dataset: known };
    else await this.runImport(folder, () => this.api.importDataset(folder, name || undefined));
  }

  /** Opens the dataset the folder became, instead of importing it again. */
  async openAlready(): Promise<void> {
    const a = this.#already;
    this.#already = null;
    if (a) await this.select(a.dataset.id);
  }

  /** Imports the folder again as it is now (the core replaces the earlier dataset, or keeps it for its runs). */
  async rescanAlready(): Promise<void> {
    const a = this.#already;
    this.#already = null;
    if (a) await this.runImport(a.folder, () => this.api.importDataset(a.folder, a.name, { rescan: true }));
  }

  dismissAlready(): void {
    this.#already = null;
  }

  async importSample(): Promise<void> {
    await this.runImport('the sample dataset', () => this.api.importSampleDataset());
  }

  private async runImport(what: string, task: () => Promise<ImportReport>): Promise<void> {
    if (this.#importing) return;
    this.#importing = what;
    this.#error = null;
    this.#progress = null;
    try {
      const report = await task();
      this.list.set(await this.api.listDatasets());
      this.#selectedId = report.datasetId;
      this.report.reset(report);
      this.#samples = [];
      await this.loadSamples(report);
    } catch (e) {
      this.#error = errorText(e);
    } finally {
      this.#importing = null;
      this.#progress = null;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await this.api.deleteDataset(id);
      if (this.#selectedId === id) {
        this.#selectedId = null;
        this.report.reset(null);
        this.#samples = [];
      }
      await this.load();
    } catch (e) {
      this.report.reset(this.report.value, errorText(e));
    }
  }
}
