/**
 * The Electron transport: the verbs the preload put on `window.bloombench`.
 */
import type { Api, Bridge } from '@shared/contract/api';
import { forwardVerbs, type ApiVerb } from '@shared/contract/verbs';
import { decodeRefFromMessage } from '@shared/i18n/catalogue';
import { parseAppEvent } from './events';
import { ApiError, type Transport } from './types';

declare global {
  interface Window {
    readonly bloombench?: Bridge;
  }
}

export function preloadTransport(bridge: Bridge): Transport {
  // The core's messages arrive with their reference at the end (main/electron/ipc-main.ts).
  const call = (verb: ApiVerb, args: readonly unknown[]): Promise<unknown> =>
    (bridge.api[verb] as (...a: readonly unknown[]) => Promise<unknown>)(...args).catch((e: unknown) => {
      const { message, ref } = decodeRefFromMessage(e instanceof Error ? e.message : String(e));
      throw new ApiError(message, null, ref);
    });
  const api: Api = {
    ...forwardVerbs((verb, args) => call(verb, args)),
    // What the main process pushes is checked here, as the browser transport checks its stream.
    onEvent: (listener) =>
      bridge.api.onEvent((raw) => {
        const event = parseAppEvent(raw);
        if (event) listener(event);
      }),
  };
  return {
    kind: 'electron',
    api,
    desktop: bridge.desktop,
    imageUrl: (imageId, variant) => `bloombench-image://${variant}/${imageId}`,
  };
}
