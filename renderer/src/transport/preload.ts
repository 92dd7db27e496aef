/**
 * The Electron transport: the verbs the preload put on `window.bloombench`.
 */
import type { Api, Bridge } from '@shared/contract/api';
import { parseAppEvent } from './events';
import type { Transport } from './types';

declare global {
  interface Window {
    readonly bloombench?: Bridge;
  }
}

export function preloadTransport(bridge: Bridge): Transport {
  const api: Api = {
    ...bridge.api,
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
