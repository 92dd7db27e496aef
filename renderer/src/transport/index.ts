/**
 * Picks the transport: the preload's bridge inside Electron, HTTP in a browser.
 */
import { t } from '../i18n/i18n.svelte';
import { httpTransport, takeToken } from './http';
import { preloadTransport } from './preload';
import type { Transport } from './types';

export function connect(): Transport | { readonly error: string } {
  if (window.bloombench) return preloadTransport(window.bloombench);
  const token = takeToken();
  if (!token) return { error: t('transport.noToken') };
  return httpTransport(token);
}
