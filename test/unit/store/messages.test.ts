import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TernError } from '../../../electron/common/contract';
import type { NewMessage } from '../../../electron/services/store';
import { type TempStore, createTempStore } from './temp-store';

let temp: TempStore;
beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp.cleanup());

function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TernError);
  expect((caught as TernError).code).toBe(code);
}

function say(conversationId: string, parentId: string | null, role: NewMessage['role'], content: string, extra: Partial<NewMessage> = {}) {
  return temp.store.messages.append({ conversationId, parentId, role, content, ...extra });
}

describe('store: messages and branches', () => {
  it('appends a chain and lists the active branch root first', () => {
    const c = temp.store.conversations.create();
    const m1 = say(c.id, null, 'system', 'Be brief.');
    const m2 = say(c.id, m1.id, 'user', 'Hi');
    const m3 = say(c.id, m2.id, 'assistant', 'Hello!');
    expect(m3).toMatchObject({ conversationId: c.id, parentId: m2.id, status: 'complete', modelId: null });
    expect(m3.stats).toEqual({
      promptTokens: null,
      generatedTokens: null,
      ttftMs: null,
      prefillTokensPerSec: null,
      decodeTokensPerSec: null,
      energyJoules: null,
      energySource: null,
      threads: null,
    });
    const conversation = temp.store.conversations.require(c.id);
    expect(conversation.activeLeafId).toBe(m3.id);
    expect(conversation.messageCount).toBe(3);
    expect(conversation.updatedAt).toBeGreaterThan(c.updatedAt);
    expect(temp.store.messages.activeBranch(c.id).map((m) => m.content)).toEqual(['Be brief.', 'Hi', 'Hello!']);
  });

  it('an empty conversation has an empty branch; unknown ids are NOT_FOUND', () => {
    const c = temp.store.conversations.create();
    expect(temp.store.messages.activeBranch(c.id)).toEqual([]);
    expectCode(() => temp.store.messages.activeBranch('nope'), 'NOT_FOUND');
    expectCode(() => say('nope', null, 'user', 'x'), 'NOT_FOUND');
    expectCode(() => say(c.id, 'no-such-parent', 'user', 'x'), 'NOT_FOUND');
    expectCode(() => temp.store.messages.update('nope', { status: 'complete' }), 'NOT_FOUND');
    expectCode(() => temp.store.messages.appendText('nope', 'x'), 'NOT_FOUND');
  });

  it('refuses a parent from another conversation', () => {
    const a = temp.store.conversations.create();
    const b = temp.store.conversations.create();
    const m = say(a.id, null, 'user', 'in a');
    expectCode(() => say(b.id, m.id, 'assistant', 'in b'), 'BAD_REQUEST');
    expectCode(() => temp.store.conversations.setActiveLeaf(b.id, m.id), 'BAD_REQUEST');
  });

  it('keeps regenerated replies as siblings and switches branches', () => {
    const c = temp.store.conversations.create();
    const q = say(c.id, null, 'user', 'Question');
    const r1 = say(c.id, q.id, 'assistant', 'First answer');
    const f1 = say(c.id, r1.id, 'user', 'Follow-up on first');
    const r2 = say(c.id, q.id, 'assistant', 'Second answer');
    const { messages, conversations } = temp.store;

    expect(messages.activeBranch(c.id).map((m) => m.id)).toEqual([q.id, r2.id]);
    expect(messages.siblings(r2.id).map((m) => m.id)).toEqual([r1.id, r2.id]);
    expect(messages.children(c.id, q.id).map((m) => m.id)).toEqual([r1.id, r2.id]);
    expect(messages.children(c.id, null).map((m) => m.id)).toEqual([q.id]);
    expect(messages.siblings(q.id).map((m) => m.id)).toEqual([q.id]);

    // Switch to the first answer's branch: its latest leaf becomes active.
    const leaf = messages.latestLeaf(r1.id);
    expect(leaf.id).toBe(f1.id);
    conversations.setActiveLeaf(c.id, leaf.id);
    expect(messages.activeBranch(c.id).map((m) => m.content)).toEqual(['Question', 'First answer', 'Follow-up on first']);
    expect(messages.latestLeaf(r2.id).id).toBe(r2.id);
  });

  it('appends without activating when asked', () => {
    const c = temp.store.conversations.create();
    const q = say(c.id, null, 'user', 'Q');
    say(c.id, q.id, 'assistant', 'draft', { activate: false });
    expect(temp.store.conversations.require(c.id).activeLeafId).toBe(q.id);
  });

  it('edited prompts can be sibling roots', () => {
    const c = temp.store.conversations.create();
    const a = say(c.id, null, 'user', 'first wording');
    const b = say(c.id, null, 'user', 'second wording');
    expect(temp.store.messages.siblings(a.id).map((m) => m.id)).toEqual([a.id, b.id]);
  });

  it('updates content, status and stats while streaming', () => {
    const c = temp.store.conversations.create();
    const q = say(c.id, null, 'user', 'Count to three');
    const r = say(c.id, q.id, 'assistant', '', { status: 'streaming', modelId: 'bitnet-2b4t' });
    const { messages } = temp.store;
    messages.appendText(r.id, 'one');
    messages.appendText(r.id, ', two');
    messages.update(r.id, { stats: { promptTokens: 12, ttftMs: 85.5 } });
    const done = messages.update(r.id, {
      content: 'one, two, three',
      status: 'complete',
      stats: { generatedTokens: 7, prefillTokensPerSec: 140.2, decodeTokensPerSec: 31.7, energyJoules: 1.25, energySource: 'modelled', threads: 4 },
    });
    expect(done).toMatchObject({ content: 'one, two, three', status: 'complete', modelId: 'bitnet-2b4t' });
    expect(done.stats).toEqual({
      promptTokens: 12,
      generatedTokens: 7,
      ttftMs: 85.5,
      prefillTokensPerSec: 140.2,
      decodeTokensPerSec: 31.7,
      energyJoules: 1.25,
      energySource: 'modelled',
      threads: 4,
    });
    expect(messages.get(r.id)).toEqual(done);
  });

  it('rejects values outside the schema', () => {
    const c = temp.store.conversations.create();
    const m = say(c.id, null, 'user', 'x');
    expect(() => temp.store.db.prepare("UPDATE messages SET status = 'done' WHERE id = ?").run(m.id)).toThrow(/CHECK/);
  });

  it('deleting a conversation deletes its messages', () => {
    const c = temp.store.conversations.create();
    const q = say(c.id, null, 'user', 'Q');
    say(c.id, q.id, 'assistant', 'A');
    temp.store.conversations.delete(c.id);
    expect(temp.store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
  });

  it('marks replies left streaming as interrupted on open, keeping their text', () => {
    const c = temp.store.conversations.create();
    const q = say(c.id, null, 'user', 'Tell me a story');
    const r = say(c.id, q.id, 'assistant', 'Once upon a', { status: 'streaming' });
    const store = temp.reopen();
    expect(store.interruptedAtOpen).toBe(1);
    expect(store.messages.get(r.id)).toMatchObject({ status: 'interrupted', content: 'Once upon a' });
    expect(store.messages.get(q.id)?.status).toBe('complete');
    expect(temp.reopen().interruptedAtOpen).toBe(0);
  });
});
