/**
 * Picks the transport: the preload's bridge inside Electron, HTTP in a browser.
 */
import { httpTransport, takeToken } from './http';
import { preloadTransport } from './preload';
import type { Transport } from './types';

export function connect(): Transport | { readonly error: string } {
  if (window.bloombench) return preloadTransport(window.bloombench);
  const token = takeToken();
  if (!token) return { error: 'This page needs the token that `bloombench serve` printed: open the full URL it showed (…/?token=…).' };
  return httpTransport(token);
}
