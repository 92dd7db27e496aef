/**
 * The app's hash routes (issue 14 item 14): every view, run, comparison and study has an
 * address, and an address the app does not know opens nothing in particular.
 */
import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from '../../renderer/src/state/route';

const ROUTES: [Route, string][] = [
  [{ view: 'datasets', datasetId: null }, '#/datasets'],
  [{ view: 'datasets', datasetId: 3 }, '#/datasets/3'],
  [{ view: 'new-run' }, '#/new-run'],
  [{ view: 'live', runId: 12 }, '#/live/12'],
  [{ view: 'live', runId: null }, '#/live'],
  [{ view: 'runs', runId: null }, '#/runs'],
  [{ view: 'runs', runId: 12 }, '#/runs/12'],
  [{ view: 'compare', runIds: [3, 7, 12] }, '#/compare/3,7,12'],
  [{ view: 'compare', runIds: [] }, '#/compare'],
  [{ view: 'evaluation', runId: 5 }, '#/evaluation/5'],
  [{ view: 'studies', study: null }, '#/studies'],
  [{ view: 'studies', study: 'new' }, '#/studies/new'],
  [{ view: 'studies', study: 4 }, '#/studies/4'],
];

describe('routes', () => {
  it('write and read back every view, run, comparison and study', () => {
    for (const [route, hash] of ROUTES) {
      expect(routeHash(route)).toBe(hash);
      expect(parseRoute(hash)).toEqual(route);
    }
  });

  it('read a trailing slash and drop a run compared twice', () => {
    expect(parseRoute('#/runs/')).toEqual({ view: 'runs', runId: null });
    expect(parseRoute('#/compare/3,3,4')).toEqual({ view: 'compare', runIds: [3, 4] });
  });

  it('name no route for an empty hash, an unknown view or a bad id', () => {
    for (const bad of ['', '#', '#/', '#/nowhere', '#/runs/0', '#/runs/-1', '#/runs/1.5', '#/runs/abc', '#/compare/1,,2', '#/new-run/3', '#/studies/old', '#/live/99999999999999999', 'runs/3']) {
      expect(parseRoute(bad), bad).toBeNull();
    }
  });
});
