/**
 * Label edits and dataset versions (shared/contract/labels.ts): relabel, exclude and restore
 * as rows of `label_edits`, one version per batch. Nothing on disk changes, and the split is
 * the import's: the state of an image at version v is its folder label, included, with its
 * edits up to v applied in order (relabel sets the label, exclude leaves it out, restore puts
 * back the folder's label and includes it).
 */
import type { EditedImage, LabelAction, LabelEdit, LabelEditRequest, LabelHistory } from '../../shared/contract/labels';
import { userError } from '../../shared/i18n/error-words';
import type { Split } from '../../shared/types';
import type { Store } from '../store/db';
import { prepareAll } from '../store/sql';
import { getDataset } from './queries';

/** An image's label and inclusion at some version. */
export interface ImageLabel {
  readonly classIndex: number;
  readonly excluded: boolean;
}

interface EditRow {
  version: number;
  image_id: number;
  action: LabelAction;
  class_index: number | null;
  created_ms: number;
  path: string;
  split: Split | null;
  folder_class: number;
}

interface ImageRow {
  id: number;
  path: string;
  class_index: number;
  split: Split | null;
}

/** The label edits of the store's datasets, statements prepared once. */
export class LabelEdits {
  private readonly stmts;

  constructor(private readonly store: Store) {
    this.stmts = prepareAll(store.db, {
      edits: `
        SELECT e.version, e.image_id, e.action, e.class_index, e.created_ms, i.path, i.split, i.class_index AS folder_class
        FROM label_edits e JOIN images i ON i.id = e.image_id
        WHERE e.dataset_id = ? AND e.version <= ? ORDER BY e.id`,
      version: `SELECT COALESCE(MAX(version), 0) AS v FROM label_edits WHERE dataset_id = ?`,
      imageById: `SELECT id, path, class_index, split FROM images WHERE dataset_id = ? AND id = ? AND status = 'ok'`,
      imageByPath: `SELECT id, path, class_index, split FROM images WHERE dataset_id = ? AND path = ? AND status = 'ok'`,
      insert: `INSERT INTO label_edits (dataset_id, version, image_id, action, class_index, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      splitClassCounts: `SELECT split, class_index, COUNT(*) AS n FROM images WHERE dataset_id = ? AND status = 'ok' AND split IS NOT NULL GROUP BY split, class_index`,
    });
  }

  /** The newest version of a dataset (0: no edit). */
  version(datasetId: number): number {
    return (this.stmts.version.get(datasetId) as { v: number }).v;
  }

  /** The images whose label or inclusion differs from the folder at `version` (default: newest). */
  stateAt(datasetId: number, version = this.version(datasetId)): Map<number, ImageLabel & { readonly row: EditRow }> {
    const out = new Map<number, ImageLabel & { readonly row: EditRow }>();
    for (const r of this.rows(datasetId, version)) {
      const before = out.get(r.image_id) ?? { classIndex: r.folder_class, excluded: false };
      const after: ImageLabel =
        r.action === 'relabel' ? { classIndex: r.class_index ?? before.classIndex, excluded: before.excluded }
        : r.action === 'exclude' ? { classIndex: before.classIndex, excluded: true }
        : { classIndex: r.folder_class, excluded: false };
      out.set(r.image_id, { ...after, row: r });
    }
    for (const [imageId, s] of out) if (!s.excluded && s.classIndex === s.row.folder_class) out.delete(imageId);
    return out;
  }

  history(datasetId: number, skipped = 0): LabelHistory {
    const ds = getDataset(this.store, datasetId);
    const version = this.version(datasetId);
    const name = (i: number): string => ds.classes[i] ?? `#${i}`;
    const edits: LabelEdit[] = [];
    const current = new Map<number, number>();
    for (const r of this.rows(datasetId, version)) {
      const from = current.get(r.image_id) ?? r.folder_class;
      const to = r.action === 'relabel' ? (r.class_index ?? from) : r.action === 'restore' ? r.folder_class : from;
      current.set(r.image_id, to);
      edits.push({ version: r.version, imageId: r.image_id, path: r.path, split: r.split, action: r.action, fromClass: name(from), toClass: name(to), createdMs: r.created_ms });
    }
    const edited: EditedImage[] = [...this.stateAt(datasetId, version)].map(([imageId, s]) => ({
      imageId, path: s.row.path, split: s.row.split, folderClass: name(s.row.folder_class), className: name(s.classIndex), excluded: s.excluded,
    }));
    return { datasetId, version, edits: edits.reverse(), edited, skipped };
  }

  /**
   * Applies `requests` as one new version. The whole batch is refused, naming the image or the
   * class, when one is wrong; edits that change nothing are skipped, and a batch of only those
   * is refused saying so.
   */
  apply(datasetId: number, requests: readonly LabelEditRequest[]): LabelHistory {
    const ds = getDataset(this.store, datasetId);
    return this.store.db.transaction((): LabelHistory => {
      const version = this.version(datasetId);
      const state = this.stateAt(datasetId, version);
      const planned = new Map<number, ImageLabel>();
      const rows: { image: ImageRow; action: LabelAction; classIndex: number | null }[] = [];
      let skipped = 0;
      for (const req of requests) {
        const image = this.resolve(datasetId, req.image);
        if (!image) throw userError('not-found', 'error.labelNoImage', { name: ds.name, image: String(req.image), root: ds.root });
        const now = planned.get(image.id) ?? state.get(image.id) ?? { classIndex: image.class_index, excluded: false };
        let classIndex: number | null = null;
        let next: ImageLabel;
        if (req.action === 'relabel') {
          if (req.className === undefined) throw userError('invalid', 'error.labelClassMissing', { image: image.path, flag: '--class C' });
          classIndex = ds.classes.indexOf(req.className);
          if (classIndex < 0) throw userError('invalid', 'error.labelNoClass', { image: image.path, cls: req.className, name: ds.name, classes: ds.classes.join(', ') });
          next = { classIndex, excluded: now.excluded };
        } else if (req.action === 'exclude') {
          next = { classIndex: now.classIndex, excluded: true };
        } else {
          next = { classIndex: image.class_index, excluded: false };
        }
        if (next.classIndex === now.classIndex && next.excluded === now.excluded) {
          skipped++;
          continue;
        }
        planned.set(image.id, next);
        rows.push({ image, action: req.action, classIndex });
      }
      if (!rows.length) {
        const reason = requests.length === 1 ? `${String(requests[0].image)} is already so` : `all ${requests.length} edits are already so`;
        throw userError('conflict', 'error.labelNothing', { name: ds.name, reason, version });
      }
      const where = new Map<number, { split: Split | null; folder: number }>();
      for (const [id, st] of state) where.set(id, { split: st.row.split, folder: st.row.folder_class });
      for (const r of rows) where.set(r.image.id, { split: r.image.split, folder: r.image.class_index });
      this.checkEveryClassLeft(datasetId, ds.name, ds.classes, new Map<number, ImageLabel>([...state, ...planned]), where);
      const now = Date.now();
      for (const r of rows) this.stmts.insert.run(datasetId, version + 1, r.image.id, r.action, r.classIndex, now);
      return this.history(datasetId, skipped);
    })();
  }

  /** The training split keeps at least one image of every class (a model needs its classes). */
  private checkEveryClassLeft(datasetId: number, name: string, classes: readonly string[], after: Map<number, ImageLabel>, where: Map<number, { split: Split | null; folder: number }>): void {
    const train = new Array<number>(classes.length).fill(0);
    for (const r of this.stmts.splitClassCounts.all(datasetId) as { split: Split; class_index: number; n: number }[]) if (r.split === 'train') train[r.class_index] = r.n;
    for (const [id, s] of after) {
      const w = where.get(id);
      if (w?.split !== 'train') continue;
      train[w.folder]--;
      if (!s.excluded) train[s.classIndex]++;
    }
    const empty = train.findIndex((n) => n <= 0);
    if (empty >= 0) throw userError('conflict', 'error.labelAllExcluded', { split: 'train', name, cls: classes[empty] });
  }

  private resolve(datasetId: number, image: number | string): ImageRow | undefined {
    if (typeof image === 'number' || /^\d+$/.test(image)) {
      const byId = this.stmts.imageById.get(datasetId, Number(image)) as ImageRow | undefined;
      if (byId || typeof image === 'number') return byId;
    }
    return this.stmts.imageByPath.get(datasetId, String(image).replace(/\\/g, '/').replace(/^\.\//, '')) as ImageRow | undefined;
  }

  private rows(datasetId: number, version: number): EditRow[] {
    return this.stmts.edits.all(datasetId, version) as EditRow[];
  }
}
