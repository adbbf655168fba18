/**
 * For fakes of the services: a handler for every call of the contract that refuses with
 * UNAVAILABLE, to be spread under the few a test implements.
 */
import { TernError, callNames } from '../../electron/common/contract';
import type { Handlers } from '../../electron/services/dispatcher';

export function refusingHandlers(): Handlers {
  const handlers: Record<string, () => never> = {};
  for (const name of callNames) {
    handlers[name] = () => {
      throw new TernError('UNAVAILABLE', `${name} is not part of this fake`);
    };
  }
  return handlers as unknown as Handlers;
}
