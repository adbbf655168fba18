import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EventName, type EventPayload, type WireResult } from '../../../electron/common/contract';
import { type Dispatch, createDispatcher } from '../../../electron/services/dispatcher';
import { DataDirLockedError } from '../../../electron/services/lock';
import { openStore } from '../../../electron/services/store';
import { type Services, openServices } from '../../../electron/services/services';
import packageJson from '../../../package.json';

let root: string;
let dataDir: string;
let services: Services;
let dispatch: Dispatch;
let seen: { name: EventName; payload: EventPayload<EventName> }[];
let logged: string[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tern-services-'));
  dataDir = join(root, 'nested', 'data');
  logged = [];
  services = openServices({ dataDir, host: 'headless', owner: 'tern serve on http://127.0.0.1:4310', log: (m) => logged.push(m) });
  dispatch = createDispatcher(services.handlers, (m) => logged.push(m));
  seen = [];
  services.events.listen((name, payload) => seen.push({ name, payload }));
});

afterEach(async () => {
  await services.close();
  rmSync(root, { recursive: true, force: true });
});

async function ok<T>(method: string, params: unknown): Promise<T> {
  const result = (await dispatch(method, params)) as WireResult<T>;
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

async function fails(method: string, params: unknown): Promise<{ code: string; message: string }> {
  const result = await dispatch(method, params);
  if (result.ok) throw new Error(`${method} unexpectedly succeeded`);
  return result.error;
}

interface ConversationValue {
  id: string;
  title: string;
  messageCount: number;
}

describe('openServices', () => {
  it('creates the data folder with the database and the lock in it', () => {
    expect(services.dataDir).toBe(dataDir);
    expect(existsSync(join(dataDir, 'tern.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'tern.lock'))).toBe(true);
  });

  it('refuses a second opening of the same folder, naming the owner', () => {
    let caught: unknown;
    try {
      openServices({ dataDir, host: 'electron', owner: 'Tern desktop app' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DataDirLockedError);
    expect((caught as DataDirLockedError).code).toBe('DATA_DIR_LOCKED');
    expect((caught as Error).message).toContain('tern serve on http://127.0.0.1:4310');
  });

  it('close is idempotent, releases the lock, and data survives reopening', async () => {
    const made = await ok<ConversationValue>('createConversation', { title: 'Survives' });
    await services.close();
    await services.close();
    expect(existsSync(join(dataDir, 'tern.lock'))).toBe(false);
    services = openServices({ dataDir, host: 'headless', owner: 'again' });
    dispatch = createDispatcher(services.handlers);
    expect(await ok<ConversationValue[]>('listConversations', {})).toEqual([expect.objectContaining({ id: made.id, title: 'Survives' })]);
  });
});

describe('handlers through the dispatcher', () => {
  it('getAppInfo describes the app, the host and the CPU', async () => {
    const info = await ok<Record<string, unknown>>('getAppInfo', {});
    expect(info).toMatchObject({
      name: packageJson.productName,
      version: packageJson.version,
      platform: process.platform,
      arch: process.arch,
      host: 'headless',
      dataDir,
    });
    expect(info.cpu).toMatchObject({ isa: expect.any(String), name: expect.any(String) });
    expect(info.logicalCores).toBeGreaterThan(0);
    expect(info.totalMemoryBytes).toBeGreaterThan(0);
  });

  it('creates, lists, filters, renames and deletes conversations, with events', async () => {
    const a = await ok<ConversationValue>('createConversation', { title: 'Kernel notes' });
    const b = await ok<ConversationValue>('createConversation', {});
    expect(b.title).toBe('New conversation');
    expect((await ok<ConversationValue[]>('listConversations', {})).map((c) => c.id)).toEqual([b.id, a.id]);
    expect((await ok<ConversationValue[]>('listConversations', { query: 'KERNEL' })).map((c) => c.id)).toEqual([a.id]);

    const renamed = await ok<ConversationValue>('renameConversation', { id: b.id, title: '  Shopping  ' });
    expect(renamed.title).toBe('Shopping');
    expect(await ok('deleteConversation', { id: a.id })).toEqual({ id: a.id });
    expect((await ok<ConversationValue[]>('listConversations', {})).map((c) => c.id)).toEqual([b.id]);

    expect(seen.filter((e) => e.name === 'conversationsChanged')).toEqual([
      { name: 'conversationsChanged', payload: { reason: 'created', conversationId: a.id } },
      { name: 'conversationsChanged', payload: { reason: 'created', conversationId: b.id } },
      { name: 'conversationsChanged', payload: { reason: 'renamed', conversationId: b.id } },
      { name: 'conversationsChanged', payload: { reason: 'deleted', conversationId: a.id } },
    ]);
  });

  it('lists the active branch and searches messages', async () => {
    const c = await ok<ConversationValue>('createConversation', { title: 'Branches' });
    // No call appends messages yet (generation comes with the engine): write through the store.
    await services.close();
    const store = openStore(join(dataDir, 'tern.db'));
    const q = store.messages.append({ conversationId: c.id, parentId: null, role: 'user', content: 'What is BitNet?' });
    store.messages.append({ conversationId: c.id, parentId: q.id, role: 'assistant', content: 'A ternary model.' });
    store.messages.append({ conversationId: c.id, parentId: q.id, role: 'assistant', content: 'One-bit-ish weights.' });
    store.close();
    services = openServices({ dataDir, host: 'headless', owner: 'test' });
    dispatch = createDispatcher(services.handlers);

    const branch = await ok<{ content: string }[]>('listMessages', { conversationId: c.id });
    expect(branch.map((m) => m.content)).toEqual(['What is BitNet?', 'One-bit-ish weights.']);
    const hits = await ok<{ snippet: string; conversationTitle: string }[]>('searchMessages', { query: 'ternary' });
    expect(hits).toEqual([expect.objectContaining({ conversationTitle: 'Branches', snippet: 'A [ternary] model.' })]);
    expect(await ok('searchMessages', { query: '"NEAR(' })).toEqual([]);
    expect(await ok('searchMessages', { query: 'bitnet', limit: 1 })).toHaveLength(1);
  });

  it('switches and deletes versions, exports and imports, with events', async () => {
    const c = await ok<ConversationValue>('createConversation', { title: 'Versions' });
    await services.close();
    const store = openStore(join(dataDir, 'tern.db'));
    const q = store.messages.append({ conversationId: c.id, parentId: null, role: 'user', content: 'What is BitNet?' });
    const a1 = store.messages.append({ conversationId: c.id, parentId: q.id, role: 'assistant', content: 'A ternary model.' });
    const a2 = store.messages.append({ conversationId: c.id, parentId: q.id, role: 'assistant', content: 'One-bit-ish weights.' });
    store.close();
    services = openServices({ dataDir, host: 'headless', owner: 'test' });
    dispatch = createDispatcher(services.handlers);
    seen = [];
    services.events.listen((name, payload) => seen.push({ name, payload }));

    type Listed = { id: string; versionIds: string[] };
    expect((await ok<Listed[]>('listMessages', { conversationId: c.id })).map((m) => [m.id, m.versionIds])).toEqual([
      [q.id, [q.id]],
      [a2.id, [a1.id, a2.id]],
    ]);
    expect(await ok('activateMessage', { messageId: a1.id })).toMatchObject({ id: c.id, activeLeafId: a1.id });
    const json = await ok<{ fileName: string; mimeType: string; content: string }>('exportConversation', { id: c.id, format: 'json' });
    expect(json).toMatchObject({ fileName: 'Versions.json', mimeType: 'application/json' });
    expect((await ok<{ content: string }>('exportConversation', { id: c.id, format: 'markdown' })).content).toContain('## Assistant\n\nA ternary model.');
    expect((await ok<{ fileName: string }>('exportAll', {})).fileName).toMatch(/^tern-conversations-\d{4}-\d{2}-\d{2}\.json$/);

    expect(await ok('deleteMessage', { messageId: a1.id })).toMatchObject({ id: c.id, activeLeafId: a2.id, messageCount: 2 });
    expect(await ok('importConversations', { content: json.content })).toEqual({
      conversations: 1,
      conversationsAdded: 0,
      messagesAdded: 1,
      messagesSkipped: 2,
    });
    expect((await ok<Listed[]>('listMessages', { conversationId: c.id }))[1]!.versionIds).toEqual([a2.id, a1.id]);
    expect(await fails('importConversations', { content: 'nope' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('not JSON') });
    expect(seen.filter((e) => e.name === 'conversationsChanged').map((e) => e.payload)).toEqual([
      { reason: 'messages', conversationId: c.id },
      { reason: 'messages', conversationId: c.id },
      { reason: 'messages', conversationId: c.id },
    ]);

    await ok('deleteConversation', { id: c.id });
    seen = [];
    expect(await ok('importConversations', { content: json.content })).toMatchObject({ conversationsAdded: 1, messagesAdded: 3 });
    expect(seen).toEqual([{ name: 'conversationsChanged', payload: { reason: 'created', conversationId: c.id } }]);
    expect(await ok('listConversations', {})).toEqual([expect.objectContaining({ id: c.id, activeLeafId: a1.id, messageCount: 3 })]);
  });

  it('answers NOT_FOUND for unknown ids', async () => {
    for (const [method, params] of [
      ['renameConversation', { id: 'missing', title: 'x' }],
      ['deleteConversation', { id: 'missing' }],
      ['listMessages', { conversationId: 'missing' }],
      ['activateMessage', { messageId: 'missing' }],
      ['deleteMessage', { messageId: 'missing' }],
      ['exportConversation', { id: 'missing', format: 'markdown' }],
      ['regenerateReply', { requestId: 'request-missing', messageId: 'missing' }],
      ['editMessage', { requestId: 'request-missing', messageId: 'missing', text: 'x' }],
    ] as const) {
      const error = await fails(method, params);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('missing');
    }
    expect(seen.filter((e) => e.name === 'conversationsChanged')).toEqual([]);
  });

  it('answers BAD_REQUEST naming the field', async () => {
    expect(await fails('renameConversation', { id: 'x', title: '   ' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('title') });
    expect(await fails('renameConversation', { title: 'x' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('id') });
    expect(await fails('listMessages', {})).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('conversationId') });
    expect(await fails('searchMessages', { query: 'x', limit: 0 })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('limit') });
    expect(await fails('createConversation', { title: 'ok', extra: 1 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await fails('nope', {})).toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(await ok('listConversations', {})).toEqual([]);
  });
});
