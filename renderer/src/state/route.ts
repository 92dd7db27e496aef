/**
 * The app's address: every view, run, comparison and study has its own hash route, so Back and
 * Forward move through what the user opened and a reload (or a bookmark) opens it again.
 *
 *   #/datasets          #/datasets/3        the datasets, one's import report
 *   #/new-run                               the new-run form
 *   #/live              #/live/12           the live view of a run
 *   #/runs              #/runs/12           the runs table, with one run's panel open
 *   #/compare           #/compare/3,7,12    a comparison of these runs
 *   #/evaluation        #/evaluation/12     a run's evaluation
 *   #/studies           #/studies/new       the studies, the new-study form,
 *   #/studies/4                             a study's page
 *
 * Hash routes need nothing from the server (`bloombench serve` serves one page) nor from the
 * desktop app's protocol, and the token's query string stays as it is.
 */
import type { View } from './nav';

/** Where the app is. */
export type Route =
  | { readonly view: 'datasets'; readonly datasetId: number | null }
  | { readonly view: 'new-run' }
  | { readonly view: 'live'; readonly runId: number | null }
  | { readonly view: 'runs'; readonly runId: number | null }
  | { readonly view: 'compare'; readonly runIds: readonly number[] }
  | { readonly view: 'evaluation'; readonly runId: number | null }
  | { readonly view: 'studies'; readonly study: number | 'new' | null };

/** The hash of a route: `#/runs/12`. */
export function routeHash(r: Route): string {
  const tail = ((): string | number | null => {
    switch (r.view) {
      case 'datasets':
        return r.datasetId;
      case 'new-run':
        return null;
      case 'live':
      case 'runs':
      case 'evaluation':
        return r.runId;
      case 'compare':
        return r.runIds.length ? r.runIds.join(',') : null;
      case 'studies':
        return r.study;
    }
  })();
  return tail === null ? `#/${r.view}` : `#/${r.view}/${tail}`;
}

/** A positive whole id, or undefined for anything else. */
function id(s: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The route a hash names, or null when it names none (an empty hash, another view, a bad id):
 * the app then opens where it would without one.
 */
export function parseRoute(hash: string): Route | null {
  const m = /^#\/([a-z-]+)(?:\/([^/]*))?\/?$/.exec(hash);
  if (!m) return null;
  const [, view, rest] = m;
  const one = (): number | null | undefined => (rest === undefined || rest === '' ? null : id(rest));
  switch (view as View) {
    case 'datasets': {
      const datasetId = one();
      return datasetId === undefined ? null : { view: 'datasets', datasetId };
    }
    case 'new-run':
      return rest ? null : { view: 'new-run' };
    case 'live':
    case 'runs':
    case 'evaluation': {
      const runId = one();
      return runId === undefined ? null : { view: view as 'live' | 'runs' | 'evaluation', runId };
    }
    case 'compare': {
      if (rest === undefined || rest === '') return { view: 'compare', runIds: [] };
      const ids = rest.split(',').map(id);
      if (ids.some((x) => x === undefined)) return null;
      return { view: 'compare', runIds: [...new Set(ids as number[])] };
    }
    case 'studies': {
      if (rest === 'new') return { view: 'studies', study: 'new' };
      const study = one();
      return study === undefined ? null : { view: 'studies', study };
    }
    default:
      return null;
  }
}
