import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventPayload, TernError, callNames, eventNames, unwrapApi } from '../../../electron/common/contract';
import { type RunningHost, startHost } from '../../../electron/host/server';
import { type TransportState, type WsTransport, createWsTransport } from '../../../renderer/src/api/ws-transport';
import { type FakeBackend, appInfo, fakeBackend, rendererDir } from './helpers';

/** The `ws` constructor, sending the Origin a browser page of the host would send. */
function wsFrom(origin: string) {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  };
}

const transports: WsTransport[] = [];
const hosts: RunningHost[] = [];

async function host(backend: FakeBackend, port = 0, token?: string): Promise<RunningHost> {
  const started = await startHost({ rendererDir: rendererDir().root, port, backend, token });
  hosts.push(started);
  return started;
}

function transportTo(h: RunningHost, options: { connectTimeoutMs?: number } = {}): WsTransport {
  const transport = createWsTransport({
    url: h.wsUrl,
    WebSocket: wsFrom(h.origin),
    reconnectDelayMs: 20,
    maxReconnectDelayMs: 100,
    ...options,
  });
  transports.push(transport);
  return transport;
}

function reach(transport: WsTransport, wanted: TransportState, timeoutMs = 5000): Promise<void> {
  if (transport.state() === wanted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`transport never became ${wanted}`)), timeoutMs);
    const stop = transport.onStateChange((state) => {
      if (state !== wanted) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** The index-th event received (0-based), waiting for it if needed. */
function eventAt(received: EventPayload<'conversationsChanged'>[], index: number, timeoutMs = 5000): Promise<EventPayload<'conversationsChanged'>> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = setInterval(() => {
      const event = received[index];
      if (event) {
        clearInterval(poll);
        resolve(event);
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        reject(new Error('no event arrived'));
      }
    }, 5);
  });
}

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('the WebSocket transport', () => {
  it('exposes exactly the contract: named calls and on.<event>, no generic invoke', async () => {
    const h = await host(fakeBackend());
    const t = transportTo(h);
    expect(Object.keys(t.api).sort()).toEqual(
      [...callNames, 'on'].sort(),
    );
    expect(Object.keys(t.api.on).sort()).toEqual([...eventNames].sort());
  });

  it('round-trips calls, and unwrapApi turns errors into TernErrors', async () => {
    const h = await host(fakeBackend());
    const t = transportTo(h);
    expect(t.state()).toBe('connecting');
    expect(await t.api.getAppInfo({})).toEqual({ ok: true, value: appInfo });
    expect(t.state()).toBe('connected');
    const api = unwrapApi(t.api);
    const created = await api.createConversation({ title: 'Over the wire' });
    expect(created.title).toBe('Over the wire');
    expect(await api.listConversations({})).toEqual([created]);
    const failure = await api.renameConversation({ id: created.id, title: '' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TernError);
    expect((failure as TernError).code).toBe('BAD_REQUEST');
  });

  it('delivers events to listeners, and stops after unsubscribe', async () => {
    const backend = fakeBackend();
    const h = await host(backend);
    const t = transportTo(h);
    const received: EventPayload<'conversationsChanged'>[] = [];
    const stop = t.api.on.conversationsChanged((event) => received.push(event));
    await t.api.createConversation({ title: 'One' });
    expect(await eventAt(received, 0)).toEqual({ reason: 'created', conversationId: 'c1' });
    stop();
    await t.api.getAppInfo({}); // the unsubscribe went out before this call's answer came back
    backend.events.emit('conversationsChanged', { reason: 'deleted', conversationId: 'c1' });
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
  });

  it('answers a call in flight with DISCONNECTED when the host dies', async () => {
    const backend = fakeBackend();
    backend.gate.wait = new Promise<void>(() => {});
    const h = await host(backend);
    const t = transportTo(h);
    await reach(t, 'connected');
    const pending = t.api.listMessages({ conversationId: 'c1' });
    await new Promise((r) => setTimeout(r, 50));
    await h.close();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('DISCONNECTED');
    expect(t.state()).toBe('reconnecting');
  });

  it('reconnects by itself after the host restarts, resubscribes, and later events arrive', async () => {
    const first = await host(fakeBackend());
    const t = transportTo(first);
    const states: TransportState[] = [];
    t.onStateChange((s) => states.push(s));
    const received: EventPayload<'conversationsChanged'>[] = [];
    t.api.on.conversationsChanged((event) => received.push(event));
    await t.api.createConversation({ title: 'Before' });
    await eventAt(received, 0);

    await first.close();
    await reach(t, 'reconnecting');
    // A call made while reconnecting waits for the connection instead of failing.
    const waiting = t.api.listConversations({});

    const backend = fakeBackend();
    await host(backend, first.port, first.token);
    await reach(t, 'connected');
    const answer = await waiting;
    expect(answer).toEqual({ ok: true, value: [] });

    // No new on() call: the transport resubscribed by itself.
    await t.api.getAppInfo({});
    backend.events.emit('conversationsChanged', { reason: 'renamed', conversationId: 'x1' });
    expect(await eventAt(received, 1)).toEqual({ reason: 'renamed', conversationId: 'x1' });
    expect(states).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('gives up on a call that waited too long for the connection', async () => {
    const h = await host(fakeBackend());
    const port = h.port;
    await h.close();
    const t = createWsTransport({
      url: `ws://127.0.0.1:${port}/ws?token=x`,
      WebSocket: wsFrom(`http://127.0.0.1:${port}`),
      connectTimeoutMs: 150,
      reconnectDelayMs: 20,
      maxReconnectDelayMs: 50,
    });
    transports.push(t);
    const result = await t.api.getAppInfo({});
    expect(result).toMatchObject({ ok: false, error: { code: 'DISCONNECTED', message: expect.stringMatching(/waited/) } });
    expect(t.state()).toBe('connecting');
  });

  it('keeps retrying with a wrong token without throwing, and close() ends it', async () => {
    const h = await host(fakeBackend());
    const t = createWsTransport({
      url: `ws://127.0.0.1:${h.port}/ws?token=wrong`,
      WebSocket: wsFrom(h.origin),
      reconnectDelayMs: 10,
      maxReconnectDelayMs: 20,
    });
    transports.push(t);
    const waiting = t.api.getAppInfo({});
    await new Promise((r) => setTimeout(r, 150));
    expect(t.state()).toBe('connecting');
    t.close();
    expect(t.state()).toBe('closed');
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect(await t.api.getAppInfo({})).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
  });
});
