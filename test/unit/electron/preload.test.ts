import { describe, expect, it, vi } from 'vitest';
import { callNames, eventNames } from '../../../electron/common/contract';
import { type IpcRendererLike, buildRawApi } from '../../../electron/preload/api';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];
  readonly listeners = new Map<string, Set<IpcListener>>();

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve({ ok: true, value: { channel } });
  }
  on(channel: string, listener: IpcListener): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }
  removeListener(channel: string, listener: IpcListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  /** What main's webContents.send(channel, payload) delivers. */
  deliver(channel: string, payload: unknown): void {
    for (const listener of this.listeners.get(channel) ?? []) listener({ sender: 'the IpcRendererEvent' }, payload);
  }
}

describe('preload api', () => {
  it('has exactly the contract calls and on, nothing generic', () => {
    const api = buildRawApi(new FakeIpcRenderer());
    expect(Object.keys(api).sort()).toEqual([...callNames, 'on'].sort());
    expect(Object.keys(api.on).sort()).toEqual([...eventNames].sort());
    for (const forbidden of ['invoke', 'send', 'ipcRenderer', 'sendSync', 'postMessage']) {
      expect(forbidden in api).toBe(false);
    }
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.on)).toBe(true);
  });

  it('invokes tern:<name> with the request as the only argument', async () => {
    const ipc = new FakeIpcRenderer();
    const api = buildRawApi(ipc);
    const result = await api.renameConversation({ id: 'c1', title: 'Hi' });
    expect(result).toEqual({ ok: true, value: { channel: 'tern:renameConversation' } });
    await api.listConversations({});
    expect(ipc.invoked).toEqual([
      { channel: 'tern:renameConversation', args: [{ id: 'c1', title: 'Hi' }] },
      { channel: 'tern:listConversations', args: [{}] },
    ]);
    for (const name of callNames) {
      const method = api[name] as (request: unknown) => Promise<unknown>;
      await method({ extra: 1 });
      expect(ipc.invoked.at(-1)).toEqual({ channel: `tern:${name}`, args: [{ extra: 1 }] });
    }
  });

  it('subscribes to tern:event:<name>, passes the payload only, and unsubscribes', () => {
    const ipc = new FakeIpcRenderer();
    const api = buildRawApi(ipc);
    const received: unknown[] = [];
    const unsubscribe = api.on.conversationsChanged((payload) => received.push(payload));
    expect(ipc.listeners.get('tern:event:conversationsChanged')?.size).toBe(1);

    ipc.deliver('tern:event:conversationsChanged', { reason: 'created', conversationId: 'c1' });
    ipc.deliver('tern:event:somethingElse', { nope: true });
    expect(received).toEqual([{ reason: 'created', conversationId: 'c1' }]);

    unsubscribe();
    unsubscribe();
    expect(ipc.listeners.get('tern:event:conversationsChanged')?.size).toBe(0);
    ipc.deliver('tern:event:conversationsChanged', { reason: 'deleted', conversationId: 'c1' });
    expect(received).toHaveLength(1);
  });

  it('refuses a listener that is not a function', () => {
    const api = buildRawApi(new FakeIpcRenderer());
    const subscribe = api.on.conversationsChanged as (listener: unknown) => unknown;
    expect(() => subscribe('not a function')).toThrow(TypeError);
  });
});

describe('preload entry', () => {
  it('exposes the api as window.tern, and the path of a dropped file, through contextBridge and nothing else', async () => {
    const exposeInMainWorld = vi.fn();
    const ipcRenderer = new FakeIpcRenderer();
    const getPathForFile = vi.fn(() => '/home/me/model.gguf');
    vi.doMock('electron', () => ({ contextBridge: { exposeInMainWorld }, ipcRenderer, webUtils: { getPathForFile } }));
    try {
      await import('../../../electron/preload/index');
    } finally {
      vi.doUnmock('electron');
    }
    expect(exposeInMainWorld).toHaveBeenCalledTimes(2);
    const [key, api] = exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(key).toBe('tern');
    expect(Object.keys(api).sort()).toEqual([...callNames, 'on'].sort());
    expect(Object.values(api)).not.toContain(ipcRenderer);
    const [filesKey, files] = exposeInMainWorld.mock.calls[1] as [string, { pathFor(file: unknown): string }];
    expect(filesKey).toBe('ternFiles');
    expect(Object.keys(files)).toEqual(['pathFor']);
    expect(files.pathFor({ name: 'model.gguf' })).toBe('/home/me/model.gguf');
  });
});
