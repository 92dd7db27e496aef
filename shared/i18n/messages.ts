/**
 * The shared catalogues (what the core, the CLI's reports and the renderer all say), by name.
 */
import { TERMS } from './terms';

export const SHARED_MESSAGES = { terms: TERMS } as const;

/** Every shared message. */
export const SHARED_CATALOGUE = Object.assign({}, ...Object.values(SHARED_MESSAGES)) as typeof TERMS;
