/**
 * The contract over WebSocket, for the renderer under `tern serve` (and Node tests, which pass the
 * `ws` package's constructor). Gives a RawApi whose named methods are derived from the contract;
 * reconnects by itself with capped backoff, resubscribes the events that have listeners, and
 * answers calls cut off by a drop with DISCONNECTED. When an upgrade fails it asks the host
 * (checkToken) whether the token is the problem: then it stops for good in 'refused' instead of
 * retrying. No Node or DOM-only imports here.
 */
import {
  type EventName,
  type RawApi,
  type Unsubscribe,
  type WireError,
  type WireResult,
  callNames,
  eventNames,
  events as eventSchemas,
  isEventName,
} from '../../../electron/common/contract';
import { type ClientMessage, type ServerMessage, parseServerMessage } from '../../../electron/common/wire';

/**
 * 'closed' only after close(); a drop is 'reconnecting'. 'refused': the host said the token is
 * not its own; no more attempts (a reload with the right URL is the way out).
 */
export type TransportState = 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'closed';

/** What the host said of the token: 'refused' only when it said so; 'unknown' when it could not be asked. */
export type TokenCheck = 'accepted' | 'refused' | 'unknown';

/** The part of a WebSocket the transport uses: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WsTransportOptions {
  /** ws://host:port/ws?token=... */
  url: string;
  WebSocket: WebSocketConstructor;
  /** How long a call made while disconnected waits for the connection. Default 15 s. */
  connectTimeoutMs?: number;
  /** First reconnect delay, doubled on each failure up to maxReconnectDelayMs. Default 250 ms. */
  reconnectDelayMs?: number;
  /** Default 5 s. */
  maxReconnectDelayMs?: number;
  /**
   * Asks the host whether it takes the token (e.g. GET /ws-check?token=...), after an upgrade
   * failed: a browser cannot see the upgrade's HTTP status. Without it, failures are retried.
   */
  checkToken?: () => Promise<TokenCheck>;
  /** How long checkToken may take before it counts as 'unknown'. Default 5 s. */
  checkTimeoutMs?: number;
  /** A {t:'error'} from the host (it could not tie the problem to a call). */
  onHostError?: (error: WireError) => void;
}

export interface WsTransport {
  readonly api: RawApi;
  state(): TransportState;
  onStateChange(listener: (state: TransportState) => void): Unsubscribe;
  /** Stops for good: no reconnects, waiting and pending calls answered DISCONNECTED. */
  close(): void;
}

type Resolve = (result: WireResult<unknown>) => void;
type Listener = (payload: unknown) => void;
interface Waiting {
  send: () => void;
  fail: (message: string) => void;
}

const OPEN = 1;

function disconnected(message: string): WireResult<never> {
  return { ok: false, error: { code: 'DISCONNECTED', message } };
}

/** What calls are answered once the host has refused the token. */
export const REFUSED_MESSAGE = "the Tern host refused this page's token: open the address it printed";

export function createWsTransport(options: WsTransportOptions): WsTransport {
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const baseDelay = options.reconnectDelayMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 5_000;
  const checkTimeoutMs = options.checkTimeoutMs ?? 5_000;

  let state: TransportState = 'connecting';
  let socket: WebSocketLike | undefined;
  let attempt = 0;
  let everConnected = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  const pending = new Map<number, Resolve>();
  const waiting = new Set<Waiting>();
  const listeners = new Map<EventName, Set<Listener>>();
  const stateListeners = new Set<(state: TransportState) => void>();

  function setState(next: TransportState): void {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function isOpen(): boolean {
    return state === 'connected' && socket !== undefined && socket.readyState === OPEN;
  }

  function send(message: ClientMessage): boolean {
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  function sendSubscriptions(): void {
    send({ t: 'subscribe', events: [...listeners.keys()] });
  }

  function connect(): void {
    reconnectTimer = undefined;
    let ws: WebSocketLike;
    try {
      ws = new options.WebSocket(options.url);
    } catch {
      dropped();
      return;
    }
    socket = ws;
    ws.addEventListener('open', () => {
      if (socket !== ws) return;
      attempt = 0;
      everConnected = true;
      setState('connected');
      if (listeners.size > 0) sendSubscriptions();
      for (const entry of [...waiting]) entry.send();
    });
    ws.addEventListener('message', (event) => {
      const data = typeof event === 'object' && event !== null && 'data' in event ? event.data : undefined;
      if (socket !== ws || typeof data !== 'string') return;
      const message = parseServerMessage(data);
      if (message) receive(message);
    });
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = undefined;
      // Never opened: the upgrade failed. Ask whether the token is why before trying again.
      if (!opened && options.checkToken) checkThenRetry(options.checkToken);
      else dropped();
    });
    ws.addEventListener('error', () => {
      // A 'close' always follows.
    });
  }

  function checkThenRetry(checkToken: () => Promise<TokenCheck>): void {
    failPending();
    let settled = false;
    const finish = (result: TokenCheck): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (state === 'closed' || state === 'refused') return;
      if (result === 'refused') refused();
      else dropped();
    };
    const timer = setTimeout(() => finish('unknown'), checkTimeoutMs);
    let check: Promise<TokenCheck>;
    try {
      check = checkToken();
    } catch {
      check = Promise.resolve('unknown');
    }
    check.then(finish, () => finish('unknown'));
  }

  function refused(): void {
    setState('refused');
    for (const entry of [...waiting]) entry.fail(REFUSED_MESSAGE);
  }

  function failPending(): void {
    for (const [id, resolve] of [...pending]) {
      pending.delete(id);
      resolve(disconnected('the connection to the Tern host was lost before the answer came'));
    }
  }

  function dropped(): void {
    failPending();
    if (state === 'closed' || state === 'refused') return;
    // Until the first connection succeeds the state stays 'connecting'.
    setState(everConnected ? 'reconnecting' : 'connecting');
    const delay = Math.min(maxDelay, baseDelay * 2 ** attempt);
    attempt = Math.min(attempt + 1, 30);
    reconnectTimer = setTimeout(connect, delay * (0.75 + Math.random() * 0.25));
  }

  function receive(message: ServerMessage): void {
    if (message.t === 'result') {
      if (typeof message.id !== 'number') return;
      const resolve = pending.get(message.id);
      if (!resolve) return;
      pending.delete(message.id);
      resolve(message.result);
    } else if (message.t === 'event') {
      if (!isEventName(message.name)) return;
      const checked = eventSchemas[message.name].safeParse(message.payload);
      if (!checked.success) return;
      for (const listener of [...(listeners.get(message.name) ?? [])]) {
        try {
          listener(checked.data);
        } catch (error) {
          setTimeout(() => {
            throw error;
          });
        }
      }
    } else {
      options.onHostError?.(message.error);
    }
  }

  function call(method: string, params: unknown): Promise<WireResult<unknown>> {
    return new Promise<WireResult<unknown>>((resolve) => {
      if (state === 'closed') {
        resolve(disconnected('the connection to the Tern host is closed'));
        return;
      }
      if (state === 'refused') {
        resolve(disconnected(REFUSED_MESSAGE));
        return;
      }
      const id = nextId++;
      const dispatch = (): void => {
        pending.set(id, resolve);
        if (!send({ t: 'call', id, method, params })) {
          pending.delete(id);
          resolve(disconnected('could not send to the Tern host'));
        }
      };
      if (isOpen()) {
        dispatch();
        return;
      }
      const entry: Waiting = {
        send: () => {
          clearTimeout(timer);
          waiting.delete(entry);
          dispatch();
        },
        fail: (message) => {
          clearTimeout(timer);
          waiting.delete(entry);
          resolve(disconnected(message));
        },
      };
      const timer = setTimeout(
        () => entry.fail(`not connected to the Tern host (waited ${Math.round(connectTimeoutMs / 1000)} s)`),
        connectTimeoutMs,
      );
      waiting.add(entry);
    });
  }

  function listen(name: EventName, listener: Listener): Unsubscribe {
    let set = listeners.get(name);
    const added = !set;
    if (!set) {
      set = new Set();
      listeners.set(name, set);
    }
    set.add(listener);
    if (added && isOpen()) sendSubscriptions();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = listeners.get(name);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        listeners.delete(name);
        if (isOpen()) sendSubscriptions();
      }
    };
  }

  const api: Record<string, unknown> = {};
  for (const name of callNames) api[name] = (request: unknown) => call(name, request);
  const on: Record<string, unknown> = {};
  for (const name of eventNames) on[name] = (listener: Listener) => listen(name, listener);
  api.on = on;

  connect();

  return {
    api: api as RawApi,
    state: () => state,
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    close() {
      if (state === 'closed') return;
      setState('closed');
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      for (const entry of [...waiting]) entry.fail('the connection to the Tern host is closed');
      const ws = socket;
      socket = undefined;
      dropped();
      try {
        ws?.close(1000, 'client closed');
      } catch {
        // already closing
      }
    },
  };
}
