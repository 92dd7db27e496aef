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
import { UserError } from '../../shared/contract/errors';
import { encodeRefInMessage } from '../../shared/i18n/catalogue';

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
    const call = async (_event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> => {
      try {
        return await method.apply(api, args);
      } catch (e) {
        // IPC keeps only the message: the message's reference rides at its end for the page.
        if (e instanceof UserError && e.ref) throw new Error(encodeRefInMessage(e.message, e.ref));
        throw e;
      }
    };
    handle(`api:${verb}` as InvokeChannel, call as unknown as Handler<InvokeChannel>);
  }
}
