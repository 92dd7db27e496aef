/**
 * Validation of what arrives over IPC, kept free of Electron so it can be tested in Node.
 *
 * Every invoke is checked twice: that it comes from our own page (not an iframe or a page the
 * window was tricked into loading), and that its arguments have the shape the channel expects.
 */
import { z } from 'zod';
import { isApiVerb, parseApiArgs, ValidationError } from '../../shared/contract/api-schemas';
import type { InvokeChannel, InvokeChannels } from './channels';

/** The origin the app's own page is served from (see protocols.ts). */
export const APP_SCHEME = 'bloombench-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const IMAGE_SCHEME = 'bloombench-image';

/** True when an IPC message comes from a frame showing our own page. */
export function isTrustedSender(frameUrl: string | null | undefined): boolean {
  if (!frameUrl) return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === 'app';
}

/** The longest notification title and text the page may send. */
export const NOTIFY_TITLE_MAX = 200;
export const NOTIFY_BODY_MAX = 1000;

const desktopSchemas = {
  'desktop:pick-folder': z.tuple([]),
  'desktop:pick-weights': z.tuple([]),
  // A title and a line of text: nothing the page sends may become markup or a flood.
  'desktop:notify': z.tuple([z.string().min(1).max(NOTIFY_TITLE_MAX), z.string().max(NOTIFY_BODY_MAX)]),
} as const;

/**
 * Checks the arguments of one invoke; returns them typed, or throws a `ValidationError` that
 * names the channel and the offending field.
 */
export function validateInvoke<C extends InvokeChannel>(channel: C, args: unknown): InvokeChannels[C]['args'] {
  if (typeof channel !== 'string') throw new ValidationError(String(channel), [{ path: 'channel', message: 'must be a string' }]);
  if (channel.startsWith('api:')) {
    const verb = channel.slice(4);
    if (!isApiVerb(verb)) throw new ValidationError(channel, [{ path: 'channel', message: 'is not an API verb' }]);
    return parseApiArgs(verb, args) as InvokeChannels[C]['args'];
  }
  if (channel in desktopSchemas) {
    const result = desktopSchemas[channel as keyof typeof desktopSchemas].safeParse(args);
    if (!result.success) {
      throw new ValidationError(channel, result.error.issues.map((i) => ({ path: `args${i.path.map((p) => `[${String(p)}]`).join('')}`, message: i.message })));
    }
    return result.data as InvokeChannels[C]['args'];
  }
  throw new ValidationError(channel, [{ path: 'channel', message: 'is not a known channel' }]);
}

/**
 * The image URL the renderer asks for: `bloombench-image://thumb/123` or `…://preview/123`.
 *
 * Returns null for anything else (so no path can be smuggled in).
 */
export function parseImageUrl(raw: string): { readonly variant: 'thumb' | 'preview'; readonly imageId: number } | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${IMAGE_SCHEME}:`) return null;
  if (url.host !== 'thumb' && url.host !== 'preview') return null;
  const m = /^\/([1-9][0-9]{0,15})\/?$/.exec(url.pathname);
  if (!m || url.search || url.hash) return null;
  const imageId = Number(m[1]);
  if (!Number.isSafeInteger(imageId)) return null;
  return { variant: url.host, imageId };
}
