import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../../electron/common/wire';
import { type RunningHost, startHost } from '../../../electron/host/server';
import { type FakeBackend, RawClient, appInfo, fakeBackend, rendererDir, upgradeStatus } from './helpers';

let backend: FakeBackend;
let host: RunningHost;
const clients: RawClient[] = [];

async function connect(): Promise<RawClient> {
  const client = await RawClient.open(host.wsUrl, host.origin);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  backend = fakeBackend();
  host = await startHost({ rendererDir: rendererDir().root, port: 0, backend });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await host.close();
});

describe('calls over /ws', () => {
  it('answers a call with its WireResult, by id', async () => {
    const client = await connect();
    client.send({ t: 'call', id: 7, method: 'getAppInfo', params: {} });
    expect(await client.next()).toEqual({ t: 'result', id: 7, result: { ok: true, value: appInfo } });
    client.send({ t: 'call', id: 'abc', method: 'createConversation', params: { title: 'Hello' } });
    const created = await client.next();
    expect(created).toMatchObject({ t: 'result', id: 'abc', result: { ok: true, value: { title: 'Hello' } } });
  });

  it('passes contract errors through (BAD_REQUEST from the schema)', async () => {
    const client = await connect();
    client.send({ t: 'call', id: 1, method: 'renameConversation', params: { id: 'c1', title: '   ' } });
    const answer = await client.next();
    expect(answer).toMatchObject({ t: 'result', id: 1, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(JSON.stringify(answer)).toContain('title');
  });

  it('answers malformed JSON with a typed error and keeps serving', async () => {
    const client = await connect();
    client.send('{"t":"call", id: nope');
    const answer = await client.next();
    expect(answer).toMatchObject({ t: 'error', error: { code: 'BAD_REQUEST' } });
    expect(answer.t === 'error' && answer.error.message).toMatch(/malformed JSON/);
    client.send({ t: 'call', id: 2, method: 'getAppInfo' });
    expect(await client.next()).toMatchObject({ t: 'result', id: 2, result: { ok: true } });
  });

  it('answers a wrong shape with an error naming the field, by id when it has one', async () => {
    const client = await connect();
    client.send({ t: 'call', id: 3, method: 42 });
    const byId = await client.next();
    expect(byId).toMatchObject({ t: 'result', id: 3, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(JSON.stringify(byId)).toMatch(/method/);

    client.send({ t: 'dance', id: 4 });
    const unknownType = await client.next();
    expect(unknownType).toMatchObject({ t: 'result', id: 4, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(JSON.stringify(unknownType)).toMatch(/dance/);

    client.send([1, 2, 3]);
    expect(await client.next()).toMatchObject({ t: 'error', error: { code: 'BAD_REQUEST' } });
    client.send('"just a string"');
    expect(await client.next()).toMatchObject({ t: 'error', error: { code: 'BAD_REQUEST' } });

    client.send({ t: 'call', id: 5, method: 'listConversations', params: {} });
    expect(await client.next()).toEqual({ t: 'result', id: 5, result: { ok: true, value: [] } });
  });

  it('answers an unknown method with UNKNOWN_METHOD naming it, and keeps serving', async () => {
    const client = await connect();
    client.send({ t: 'call', id: 9, method: 'formatHardDisk', params: {} });
    const answer = await client.next();
    expect(answer).toMatchObject({ t: 'result', id: 9, result: { ok: false, error: { code: 'UNKNOWN_METHOD' } } });
    expect(JSON.stringify(answer)).toContain('formatHardDisk');
    client.send({ t: 'call', id: 10, method: 'getAppInfo' });
    expect(await client.next()).toMatchObject({ t: 'result', id: 10, result: { ok: true } });
  });

  it('refuses binary and oversized messages with BAD_REQUEST, and keeps serving', async () => {
    const client = await connect();
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toMatchObject({ t: 'error', error: { code: 'BAD_REQUEST', message: expect.stringMatching(/binary/) } });
    client.send({ t: 'call', id: 11, method: 'getAppInfo', params: { pad: 'x'.repeat(MAX_MESSAGE_BYTES + 10) } });
    expect(await client.next()).toMatchObject({ t: 'error', error: { code: 'BAD_REQUEST', message: expect.stringMatching(/too large/) } });
    client.send({ t: 'call', id: 12, method: 'getAppInfo' });
    expect(await client.next()).toMatchObject({ t: 'result', id: 12, result: { ok: true } });
  });

  it('finishes a call whose client left, drops the answer, and serves the next client', async () => {
    let release = () => {};
    backend.gate.wait = new Promise<void>((resolve) => {
      release = resolve;
    });
    const leaving = await connect();
    leaving.send({ t: 'call', id: 1, method: 'listMessages', params: { conversationId: 'c1' } });
    await new Promise((r) => setTimeout(r, 50));
    await leaving.close();
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(backend.gate.finished).toBe(1);
    backend.gate.wait = undefined;
    const next = await connect();
    next.send({ t: 'call', id: 2, method: 'listMessages', params: { conversationId: 'c1' } });
    expect(await next.next()).toEqual({ t: 'result', id: 2, result: { ok: true, value: [] } });
  });
});

describe('events', () => {
  it('reach the connections that subscribed to them, and only those', async () => {
    const subscriber = await connect();
    const bystander = await connect();
    subscriber.send({ t: 'subscribe', id: 's', events: ['conversationsChanged'] });
    expect(await subscriber.next()).toEqual({ t: 'result', id: 's', result: { ok: true, value: { events: ['conversationsChanged'] } } });

    bystander.send({ t: 'call', id: 1, method: 'createConversation', params: { title: 'A' } });
    const created = await bystander.next();
    expect(created).toMatchObject({ t: 'result', id: 1, result: { ok: true } });
    const event = await subscriber.next();
    expect(event).toMatchObject({ t: 'event', name: 'conversationsChanged', payload: { reason: 'created', conversationId: 'c1' } });
    expect(await bystander.quiet(100)).toBe(true);

    // An empty list unsubscribes.
    subscriber.send({ t: 'subscribe', id: 'u', events: [] });
    expect(await subscriber.next()).toEqual({ t: 'result', id: 'u', result: { ok: true, value: { events: [] } } });
    backend.events.emit('conversationsChanged', { reason: 'deleted', conversationId: 'c1' });
    expect(await subscriber.quiet(100)).toBe(true);
  });

  it('refuses to subscribe to an unknown event, naming it', async () => {
    const client = await connect();
    client.send({ t: 'subscribe', id: 1, events: ['conversationsChanged', 'everything'] });
    const answer = await client.next();
    expect(answer).toMatchObject({ t: 'result', id: 1, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(JSON.stringify(answer)).toContain('everything');
  });
});

describe('who may connect', () => {
  it('accepts its own origin with the token', async () => {
    expect(await upgradeStatus(host.wsUrl, host.origin)).toBe(101);
    expect(await upgradeStatus(host.wsUrl, `http://localhost:${host.port}`)).toBe(101);
  });

  it('refuses a foreign or missing Origin with 403', async () => {
    expect(await upgradeStatus(host.wsUrl, 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(host.wsUrl, `http://127.0.0.1:${host.port + 1}`)).toBe(403);
    expect(await upgradeStatus(host.wsUrl, 'null')).toBe(403);
    expect(await upgradeStatus(host.wsUrl, undefined)).toBe(403);
  });

  it('refuses a wrong or missing token with 401', async () => {
    const base = `ws://127.0.0.1:${host.port}/ws`;
    expect(await upgradeStatus(base, host.origin)).toBe(401);
    expect(await upgradeStatus(`${base}?token=`, host.origin)).toBe(401);
    expect(await upgradeStatus(`${base}?token=${host.token.slice(0, -1)}x`, host.origin)).toBe(401);
    expect(await upgradeStatus(`${base}?token=${host.token}${host.token}`, host.origin)).toBe(401);
  });

  it('refuses upgrades on other paths, and keeps serving after refusals', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${host.port}/other?token=${host.token}`, host.origin)).toBe(404);
    const client = await connect();
    client.send({ t: 'call', id: 1, method: 'getAppInfo' });
    expect(await client.next()).toMatchObject({ result: { ok: true } });
  });

  it('makes a fresh 43-character base64url token per host', async () => {
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startHost({ rendererDir: rendererDir().root, port: 0, backend });
    expect(other.token).not.toBe(host.token);
    await other.close();
  });

  it('will not bind a non-loopback address without allowRemote', async () => {
    await expect(startHost({ rendererDir: rendererDir().root, host: '0.0.0.0', port: 0, backend })).rejects.toThrow(/--allow-remote/);
    const remote = await startHost({ rendererDir: rendererDir().root, host: '0.0.0.0', port: 0, backend, allowRemote: true });
    expect(remote.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(await upgradeStatus(remote.wsUrl, `http://127.0.0.1:${remote.port}`)).toBe(101);
    expect(await upgradeStatus(remote.wsUrl, 'http://evil.example')).toBe(403);
    await remote.close();
  });
});

describe('heartbeat and shutdown', () => {
  it('drops a socket that stops answering pings', async () => {
    const beating = await startHost({ rendererDir: rendererDir().root, port: 0, backend, heartbeatMs: 50 });
    const client = await RawClient.open(beating.wsUrl, beating.origin);
    // Stop answering pings: ws answers them automatically, so silence the underlying socket.
    const socket = (client.ws as unknown as { _socket: { write: () => boolean } })._socket;
    socket.write = () => true;
    await new Promise((r) => setTimeout(r, 300));
    expect(beating.connections()).toBe(0);
    client.ws.terminate();
    await beating.close();
  });

  it('keeps a live socket across many heartbeats', async () => {
    const beating = await startHost({ rendererDir: rendererDir().root, port: 0, backend, heartbeatMs: 30 });
    const client = await RawClient.open(beating.wsUrl, beating.origin);
    await new Promise((r) => setTimeout(r, 250));
    expect(beating.connections()).toBe(1);
    client.send({ t: 'call', id: 1, method: 'getAppInfo' });
    expect(await client.next()).toMatchObject({ result: { ok: true } });
    await client.close();
    await beating.close();
  });

  it('closes its sockets with 1001 on close()', async () => {
    const client = await connect();
    const code = new Promise<number>((resolve) => client.ws.once('close', (c) => resolve(c)));
    await host.close();
    expect(await code).toBe(1001);
  });
});
