import { describe, expect, it } from 'vitest';
import { buildGrid, curveGroup, groupCells, stats } from '../../main/studies/aggregate';
import { gridCsv, gridMarkdown } from '../../main/studies/export';
import { axisViews } from '../../main/studies/plan';
import type { RunMetrics, StudyAxis, StudyCell, StudyCellStatus } from '../../shared/contract/studies';

describe('stats', () => {
  it('mean and sample standard deviation by hand', () => {
    // mean 5; squared deviations 9+1+1+9 = 20; / (4 - 1) → std √(20/3)
    const s = stats([2, 4, 6, 8]);
    expect(s.n).toBe(4);
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect([s.min, s.max]).toEqual([2, 8]);
  });
  it('one value has no spread; nulls and NaN are left out', () => {
    expect(stats([0.7, null, NaN])).toEqual({ n: 1, mean: 0.7, std: null, min: 0.7, max: 0.7 });
    expect(stats([])).toEqual({ n: 0, mean: null, std: null, min: null, max: null });
  });
});

// activation × schedule, three seeds. Test accuracies per cell (null: not completed):
//   relu  constant: 0.80 0.82 0.84  → 0.82 ± 0.02
//   relu  cosine:   0.90 0.86 0.88  → 0.88 ± 0.02   (best)
//   tanh  constant: 0.70 0.75 failed → 0.725 ± √0.00125
//   tanh  cosine:   0.60 pending pending → 0.60
const axes: StudyAxis[] = [
  { key: 'activation', values: ['relu', 'tanh'] },
  { key: 'schedule', values: [{ kind: 'constant' }, { kind: 'cosine', minLr: 0 }] },
];
const views = axisViews(axes);
const table: [number, number, number, StudyCellStatus, number | null, number][] = [
  // [activation, schedule, repeat, status, test accuracy, seconds]
  [0, 0, 0, 'completed', 0.8, 10], [0, 0, 1, 'completed', 0.82, 12], [0, 0, 2, 'completed', 0.84, 14],
  [0, 1, 0, 'completed', 0.9, 20], [0, 1, 1, 'completed', 0.86, 22], [0, 1, 2, 'completed', 0.88, 24],
  [1, 0, 0, 'completed', 0.7, 5], [1, 0, 1, 'completed', 0.75, 7], [1, 0, 2, 'failed', null, 1],
  [1, 1, 0, 'completed', 0.6, 30], [1, 1, 1, 'pending', null, 0], [1, 1, 2, 'pending', null, 0],
];
const cells: StudyCell[] = table.map(([a, s, r, status], i) => ({
  index: i,
  coords: [a, s],
  labels: [views[0].labels[a], views[1].labels[s]],
  repeat: r,
  seed: 1 + r,
  runId: status === 'pending' ? null : 100 + i,
  status,
  previousRunIds: [],
}));
const metrics = new Map<number, RunMetrics>(
  table.map(([, , , status, acc, secs], i) => [
    100 + i,
    { runId: 100 + i, status: status as RunMetrics['status'], keptEpoch: 2, epochsDone: 3, testAccuracy: acc, bestValAccuracy: acc, valLoss: null, trainLoss: null, trainAccuracy: null, testLoss: null, seconds: secs, imagesPerSecond: null },
  ]),
);

describe('the results grid', () => {
  it('puts the first axis down the side, the second across, mean ± std per cell', () => {
    const g = buildGrid(1, views, cells, metrics);
    expect(g.rowAxes).toEqual(['activation']);
    expect(g.colAxes).toEqual(['schedule']);
    expect(g.rows.map((r) => r.labels)).toEqual([['relu'], ['tanh']]);
    expect(g.cols.map((c) => c.labels)).toEqual([['constant'], ['cosine']]);
    expect(g.tables).toHaveLength(1);
    const [[rc, rcos], [tc, tcos]] = g.tables[0].cells;
    expect(rc.mean).toBeCloseTo(0.82, 12);
    expect(rc.std).toBeCloseTo(0.02, 12);
    expect(rcos.mean).toBeCloseTo(0.88, 12);
    expect(rcos.std).toBeCloseTo(0.02, 12);
    expect(tc.n).toBe(2);
    expect(tc.mean).toBeCloseTo(0.725, 12);
    expect(tc.std).toBeCloseTo(Math.sqrt(0.00125), 12);
    expect(tc.runs.map((r) => [r.runId, r.status])).toEqual([[106, 'completed'], [107, 'completed'], [108, 'failed']]);
    expect(tcos).toMatchObject({ n: 1, mean: 0.6, std: null, pending: 2 });
    expect(tcos.runs.map((r) => r.runId)).toEqual([109]);
    expect(g.best).toEqual({ table: 0, row: 0, col: 1 });
    expect(g.tables[0].cells.flat().filter((c) => c.best)).toEqual([rcos]);
  });

  it('ranks lower-is-better metrics the other way', () => {
    const g = buildGrid(1, views, cells, metrics, { metric: 'time' });
    // Completed runs only: tanh·constant = (5 + 7) / 2 = 6 is the fastest.
    expect(g.tables[0].cells[1][0].mean).toBe(6);
    expect(g.best).toEqual({ table: 0, row: 1, col: 0 });
  });

  it('marks every cell tied with the best mean', () => {
    const tied = new Map(metrics);
    // tanh · cosine gets 0.88 too (one run): tied with relu · cosine.
    tied.set(109, { ...metrics.get(109)!, testAccuracy: 0.88 });
    const g = buildGrid(1, views, cells, tied);
    expect(g.tables[0].cells.flat().map((c) => c.best)).toEqual([false, true, false, true]);
    expect(g.best).toEqual({ table: 0, row: 0, col: 1 });
  });

  it('splits the remaining axes into one table per value, or pools them', () => {
    const split = buildGrid(1, views, cells, metrics, { rows: ['activation'], cols: [] });
    expect(split.restAxes).toEqual(['schedule']);
    expect(split.tables.map((t) => t.fixed.map((f) => f.label))).toEqual([['constant'], ['cosine']]);
    expect(split.cols).toEqual([{ coords: [], labels: [] }]);
    expect(split.tables[1].cells[0][0].mean).toBeCloseTo(0.88, 12);
    expect(split.best).toEqual({ table: 1, row: 0, col: 0 });

    const pooled = buildGrid(1, views, cells, metrics, { rows: ['activation'], cols: [], rest: 'pool' });
    expect(pooled.tables).toHaveLength(1);
    const relu = pooled.tables[0].cells[0][0];
    // 0.80 0.82 0.84 0.90 0.86 0.88: mean 0.85, squared deviations sum 0.007, / 5
    expect(relu.n).toBe(6);
    expect(relu.mean).toBeCloseTo(0.85, 12);
    expect(relu.std).toBeCloseTo(Math.sqrt(0.0014), 12);
  });

  it('takes several axes as rows, and refuses axes the study does not have', () => {
    const g = buildGrid(1, views, cells, metrics, { rows: ['schedule', 'activation'], cols: [] });
    expect(g.rows.map((r) => r.labels.join('/'))).toEqual(['constant/relu', 'constant/tanh', 'cosine/relu', 'cosine/tanh']);
    expect(g.tables[0].cells.map((r) => r[0].mean)).toEqual([expect.closeTo(0.82, 12), expect.closeTo(0.725, 12), expect.closeTo(0.88, 12), 0.6]);
    expect(() => buildGrid(1, views, cells, metrics, { rows: ['lr'] })).toThrow(/not an axis/);
    expect(() => buildGrid(1, views, cells, metrics, { rows: ['activation'], cols: ['activation'] })).toThrow(/both/);
  });

  it('gives the ★ only when the best cell beats the runner-up beyond chance (Welch)', () => {
    // relu·cosine 0.90 0.86 0.88 vs relu·constant 0.80 0.82 0.84: difference 0.06, se √(2·0.0004/3),
    // t = 3.674235, df = 4 → p = 0.021312 (the t(4) CDF in closed form).
    const g = buildGrid(1, views, cells, metrics);
    expect(g.verdict).toMatchObject({ kind: 'winner', best: { table: 0, row: 0, col: 1, n: 3 }, runnerUp: { row: 0, col: 0, n: 3 }, seeds: 3 });
    expect(g.verdict.p).toBeCloseTo(0.021312, 6);
    expect(g.tables[0].cells.flat().map((c) => c.winner)).toEqual([false, true, false, false]);
    // 95% interval of relu·cosine: 0.88 ± 4.302653 · 0.02/√3 = 0.88 ± 0.0496828.
    expect(g.tables[0].cells[0][1].ci95!.lo).toBeCloseTo(0.88 - 0.0496828, 6);
    expect(g.tables[0].cells[0][1].ci95!.hi).toBeCloseTo(0.88 + 0.0496828, 6);
    expect(g.tables[0].cells[1][1].ci95).toBeNull();

    // A gap of 0.04 with the same spread: t = √6, p = 0.0705 → no clear winner with 3 seeds.
    const close = new Map(metrics);
    close.set(103, { ...metrics.get(103)!, testAccuracy: 0.84 });
    close.set(104, { ...metrics.get(104)!, testAccuracy: 0.86 });
    close.set(105, { ...metrics.get(105)!, testAccuracy: 0.88 });
    const c = buildGrid(1, views, cells, close);
    expect(c.verdict).toMatchObject({ kind: 'no-clear-winner', seeds: 3 });
    expect(c.verdict.p).toBeCloseTo(0.070484, 6);
    expect(c.tables[0].cells.flat().some((x) => x.winner)).toBe(false);
    expect(c.tables[0].cells[0][1].best).toBe(true);
  });

  it('never crowns a cell measured on one seed', () => {
    const oneSeed = cells.filter((c) => c.repeat === 0);
    const g = buildGrid(1, views, oneSeed, metrics);
    expect(g.best).toEqual({ table: 0, row: 0, col: 1 });
    expect(g.verdict).toMatchObject({ kind: 'no-clear-winner', p: null, seeds: 1 });
    expect(g.tables[0].cells.flat().some((x) => x.winner)).toBe(false);
    const single = buildGrid(1, views, oneSeed.filter((c) => c.coords.join() === '0,1'), metrics);
    expect(single.verdict.kind).toBe('single');
    expect(buildGrid(1, views, [], metrics).verdict.kind).toBe('none');
  });

  it('averages each axis over the other axes for its main effects', () => {
    const { mainEffects } = buildGrid(1, views, cells, metrics);
    expect(mainEffects.map((e) => e.key)).toEqual(['activation', 'schedule']);
    const [act, sched] = mainEffects;
    // relu: (0.82 + 0.88) / 2 over 6 runs; tanh: (0.725 + 0.60) / 2 over 3.
    expect(act.levels.map((l) => [l.label, l.points, l.runs])).toEqual([['relu', 2, 6], ['tanh', 2, 3]]);
    expect(act.levels[0].mean).toBeCloseTo(0.85, 12);
    expect(act.levels[1].mean).toBeCloseTo(0.6625, 12);
    expect([act.levels[1].min, act.levels[1].max]).toEqual([0.6, expect.closeTo(0.725, 12)]);
    // constant: (0.82 + 0.725) / 2; cosine: (0.88 + 0.60) / 2.
    expect(sched.levels[0].mean).toBeCloseTo(0.7725, 12);
    expect(sched.levels[1].mean).toBeCloseTo(0.74, 12);
  });

  it('exports CSV lines per cell and a Markdown table with the winner in bold, the verdict and the main effects', () => {
    const g = buildGrid(1, views, cells, metrics);
    const csv = gridCsv(g).trim().split('\n');
    expect(csv[0]).toBe('activation,schedule,metric,n,mean,std,min,max,run_ids,pending,best,ci95_lo,ci95_hi,winner');
    // relu·cosine: 0.88 ± 0.0496828 (see above).
    expect(csv[2]).toBe('relu,cosine,test_accuracy,3,0.88,0.02,0.86,0.9,103 104 105,0,1,0.83031725,0.92968275,1');
    expect(csv[4]).toBe('tanh,cosine,test_accuracy,1,0.6,,0.6,0.6,109,2,0,,,0');
    const md = gridMarkdown({ name: 'act×sched', datasetName: 'flowers', repeats: 3 }, g);
    expect(md).toContain('| activation ↓ / schedule → | constant | cosine |');
    expect(md).toContain('| relu | 82.0 ± 2.0% (95% CI 77.0–87.0%; n=3: #100, #101, #102) | **88.0 ± 2.0% (95% CI 83.0–93.0%; n=3: #103, #104, #105)** ★ |');
    // tanh·constant: 0.725 ± 12.7062 · 0.0353553/√2 = 0.725 ± 0.3177 → 40.7–104.3%, shown up to 100%.
    expect(md).toContain('| tanh | 72.5 ± 3.5% (95% CI 40.7–100.0%; n=2: #106, #107, #108 failed) | 60.0% (n=1: #109, 2 pending) |');
    expect(md).toContain("★ relu · cosine (88.0%) beats the runner-up relu · constant (82.0%) beyond chance: Welch's t-test p = 0.021 over 3 seeds.");
    expect(md).toContain('- activation: relu 85.0% (2 cells, 6 runs) · tanh 66.3% (2 cells, 3 runs)');
    expect(md).toContain('- schedule: constant 77.3% (2 cells, 5 runs) · cosine 74.0% (2 cells, 4 runs)');

    const oneSeed = gridMarkdown({ name: 'x', datasetName: 'flowers', repeats: 1 }, buildGrid(1, views, cells.filter((c) => c.repeat === 0), metrics));
    expect(oneSeed).toContain('| relu | 80.0% (n=1: #100) | 90.0% (n=1: #103) |');
    expect(oneSeed).toContain('No clear winner with 1 seed: relu · cosine (90.0%) has the best mean, but a cell needs two seeds or more to be told apart from relu · constant (80.0%).');
  });
});

describe('curves by group', () => {
  it('per epoch mean, std, min and max over the runs that reached it', () => {
    const g = curveGroup('relu', [
      { runId: 1, keptEpoch: 2, values: [0.5, 0.7, 0.6] },
      { runId: 2, keptEpoch: 3, values: [0.3, 0.5, 0.8] },
      { runId: 3, keptEpoch: 1, values: [0.4] },
    ]);
    expect(g.points.map((p) => p.n)).toEqual([3, 2, 2]);
    expect(g.points[0].mean).toBeCloseTo(0.4, 12);
    expect(g.points[0].std).toBeCloseTo(0.1, 12);
    expect(g.points[1]).toMatchObject({ epoch: 2, min: 0.5, max: 0.7 });
    expect(g.points[2].mean).toBeCloseTo(0.7, 12);
    expect(g.runs[1]).toEqual({ runId: 2, keptEpoch: 3, values: [0.3, 0.5, 0.8] });
  });

  it('groups runs by one axis, or by grid point', () => {
    expect(groupCells(views, cells, 'schedule').map((g) => [g.label, g.runIds])).toEqual([
      ['constant', [100, 101, 102, 106, 107, 108]],
      ['cosine', [103, 104, 105, 109]],
    ]);
    expect(groupCells(views, cells, null).map((g) => g.label)).toEqual(['relu · constant', 'relu · cosine', 'tanh · constant', 'tanh · cosine']);
  });
});
