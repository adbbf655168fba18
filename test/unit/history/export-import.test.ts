/**
 * Export and import through the store: the Markdown of the branch shown, the JSON envelope, a
 * round trip into a fresh store (every branch, settings, stats, active leaf), importing twice,
 * merging into a conversation that exists, and the clash rules.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportAll, exportConversation } from '../../../electron/services/history/export';
import { safeFileName } from '../../../electron/services/history/file-name';
import { ConversationsFile } from '../../../electron/services/history/format';
import { importConversations } from '../../../electron/services/history/import';
import { type TempStore, createTempStore } from '../store/temp-store';
import { errorOf, seedConversation, snapshot } from './helpers';

let source: TempStore;
let target: TempStore;
beforeEach(() => {
  source = createTempStore();
  target = createTempStore({ now: () => 1_800_000_000_000 });
});
afterEach(() => {
  source.cleanup();
  target.cleanup();
});

describe('export', () => {
  it('Markdown: the branch shown under headings, with each reply’s model and stats; contents as they are', () => {
    const { conversation } = seedConversation(source.store);
    const file = exportConversation(source.store, conversation.id, 'markdown');
    expect(file.fileName).toBe('Ternary-weights-why.md');
    expect(file.mimeType).toBe('text/markdown');
    expect(file.content).toBe(
      [
        '# Ternary *weights* / why?',
        '## You',
        'What are ternary weights?',
        '## Assistant',
        '*bitnet\\_b1\\_58-2B.gguf · 14 tokens · 18.3 tokens/s · 120 ms to first token*',
        'Weights in {-1, 0, 1}.\n\n```c\nint w = -1;\n```',
        '## You',
        'And why?',
        '## Assistant',
        '*bitnet\\_b1\\_58-2B.gguf · 3 tokens · interrupted*',
        'Cheaper multipl',
      ].join('\n\n') + '\n',
    );
  });

  it('file names keep safe characters only', () => {
    expect(safeFileName('Über: café / "notes"?')).toBe('Uber-cafe-notes');
    expect(safeFileName('../../etc/passwd')).toBe('etc-passwd');
    expect(safeFileName('日本語')).toBe('conversation');
    expect(safeFileName('a'.repeat(300))).toHaveLength(80);
  });

  it('JSON: every message of every branch in a versioned envelope, without token ids', () => {
    const { conversation, r1, g1, r2 } = seedConversation(source.store);
    const file = exportConversation(source.store, conversation.id, 'json', 1_750_000_000_000);
    expect(file).toMatchObject({ fileName: 'Ternary-weights-why.json', mimeType: 'application/json' });
    const parsed = ConversationsFile.parse(JSON.parse(file.content));
    expect(parsed).toMatchObject({ format: 'tern-conversations', version: 1, exportedAt: 1_750_000_000_000 });
    const [c] = parsed.conversations;
    expect(c).toMatchObject({
      id: conversation.id,
      title: 'Ternary *weights* / why?',
      modelId: 'sha-model-1',
      activeLeafId: g1.id,
      settings: { systemPrompt: 'Be brief.', sampling: { temperature: 0.3, seed: 42 } },
    });
    expect(c!.messages).toHaveLength(5);
    expect(c!.messages.find((m) => m.id === r1.id)).toEqual({
      id: r1.id,
      parentId: r1.parentId,
      role: 'assistant',
      content: r1.content,
      status: 'complete',
      note: null,
      modelId: 'sha-model-1',
      modelName: 'bitnet_b1_58-2B.gguf',
      createdAt: r1.createdAt,
      stats: r1.stats,
    });
    expect(c!.messages.find((m) => m.id === r2.id)?.modelName).toBe('other.gguf');
    expect(file.content).not.toMatch(/token_?ids/i);
    expect(() => exportConversation(source.store, 'missing', 'json')).toThrow(/no conversation/);
  });
});

describe('import', () => {
  it('a round trip into a fresh store reproduces every branch, settings, stats and active leaf; twice adds nothing', () => {
    const { conversation } = seedConversation(source.store);
    const second = source.store.conversations.create({ title: 'Empty one' });
    const file = exportAll(source.store, 1_750_000_000_000);
    expect(file.fileName).toBe('tern-conversations-2025-06-15.json');

    const first = importConversations(target.store, file.content);
    expect(first.result).toEqual({ conversations: 2, conversationsAdded: 2, messagesAdded: 5, messagesSkipped: 0 });
    expect(new Set(first.created)).toEqual(new Set([conversation.id, second.id]));
    for (const id of [conversation.id, second.id]) {
      expect(target.store.conversations.require(id)).toEqual(source.store.conversations.require(id));
      expect(target.store.history.messages(id)).toEqual(source.store.history.messages(id));
      expect(target.store.branches.activeBranch(id)).toEqual(source.store.branches.activeBranch(id));
    }
    expect(target.store.search('ternary').map((h) => h.messageId)).toEqual(source.store.search('ternary').map((h) => h.messageId));
    expect(exportAll(target.store, 1_750_000_000_000).content).toBe(file.content);

    const before = snapshot(target.store);
    const again = importConversations(target.store, file.content);
    expect(again.result).toEqual({ conversations: 2, conversationsAdded: 0, messagesAdded: 0, messagesSkipped: 5 });
    expect(again.created).toEqual([]);
    expect(again.merged).toEqual([]);
    expect(snapshot(target.store)).toEqual(before);
  });

  it('merges new messages into a conversation that exists, keeping its title and branch shown', () => {
    const { conversation, r1 } = seedConversation(source.store);
    importConversations(target.store, exportConversation(source.store, conversation.id, 'json').content);
    target.store.conversations.rename(conversation.id, 'Renamed here');
    target.store.branches.activate(r1.id);
    const later = source.store.messages.append({ conversationId: conversation.id, parentId: r1.id, role: 'user', content: 'A new follow-up' });

    const outcome = importConversations(target.store, exportConversation(source.store, conversation.id, 'json').content);
    expect(outcome.result).toEqual({ conversations: 1, conversationsAdded: 0, messagesAdded: 1, messagesSkipped: 5 });
    expect(outcome.merged).toEqual([conversation.id]);
    const merged = target.store.conversations.require(conversation.id);
    expect(merged).toMatchObject({ title: 'Renamed here', messageCount: 6 });
    expect(merged.updatedAt).toBeGreaterThanOrEqual(later.createdAt);
    expect(target.store.messages.get(later.id)).toEqual(later);
    expect(target.store.search('follow').map((h) => h.messageId)).toContain(later.id);
  });

  it('replies exported while streaming come in as interrupted', () => {
    const c = source.store.conversations.create({ title: 'Live' });
    const q = source.store.messages.append({ conversationId: c.id, parentId: null, role: 'user', content: 'Go' });
    const r = source.store.messages.append({ conversationId: c.id, parentId: q.id, role: 'assistant', content: 'half', status: 'streaming' });
    importConversations(target.store, exportConversation(source.store, c.id, 'json').content);
    expect(target.store.messages.get(r.id)).toMatchObject({ status: 'interrupted', content: 'half', note: expect.stringContaining('Continue') });
  });

  describe('clashes: nothing is imported', () => {
    function prepared() {
      const seeded = seedConversation(source.store);
      const file = exportConversation(source.store, seeded.conversation.id, 'json').content;
      importConversations(target.store, file);
      return { ...seeded, file: JSON.parse(file) as { conversations: { id: string; title: string; messages: { id: string; content: string; parentId: string | null; role: string }[] }[] } };
    }

    it('a message id here with other content', () => {
      const { file, f1 } = prepared();
      const m = file.conversations[0]!.messages.find((x) => x.id === f1.id)!;
      m.content = 'Changed';
      file.conversations[0]!.messages.push({ ...m, id: 'brand-new', parentId: f1.id, content: 'would be new' });
      const before = snapshot(target.store);
      const error = errorOf(() => importConversations(target.store, JSON.stringify(file)));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain(f1.id);
      expect(error.message).toMatch(/other content/);
      expect(snapshot(target.store)).toEqual(before);
    });

    it('a message id here in another conversation, or in another place', () => {
      const { file, q, r1 } = prepared();
      const moved = structuredClone(file);
      moved.conversations[0]!.id = 'another-conversation';
      const before = snapshot(target.store);
      const error = errorOf(() => importConversations(target.store, JSON.stringify(moved)));
      expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/another conversation/) });
      expect(snapshot(target.store)).toEqual(before);
      expect(target.store.conversations.get('another-conversation')).toBeUndefined();

      const reparented = structuredClone(file);
      reparented.conversations[0]!.messages.find((x) => x.id === r1.id)!.parentId = null;
      expect(errorOf(() => importConversations(target.store, JSON.stringify(reparented)))).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(r1.id),
      });
      const recast = structuredClone(file);
      recast.conversations[0]!.messages.find((x) => x.id === q.id)!.role = 'system';
      expect(errorOf(() => importConversations(target.store, JSON.stringify(recast))).code).toBe('CONFLICT');
      expect(snapshot(target.store)).toEqual(before);
    });

    it('a clash in a second conversation undoes the first one too', () => {
      const { file, q } = prepared();
      const fresh = {
        ...structuredClone(file.conversations[0]!),
        id: 'fresh-conversation',
        messages: [{ ...structuredClone(file.conversations[0]!.messages[0]!), id: 'fresh-message', parentId: null }],
      };
      const clashing = structuredClone(file.conversations[0]!);
      clashing.messages.find((x) => x.id === q.id)!.content = 'Rewritten';
      const before = snapshot(target.store);
      const error = errorOf(() =>
        importConversations(target.store, JSON.stringify({ ...file, conversations: [{ ...fresh, activeLeafId: 'fresh-message' }, clashing] })),
      );
      expect(error.code).toBe('CONFLICT');
      expect(snapshot(target.store)).toEqual(before);
    });
  });
});
