/**
 * Branches in the store: the branch shown with each message's versions, switching branches
 * (persisted), and deleting a message's subtree (search entries, active leaf, context start).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TernError } from '../../../electron/common/contract';
import type { NewMessage } from '../../../electron/services/store';
import { type TempStore, createTempStore } from './temp-store';

let temp: TempStore;
beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp.cleanup());

function say(conversationId: string, parentId: string | null, role: NewMessage['role'], content: string) {
  return temp.store.messages.append({ conversationId, parentId, role, content });
}

function count(sql: string, ...params: string[]): number {
  return (temp.store.db.prepare(sql).get(...params) as { n: number }).n;
}

function indexed(word: string): number {
  return count('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?', word);
}

/** q ─┬─ r1 ── f1 ── g1
 *      └─ r2
 *  q2 (a second root: an edited first prompt) */
function tree() {
  const c = temp.store.conversations.create();
  const q = say(c.id, null, 'user', 'Question');
  const r1 = say(c.id, q.id, 'assistant', 'First answer alpha');
  const f1 = say(c.id, r1.id, 'user', 'Follow-up bravo');
  const g1 = say(c.id, f1.id, 'assistant', 'Reply charlie');
  const r2 = say(c.id, q.id, 'assistant', 'Second answer delta');
  const q2 = say(c.id, null, 'user', 'Question reworded');
  return { c, q, r1, f1, g1, r2, q2 };
}

describe('store: branches', () => {
  it('lists the branch shown with the versions of each message, oldest first', () => {
    const { c, q, r1, r2, q2 } = tree();
    const { branches } = temp.store;
    expect(branches.activeBranch(c.id).map((m) => [m.id, m.versionIds])).toEqual([[q2.id, [q.id, q2.id]]]);
    branches.activate(r2.id);
    expect(branches.activeBranch(c.id).map((m) => [m.id, m.versionIds])).toEqual([
      [q.id, [q.id, q2.id]],
      [r2.id, [r1.id, r2.id]],
    ]);
    expect(branches.activeBranch(temp.store.conversations.create().id)).toEqual([]);
  });

  it('activating a message shows its latest leaf, and the choice survives reopening', () => {
    const { c, q, r1, f1, g1 } = tree();
    const activated = temp.store.branches.activate(r1.id);
    expect(activated).toMatchObject({ id: c.id, activeLeafId: g1.id });
    expect(temp.store.branches.activate(q.id).activeLeafId).toBe(temp.store.messages.latestLeaf(q.id).id);
    temp.store.branches.activate(f1.id);
    const store = temp.reopen();
    expect(store.conversations.require(c.id).activeLeafId).toBe(g1.id);
    expect(store.branches.activeBranch(c.id).map((m) => m.content)).toEqual([
      'Question',
      'First answer alpha',
      'Follow-up bravo',
      'Reply charlie',
    ]);
    expect(() => store.branches.activate('nope')).toThrow(TernError);
  });

  it('the path to a message runs from its root whichever branch is shown', () => {
    const { q, r1, f1, g1, r2 } = tree();
    temp.store.branches.activate(r2.id);
    expect(temp.store.messages.pathTo(g1.id).map((m) => m.id)).toEqual([q.id, r1.id, f1.id, g1.id]);
    expect(temp.store.messages.pathTo(q.id).map((m) => m.id)).toEqual([q.id]);
    expect(() => temp.store.messages.pathTo('nope')).toThrow(/no message/);
  });

  it('deleting a message removes its subtree and their search entries; the branch moves to another version', () => {
    const { c, q, r1, f1, g1, r2 } = tree();
    temp.store.branches.activate(g1.id);
    expect(indexed('bravo')).toBe(1);
    const { conversation, ids } = temp.store.branches.delete(r1.id);
    expect(new Set(ids)).toEqual(new Set([r1.id, f1.id, g1.id]));
    expect(ids[0]).toBe(g1.id);
    expect(conversation.activeLeafId).toBe(r2.id);
    expect(conversation.messageCount).toBe(3);
    for (const word of ['alpha', 'bravo', 'charlie']) expect(indexed(word)).toBe(0);
    expect(indexed('delta')).toBe(1);
    temp.store.db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").run();
    expect(temp.store.messages.get(f1.id)).toBeUndefined();
    expect(temp.store.messages.siblings(q.id).length).toBe(2);
    expect(temp.store.db.pragma('foreign_key_check')).toEqual([]);
    expect(conversation.id).toBe(c.id);
  });

  it('the branch moves to the parent when no other version is left, and to nothing when the conversation is empty', () => {
    const c = temp.store.conversations.create();
    const q = say(c.id, null, 'user', 'Only question');
    const r = say(c.id, q.id, 'assistant', 'Only answer');
    expect(temp.store.branches.delete(r.id).conversation.activeLeafId).toBe(q.id);
    expect(temp.store.branches.delete(q.id).conversation).toMatchObject({ activeLeafId: null, messageCount: 0 });
    expect(() => temp.store.branches.delete(q.id)).toThrow(/no message/);
  });

  it('deleting a root moves the branch to the latest other root', () => {
    const { c, q, q2 } = tree();
    expect(temp.store.branches.delete(q2.id).conversation.activeLeafId).toBe(temp.store.messages.latestLeaf(q.id).id);
    expect(temp.store.branches.activeBranch(c.id)[0]!.versionIds).toEqual([q.id]);
  });

  it('deleting a version not shown leaves the branch shown alone', () => {
    const { c, r1, r2 } = tree();
    temp.store.branches.activate(r2.id);
    expect(temp.store.branches.delete(r1.id).conversation.activeLeafId).toBe(r2.id);
    expect(temp.store.branches.activeBranch(c.id)[1]!.versionIds).toEqual([r2.id]);
  });

  it('clears the context start when it pointed into the deleted part', () => {
    const { c, r1, f1, r2 } = tree();
    temp.store.conversations.setContextStart(c.id, f1.id);
    temp.store.branches.delete(r2.id);
    expect(temp.store.conversations.contextStart(c.id)).toBe(f1.id);
    temp.store.branches.delete(r1.id);
    expect(temp.store.conversations.contextStart(c.id)).toBeNull();
  });

  it('deletes a branch thousands of messages long (no cascade recursion limit)', () => {
    const c = temp.store.conversations.create();
    const first = say(c.id, null, 'user', 'start');
    let parent = first.id;
    for (let i = 0; i < 2500; i++) parent = say(c.id, parent, i % 2 ? 'user' : 'assistant', `turn ${i}`).id;
    const { conversation, ids } = temp.store.branches.delete(first.id);
    expect(ids).toHaveLength(2501);
    expect(conversation).toMatchObject({ activeLeafId: null, messageCount: 0 });
    expect(count('SELECT count(*) AS n FROM messages_fts')).toBe(0);
  });
});
