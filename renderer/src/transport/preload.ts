/**
 * The Electron transport: the verbs the preload put on `window.bloombench`.
 */
import type { Api } from '@shared/api';
import type { DesktopShell, Transport } from './types';

/** What main/electron/preload.ts exposes (keep in step with `Bridge` there). */
export interface PreloadBridge {
  readonly api: Api;
  readonly desktop: DesktopShell;
}

declare global {
  interface Window {
    readonly bloombench?: PreloadBridge;
  }
}

export function preloadTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    api: bridge.api,
    desktop: bridge.desktop,
    imageUrl: (imageId, variant) => `bloombench-image://${variant}/${imageId}`,
  };
}
