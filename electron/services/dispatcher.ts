/**
 * Validates and dispatches calls against the contract. Both the Electron IPC handlers and the
 * headless host's WebSocket server go through here, so a request is checked the same way
 * whichever door it came in by, and an answer always matches the contract.
 */
import {
  type CallName,
  type CallRequest,
  type CallResponse,
  type EventName,
  type EventPayload,
  type WireResult,
  TernError,
  calls,
  describeIssues,
  events,
  isCallName,
} from '../common/contract';

/** One function per call, taking the validated request. */
export type Handlers = {
  [K in CallName]: (request: CallRequest<K> & {}) => Promise<CallResponse<K>> | CallResponse<K>;
};

export type Dispatch = (method: unknown, params: unknown) => Promise<WireResult<unknown>>;

export function createDispatcher(handlers: Handlers, log: (message: string) => void = () => {}): Dispatch {
  return async (method, params) => {
    if (!isCallName(method)) {
      const shown = typeof method === 'string' ? JSON.stringify(method.slice(0, 80)) : typeof method;
      return failure('UNKNOWN_METHOD', `unknown method ${shown}`);
    }
    const spec = calls[method];
    const parsed = spec.request.safeParse(params ?? {});
    if (!parsed.success) {
      return failure('BAD_REQUEST', `${method}: ${describeIssues(parsed.error)}`);
    }
    try {
      const handler = handlers[method] as (request: unknown) => unknown;
      const value = await handler(parsed.data);
      const checked = spec.response.safeParse(value);
      if (!checked.success) {
        log(`${method} answered outside the contract: ${describeIssues(checked.error)}`);
        return failure('INTERNAL', `${method}: the answer did not match the contract`);
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof TernError) return { ok: false, error: error.toWire() };
      const message = error instanceof Error ? error.message : String(error);
      log(`${method} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
      return failure('INTERNAL', `${method}: ${message}`);
    }
  };
}

function failure(code: TernError['code'], message: string): WireResult<never> {
  return { ok: false, error: { code, message } };
}

type Listener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Events from the services to whoever listens (IPC broadcaster, WebSocket server). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) listener(name, checked);
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
