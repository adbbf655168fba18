/** Waiting on work that cannot itself be stopped (a model load, a fit check) until a signal says stop. */

/** The wait was given up because the signal aborted; the work it waited on goes on. */
export class AbortedBeforeStart extends Error {}

/** The promise's value, or AbortedBeforeStart as soon as the signal aborts (the promise runs on). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new AbortedBeforeStart());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(new AbortedBeforeStart());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
