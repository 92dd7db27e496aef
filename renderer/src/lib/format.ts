/**
 * Error messages for the views. Numbers and dates read through `fmt` (renderer/src/i18n), in the
 * app's language.
 */

/** An error's message, for showing where it happened (in the app's language when the core sent it by reference). */
export { errorText } from '../i18n/i18n.svelte';
