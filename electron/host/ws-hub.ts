/**
 * The host's WebSocket side: answers calls through the dispatcher, pushes the EventBus's events
 * to the connections that subscribed to them, drops dead sockets by heartbeat. Work never depends
 * on the client: a call whose socket has gone completes and its answer is dropped.
 */
import type { RawData, WebSocket } from 'ws';
import { type EventName, type WireError, isEventName } from '../common/contract';
import type { Dispatch, EventBus } from '../services/dispatcher';
import { MAX_MESSAGE_BYTES, type RequestId, type ServerMessage, parseClientMessage } from '../common/wire';

/** What the hub serves: the dispatcher over the services' handlers, and their events. */
export interface Backend {
  dispatch: Dispatch;
  events: EventBus;
}

export interface HubOptions {
  /** Ping interval; a socket that has not answered the previous ping is dropped. */
  heartbeatMs?: number;
  /** Larger messages get BAD_REQUEST (the connection stays). */
  maxMessageBytes?: number;
  /** A client that lets this much output queue up is dropped. */
  maxBufferedBytes?: number;
  log?: (message: string) => void;
}

interface Client {
  readonly ws: WebSocket;
  readonly subscriptions: Set<EventName>;
  alive: boolean;
}

const OPEN = 1;

export class WsHub {
  private readonly clients = new Set<Client>();
  private readonly stopListening: () => void;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly maxMessageBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly backend: Backend,
    options: HubOptions = {},
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.log = options.log ?? (() => {});
    this.stopListening = backend.events.listen((name, payload) => this.broadcast(name, payload));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over an accepted connection. */
  handle(ws: WebSocket): void {
    const client: Client = { ws, subscriptions: new Set(), alive: true };
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => this.receive(client, data, isBinary));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', (error) => {
      this.log(`websocket error: ${error.message}`);
      this.clients.delete(client);
    });
  }

  /** Closes every connection (1001, going away), forcing those that do not finish in time. */
  async close(graceMs = 1000): Promise<void> {
    this.stopListening();
    clearInterval(this.heartbeat);
    const closing = [...this.clients].map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === 3) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, 'Tern host shutting down');
        }),
    );
    await Promise.all(closing);
    this.clients.clear();
  }

  private receive(client: Client, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.reply(client, undefined, { code: 'BAD_REQUEST', message: 'binary messages are not accepted; send JSON text' });
      return;
    }
    const size = byteLength(data);
    if (size > this.maxMessageBytes) {
      this.reply(client, undefined, {
        code: 'BAD_REQUEST',
        message: `message too large: ${size} bytes, the limit is ${this.maxMessageBytes}`,
      });
      return;
    }
    const parsed = parseClientMessage(toText(data));
    if (!parsed.ok) {
      this.reply(client, parsed.id, parsed.error);
      return;
    }
    const message = parsed.message;
    if (message.t === 'subscribe') {
      const unknown = message.events.filter((name) => !isEventName(name));
      if (unknown.length > 0) {
        this.reply(client, message.id, {
          code: 'BAD_REQUEST',
          message: `subscribe: unknown event${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n.slice(0, 80))).join(', ')}`,
        });
        return;
      }
      client.subscriptions.clear();
      for (const name of message.events) if (isEventName(name)) client.subscriptions.add(name);
      if (message.id !== undefined) {
        this.send(client, { t: 'result', id: message.id, result: { ok: true, value: { events: [...client.subscriptions] } } });
      }
      return;
    }
    const { id, method, params } = message;
    this.backend.dispatch(method, params).then(
      (result) => this.send(client, { t: 'result', id, result }),
      (error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        this.log(`${method} failed outside the dispatcher: ${detail}`);
        this.send(client, { t: 'result', id, result: { ok: false, error: { code: 'INTERNAL', message: `${method}: ${detail}` } } });
      },
    );
  }

  /** An error answered by id when there is one, else as a bare error message. */
  private reply(client: Client, id: RequestId | undefined, error: WireError): void {
    if (id === undefined) this.send(client, { t: 'error', error });
    else this.send(client, { t: 'result', id, result: { ok: false, error } });
  }

  private broadcast(name: EventName, payload: unknown): void {
    for (const client of this.clients) {
      if (client.subscriptions.has(name)) this.send(client, { t: 'event', name, payload });
    }
  }

  /** Sends if the socket is still open; an answer for a closed socket is dropped. */
  private send(client: Client, message: ServerMessage): void {
    const { ws } = client;
    if (ws.readyState !== OPEN) return;
    if (ws.bufferedAmount > this.maxBufferedBytes) {
      this.log('dropping a websocket client that does not read its messages');
      ws.terminate();
      this.clients.delete(client);
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const fallback: ServerMessage =
        message.t === 'result'
          ? { t: 'result', id: message.id, result: { ok: false, error: { code: 'INTERNAL', message: `unserializable answer: ${detail}` } } }
          : { t: 'error', error: { code: 'INTERNAL', message: `unserializable message: ${detail}` } };
      text = JSON.stringify(fallback);
    }
    ws.send(text, (error) => {
      if (error) this.log(`websocket send failed: ${error.message}`);
    });
  }

  private beat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.log('dropping a websocket client that stopped answering pings');
        client.ws.terminate();
        this.clients.delete(client);
        continue;
      }
      client.alive = false;
      try {
        client.ws.ping();
      } catch {
        // the socket is closing; the next beat removes it
      }
    }
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
