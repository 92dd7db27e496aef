/**
 * Fixing a dataset's labels from the app: each dataset's label history (which images are
 * relabelled or excluded at its newest version), the edits the user makes from the detail view,
 * a gallery's selection or the import report, and "retrain on the fixed data". The core keeps
 * the edits as rows (shared/contract/labels.ts); nothing here touches a file.
 */
import { getContext, setContext } from 'svelte';
import type { Api } from '@shared/contract/api';
import type { EditedImage, LabelEditRequest, LabelHistory } from '@shared/contract/labels';
import { Action } from '../../lib/action.svelte';

const KEY = Symbol('labels');

/** What an image is at a dataset's newest version. */
export interface LabelNow {
  /** The class it has now (the folder's unless relabelled). */
  readonly className: string;
  readonly excluded: boolean;
  /** The folder's class, when it was relabelled. */
  readonly folderClass: string | null;
}

/** Every dataset's label history the app has looked at, and the edits made from it. */
export class LabelsState {
  #histories = $state.raw<ReadonlyMap<number, LabelHistory>>(new Map());
  #edited = $derived(
    new Map(
      [...this.#histories].map(([id, h]) => [id, new Map<number, EditedImage>(h.edited.map((e) => [e.imageId, e]))] as const),
    ),
  );
  /** The last edit batch (its failure names the image and why). */
  readonly editing = new Action();
  /** The last "retrain on the fixed data". */
  readonly retraining = new Action();
  /** What the last edit batch changed: its version and how many images, for the confirmation. */
  last = $state.raw<{ readonly datasetId: number; readonly version: number; readonly changed: number } | null>(null);

  constructor(private readonly api: Api) {}

  /** The dataset's newest version (0: as imported), once its history is loaded. */
  version(datasetId: number): number | null {
    return this.#histories.get(datasetId)?.version ?? null;
  }

  /** The dataset's history, once loaded. */
  history(datasetId: number): LabelHistory | null {
    return this.#histories.get(datasetId) ?? null;
  }

  /** An image's label now, where it differs from the folder; null: as the folder says (or not loaded). */
  edited(datasetId: number, imageId: number): EditedImage | null {
    return this.#edited.get(datasetId)?.get(imageId) ?? null;
  }

  /** The class an image has now, given the class it was shown with. */
  now(datasetId: number, imageId: number, shownClass: string): LabelNow {
    const e = this.edited(datasetId, imageId);
    if (!e) return { className: shownClass, excluded: false, folderClass: null };
    return { className: e.className, excluded: e.excluded, folderClass: e.className !== e.folderClass ? e.folderClass : null };
  }

  /** Loads (or reloads) a dataset's history. */
  async load(datasetId: number): Promise<void> {
    try {
      this.#set(await this.api.labelHistory(datasetId));
    } catch {
      // The galleries show the folder's labels until the history can be read; an edit reports its own failure.
    }
  }

  /** Reloads every history shown (another window or the CLI may have edited). */
  async reload(): Promise<void> {
    await Promise.all([...this.#histories.keys()].map((id) => this.load(id)));
  }

  /** Applies edits as one new version; true when they were saved. */
  async apply(datasetId: number, edits: readonly LabelEditRequest[]): Promise<boolean> {
    const before = this.version(datasetId);
    const h = await this.editing.run(() => this.api.editLabels(datasetId, edits));
    if (!h) return false;
    this.#set(h);
    this.last = { datasetId, version: h.version, changed: h.version !== before ? edits.length - h.skipped : 0 };
    return true;
  }

  /** Queues `runId`'s exact configuration on its dataset's newest version; the new run's id. */
  async retrain(runId: number): Promise<number | undefined> {
    return this.retraining.run(() => this.api.retrainRun(runId));
  }

  #set(h: LabelHistory): void {
    const next = new Map(this.#histories);
    next.set(h.datasetId, h);
    this.#histories = next;
  }
}

/** Makes the app's label state reachable from every gallery (App.svelte). */
export function provideLabels(labels: () => LabelsState): void {
  setContext(KEY, labels);
}

/** The app's label state, in a component under App.svelte. */
export function useLabels(): LabelsState {
  const labels = getContext<(() => LabelsState) | undefined>(KEY);
  if (!labels) throw new Error('useLabels() outside the app');
  return labels();
}

/** Images picked in a gallery for one edit. */
export class Selection {
  #ids = $state.raw<ReadonlySet<number>>(new Set());

  get size(): number {
    return this.#ids.size;
  }
  get ids(): readonly number[] {
    return [...this.#ids];
  }
  has(imageId: number): boolean {
    return this.#ids.has(imageId);
  }
  toggle(imageId: number, on = !this.#ids.has(imageId)): void {
    const next = new Set(this.#ids);
    if (on) next.add(imageId);
    else next.delete(imageId);
    this.#ids = next;
  }
  /** Picks all of these (or, when all are picked already, none of them). */
  toggleAll(imageIds: readonly number[]): void {
    const all = imageIds.length > 0 && imageIds.every((id) => this.#ids.has(id));
    this.#ids = all ? new Set([...this.#ids].filter((id) => !imageIds.includes(id))) : new Set([...this.#ids, ...imageIds]);
  }
  clear(): void {
    this.#ids = new Set();
  }
}
