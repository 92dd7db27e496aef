/**
 * The preload: exposes the `Api` verbs, the event subscription and two desktop helpers to the
 * page — never `ipcRenderer` itself.
 *
 * It runs sandboxed, so it may only `require('electron')`: every other import here is
 * type-only and erased by the compiler, and the compiled file is self-contained CommonJS.
 * The typed `invoke` wrapper (and its cast) is the renderer-side half of ipc-main.ts.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { Api, AppEvent } from '../../shared/api';
import type { ApiVerb } from '../contract/api';
import type { InvokeChannel, InvokeChannels, SendChannels } from './channels';

/** What `window.bloombench` holds (the renderer's `PreloadBridge`). */
export interface Bridge {
  readonly api: Api;
  readonly desktop: DesktopShell;
}

/** Desktop-only helpers (the renderer's `DesktopShell`). */
export interface DesktopShell {
  pickFolder(): Promise<string | null>;
  pathForFile(file: File): string;
}

function invoke<C extends InvokeChannel>(channel: C, ...args: InvokeChannels[C]['args']): Promise<InvokeChannels[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<InvokeChannels[C]['result']>;
}

/** Every verb, spelled out; the check below fails to compile if `Api` gains one not listed. */
const VERBS = [
  'listDatasets',
  'importDataset',
  'getImportReport',
  'importSampleDataset',
  'listImages',
  'deleteDataset',
  'listModels',
  'backendReport',
  'startRun',
  'cancelRun',
  'resumeRun',
  'listRuns',
  'getRun',
  'updateRun',
  'deleteRun',
  'runSeries',
  'predictions',
  'classifyImage',
  'createStudy',
  'listStudies',
  'getStudy',
  'runStudy',
  'pauseStudy',
  'extendStudy',
  'updateStudy',
  'deleteStudy',
  'studyGrid',
  'studyCurves',
  'runMetrics',
  'failuresAcrossRuns',
  'confusionDiff',
  'exportStudy',
] as const satisfies readonly ApiVerb[];
type Unlisted = Exclude<ApiVerb, (typeof VERBS)[number]>;
const allVerbsListed: [Unlisted] extends [never] ? true : Unlisted = true;
void allVerbsListed;

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

const api = {} as Record<ApiVerb, (...args: never[]) => Promise<unknown>>;
for (const verb of VERBS) {
  api[verb] = (...args: never[]) => (invoke as (c: string, ...a: unknown[]) => Promise<unknown>)(`api:${verb}`, ...args).catch((e: unknown) => Promise.reject(cleanError(e)));
}

const bridge: Bridge = {
  api: {
    ...(api as unknown as Omit<Api, 'onEvent'>),
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  },
  desktop: {
    pickFolder: () => invoke('desktop:pick-folder'),
    pathForFile: (file) => webUtils.getPathForFile(file),
  },
};

contextBridge.exposeInMainWorld('bloombench', bridge);
