/**
 * The renderer's message catalogue: the shared words (settings, metrics, statuses, the core's
 * messages) and one module per view, merged. tests/shared/i18n.test.ts checks that no key is in
 * two modules, that every message has both languages with the same placeholders, and that the
 * Korean follows the glossary.
 */
// Relative rather than `@shared/`: the tests compile this file without the renderer's alias.
import { SHARED_MESSAGES } from '../../../shared/i18n/messages';
import { COMPARE } from './messages/compare';
import { DATASETS } from './messages/datasets';
import { EVALUATION } from './messages/evaluation';
import { FORM } from './messages/form';
import { LIVE } from './messages/live';
import { NEW_RUN } from './messages/new-run';
import { RUNS } from './messages/runs';
import { BACKEND_REASONS, SHELL } from './messages/shell';
import { STUDIES } from './messages/studies';
import { ANALYSIS } from './messages/analysis';
import { SLURM } from './messages/slurm';
import { WEIGHTS } from './messages/weights';
import { DETAIL } from './messages/detail';
import { LABELS } from './messages/labels';

/** Each part of the catalogue by name (the test reads them one by one). */
export const CATALOGUE_PARTS = {
  ...SHARED_MESSAGES,
  shell: SHELL,
  backendReasons: BACKEND_REASONS,
  datasets: DATASETS,
  form: FORM,
  studies: STUDIES,
  compare: COMPARE,
  newRun: NEW_RUN,
  analysis: ANALYSIS,
  weights: WEIGHTS,
  slurm: SLURM,
  live: LIVE,
  evaluation: EVALUATION,
  detail: DETAIL,
  labels: LABELS,
  runs: RUNS,
} as const;

/** Every message the renderer shows. */
export type Messages = UnionToIntersection<(typeof CATALOGUE_PARTS)[keyof typeof CATALOGUE_PARTS]>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The merged catalogue. */
export const CATALOGUE = Object.assign({}, ...Object.values(CATALOGUE_PARTS)) as Messages;
