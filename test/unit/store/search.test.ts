import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../../electron/services/store';
import { type TempStore, createTempStore } from './temp-store';

let temp: TempStore;
beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp.cleanup());

/** Rows the FTS index itself holds for a query (not joined to messages). */
function indexed(query: string): number {
  const row = temp.store.db
    .prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?')
    .get(query);
  return row?.n ?? -1;
}

function integrityCheck(): void {
  temp.store.db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").run();
}

describe('toFtsQuery', () => {
  it('quotes every word and makes the last a prefix', () => {
    expect(toFtsQuery('ternary weights')).toBe('"ternary" "weights"*');
    expect(toFtsQuery('say "hi"')).toBe('"say" """hi"""*');
    expect(toFtsQuery('a NEAR b')).toBe('"a" "NEAR" "b"*');
  });

  it('drops words with nothing searchable', () => {
    expect(toFtsQuery('  ')).toBeNull();
    expect(toFtsQuery('* - " ( )')).toBeNull();
    expect(toFtsQuery('- foo *')).toBe('"foo"*');
  });
});

describe('store: search', () => {
  function seed() {
    const { conversations, messages } = temp.store;
    const a = conversations.create({ title: 'Kernels' });
    const q = messages.append({ conversationId: a.id, parentId: null, role: 'user', content: 'Why are ternary weights fast on AVX2?' });
    const r1 = messages.append({ conversationId: a.id, parentId: q.id, role: 'assistant', content: 'Because the multiply becomes add or subtract.' });
    const r2 = messages.append({ conversationId: a.id, parentId: q.id, role: 'assistant', content: 'A regenerated answer about lookup tables and AVX2 shuffles.' });
    const b = conversations.create({ title: 'Café' });
    const m = messages.append({ conversationId: b.id, parentId: null, role: 'user', content: 'Où est le café? Ça coûte 3€ — naïve question: C++ "quoted" *stars* -minus NEAR(x y) 東京タワー' });
    return { a, b, q, r1, r2, m };
  }

  it('finds messages in every branch with marked snippets', () => {
    const { a, r1, r2 } = seed();
    const hits = temp.store.search('subtract');
    expect(hits).toEqual([
      { conversationId: a.id, conversationTitle: 'Kernels', messageId: r1.id, role: 'assistant', snippet: expect.stringContaining('[subtract]') },
    ]);
    // The inactive sibling r1 and the active r2 are both searchable.
    expect(temp.store.search('avx2').map((h) => h.messageId)).toContain(r2.id);
    expect(temp.store.search('avx2')).toHaveLength(2);
  });

  it('matches prefixes of the last word and respects the limit', () => {
    seed();
    expect(temp.store.search('regen').map((h) => h.snippet)).toEqual([expect.stringContaining('[regenerated]')]);
    expect(temp.store.search('avx2', 1)).toHaveLength(1);
  });

  it('ignores diacritics and case, and handles unicode', () => {
    const { m } = seed();
    expect(temp.store.search('CAFE').map((h) => h.messageId)).toEqual([m.id]);
    expect(temp.store.search('naive').map((h) => h.messageId)).toEqual([m.id]);
    expect(temp.store.search('東京タワー').map((h) => h.messageId)).toEqual([m.id]);
  });

  it('never throws on FTS syntax', () => {
    const { m } = seed();
    const nasty = [
      '"',
      '""',
      '"unbalanced',
      '*',
      'stars*',
      '*stars*',
      '-minus',
      '-',
      'NEAR(x y)',
      'NEAR',
      'AND',
      'OR NOT',
      'x:y',
      'content:café',
      '^start',
      '(((',
      ')',
      '{a b}',
      "'; DROP TABLE messages; --",
      'C++',
      '3€',
      '\u0000',
      '🙂',
      'a'.repeat(500),
    ];
    for (const query of nasty) {
      expect(() => temp.store.search(query), query).not.toThrow();
      expect(() => temp.store.conversations.list({ query }), query).not.toThrow();
    }
    expect(temp.store.search('"quoted"').map((h) => h.messageId)).toEqual([m.id]);
    expect(temp.store.search('*stars*').map((h) => h.messageId)).toEqual([m.id]);
    expect(temp.store.search('-minus').map((h) => h.messageId)).toEqual([m.id]);
    expect(temp.store.search('NEAR(x').map((h) => h.messageId)).toEqual([m.id]);
    expect(temp.store.search('C++').map((h) => h.messageId)).toEqual([m.id]);
    expect(temp.store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 4 });
  });

  it('keeps the index in step on insert, update and delete', () => {
    const { a, r1 } = seed();
    const { messages, conversations } = temp.store;
    expect(indexed('multiply')).toBe(1);

    messages.update(r1.id, { content: 'Rewritten with xylophone' });
    expect(indexed('multiply')).toBe(0);
    expect(indexed('xylophone')).toBe(1);
    expect(temp.store.search('xylophone').map((h) => h.messageId)).toEqual([r1.id]);

    messages.appendText(r1.id, ' and zither');
    expect(indexed('zither')).toBe(1);
    integrityCheck();

    // Status and stats updates leave the index alone.
    messages.update(r1.id, { status: 'complete', stats: { generatedTokens: 3 } });
    expect(indexed('xylophone')).toBe(1);

    conversations.delete(a.id);
    expect(indexed('xylophone')).toBe(0);
    expect(indexed('ternary')).toBe(0);
    expect(indexed('avx2')).toBe(0);
    expect(indexed('café')).toBe(1);
    expect(temp.store.search('avx2')).toEqual([]);
    integrityCheck();
  });

  it('an index entry disappears with a deleted subtree', () => {
    const { q } = seed();
    temp.store.db.prepare('DELETE FROM messages WHERE id = ?').run(q.id);
    expect(indexed('multiply')).toBe(0);
    expect(indexed('lookup')).toBe(0);
    integrityCheck();
  });
});
