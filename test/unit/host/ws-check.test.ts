/**
 * A page cannot see why its WebSocket upgrade failed, so the host answers GET /ws-check?token=...
 * (204 or 401, same origin rules as the upgrade), and the transport, after a failed upgrade, asks
 * it: a refused token is a final 'refused' (no retry loop), a host that is down is retried.
 */
import { request } from 'node:http';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { WS_CHECK_PATH } from '../../../electron/common/wire';
import { type RunningHost, startHost } from '../../../electron/host/server';
import { checkToken } from '../../../renderer/src/api/client';
import {
  REFUSED_MESSAGE,
  type TokenCheck,
  type TransportState,
  type WsTransport,
  createWsTransport,
} from '../../../renderer/src/api/ws-transport';
import { fakeBackend, rendererDir } from './helpers';

const hosts: RunningHost[] = [];
const transports: WsTransport[] = [];

async function host(options: { port?: number; token?: string; log?: (m: string) => void } = {}): Promise<RunningHost> {
  const started = await startHost({ rendererDir: rendererDir().root, port: 0, backend: fakeBackend(), ...options });
  hosts.push(started);
  return started;
}

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request, so that Host, Origin and Sec-Fetch-Site can be set as a browser (or an attacker) would. */
function get(h: RunningHost, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const check = (_h: RunningHost, token: string) => `${WS_CHECK_PATH}?token=${encodeURIComponent(token)}`;

describe('GET /ws-check', () => {
  it('answers 204 for the host token and 401 for a wrong, stale or missing one, never saying the token', async () => {
    const h = await host();
    const same = { Origin: h.origin };
    const right = await get(h, check(h, h.token), same);
    expect(right.status).toBe(204);
    expect(right.headers['cache-control']).toBe('no-store');
    for (const path of [check(h, `${h.token.slice(0, -1)}x`), check(h, 'stale'), `${WS_CHECK_PATH}?token=`, WS_CHECK_PATH]) {
      const wrong = await get(h, path, same);
      expect(wrong.status).toBe(401);
      expect(wrong.body).not.toContain(h.token);
      expect(JSON.stringify(wrong.headers)).not.toContain(h.token);
    }
  });

  it('keeps the upgrade’s origin rules: a foreign Origin, a cross-site fetch or a foreign Host get 403', async () => {
    const h = await host();
    const url = check(h, h.token);
    expect((await get(h, url, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(h, url, { Origin: 'null' })).status).toBe(403);
    // No Origin (a same-origin GET in a browser): the Host must be ours and the fetch not cross-site.
    expect((await get(h, url, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await get(h, url, { Host: `evil.example:${h.port}` })).status).toBe(403);
    expect((await get(h, url, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(204);
    expect((await get(h, url, { Host: `localhost:${h.port}` })).status).toBe(204);
    expect((await get(h, url, { Origin: `http://localhost:${h.port}` })).status).toBe(204);
  });

  it('answers only GET and HEAD, and still serves the page', async () => {
    const h = await host();
    expect((await get(h, check(h, h.token), { Origin: h.origin }, 'POST')).status).toBe(405);
    expect((await get(h, check(h, h.token), { Origin: h.origin }, 'HEAD')).status).toBe(204);
    expect((await get(h, '/', {})).status).toBe(200);
  });

  it('checkToken (the page’s side) reads 204 as accepted, 401 as refused, and anything else as unknown', async () => {
    const h = await host();
    const base = `http://127.0.0.1:${h.port}`;
    const fetchAsPage: typeof fetch = (url, init) => fetch(url, { ...init, headers: { Origin: h.origin } });
    expect(await checkToken(`${base}${check(h, h.token)}`, fetchAsPage)).toBe('accepted');
    expect(await checkToken(`${base}${check(h, 'stale')}`, fetchAsPage)).toBe('refused');
    const failing: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await checkToken(`${base}${check(h, 'stale')}`, failing)).toBe('unknown');
    const forbidden: typeof fetch = () => Promise.resolve(new Response(null, { status: 403 }));
    expect(await checkToken(`${base}${check(h, 'stale')}`, forbidden)).toBe('unknown');
  });
});

/** The `ws` constructor with the page's Origin, counting the sockets it opens. */
function counted(origin: string) {
  const made = { count: 0 };
  const Ctor = class extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
      made.count++;
    }
  };
  return { Ctor, made };
}

function reach(transport: WsTransport, wanted: TransportState, timeoutMs = 5000): Promise<void> {
  if (transport.state() === wanted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`transport never became ${wanted} (is ${transport.state()})`)), timeoutMs);
    const stop = transport.onStateChange((state) => {
      if (state !== wanted) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** The page's checkToken, against the host at this port, as a same-origin fetch would arrive. */
function checkerFor(port: number, origin: string, token: string): () => Promise<TokenCheck> {
  return () =>
    checkToken(`http://127.0.0.1:${port}${WS_CHECK_PATH}?token=${encodeURIComponent(token)}`, (url, init) =>
      fetch(url, { ...init, headers: { Origin: origin } }),
    );
}

describe('the transport with a token check', () => {
  it('stops in "refused" at once when the host refuses the token: calls fail at once, no retry loop', async () => {
    const refusals: string[] = [];
    const h = await host({ log: (m) => refusals.push(m) });
    const { Ctor, made } = counted(h.origin);
    const stale = 'a-stale-token-from-before-new-token';
    const transport = createWsTransport({
      url: `ws://127.0.0.1:${h.port}/ws?token=${stale}`,
      WebSocket: Ctor,
      reconnectDelayMs: 10,
      maxReconnectDelayMs: 20,
      checkToken: checkerFor(h.port, h.origin, stale),
    });
    transports.push(transport);
    const started = Date.now();
    const call = transport.api.listConversations(undefined as never);
    await reach(transport, 'refused', 3000);
    const answer = await call;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(answer).toEqual({ ok: false, error: { code: 'DISCONNECTED', message: REFUSED_MESSAGE } });

    // Well past many reconnect delays: still one attempt, one refusal logged.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(transport.state()).toBe('refused');
    expect(made.count).toBe(1);
    expect(refusals.filter((m) => m.includes('refused a websocket upgrade'))).toHaveLength(1);
    // Later calls do not wait 15 s either.
    expect(await transport.api.listConversations(undefined as never)).toEqual({
      ok: false,
      error: { code: 'DISCONNECTED', message: REFUSED_MESSAGE },
    });
  });

  it('keeps reconnecting while the host is down (the check cannot reach it) and connects once it is back', async () => {
    const first = await host();
    const port = first.port;
    const { Ctor } = counted(first.origin);
    const transport = createWsTransport({
      url: first.wsUrl,
      WebSocket: Ctor,
      reconnectDelayMs: 20,
      maxReconnectDelayMs: 50,
      checkToken: checkerFor(port, first.origin, first.token),
    });
    transports.push(transport);
    await reach(transport, 'connected');
    await first.close();
    await reach(transport, 'reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(transport.state()).toBe('reconnecting');

    await host({ port, token: first.token });
    await reach(transport, 'connected');
  });

  it('goes to "refused" after a drop when the host comes back with a new token', async () => {
    const first = await host();
    const port = first.port;
    const { Ctor } = counted(first.origin);
    const transport = createWsTransport({
      url: first.wsUrl,
      WebSocket: Ctor,
      reconnectDelayMs: 20,
      maxReconnectDelayMs: 50,
      checkToken: checkerFor(port, first.origin, first.token),
    });
    transports.push(transport);
    await reach(transport, 'connected');
    await first.close();
    await reach(transport, 'reconnecting');
    await host({ port, token: 'rotated-with-new-token' });
    await reach(transport, 'refused');
  });
});
