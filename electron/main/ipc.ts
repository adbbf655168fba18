/**
 * The contract over IPC: one handler per call, `tern:<name>`, each checking its sender before
 * the dispatcher validates the request; services' events go to the window as
 * `tern:event:<name>`. Unknown channels have no handler at all.
 */
import { type WireResult, callNames } from '../common/contract';
import type { Dispatch, EventBus } from '../services/dispatcher';
import { callChannel, eventChannel } from '../preload/channels';
import { isAppUrl } from './origin';
import type { IpcInvokeEventLike, IpcMainLike, WebContentsLike } from './ports';

/** The web contents of our window, or null while there is none. */
export type AppContents = () => WebContentsLike | null;

/** An IPC sender is ours when it is the top frame of our window, showing the app's page. */
export function isAppSender(event: IpcInvokeEventLike, appContents: AppContents): boolean {
  const frame = event.senderFrame;
  const contents = appContents();
  if (!frame || !contents || event.sender !== contents) return false;
  return frame.parent === null && isAppUrl(frame.url);
}

export function registerIpc(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  appContents: AppContents,
  log: (m: string) => void,
): () => void {
  for (const name of callNames) {
    ipcMain.handle(callChannel(name), (event, request): Promise<WireResult<unknown>> => {
      if (!isAppSender(event, appContents)) {
        log(`${name}: call from a foreign sender (${event.senderFrame?.url ?? 'no frame'}) refused`);
        return Promise.resolve({ ok: false, error: { code: 'FORBIDDEN', message: `${name}: sender not allowed` } });
      }
      return dispatch(name, request);
    });
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(callChannel(name));
  };
}

export function forwardEvents(bus: EventBus, appContents: AppContents): () => void {
  return bus.listen((name, payload) => {
    const contents = appContents();
    if (contents && !contents.isDestroyed()) contents.send(eventChannel(name), payload);
  });
}
