/**
 * Builds `window.tern` from the contract: one named method per call and one subscription per
 * event. Pure, so it is tested with a fake ipcRenderer; index.ts hands it the real one.
 *
 * The renderer never sees ipcRenderer, an IpcRendererEvent (which carries `sender`), or a way to
 * name a channel itself: only the methods below.
 */
import { type RawApi, callNames, eventNames } from '../common/contract';
import { callChannel, eventChannel } from './channels';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The part of Electron's ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export function buildRawApi(ipc: IpcRendererLike): RawApi {
  const api: Record<string, unknown> = {};
  for (const name of callNames) {
    const channel = callChannel(name);
    // Exactly one argument crosses: the request. Main validates it against the contract.
    api[name] = (request: unknown) => ipc.invoke(channel, request);
  }

  const on: Record<string, unknown> = {};
  for (const name of eventNames) {
    const channel = eventChannel(name);
    on[name] = (listener: unknown) => {
      if (typeof listener !== 'function') throw new TypeError(`on.${name} needs a listener function`);
      const forward: IpcListener = (_event, payload) => listener(payload);
      ipc.on(channel, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, forward);
      };
    };
  }
  api.on = Object.freeze(on);
  return Object.freeze(api) as RawApi;
}
