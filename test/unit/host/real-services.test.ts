/** The host over the real services (store, lock, handlers) on a temp data folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventPayload, TernError, unwrapApi } from '../../../electron/common/contract';
import { findRendererDir } from '../../../electron/host/renderer-dir';
import { type RunningHost, startHost } from '../../../electron/host/server';
import { createDispatcher } from '../../../electron/services/dispatcher';
import { type Services, openServices } from '../../../electron/services/services';
import { type WsTransport, createWsTransport } from '../../../renderer/src/api/ws-transport';
import { rendererDir } from './helpers';

let services: Services | undefined;
let host: RunningHost | undefined;
let transport: WsTransport | undefined;

afterEach(async () => {
  transport?.close();
  await host?.close();
  await services?.close();
  transport = undefined;
  host = undefined;
  services = undefined;
});

describe('the host over openServices', () => {
  it('creates, renames, lists and searches through the WebSocket client, with events', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-host-services-'));
    services = openServices({ dataDir, host: 'headless', owner: 'host test', log: () => {} });
    host = await startHost({
      rendererDir: rendererDir().root,
      port: 0,
      backend: { dispatch: createDispatcher(services.handlers), events: services.events },
    });
    const origin = host.origin;
    transport = createWsTransport({
      url: host.wsUrl,
      WebSocket: class extends WebSocket {
        constructor(url: string) {
          super(url, { origin });
        }
      },
    });
    const api = unwrapApi(transport.api);
    const events: EventPayload<'conversationsChanged'>[] = [];
    api.on.conversationsChanged((event) => events.push(event));

    const info = await api.getAppInfo({});
    expect(info).toMatchObject({ host: 'headless', dataDir });
    const created = await api.createConversation({ title: 'Ternary weights' });
    const renamed = await api.renameConversation({ id: created.id, title: 'BitNet notes' });
    expect(renamed.title).toBe('BitNet notes');
    expect((await api.listConversations({})).map((c) => c.title)).toEqual(['BitNet notes']);
    expect(await api.searchMessages({ query: 'nothing' })).toEqual([]);
    const missing = await api.renameConversation({ id: 'no-such-id', title: 'x' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TernError);
    expect((missing as TernError).code).toBe('NOT_FOUND');
    await expect.poll(() => events.map((e) => e.reason)).toEqual(['created', 'renamed']);
  });
});

describe('findRendererDir', () => {
  it('finds out/renderer from the sources or next to the bundled CLI, never renderer/', () => {
    const { root } = rendererDir();
    expect(findRendererDir(__dirname, { TERN_RENDERER_DIR: root })).toBe(root);
    expect(findRendererDir(__dirname, { TERN_RENDERER_DIR: join(root, 'nope') })).toBeUndefined();
    const found = findRendererDir(__dirname, {});
    if (found) expect(found.endsWith(join('out', 'renderer'))).toBe(true);
    expect(findRendererDir(tmpdir(), {})).toBeUndefined();
  });
});
