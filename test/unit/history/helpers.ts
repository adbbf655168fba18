/** A conversation with branches, stats, notes and settings, for the export and import tests. */
import { TernError } from '../../../electron/common/contract';
import type { Store } from '../../../electron/services/store';

export function seedConversation(store: Store, title = 'Ternary *weights* / why?') {
  const c = store.conversations.create({ title, modelId: 'sha-model-1', settings: { systemPrompt: 'Be brief.', sampling: { temperature: 0.3, seed: 42 } } });
  const say = store.messages;
  const q = say.append({ conversationId: c.id, parentId: null, role: 'user', content: 'What are ternary weights?' });
  const r1 = say.append({
    conversationId: c.id,
    parentId: q.id,
    role: 'assistant',
    content: 'Weights in {-1, 0, 1}.\n\n```c\nint w = -1;\n```',
    modelId: 'sha-model-1',
    modelName: 'bitnet_b1_58-2B.gguf',
    stats: { promptTokens: 20, generatedTokens: 14, ttftMs: 120.4, prefillTokensPerSec: 300.5, decodeTokensPerSec: 18.25, energyJoules: null, energySource: null },
  });
  say.update(r1.id, { tokens: { ids: [1, 2, 3], modelId: 'sha-model-1' } });
  const f1 = say.append({ conversationId: c.id, parentId: r1.id, role: 'user', content: 'And why?' });
  const g1 = say.append({
    conversationId: c.id,
    parentId: f1.id,
    role: 'assistant',
    content: 'Cheaper multipl',
    status: 'interrupted',
    note: 'Stopped. Continue resumes the reply.',
    modelId: 'sha-model-1',
    modelName: 'bitnet_b1_58-2B.gguf',
    stats: { generatedTokens: 3 },
  });
  const r2 = say.append({ conversationId: c.id, parentId: q.id, role: 'assistant', content: 'They are -1, 0 or +1.', modelId: 'sha-model-1', modelName: 'other.gguf' });
  store.branches.activate(r1.id);
  return { conversation: store.conversations.require(c.id), q, r1, f1, g1, r2 };
}

/** The code of the TernError `fn` throws. */
export function errorOf(fn: () => unknown): TernError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TernError) return error;
    throw new Error(`expected a TernError, got ${String(error)}`);
  }
  throw new Error('expected an error, none was thrown');
}

/** Everything the store holds, to check that a refused import changed nothing. */
export function snapshot(store: Store): unknown {
  return {
    conversations: store.db.prepare('SELECT * FROM conversations ORDER BY id').all(),
    messages: store.db.prepare('SELECT * FROM messages ORDER BY seq').all(),
    fts: store.db.prepare('SELECT rowid, content FROM messages_fts ORDER BY rowid').all(),
  };
}
