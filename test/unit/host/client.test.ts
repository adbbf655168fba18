import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RawApi } from '../../../electron/common/contract';
import { type RunningHost, startHost } from '../../../electron/host/server';
import { TOKEN_STORAGE_KEY, takePageToken } from '../../../renderer/src/api/page-token';
import { appInfo, fakeBackend, rendererDir } from './helpers';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

class FakeHistory {
  readonly state = null;
  url: string | null | undefined;
  replaceState(_data: unknown, _unused: string, url?: string | null): void {
    this.url = url;
  }
}

describe('the page token', () => {
  it('is taken from the URL, stored, and removed from the address bar', () => {
    const storage = new MemoryStorage();
    const history = new FakeHistory();
    expect(takePageToken('http://127.0.0.1:4310/?token=abc_DEF-1&x=2#top', storage, history)).toBe('abc_DEF-1');
    expect(storage.getItem(TOKEN_STORAGE_KEY)).toBe('abc_DEF-1');
    expect(history.url).toBe('/?x=2#top');
  });

  it('comes from storage after a reload, and is null when there is none', () => {
    const storage = new MemoryStorage();
    storage.setItem(TOKEN_STORAGE_KEY, 'kept');
    const history = new FakeHistory();
    expect(takePageToken('http://127.0.0.1:4310/', storage, history)).toBe('kept');
    expect(history.url).toBeUndefined();
    expect(takePageToken('http://127.0.0.1:4310/', new MemoryStorage(), history)).toBeNull();
  });

  it('survives a storage that throws', () => {
    const broken = {
      getItem(): string | null {
        throw new Error('denied');
      },
      setItem(): void {
        throw new Error('denied');
      },
    };
    expect(takePageToken('http://h/?token=t', broken, new FakeHistory())).toBe('t');
    expect(takePageToken('http://h/', broken, new FakeHistory())).toBeNull();
  });
});

describe('getApi', () => {
  const globals = globalThis as { window?: unknown };
  let host: RunningHost | undefined;

  afterEach(async () => {
    delete globals.window;
    await host?.close();
    host = undefined;
  });

  it('uses the Electron preload when window.tern exists', async () => {
    vi.resetModules();
    const getAppInfo = vi.fn(async () => ({ ok: true as const, value: appInfo }));
    globals.window = { tern: { getAppInfo, on: {} } as unknown as RawApi };
    const client = await import('../../../renderer/src/api/client');
    expect(await client.getApi().getAppInfo({})).toEqual(appInfo);
    expect(getAppInfo).toHaveBeenCalledOnce();
    expect(client.getTransportKind()).toBe('electron');
    expect(client.getConnectionState()).toBe('connected');
  });

  it('otherwise connects over WebSocket to the page host with the URL token', async () => {
    vi.resetModules();
    host = await startHost({ rendererDir: rendererDir().root, port: 0, backend: fakeBackend() });
    const origin = host.origin;
    const storage = new MemoryStorage();
    const history = new FakeHistory();
    globals.window = {
      location: { href: host.pageUrl, host: `127.0.0.1:${host.port}`, protocol: 'http:' },
      sessionStorage: storage,
      history,
      WebSocket: class extends WebSocket {
        constructor(url: string) {
          super(url, { origin });
        }
      },
    };
    const client = await import('../../../renderer/src/api/client');
    const states: string[] = [];
    client.onConnectionState((s) => states.push(s));
    expect(client.getConnectionState()).toBe('connecting');
    expect(await client.getApi().getAppInfo({})).toEqual(appInfo);
    expect(client.getTransportKind()).toBe('websocket');
    expect(client.hasHostToken()).toBe(true);
    expect(states).toEqual(['connected']);
    expect(storage.getItem(TOKEN_STORAGE_KEY)).toBe(host.token);
    expect(history.url).toBe('/');
    await host.close();
    await vi.waitFor(() => expect(client.getConnectionState()).toBe('reconnecting'));
    host = undefined;
  });
});
