import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TernError } from '../../../electron/common/contract';
import { DEFAULT_TITLE, latestVersion, monotonicClock } from '../../../electron/services/store';
import { type TempStore, createTempStore } from './temp-store';

let temp: TempStore;
beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp.cleanup());

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TernError ? error.code : `not a TernError: ${String(error)}`;
  }
  return undefined;
}

describe('store: opening', () => {
  it('uses WAL, foreign keys and a busy timeout', () => {
    const { db } = temp.store;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('keeps data across reopen', () => {
    const made = temp.store.conversations.create({ title: 'Kept' });
    const store = temp.reopen();
    expect(store.conversations.get(made.id)).toEqual(made);
    expect(store.migration).toEqual({ from: latestVersion, to: latestVersion });
  });
});

describe('store: conversations', () => {
  it('creates with a title or the default one', () => {
    const a = temp.store.conversations.create({ title: '  Trip plans ' });
    const b = temp.store.conversations.create();
    expect(a.title).toBe('Trip plans');
    expect(b.title).toBe(DEFAULT_TITLE);
    expect(a).toMatchObject({ activeLeafId: null, modelId: null, messageCount: 0 });
    expect(a.createdAt).toBe(a.updatedAt);
    expect(temp.store.conversations.get(a.id)).toEqual(a);
    expect(temp.store.conversations.get('missing')).toBeUndefined();
  });

  it('lists most recently updated first', () => {
    const { conversations } = temp.store;
    const a = conversations.create({ title: 'A' });
    const b = conversations.create({ title: 'B' });
    expect(conversations.list().map((c) => c.id)).toEqual([b.id, a.id]);
    conversations.rename(a.id, 'A2');
    expect(conversations.list().map((c) => c.id)).toEqual([a.id, b.id]);
  });

  it('filters by title ignoring case, including non-ASCII letters', () => {
    const { conversations } = temp.store;
    const a = conversations.create({ title: 'Übersicht der Kernel' });
    conversations.create({ title: 'Shopping' });
    const c = conversations.create({ title: 'KERNEL tuning' });
    expect(new Set(conversations.list({ query: 'kernel' }).map((x) => x.id))).toEqual(new Set([a.id, c.id]));
    expect(conversations.list({ query: 'übersicht' }).map((x) => x.id)).toEqual([a.id]);
    expect(conversations.list({ query: '%' })).toEqual([]);
    expect(conversations.list({ query: '   ' })).toHaveLength(3);
  });

  it('filters also by message text', () => {
    const { conversations, messages } = temp.store;
    const a = conversations.create({ title: 'Untitled one' });
    conversations.create({ title: 'Other' });
    messages.append({ conversationId: a.id, parentId: null, role: 'user', content: 'How do ternary weights work?' });
    expect(conversations.list({ query: 'ternary' }).map((x) => x.id)).toEqual([a.id]);
    expect(conversations.list({ query: 'tern' }).map((x) => x.id)).toEqual([a.id]);
    expect(conversations.list({ query: '"unbalanced (' })).toEqual([]);
  });

  it('renames and deletes, NOT_FOUND for unknown ids', () => {
    const { conversations } = temp.store;
    const a = conversations.create({ title: 'Old' });
    expect(conversations.rename(a.id, 'New').title).toBe('New');
    expect(codeOf(() => conversations.rename(a.id, '  '))).toBe('BAD_REQUEST');
    expect(codeOf(() => conversations.rename('nope', 'x'))).toBe('NOT_FOUND');
    conversations.delete(a.id);
    expect(conversations.get(a.id)).toBeUndefined();
    expect(codeOf(() => conversations.delete(a.id))).toBe('NOT_FOUND');
  });

  it('deletes a conversation whose branch is thousands of messages long, with its search entries', () => {
    const c = temp.store.conversations.create();
    let parent: string | null = null;
    for (let i = 0; i < 2500; i++) {
      parent = temp.store.messages.append({ conversationId: c.id, parentId: parent, role: i % 2 ? 'assistant' : 'user', content: `turn ${i}` }).id;
    }
    const other = temp.store.conversations.create();
    temp.store.messages.append({ conversationId: other.id, parentId: null, role: 'user', content: 'kept turn' });
    temp.store.conversations.delete(c.id);
    expect(temp.store.conversations.get(c.id)).toBeUndefined();
    expect(temp.store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 1 });
    expect(temp.store.db.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'turn'").get()).toEqual({ n: 1 });
    expect(codeOf(() => temp.store.conversations.delete(c.id))).toBe('NOT_FOUND');
  });

  it('keeps per-conversation settings and model', () => {
    const { conversations } = temp.store;
    const a = conversations.create({ settings: { sampling: { temperature: 0.7 } } });
    expect(conversations.getSettings(a.id)).toEqual({ sampling: { temperature: 0.7 } });
    const changed = conversations.setSettings(a.id, { systemPrompt: 'Be brief.', sampling: { temperature: 0.2, topK: 40 } });
    expect(changed.settings).toEqual({ systemPrompt: 'Be brief.', sampling: { temperature: 0.2, topK: 40 } });
    expect(conversations.getSettings(a.id)).toEqual({ systemPrompt: 'Be brief.', sampling: { temperature: 0.2, topK: 40 } });
    expect(conversations.setModel(a.id, 'bitnet-2b4t').modelId).toBe('bitnet-2b4t');
    expect(codeOf(() => conversations.getSettings('nope'))).toBe('NOT_FOUND');
  });
});

describe('store: settings', () => {
  it('gets, sets, overwrites and deletes JSON values', () => {
    const { settings } = temp.store;
    expect(settings.get('theme')).toBeUndefined();
    settings.set('theme', 'dark');
    settings.set('threads', { count: 4, pinned: [0, 1] });
    settings.set('theme', 'light');
    expect(settings.get('theme')).toBe('light');
    expect(settings.all()).toEqual({ theme: 'light', threads: { count: 4, pinned: [0, 1] } });
    settings.delete('theme');
    expect(settings.get('theme')).toBeUndefined();
    settings.set('nothing', null);
    expect(settings.get('nothing')).toBeNull();
  });
});

describe('store: clock', () => {
  it('never repeats or goes back', () => {
    const readings = [5, 5, 3, 10, 10];
    const clock = monotonicClock(() => readings.shift() ?? 0);
    expect([clock(), clock(), clock(), clock(), clock()]).toEqual([5, 6, 7, 10, 11]);
  });
});
