/**
 * Every IPC channel between the Electron main process and the preload, written once.
 *
 * `invoke` channels carry a request and its reply; `send` channels are pushed from main to the
 * window. The wrappers in ipc-main.ts and preload.ts take their argument and result types from
 * these maps (GitHub Desktop's typed channels); their casts are the only ones in the IPC code.
 * This file has no runtime imports, so the preload can use it as it is.
 */
import type { AppEvent } from '../../shared/contract/api';
import type { ApiArgs, ApiResult, ApiVerb } from '../../shared/contract/verbs';

/** Request/reply channels: one per `Api` verb, plus the desktop shell's own. */
export type InvokeChannels = {
  readonly [V in ApiVerb as `api:${V}`]: { readonly args: ApiArgs<V>; readonly result: ApiResult<V> };
} & {
  readonly 'desktop:pick-folder': { readonly args: []; readonly result: string | null };
  readonly 'desktop:pick-weights': { readonly args: []; readonly result: string | null };
  readonly 'desktop:notify': { readonly args: [title: string, body: string]; readonly result: void };
};

export type InvokeChannel = keyof InvokeChannels;

/** Main → window pushes. */
export interface SendChannels {
  readonly 'app:event': AppEvent;
}

export type SendChannel = keyof SendChannels;

/**
 * The command-line switch that carries the OS's preferred languages to the preload
 * (`webPreferences.additionalArguments`): `--bloombench-languages=ko-KR,en-US`.
 */
export const LANGUAGES_SWITCH = '--bloombench-languages=';

/** The languages in a renderer's command line (`process.argv`), most preferred first. */
export function languagesFromArgv(argv: readonly string[]): string[] {
  const arg = argv.find((a) => a.startsWith(LANGUAGES_SWITCH));
  return arg ? arg.slice(LANGUAGES_SWITCH.length).split(',').filter(Boolean) : [];
}

/** The channel for a verb. */
export function verbChannel<V extends ApiVerb>(verb: V): `api:${V}` {
  return `api:${verb}`;
}
