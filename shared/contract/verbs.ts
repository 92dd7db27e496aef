/**
 * The workstation's verbs, written once: the preload, the browser client, the HTTP server and
 * the IPC handlers all iterate this list.
 *
 * Plain data (no zod), so the sandboxed preload can bundle it cheaply. Adding a verb to `Api`
 * without listing it here fails to compile (the check below), and `apiArgSchemas` must have a
 * validator for every listed verb.
 */
import type { Api } from './api';

/** The verbs a transport forwards (everything on `Api` but the event subscription). */
export type ApiVerb = Exclude<keyof Api, 'onEvent'>;

/** The argument tuple of one verb. */
export type ApiArgs<V extends ApiVerb> = Parameters<Api[V]>;

/** The resolved result of one verb. */
export type ApiResult<V extends ApiVerb> = Awaited<ReturnType<Api[V]>>;

/** Every verb, in a stable order. */
export const API_VERBS = [
  'listDatasets',
  'importDataset',
  'findImportedFolder',
  'getImportReport',
  'importSampleDataset',
  'listImages',
  'deleteDataset',
  'listModels',
  'backendReport',
  'listWeights',
  'downloadWeights',
  'estimateRuns',
  'estimateStudy',
  'startRun',
  'cancelRun',
  'resumeRun',
  'listRuns',
  'getRun',
  'updateRun',
  'deleteRun',
  'runSeries',
  'predictions',
  'classifyImage',
  'explainImage',
  'createStudy',
  'listStudies',
  'getStudy',
  'runStudy',
  'pauseStudy',
  'extendStudy',
  'updateStudy',
  'deleteStudy',
  'studyGrid',
  'studyCurves',
  'runMetrics',
  'failuresAcrossRuns',
  'confusionDiff',
  'exportStudy',
  'submitStudySlurm',
  'collectStudySlurm',
  'studySlurm',
  'controlStudySlurm',
  'compareRuns',
  'labelSuspects',
  'labelHistory',
  'editLabels',
  'retrainRun',
] as const satisfies readonly ApiVerb[];

type Unlisted = Exclude<ApiVerb, (typeof API_VERBS)[number]>;
const allVerbsListed: [Unlisted] extends [never] ? true : Unlisted = true;
void allVerbsListed;

const VERB_SET: ReadonlySet<string> = new Set(API_VERBS);

/** True when `name` is one of the forwarded verbs. */
export function isApiVerb(name: string): name is ApiVerb {
  return VERB_SET.has(name);
}

/**
 * Builds an `Api` (without `onEvent`) whose every verb forwards to `call`: the one place the
 * preload and the browser client turn a verb name into a message.
 */
export function forwardVerbs(call: (verb: ApiVerb, args: readonly unknown[]) => Promise<unknown>): Omit<Api, 'onEvent'> {
  const api: Partial<Record<ApiVerb, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const verb of API_VERBS) api[verb] = (...args: unknown[]) => call(verb, args);
  return api as unknown as Omit<Api, 'onEvent'>;
}
