/**
 * Malformed and hostile import files: each is refused with BAD_REQUEST saying why in words, and
 * the store is left exactly as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportConversation } from '../../../electron/services/history/export';
import { importConversations } from '../../../electron/services/history/import';
import { type TempStore, createTempStore } from '../store/temp-store';
import { errorOf, seedConversation, snapshot } from './helpers';

let source: TempStore;
let target: TempStore;
type FileShape = {
  format: unknown;
  version: unknown;
  conversations: { id: string; title: string; activeLeafId: string | null; settings: Record<string, unknown>; messages: Record<string, unknown>[] }[];
};
let file: FileShape;
let ids: ReturnType<typeof seedConversation>;

beforeEach(() => {
  source = createTempStore();
  target = createTempStore();
  ids = seedConversation(source.store);
  file = JSON.parse(exportConversation(source.store, ids.conversation.id, 'json').content) as FileShape;
  // Something already here, to check it is left alone.
  seedConversation(target.store, 'Already here');
});
afterEach(() => {
  source.cleanup();
  target.cleanup();
});

function refused(content: string, reason: RegExp): void {
  const before = snapshot(target.store);
  const error = errorOf(() => importConversations(target.store, content));
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.message).toMatch(reason);
  expect(snapshot(target.store)).toEqual(before);
  if (process.env.SHOW_REASONS) console.log(error.message);
}

function edited(change: (f: FileShape) => void): string {
  const copy = structuredClone(file);
  change(copy);
  return JSON.stringify(copy);
}

function message(f: FileShape, id: string): Record<string, unknown> {
  return f.conversations[0]!.messages.find((m) => m.id === id)!;
}

describe('import refuses a bad file and changes nothing', () => {
  it('not JSON, not an object, not ours, or a version it does not know', () => {
    refused('{"format": "tern-conversations", ', /not JSON/);
    refused('[1, 2, 3]', /not a Tern conversations file/);
    refused('"hello"', /not a Tern conversations file/);
    refused(JSON.stringify({ format: 'chatgpt', version: 1, conversations: [] }), /format is "chatgpt"/);
    refused(edited((f) => (f.version = 2)), /version 2, made by a newer Tern/);
    refused(edited((f) => (f.version = '1')), /version is "1"/);
  });

  it('wrong types, unknown keys, values outside the enums', () => {
    refused(edited((f) => (message(f, ids.q.id).content = 42)), /content/);
    refused(edited((f) => (message(f, ids.q.id).role = 'admin')), /role/);
    refused(edited((f) => (message(f, ids.r1.id).status = 'done')), /status/);
    refused(edited((f) => (message(f, ids.q.id).tokenIds = [1, 2])), /tokenIds/);
    refused(edited((f) => (message(f, ids.r1.id).stats = { promptTokens: -1 })), /stats/);
    refused(edited((f) => (f.conversations[0]!.settings = { sampling: { temperature: 99 } })), /temperature/);
    refused(edited((f) => (f.conversations[0]!.title = '   ')), /title/);
    refused(JSON.stringify(file).replace(/"createdAt":\d+/, '"createdAt":1e999'), /createdAt/);
    refused(JSON.stringify(file).replace(/"ttftMs":[\d.]+/, '"ttftMs":-1e999'), /ttftMs/);
  });

  it('absurd sizes', () => {
    refused(edited((f) => (message(f, ids.q.id).content = 'x'.repeat(2_000_001))), /content/);
    refused(edited((f) => (message(f, ids.q.id).id = 'i'.repeat(65))), /id/);
    refused(edited((f) => (f.conversations[0]!.title = 't'.repeat(201))), /title/);
    refused(edited((f) => (message(f, ids.r1.id).note = 'n'.repeat(10_001))), /note/);
  });

  it('a missing parent, a parent in another conversation, repeated ids', () => {
    refused(edited((f) => (message(f, ids.f1.id).parentId = 'nowhere')), /neither in the file nor here/);
    const here = target.store.history.conversationIds()[0]!;
    const foreignParent = target.store.history.messages(here)[0]!.id;
    refused(edited((f) => (message(f, ids.f1.id).parentId = foreignParent)), /another conversation here/);
    refused(
      edited((f) => {
        const other = structuredClone(f.conversations[0]!);
        other.id = 'second';
        other.activeLeafId = 'second-root';
        other.messages = [{ ...message(f, ids.q.id), id: 'second-root', parentId: ids.r1.id }];
        f.conversations.push(other);
      }),
      /in another conversation \(/,
    );
    refused(edited((f) => f.conversations[0]!.messages.push(structuredClone(message(f, ids.q.id)))), /appears twice/);
    refused(edited((f) => f.conversations.push(structuredClone(f.conversations[0]!))), /appears twice/);
    refused(edited((f) => (f.conversations[0]!.activeLeafId = 'nowhere')), /active message/);
  });

  it('a cycle of parents', () => {
    refused(edited((f) => (message(f, ids.q.id).parentId = ids.g1.id)), /cycle/);
    refused(edited((f) => (message(f, ids.q.id).parentId = ids.q.id)), /cycle/);
  });

  it('__proto__ keys, at any depth', () => {
    const text = JSON.stringify(file);
    refused(text.replace('"format"', '"__proto__": {"polluted": true}, "format"'), /__proto__/);
    refused(text.replace('"systemPrompt"', '"__proto__": {"temperature": 5}, "systemPrompt"'), /__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a valid file still imports after all that', () => {
    expect(importConversations(target.store, JSON.stringify(file)).result).toMatchObject({ conversationsAdded: 1, messagesAdded: 5 });
  });
});
