/**
 * The preload: exposes the `Api` verbs, the event subscription and the desktop helpers to the
 * page — never `ipcRenderer` itself.
 *
 * It runs sandboxed, so it may only `require('electron')`: the build bundles it with the verb
 * list it imports (`vite.preload.config.mts`) into one self-contained CommonJS file.
 * The typed `invoke` wrapper (and its cast) is the renderer-side half of ipc-main.ts.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { AppEvent, Bridge } from '../../shared/contract/api';
import { forwardVerbs } from '../../shared/contract/verbs';
import { languagesFromArgv, type InvokeChannel, type InvokeChannels, type SendChannels } from './channels';

function invoke<C extends InvokeChannel>(channel: C, ...args: InvokeChannels[C]['args']): Promise<InvokeChannels[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<InvokeChannels[C]['result']>;
}

/** Strips Electron's "Error invoking remote method 'api:x': Error: " prefix from messages. */
function cleanError(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  return new Error(message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, ''));
}

const listeners = new Set<(event: AppEvent) => void>();
ipcRenderer.on('app:event', (_event, payload: SendChannels['app:event']) => {
  if (typeof payload !== 'object' || payload === null || typeof payload.kind !== 'string') return;
  for (const l of listeners) l(payload);
});

const verbs = forwardVerbs((verb, args) =>
  (invoke as (c: string, ...a: readonly unknown[]) => Promise<unknown>)(`api:${verb}`, ...args).catch((e: unknown) => Promise.reject(cleanError(e))),
);

const bridge: Bridge = {
  api: {
    ...verbs,
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  },
  desktop: {
    pickFolder: () => invoke('desktop:pick-folder'),
    pickWeightsFile: () => invoke('desktop:pick-weights'),
    notify: (title, body) => invoke('desktop:notify', title, body),
    pathForFile: (file) => webUtils.getPathForFile(file),
    languages: languagesFromArgv(process.argv),
  },
};

contextBridge.exposeInMainWorld('bloombench', bridge);
