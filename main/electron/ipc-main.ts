/**
 * The typed `handle` wrapper for the main process: validates the sender and the arguments of
 * every invoke before the handler sees them, and the typed `send` for pushes.
 *
 * The casts between Electron's untyped IPC and the channel map live here (and in preload.ts)
 * only.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Api } from '../../shared/contract/api';
import type { ApiVerb } from '../../shared/contract/verbs';
import type { InvokeChannel, InvokeChannels, SendChannel, SendChannels } from './channels';
import { isTrustedSender, validateInvoke } from './validation';

type Handler<C extends InvokeChannel> = (event: IpcMainInvokeEvent, ...args: InvokeChannels[C]['args']) => Promise<InvokeChannels[C]['result']> | InvokeChannels[C]['result'];

/** Registers the handler of one invoke channel. */
export function handle<C extends InvokeChannel>(channel: C, handler: Handler<C>): void {
  ipcMain.handle(channel, async (event, ...raw: unknown[]) => {
    if (!isTrustedSender(event.senderFrame?.url)) {
      throw new Error(`${channel}: refused a message from an untrusted frame`);
    }
    const args = validateInvoke(channel, raw);
    return handler(event, ...(args as InvokeChannels[C]['args']));
  });
}

/** Pushes one message to a window. */
export function send<C extends SendChannel>(contents: WebContents, channel: C, payload: SendChannels[C]): void {
  if (!contents.isDestroyed()) contents.send(channel, payload);
}

/** Registers one handler per `Api` verb, each forwarding its validated arguments to `api`. */
export function handleApi(api: Api, verbs: readonly ApiVerb[]): void {
  for (const verb of verbs) {
    const method = api[verb] as (...args: unknown[]) => Promise<unknown>;
    handle(`api:${verb}` as InvokeChannel, ((_event: IpcMainInvokeEvent, ...args: unknown[]) => method.apply(api, args)) as unknown as Handler<InvokeChannel>);
  }
}
