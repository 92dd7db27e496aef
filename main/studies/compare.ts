/**
 * Comparing runs with statistics: McNemar's exact test for each pair of runs on the same test
 * images, and the runs grouped by their settings but the seed, each group's test accuracy as a
 * mean with its 95% interval, the best group tested against the runner-up.
 */
import { SETTINGS, settingValue } from '../../shared/config-text';
import type { PairedTest, RunComparison, SeedGroup } from '../../shared/contract/analysis';
import { UserError } from '../../shared/contract/errors';
import { mcnemarExact, meanInterval, SIGNIFICANCE, welchTest } from '../../shared/statistics';
import type { RunSummary } from '../../shared/types';
import type { RunQueries } from '../store/run-queries';

/** McNemar's counts and exact p of two runs over the test images both have predictions for. */
export function pairedTest(runA: number, runB: number, a: ReadonlyMap<number, boolean>, b: ReadonlyMap<number, boolean>): PairedTest {
  let bothRight = 0;
  let onlyA = 0;
  let onlyB = 0;
  let bothWrong = 0;
  for (const [image, rightA] of a) {
    const rightB = b.get(image);
    if (rightB === undefined) continue;
    if (rightA && rightB) bothRight++;
    else if (rightA) onlyA++;
    else if (rightB) onlyB++;
    else bothWrong++;
  }
  const images = bothRight + onlyA + onlyB + bothWrong;
  return {
    runA,
    runB,
    images,
    bothRight,
    onlyA,
    onlyB,
    bothWrong,
    accuracyA: images ? (bothRight + onlyA) / images : 0,
    accuracyB: images ? (bothRight + onlyB) / images : 0,
    p: mcnemarExact(onlyA, onlyB).p,
  };
}

/** A config without its seed, as a key: runs that share it are repeats of one setting (on one version of the labels). */
function settingsKey(r: RunSummary): string {
  return `${r.datasetId}|v${r.datasetVersion}|${SETTINGS.filter((k) => k !== 'seed')
    .map((k) => settingValue(k, r.config[k]))
    .join('|')}`;
}

/** Groups runs by everything but the seed (and by the dataset version); each group labelled by the settings where the groups differ. */
export function seedGroups(runs: readonly RunSummary[]): SeedGroup[] {
  const groups = new Map<string, RunSummary[]>();
  for (const r of runs) {
    const key = settingsKey(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const list = [...groups.values()];
  const firsts = list.map((g) => g[0]);
  const differing = SETTINGS.filter((k) => k !== 'seed' && new Set(firsts.map((r) => settingValue(k, r.config[k]))).size > 1);
  const datasets = new Set(firsts.map((r) => r.datasetId)).size > 1;
  // Runs before and after a label fix are told apart by the version they trained on.
  const versions = new Set(firsts.map((r) => `${r.datasetId}|${r.datasetVersion}`)).size > new Set(firsts.map((r) => r.datasetId)).size;
  return list.map((g) => {
    const first = g[0];
    const words = [...(datasets ? [first.datasetName] : []), ...(versions ? [`v${first.datasetVersion}`] : []), ...differing.map((k) => settingValue(k, first.config[k]))];
    const m = meanInterval(g.map((r) => (r.status === 'completed' ? r.testAccuracy : null)));
    return {
      label: words.join(' · ') || (list.length === 1 ? '' : first.name),
      runIds: g.map((r) => r.id),
      n: m.n,
      mean: m.mean,
      std: m.std,
      ci95: m.lo !== null && m.hi !== null ? { lo: m.lo, hi: m.hi } : null,
    };
  });
}

/** Pairs, seed groups and their verdict for some runs (in the order given). */
export function compareRuns(queries: RunQueries, runs: readonly RunSummary[]): RunComparison {
  if (!runs.length) throw new UserError('invalid', 'Compare needs at least one run.');
  const ids = runs.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new UserError('invalid', 'A run is selected twice.');
  const notes: string[] = [];
  const apartPairs: [number, number][] = [];
  const right = queries.correctness(ids);
  const tested = runs.filter((r) => (right.get(r.id)?.size ?? 0) > 0);
  const untested = runs.filter((r) => !tested.includes(r));
  if (untested.length) notes.push(`Run${untested.length > 1 ? 's' : ''} ${untested.map((r) => r.id).join(', ')} ha${untested.length > 1 ? 've' : 's'} no test predictions yet: left out of the paired tests.`);
  const pairs: PairedTest[] = [];
  const apart = new Set<string>();
  for (let i = 0; i < tested.length; i++)
    for (let j = i + 1; j < tested.length; j++) {
      const [a, b] = [tested[i], tested[j]];
      if (a.datasetId !== b.datasetId) {
        apart.add(`${a.id} and ${b.id}`);
        apartPairs.push([a.id, b.id]);
        continue;
      }
      pairs.push(pairedTest(a.id, b.id, right.get(a.id)!, right.get(b.id)!));
    }
  if (apart.size) notes.push(`Runs on different datasets are not tested image by image (${[...apart].join('; ')}).`);

  const groups = seedGroups(runs);
  // The best group against the runner-up, when at least two groups have a spread to test.
  const ranked = groups
    .map((g, i) => ({ g, i }))
    .filter((x) => x.g.mean !== null)
    .sort((x, y) => y.g.mean! - x.g.mean! || x.i - y.i);
  let groupVerdict: RunComparison['groupVerdict'] = null;
  if (ranked.length >= 2 && groups.some((g) => g.n >= 2)) {
    const [best, second] = ranked;
    const values = (g: SeedGroup) => g.runIds.map((id) => runs.find((r) => r.id === id)!).map((r) => (r.status === 'completed' ? r.testAccuracy : null));
    const w = welchTest(values(best.g), values(second.g));
    groupVerdict = { best: best.i, runnerUp: second.i, p: w?.p ?? null, seeds: Math.min(best.g.n, second.g.n), winner: w !== null && w.p < SIGNIFICANCE && w.difference > 0 };
  }
  return { runIds: ids, pairs, groups, groupVerdict, untested: untested.map((r) => r.id), apart: apartPairs, notes };
}
