import { describe, expect, it } from 'vitest';
import { callNames } from '../../../electron/common/contract';
import { createDispatcher } from '../../../electron/services/dispatcher';
import { forwardEvents, isAppSender, registerIpc } from '../../../electron/main/ipc';
import { FakeFrame, FakeIpcMain, FakeWebContents, fakeServices } from './fakes';

function setup() {
  const ipcMain = new FakeIpcMain();
  const contents = new FakeWebContents();
  contents.mainFrame.url = 'tern://app/';
  const { services, requests } = fakeServices();
  const logged: string[] = [];
  let current: FakeWebContents | null = contents;
  const dispose = registerIpc(ipcMain, createDispatcher(services.handlers), () => current, (m) => logged.push(m));
  const fromApp = { sender: contents, senderFrame: contents.mainFrame };
  return { ipcMain, contents, services, requests, logged, dispose, fromApp, setCurrent: (c: FakeWebContents | null) => (current = c) };
}

describe('IPC handlers', () => {
  it('registers tern:<name> for every call in the contract, and nothing else', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(callNames.map((n) => `tern:${n}`).sort());
  });

  it('dispatches calls from the app page to the services', async () => {
    const { ipcMain, fromApp, requests } = setup();
    const created = await ipcMain.invoke('tern:createConversation', fromApp, { title: 'Plans' });
    expect(created).toMatchObject({ ok: true, value: { id: 'c1', title: 'Plans' } });
    expect(await ipcMain.invoke('tern:listConversations', fromApp, {})).toMatchObject({ ok: true, value: [{ id: 'c1' }] });
    expect(requests.map((r) => r.name)).toEqual(['createConversation', 'listConversations']);
  });

  it('answers a bad request with BAD_REQUEST without calling the service', async () => {
    const { ipcMain, fromApp, requests } = setup();
    for (const request of [{ title: '' }, { title: 5 }, { title: 'x', admin: true }, 'string', [1]]) {
      const result = await ipcMain.invoke('tern:createConversation', fromApp, request);
      expect(result, JSON.stringify(request)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await ipcMain.invoke('tern:renameConversation', fromApp, { id: 'c1' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('title') },
    });
    expect(requests).toEqual([]);
  });

  it('passes service errors through with their code', async () => {
    const { ipcMain, fromApp } = setup();
    expect(await ipcMain.invoke('tern:deleteConversation', fromApp, { id: 'missing' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no conversation missing' },
    });
  });

  it('refuses foreign senders with FORBIDDEN and never reaches the services', async () => {
    const { ipcMain, contents, requests, logged } = setup();
    const other = new FakeWebContents();
    other.mainFrame.url = 'tern://app/';
    const foreign = [
      { sender: contents, senderFrame: null },
      { sender: contents, senderFrame: new FakeFrame('tern://app/', contents.mainFrame) },
      { sender: contents, senderFrame: new FakeFrame('https://evil.example/') },
      { sender: contents, senderFrame: new FakeFrame('file:///home/user/evil.html') },
      { sender: contents, senderFrame: new FakeFrame('tern://other/') },
      { sender: other, senderFrame: other.mainFrame },
    ];
    for (const event of foreign) {
      const result = await ipcMain.invoke('tern:createConversation', event, { title: 'x' });
      expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'createConversation: sender not allowed' } });
    }
    expect(requests).toEqual([]);
    expect(logged).toHaveLength(foreign.length);
  });

  it('refuses everything while there is no window', async () => {
    const { ipcMain, fromApp, setCurrent } = setup();
    setCurrent(null);
    expect(await ipcMain.invoke('tern:getAppInfo', fromApp, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('removes its handlers when disposed', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('isAppSender wants the top frame of our contents on the app origin', () => {
    const contents = new FakeWebContents();
    contents.mainFrame.url = 'tern://app/index.html';
    expect(isAppSender({ sender: contents, senderFrame: contents.mainFrame }, () => contents)).toBe(true);
    contents.mainFrame.url = 'https://evil.example/';
    expect(isAppSender({ sender: contents, senderFrame: contents.mainFrame }, () => contents)).toBe(false);
  });
});

describe('event forwarding', () => {
  it('sends each service event to the window as tern:event:<name>', () => {
    const contents = new FakeWebContents();
    const { services } = fakeServices();
    let current: FakeWebContents | null = contents;
    const stop = forwardEvents(services.events, () => current);

    services.events.emit('conversationsChanged', { reason: 'renamed', conversationId: 'c1' });
    expect(contents.sent).toEqual([
      { channel: 'tern:event:conversationsChanged', args: [{ reason: 'renamed', conversationId: 'c1' }] },
    ]);

    contents.destroyed = true;
    services.events.emit('conversationsChanged', { reason: 'deleted', conversationId: 'c1' });
    current = null;
    services.events.emit('conversationsChanged', { reason: 'deleted', conversationId: 'c1' });
    expect(contents.sent).toHaveLength(1);

    contents.destroyed = false;
    current = contents;
    stop();
    services.events.emit('conversationsChanged', { reason: 'created', conversationId: 'c2' });
    expect(contents.sent).toHaveLength(1);
  });
});
