/**
 * The shared catalogues (what the core, the CLI's reports and the renderer all say), by name.
 */
import { translator, type Translate } from './catalogue';
import { CONFIG_WORDS } from './config-words';
import { DIAGNOSTIC_WORDS } from './diagnostic-words';
import { ERROR_WORDS } from './error-words';
import { ESTIMATE_WORDS } from './estimates';
import { MODEL_WORDS } from './model-words';
import type { Locale } from './locale';
import { REJECTION_WORDS } from './rejections';
import { TERMS } from './terms';

export const SHARED_MESSAGES = {
  terms: TERMS,
  config: CONFIG_WORDS,
  models: MODEL_WORDS,
  errors: ERROR_WORDS,
  diagnostics: DIAGNOSTIC_WORDS,
  estimates: ESTIMATE_WORDS,
  rejections: REJECTION_WORDS,
} as const;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every shared message, as one catalogue type. */
export type SharedMessages = UnionToIntersection<(typeof SHARED_MESSAGES)[keyof typeof SHARED_MESSAGES]>;

/** Every shared message. */
export const SHARED_CATALOGUE = Object.assign({}, ...Object.values(SHARED_MESSAGES)) as SharedMessages;

const translators = new Map<Locale, Translate<SharedMessages>>();

/** The shared messages in one language (the core, the CLI and shared/ helpers given a locale). */
export function sharedText(locale: Locale): Translate<SharedMessages> {
  let tr = translators.get(locale);
  if (!tr) translators.set(locale, (tr = translator(SHARED_CATALOGUE, () => locale)));
  return tr;
}
