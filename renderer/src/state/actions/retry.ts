/**
 * Calls that carry a client requestId (Send, Continue) are safe to repeat: the host answers a
 * repeated id with what the first call started. When such a call fails because the connection
 * dropped, it is made again, with the same request, once the connection is back.
 */
import { isDisconnected } from '../../lib/errors';
import { useTernStore } from '../store';

/** How many times one request is tried in all. */
export const MAX_ATTEMPTS = 5;
/** The pause before trying again when the transport already says it is connected. */
export const RETRY_DELAY_MS = 400;

const waiting = new Set<() => void>();

/** Wakes every request waiting for the connection (sync calls this on reconnect). */
export function resumeWaitingRequests(): void {
  const wake = [...waiting];
  waiting.clear();
  for (const resume of wake) resume();
}

function whenConnected(): Promise<void> {
  if (useTernStore.getState().connection === 'connected') {
    return new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  }
  return new Promise((resolve) => waiting.add(resolve));
}

/** Runs `call`; on DISCONNECTED, says so through `onWaiting` and runs it again when connected. */
export async function retryWhenReconnected<T>(call: () => Promise<T>, onWaiting: () => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isDisconnected(error) || attempt >= MAX_ATTEMPTS) throw error;
      onWaiting();
      await whenConnected();
    }
  }
}
