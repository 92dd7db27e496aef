import { describe, expect, it } from 'vitest';
import { canonicalJson, cellIdentity, checkAxes, extendAxes, gridPoints, matchRuns, planCells } from '../../main/studies/plan';
import { DEFAULT_CONFIG, type TrainConfig } from '../../shared/config';
import type { StudyAxis } from '../../shared/contract/studies';

const base: TrainConfig = { ...DEFAULT_CONFIG, arch: 'lenet5', seed: 10 };
const axes: StudyAxis[] = [
  { key: 'activation', values: ['relu', 'tanh'] },
  { key: 'schedule', values: [{ kind: 'constant' }, { kind: 'cosine', minLr: 0 }, { kind: 'step', rates: [0.1, 0.01], ratios: [1, 1] }] },
];

describe('grid expansion', () => {
  it('takes the product of the axes, first axis slowest', () => {
    expect(gridPoints(axes)).toEqual([
      [0, 0], [0, 1], [0, 2],
      [1, 0], [1, 1], [1, 2],
    ]);
    expect(gridPoints([])).toEqual([[]]);
  });

  it('plans every grid point with the first seed, then every one with the next', () => {
    const cells = planCells(base, axes, 2);
    expect(cells).toHaveLength(12);
    expect(cells.map((c) => c.seed)).toEqual([10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11]);
    expect(cells.map((c) => c.index)).toEqual([...Array(12).keys()]);
    expect(cells[4].config).toEqual({ ...base, activation: 'tanh', schedule: { kind: 'cosine', minLr: 0 }, seed: 10 });
    expect(cells[11].config.schedule).toEqual({ kind: 'step', rates: [0.1, 0.01], ratios: [1, 1] });
    expect(new Set(cells.map((c) => c.identity)).size).toBe(12);
  });

  it('refuses the seed as an axis, unknown or repeated axes, and repeated values', () => {
    expect(() => checkAxes([{ key: 'seed', values: [1, 2] } as unknown as StudyAxis])).toThrow(/repeats/);
    expect(() => checkAxes([{ key: 'colour', values: [1] } as unknown as StudyAxis])).toThrow(/not a setting/);
    expect(() => checkAxes([axes[0], axes[0]])).toThrow(/twice/);
    expect(() => checkAxes([{ key: 'lr', values: [] }])).toThrow(/no values/);
    expect(() => checkAxes([{ key: 'schedule', values: [{ kind: 'cosine', minLr: 0 }, { minLr: 0, kind: 'cosine' } as never] }])).toThrow(/cosine twice/);
  });

  it('identifies a run with its cell by configuration, whatever the key order', () => {
    const c = planCells(base, axes, 1)[5];
    const stored = JSON.parse(JSON.stringify({ ...c.config, schedule: { ratios: [1, 1], rates: [0.1, 0.01], kind: 'step' } })) as TrainConfig;
    expect(cellIdentity(stored, axes)).toBe(c.identity);
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });
});

describe('matching runs and extending', () => {
  it('gives each cell its newest run and lists earlier attempts', () => {
    const cells = planCells(base, [axes[0]], 1);
    const runs = [
      { id: 3, status: 'failed' as const, config: cells[1].config },
      { id: 5, status: 'completed' as const, config: cells[1].config },
      { id: 4, status: 'completed' as const, config: cells[0].config },
      { id: 9, status: 'completed' as const, config: { ...cells[0].config, seed: 99 } },
    ];
    const m = matchRuns(cells, runs, [axes[0]]);
    expect(m.map((x) => x.run?.id)).toEqual([4, 5]);
    expect(m[1].previous).toEqual([3]);
  });

  it('appends only new values to an existing axis', () => {
    const r = extendAxes(base, axes, { key: 'activation', values: ['tanh', 'elu'] });
    expect(r.added).toBe(1);
    expect(r.axes[0].values).toEqual(['relu', 'tanh', 'elu']);
  });

  it('puts the base value first on a new axis, so earlier runs keep their cells', () => {
    const r = extendAxes(base, [axes[0]], { key: 'dropout', values: [0.5] });
    expect(r.axes[1]).toEqual({ key: 'dropout', values: [0, 0.5] });
    expect(r.added).toBe(1);
    const before = planCells(base, [axes[0]], 1);
    const after = planCells(base, r.axes, 1);
    const m = matchRuns(after, before.map((c, i) => ({ id: i + 1, status: 'completed' as const, config: c.config })), r.axes);
    expect(m.filter((x) => x.run).map((x) => [x.cell.coords, x.run!.id])).toEqual([
      [[0, 0], 1],
      [[1, 0], 2],
    ]);
  });
});
