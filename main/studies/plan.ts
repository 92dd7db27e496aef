/**
 * A study's plan: the grid of axis values expanded into cells, each cell's configuration, and
 * which of the study's runs belongs to which cell.
 *
 * Pure functions; a run belongs to a cell by its stored configuration (the cell's axis values
 * and seed), so adding values or axes never loses track of the runs already made.
 */
import type { TrainConfig } from '../../shared/config';
import { settingValue } from '../../shared/config-text';
import { STUDY_AXIS_KEYS, STUDY_AXIS_TITLES, type StudyAxis, type StudyAxisKey, type StudyAxisView } from '../../shared/contract/studies';
import type { RunStatus } from '../../shared/types';

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** How a value of `key` is shown: `cosine`, `flip+pad-crop`, `none`, `on`, `0.001` (shared/config-text.ts). */
export function axisValueLabel(key: StudyAxisKey, value: unknown): string {
  return settingValue(key, value as TrainConfig[StudyAxisKey]);
}

/** Adds titles and value labels to axes. */
export function axisViews(axes: readonly StudyAxis[]): StudyAxisView[] {
  return axes.map((a) => ({ ...a, title: STUDY_AXIS_TITLES[a.key], labels: a.values.map((v: unknown) => axisValueLabel(a.key, v)) }) as StudyAxisView);
}

/** Refuses unknown or repeated axes, empty or repeated values; returns the axes unchanged. */
export function checkAxes(axes: readonly StudyAxis[]): readonly StudyAxis[] {
  const seen = new Set<string>();
  for (const a of axes) {
    if (!(STUDY_AXIS_KEYS as readonly string[]).includes(a.key)) {
      throw new Error(
        (a.key as string) === 'seed'
          ? 'seed cannot be an axis: set the number of repeats instead (each repeat gets the next seed).'
          : `"${a.key}" is not a setting a study can vary; one of: ${STUDY_AXIS_KEYS.join(', ')}.`,
      );
    }
    if (seen.has(a.key)) throw new Error(`axis "${a.key}" is given twice; list all its values once.`);
    seen.add(a.key);
    if (!Array.isArray(a.values) || a.values.length === 0) throw new Error(`axis "${a.key}" has no values.`);
    const keys = new Set<string>();
    for (const v of a.values as readonly unknown[]) {
      const k = canonicalJson(v);
      if (keys.has(k)) throw new Error(`axis "${a.key}" lists ${axisValueLabel(a.key, v)} twice.`);
      keys.add(k);
    }
  }
  return axes;
}

/** Grid points: the product of the axis lengths (1 with no axes). */
export function gridSize(axes: readonly StudyAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Every grid point as value indices, first axis slowest. */
export function gridPoints(axes: readonly StudyAxis[]): number[][] {
  let points: number[][] = [[]];
  for (const a of axes) {
    const next: number[][] = [];
    for (const p of points) for (let i = 0; i < a.values.length; i++) next.push([...p, i]);
    points = next;
  }
  return points;
}

/** The configuration of one grid point and seed. */
export function cellConfig(base: TrainConfig, axes: readonly StudyAxis[], coords: readonly number[], seed: number): TrainConfig {
  const c: Record<string, unknown> = { ...base, seed };
  axes.forEach((a, i) => {
    c[a.key] = a.values[coords[i]];
  });
  return c as unknown as TrainConfig;
}

/** The identity of a cell as read from a configuration: its axis values and seed. */
export function cellIdentity(config: TrainConfig, axes: readonly StudyAxis[]): string {
  return canonicalJson([axes.map((a) => config[a.key]), config.seed]);
}

/** A planned cell, before its run is known. */
export interface PlannedCell {
  readonly index: number;
  readonly coords: readonly number[];
  readonly repeat: number;
  readonly seed: number;
  readonly config: TrainConfig;
  readonly identity: string;
}

/** The run order: every grid point with the first seed, then every one with the next, … */
export function planCells(base: TrainConfig, axes: readonly StudyAxis[], repeats: number): PlannedCell[] {
  const points = gridPoints(axes);
  const out: PlannedCell[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const coords of points) {
      const seed = base.seed + r;
      const config = cellConfig(base, axes, coords, seed);
      out.push({ index: out.length, coords, repeat: r, seed, config, identity: cellIdentity(config, axes) });
    }
  }
  return out;
}

/** A run linked to a study, as the planner needs it. */
export interface LinkedRun {
  readonly id: number;
  readonly status: RunStatus;
  readonly config: TrainConfig;
}

/** Each planned cell with its current run (the newest matching one) and earlier attempts. */
export function matchRuns(cells: readonly PlannedCell[], runs: readonly LinkedRun[], axes: readonly StudyAxis[]): { cell: PlannedCell; run: LinkedRun | null; previous: number[] }[] {
  const byIdentity = new Map<string, LinkedRun[]>();
  for (const r of [...runs].sort((a, b) => a.id - b.id)) {
    const k = cellIdentity(r.config, axes);
    const list = byIdentity.get(k) ?? [];
    list.push(r);
    byIdentity.set(k, list);
  }
  return cells.map((cell) => {
    const list = byIdentity.get(cell.identity) ?? [];
    return { cell, run: list.length ? list[list.length - 1] : null, previous: list.slice(0, -1).map((r) => r.id) };
  });
}

/** Merges an extension into the axes: new values appended, a new axis led by the base value. */
export function extendAxes(base: TrainConfig, axes: readonly StudyAxis[], add: StudyAxis): { axes: StudyAxis[]; added: number } {
  const i = axes.findIndex((a) => a.key === add.key);
  if (i >= 0) {
    const have = new Set((axes[i].values as readonly unknown[]).map(canonicalJson));
    const fresh = (add.values as readonly unknown[]).filter((v) => !have.has(canonicalJson(v)));
    const merged = { key: add.key, values: [...(axes[i].values as readonly unknown[]), ...fresh] } as StudyAxis;
    return { axes: axes.map((a, j) => (j === i ? merged : a)), added: fresh.length };
  }
  const baseValue = base[add.key];
  const values = add.values as readonly unknown[];
  const withBase = values.some((v) => canonicalJson(v) === canonicalJson(baseValue)) ? values : [baseValue, ...values];
  return { axes: [...axes, { key: add.key, values: withBase } as StudyAxis], added: withBase.length - 1 };
}
