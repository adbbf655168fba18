/**
 * The local API wired into the services: the contract's calls reach it, tern serve's override
 * turns it on for one run without saving, and closing the services stops it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiStatus, DEFAULT_API_SETTINGS, type EventName, type EventPayload, type WireResult } from '../../../electron/common/contract';
import { type Dispatch, createDispatcher } from '../../../electron/services/dispatcher';
import { type Services, type ServicesOptions, openServices } from '../../../electron/services/services';

let root: string;
let dataDir: string;
let services: Services | null;
let dispatch: Dispatch;
let seen: { name: EventName; payload: EventPayload<EventName> }[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tern-services-api-'));
  dataDir = join(root, 'data');
  services = null;
});

afterEach(async () => {
  await services?.close();
  rmSync(root, { recursive: true, force: true });
});

function open(api?: ServicesOptions['api']): Services {
  services = openServices({ dataDir, host: 'headless', owner: 'test', ...(api ? { api } : {}) });
  dispatch = createDispatcher(services.handlers);
  seen = [];
  services.events.listen((name, payload) => seen.push({ name, payload }));
  return services;
}

async function ok<T>(method: string, params: unknown): Promise<T> {
  const result = (await dispatch(method, params)) as WireResult<T>;
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

describe('the local API in the services', () => {
  it('is off by default: getApiStatus answers the default settings and nothing listens', async () => {
    const s = open();
    await s.apiStarted;
    const status = await ok<ApiStatus>('getApiStatus', {});
    expect(status).toMatchObject({ settings: DEFAULT_API_SETTINGS, on: false, listening: false, address: null, error: null });
    expect(s.api.status()).toEqual(status);
  });

  it('updateApiSettings turns it on (saved, with an apiStatus event), rotateApiKey makes a new key, close stops it', async () => {
    open();
    const port = await freePort();
    const on = await ok<ApiStatus>('updateApiSettings', { enabled: true, port });
    expect(on).toMatchObject({ on: true, listening: true, address: `http://127.0.0.1:${port}/v1`, error: null });
    expect(on.settings).toMatchObject({ enabled: true, port });
    expect(on.key).toEqual(expect.any(String));
    expect(seen.some((e) => e.name === 'apiStatus' && (e.payload as ApiStatus).listening)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    const rotated = await ok<ApiStatus>('rotateApiKey', {});
    expect(rotated.key).not.toBe(on.key);

    await services!.close();
    services = null;
    expect(await reachable(`http://127.0.0.1:${port}/health`)).toBe(false);

    // Saved: the next run listens by itself.
    const again = open();
    await again.apiStarted;
    expect(again.api.status()).toMatchObject({ on: true, listening: true, address: `http://127.0.0.1:${port}/v1` });
  });

  it("tern serve's override turns it on for this run without saving, on a free port", async () => {
    const s = open({ on: true, port: 0 });
    await s.apiStarted;
    const status = await ok<ApiStatus>('getApiStatus', {});
    expect(status.on).toBe(true);
    expect(status.listening).toBe(true);
    expect(status.settings.enabled).toBe(false);
    expect(status.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(status.address).not.toContain(':0/');
    await s.close();
    services = null;

    const next = open();
    await next.apiStarted;
    expect(next.api.status()).toMatchObject({ on: false, listening: false });
  });

  it('a port in use is said in the status (the services open all the same)', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', () => done()));
    try {
      const { port } = blocker.address() as AddressInfo;
      const s = open({ on: true, port });
      await s.apiStarted;
      const status = s.api.status();
      expect(status).toMatchObject({ on: true, listening: false, address: null });
      expect(status.error).toContain(String(port));
      expect(await ok('listConversations', {})).toEqual([]);
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  });
});
