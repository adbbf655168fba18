/**
 * Messages form a tree per conversation: a regenerated reply or an edited prompt is a sibling of
 * the one it replaces. The conversation records its active leaf; the branch shown is the path
 * from the root down to that leaf.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type Message, type MessageStats, TernError } from '../../common/contract';
import { MESSAGE_COLUMNS, type MessageRow, STATS_COLUMNS, toMessage } from './rows';

export interface NewMessage {
  conversationId: string;
  /** null for a root message. */
  parentId: string | null;
  role: Message['role'];
  content?: string;
  /** 'complete' unless given; a reply being generated starts as 'streaming'. */
  status?: Message['status'];
  modelId?: string | null;
  stats?: Partial<MessageStats>;
  /** Make the new message the conversation's active leaf (default true). */
  activate?: boolean;
  modelName?: string | null;
  note?: string | null;
  /** The client's id of the Send or Continue that made it (unique). */
  requestId?: string | null;
}

export interface MessageChanges {
  content?: string;
  status?: Message['status'];
  modelId?: string | null;
  stats?: Partial<MessageStats>;
  modelName?: string | null;
  note?: string | null;
  /** The ids the model sampled for this reply, and which model (see tokenIds). */
  tokens?: { ids: number[]; modelId: string } | null;
}

/** Changed field -> column, for the fields of MessageChanges that map one to one. */
const PLAIN_COLUMNS = { content: 'content', status: 'status', modelId: 'model_id', modelName: 'model_name', note: 'note' } as const;

/** What a reply found streaming at start-up says. */
export const INTERRUPTED_AT_START = 'Tern stopped while this reply was being written; the text so far is kept. Continue resumes it.';

export class MessageRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  append(input: NewMessage): Message {
    const id = randomUUID();
    this.db.transaction(() => {
      const at = this.now();
      if (!this.db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(input.conversationId)) {
        throw new TernError('NOT_FOUND', `no conversation with id ${input.conversationId}`);
      }
      if (input.parentId !== null) this.checkParent(input.parentId, input.conversationId);
      const stats = input.stats ?? {};
      this.db
        .prepare(
          `INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at, model_id,
             prompt_tokens, generated_tokens, ttft_ms, prefill_tps, decode_tps, energy_joules, energy_source, threads,
             model_name, note, request_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.conversationId,
          input.parentId,
          input.role,
          input.content ?? '',
          input.status ?? 'complete',
          at,
          input.modelId ?? null,
          stats.promptTokens ?? null,
          stats.generatedTokens ?? null,
          stats.ttftMs ?? null,
          stats.prefillTokensPerSec ?? null,
          stats.decodeTokensPerSec ?? null,
          stats.energyJoules ?? null,
          stats.energySource ?? null,
          stats.threads ?? null,
          input.modelName ?? null,
          input.note ?? null,
          input.requestId ?? null,
        );
      const activate = input.activate ?? true;
      this.db
        .prepare(
          `UPDATE conversations SET updated_at = ?,
             active_leaf_id = CASE WHEN ? THEN ? ELSE active_leaf_id END
           WHERE id = ?`,
        )
        .run(at, activate ? 1 : 0, id, input.conversationId);
    })();
    return this.require(id);
  }

  /** When a reply by this model was last written (ms since the epoch), or null. */
  lastUsed(modelId: string): number | null {
    const row = this.db.prepare<[string], { at: number | null }>('SELECT MAX(created_at) AS at FROM messages WHERE model_id = ?').get(modelId);
    return row?.at ?? null;
  }

  get(id: string): Message | undefined {
    const row = this.db.prepare<[string], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`).get(id);
    return row ? toMessage(row) : undefined;
  }

  require(id: string): Message {
    const found = this.get(id);
    if (!found) throw new TernError('NOT_FOUND', `no message with id ${id}`);
    return found;
  }

  /** Changes text, status, model or stats (only the fields given); used while a reply streams. */
  update(id: string, changes: MessageChanges): Message {
    const sets: string[] = [];
    const params: Record<string, string | number | null> = { id };
    for (const [key, column] of Object.entries(PLAIN_COLUMNS) as [keyof typeof PLAIN_COLUMNS, string][]) {
      const value = changes[key];
      if (value === undefined) continue;
      sets.push(`${column} = @${column}`);
      params[column] = value;
    }
    if (changes.tokens !== undefined) {
      sets.push('token_ids = @token_ids', 'token_model_id = @token_model_id');
      params.token_ids = changes.tokens ? JSON.stringify(changes.tokens.ids) : null;
      params.token_model_id = changes.tokens?.modelId ?? null;
    }
    for (const [key, column] of Object.entries(STATS_COLUMNS) as [keyof MessageStats, string][]) {
      const value = changes.stats?.[key];
      if (value === undefined) continue;
      sets.push(`${column} = @${column}`);
      params[column] = value;
    }
    if (sets.length > 0) {
      this.db.transaction(() => {
        const { changes: count } = this.db.prepare(`UPDATE messages SET ${sets.join(', ')} WHERE id = @id`).run(params);
        if (count === 0) throw new TernError('NOT_FOUND', `no message with id ${id}`);
        this.touchConversationOf(id);
      })();
    }
    return this.require(id);
  }

  /** The message a Send or Continue with this request id made, if any. */
  findByRequest(requestId: string): Message | undefined {
    const row = this.db
      .prepare<[string], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE request_id = ?`)
      .get(requestId);
    return row ? toMessage(row) : undefined;
  }

  /** The ids a model sampled for a reply, or null when none were kept. */
  tokenIds(id: string): { ids: number[]; modelId: string } | null {
    const row = this.db
      .prepare<[string], { token_ids: string | null; token_model_id: string | null }>(
        'SELECT token_ids, token_model_id FROM messages WHERE id = ?',
      )
      .get(id);
    if (!row?.token_ids || !row.token_model_id) return null;
    const ids = JSON.parse(row.token_ids) as unknown;
    if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x))) return null;
    return { ids: ids as number[], modelId: row.token_model_id };
  }

  /** Adds streamed text to the end of a message's content. */
  appendText(id: string, text: string): void {
    const { changes } = this.db.prepare('UPDATE messages SET content = content || ? WHERE id = ?').run(text, id);
    if (changes === 0) throw new TernError('NOT_FOUND', `no message with id ${id}`);
  }

  /** The conversation's active branch, root first; empty when it has no active leaf. */
  activeBranch(conversationId: string): Message[] {
    if (!this.db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(conversationId)) {
      throw new TernError('NOT_FOUND', `no conversation with id ${conversationId}`);
    }
    return this.db
      .prepare<[string], MessageRow>(
        `WITH RECURSIVE branch(id, depth) AS (
           SELECT active_leaf_id, 0 FROM conversations WHERE id = ? AND active_leaf_id IS NOT NULL
           UNION ALL
           SELECT m.parent_id, b.depth + 1 FROM messages m JOIN branch b ON m.id = b.id
           WHERE m.parent_id IS NOT NULL
         )
         SELECT ${prefixed('m')} FROM branch b JOIN messages m ON m.id = b.id ORDER BY b.depth DESC`,
      )
      .all(conversationId)
      .map(toMessage);
  }

  /** The path from the root down to a message (itself included), root first. */
  pathTo(id: string): Message[] {
    const path = this.db
      .prepare<[string], MessageRow>(
        `WITH RECURSIVE up(id, depth) AS (
           SELECT id, 0 FROM messages WHERE id = ?
           UNION ALL
           SELECT m.parent_id, u.depth + 1 FROM messages m JOIN up u ON m.id = u.id
           WHERE m.parent_id IS NOT NULL
         )
         SELECT ${prefixed('m')} FROM up u JOIN messages m ON m.id = u.id ORDER BY u.depth DESC`,
      )
      .all(id)
      .map(toMessage);
    if (path.length === 0) throw new TernError('NOT_FOUND', `no message with id ${id}`);
    return path;
  }

  /** The replies to a message in the order they were made; with parentId null, the roots. */
  children(conversationId: string, parentId: string | null): Message[] {
    return this.db
      .prepare<[string, string | null], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE conversation_id = ? AND parent_id IS ? ORDER BY seq`,
      )
      .all(conversationId, parentId)
      .map(toMessage);
  }

  /** The message and its alternatives (same parent), in the order they were made. */
  siblings(id: string): Message[] {
    const message = this.require(id);
    return this.children(message.conversationId, message.parentId);
  }

  /**
   * The leaf reached from a message by following its most recent reply at each step: where the
   * active leaf goes when someone switches to that message's branch.
   */
  latestLeaf(id: string): Message {
    let current = this.require(id);
    const next = this.db.prepare<[string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE parent_id = ? ORDER BY seq DESC LIMIT 1`,
    );
    for (let row = next.get(current.id); row; row = next.get(current.id)) current = toMessage(row);
    return current;
  }

  /** Marks replies left 'streaming' by a crash as 'interrupted', keeping their text. */
  interruptStreaming(note: string = INTERRUPTED_AT_START): number {
    return this.db
      .prepare("UPDATE messages SET status = 'interrupted', note = coalesce(note, ?) WHERE status = 'streaming'")
      .run(note)
      .changes;
  }

  private checkParent(parentId: string, conversationId: string): void {
    const parent = this.db
      .prepare<[string], { conversation_id: string }>('SELECT conversation_id FROM messages WHERE id = ?')
      .get(parentId);
    if (!parent) throw new TernError('NOT_FOUND', `no message with id ${parentId}`);
    if (parent.conversation_id !== conversationId) {
      throw new TernError('BAD_REQUEST', `parent message ${parentId} is not in conversation ${conversationId}`);
    }
  }

  private touchConversationOf(messageId: string): void {
    this.db
      .prepare('UPDATE conversations SET updated_at = ? WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)')
      .run(this.now(), messageId);
  }
}

function prefixed(alias: string): string {
  return MESSAGE_COLUMNS.split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}
