/**
 * Datasets: the list, the open import report with sample thumbnails, and import progress.
 */
import type { Api, ImageRef, ImportProgress } from '@shared/contract/api';
import type { DatasetSummary, ImportReport } from '@shared/types';
import { errorText } from '../../lib/format';

/** Duplicate groups whose pictures the report shows (label conflicts first). */
export const DUPLICATE_THUMBS = 24;

export class DatasetsState {
  #list = $state.raw<readonly DatasetSummary[]>([]);
  #loaded = $state(false);
  #selectedId = $state<number | null>(null);
  #report = $state.raw<ImportReport | null>(null);
  #samples = $state.raw<readonly (readonly ImageRef[])[]>([]);
  #duplicateIds = $state.raw<ReadonlyMap<string, number>>(new Map());
  #progress = $state.raw<ImportProgress | null>(null);
  #importing = $state<string | null>(null);
  #error = $state<string | null>(null);
  #listError = $state<string | null>(null);
  #reportError = $state<string | null>(null);

  constructor(private readonly api: Api) {}

  get list(): readonly DatasetSummary[] {
    return this.#list;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get selectedId(): number | null {
    return this.#selectedId;
  }
  get selected(): DatasetSummary | null {
    return this.#list.find((d) => d.id === this.#selectedId) ?? null;
  }
  get report(): ImportReport | null {
    return this.#report;
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
  get listError(): string | null {
    return this.#listError;
  }
  get reportError(): string | null {
    return this.#reportError;
  }

  async load(): Promise<void> {
    try {
      const before = new Set(this.#list.map((d) => d.id));
      this.#list = await this.api.listDatasets();
      this.#listError = null;
      const added = this.#list.filter((d) => !before.has(d.id));
      if (this.#loaded && !this.#importing && added.length === 1) {
        await this.select(added[0].id);
        return;
      }
    } catch (e) {
      this.#listError = errorText(e);
    }
    this.#loaded = true;
    if (this.#selectedId === null || !this.#list.some((d) => d.id === this.#selectedId)) {
      const first = this.#list[this.#list.length - 1];
      if (first) await this.select(first.id);
      else {
        this.#selectedId = null;
        this.#report = null;
      }
    }
  }

  async select(id: number): Promise<void> {
    this.#selectedId = id;
    this.#reportError = null;
    try {
      const report = await this.api.getImportReport(id);
      if (this.#selectedId !== id) return;
      this.#report = report;
      await this.loadSamples(report);
    } catch (e) {
      this.#reportError = errorText(e);
    }
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

  /** Imports a folder; shows its report when done. */
  async importFolder(folder: string, name?: string): Promise<void> {
    await this.runImport(folder, () => this.api.importDataset(folder, name || undefined));
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
      this.#list = await this.api.listDatasets();
      this.#selectedId = report.datasetId;
      this.#report = report;
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
        this.#report = null;
        this.#samples = [];
      }
      await this.load();
    } catch (e) {
      this.#reportError = errorText(e);
    }
  }
}
