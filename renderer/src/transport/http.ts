/**
 * The browser transport: `POST /api/<verb>` with `{"args": [...]}`, events over server-sent
 * events, the token from the page URL (`?token=`).
 */
import type { Api, AppEvent } from '@shared/contract/api';
import { forwardVerbs } from '@shared/contract/verbs';
import { t } from '../i18n/i18n.svelte';
import { parseAppEvent } from './events';
import { ApiError, type Transport } from './types';

const TOKEN_KEY = 'bloombench.token';

/**
 * Reads the token from `?token=` (then takes it out of the address bar, so it is not shown or
 * bookmarked) or from this tab's session storage after a reload.
 */
export function takeToken(loc: Location = window.location): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function base64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}

/** JSON cannot carry bytes: `Uint8Array` travels as `{ "$bytes": base64 }`. */
function encodeArg(value: unknown): unknown {
  return value instanceof Uint8Array ? { $bytes: base64(value) } : value;
}

export function httpTransport(token: string, origin = ''): Transport {
  async function call<T>(verb: string, args: readonly unknown[]): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${origin}/api/${verb}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Bloombench-Token': token },
        body: JSON.stringify({ args: args.map(encodeArg) }),
      });
    } catch (e) {
      throw new ApiError(t('transport.noAnswer', { reason: (e as Error).message }));
    }
    let body: { result?: T; error?: string } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      // Not JSON: reported below by status.
    }
    if (!res.ok) {
      if (res.status === 401) throw new ApiError(t('transport.badToken'), 401);
      throw new ApiError(body.error ?? t('transport.failed', { verb, status: String(res.status) }), res.status);
    }
    return body.result as T;
  }

  const listeners = new Set<(e: AppEvent) => void>();
  let source: EventSource | null = null;
  function ensureSource(): void {
    if (source) return;
    source = new EventSource(`${origin}/api/events?token=${encodeURIComponent(token)}`);
    let dropped = false;
    source.onerror = () => {
      dropped = true;
    };
    // After a dropped connection (server restart, sleep), events may have been missed: tell
    // the views to reload what they show.
    source.onopen = () => {
      if (!dropped) return;
      dropped = false;
      for (const l of listeners) {
        l({ kind: 'datasets-changed' });
        l({ kind: 'runs-changed' });
        l({ kind: 'studies-changed' });
      }
    };
    source.onmessage = (m: MessageEvent<string>) => {
      const event = parseAppEvent(m.data);
      if (event) for (const l of listeners) l(event);
    };
  }

  const api: Api = {
    ...forwardVerbs((verb, args) => call(verb, args)),
    onEvent(listener) {
      listeners.add(listener);
      ensureSource();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };

  return {
    kind: 'browser',
    api,
    desktop: null,
    imageUrl: (imageId, variant) => `${origin}/api/images/${imageId}?token=${encodeURIComponent(token)}${variant === 'thumb' ? '&thumb=1' : ''}`,
  };
}
