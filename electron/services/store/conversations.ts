/** Conversations: create, read, list (with a filter), rename, delete, active leaf, settings. */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type Conversation, type ConversationSettings, TernError } from '../../common/contract';
import { toFtsQuery } from './fts-query';
import { type JsonObject, parseJsonObject } from './json';
import { CONVERSATION_COLUMNS, type ConversationRow, toConversation } from './rows';

export const DEFAULT_TITLE = 'New conversation';

export interface NewConversation {
  title?: string;
  modelId?: string | null;
  settings?: JsonObject;
}

export class ConversationRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  create(input: NewConversation = {}): Conversation {
    const title = input.title?.trim() || DEFAULT_TITLE;
    const at = this.now();
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, model_id, settings)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, title, at, at, input.modelId ?? null, JSON.stringify(input.settings ?? {}));
    return this.require(id);
  }

  get(id: string): Conversation | undefined {
    const row = this.db
      .prepare<[string], ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?`)
      .get(id);
    return row ? toConversation(row) : undefined;
  }

  /** Like get, but a missing conversation is a NOT_FOUND error. */
  require(id: string): Conversation {
    const found = this.get(id);
    if (!found) throw new TernError('NOT_FOUND', `no conversation with id ${id}`);
    return found;
  }

  /**
   * Most recently updated first. With a query, only conversations whose title contains it
   * (ignoring case) or that have a message matching it as a full-text search.
   */
  list(options: { query?: string } = {}): Conversation[] {
    const text = options.query?.trim() ?? '';
    const order = 'ORDER BY c.updated_at DESC, c.created_at DESC, c.rowid DESC';
    if (text === '') {
      return this.db
        .prepare<[], ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c ${order}`)
        .all()
        .map(toConversation);
    }
    const needle = text.normalize('NFC').toLowerCase();
    const fts = toFtsQuery(text);
    const messageMatch = fts
      ? `OR c.id IN (SELECT m.conversation_id FROM messages_fts
                     JOIN messages m ON m.seq = messages_fts.rowid
                     WHERE messages_fts MATCH @fts)`
      : '';
    return this.db
      .prepare<[{ needle: string; fts?: string }], ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations c
         WHERE instr(tern_fold(c.title), @needle) > 0 ${messageMatch}
         ${order}`,
      )
      .all(fts ? { needle, fts } : { needle })
      .map(toConversation);
  }

  rename(id: string, title: string): Conversation {
    const trimmed = title.trim();
    if (trimmed === '') throw new TernError('BAD_REQUEST', 'title must not be empty');
    this.changeOne(id, 'UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?', trimmed, this.now(), id);
    return this.require(id);
  }

  /**
   * Deletes the conversation, its messages and their search entries. The messages go first, the
   * newest first (a reply is always newer than what it answers), so no foreign-key cascade has to
   * recurse down a long branch: SQLite refuses cascades deeper than 1000 levels.
   */
  delete(id: string): void {
    this.db.transaction(() => {
      const seqs = this.db
        .prepare<[string], { seq: number }>('SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq DESC')
        .all(id);
      const remove = this.db.prepare('DELETE FROM messages WHERE seq = ?');
      for (const { seq } of seqs) remove.run(seq);
      this.changeOne(id, 'DELETE FROM conversations WHERE id = ?', id);
    })();
  }

  /** Shows the branch ending at `messageId`, which must belong to the conversation. */
  setActiveLeaf(id: string, messageId: string | null): Conversation {
    if (messageId !== null) {
      const owner = this.db
        .prepare<[string], { conversation_id: string }>('SELECT conversation_id FROM messages WHERE id = ?')
        .get(messageId);
      if (!owner) throw new TernError('NOT_FOUND', `no message with id ${messageId}`);
      if (owner.conversation_id !== id) {
        throw new TernError('BAD_REQUEST', `message ${messageId} is not in conversation ${id}`);
      }
    }
    this.changeOne(id, 'UPDATE conversations SET active_leaf_id = ? WHERE id = ?', messageId, id);
    return this.require(id);
  }

  setModel(id: string, modelId: string | null): Conversation {
    this.changeOne(id, 'UPDATE conversations SET model_id = ?, updated_at = ? WHERE id = ?', modelId, this.now(), id);
    return this.require(id);
  }

  /** The first message still in the model's context (null: from the start). */
  contextStart(id: string): string | null {
    const row = this.db
      .prepare<[string], { context_start_id: string | null }>('SELECT context_start_id FROM conversations WHERE id = ?')
      .get(id);
    if (!row) throw new TernError('NOT_FOUND', `no conversation with id ${id}`);
    return row.context_start_id;
  }

  setContextStart(id: string, messageId: string | null): void {
    this.changeOne(id, 'UPDATE conversations SET context_start_id = ? WHERE id = ?', messageId, id);
  }

  getSettings(id: string): JsonObject {
    const row = this.db
      .prepare<[string], { settings: string }>('SELECT settings FROM conversations WHERE id = ?')
      .get(id);
    if (!row) throw new TernError('NOT_FOUND', `no conversation with id ${id}`);
    return parseJsonObject(row.settings);
  }

  setSettings(id: string, settings: ConversationSettings): Conversation {
    this.changeOne(id, 'UPDATE conversations SET settings = ?, updated_at = ? WHERE id = ?', JSON.stringify(settings), this.now(), id);
    return this.require(id);
  }

  private changeOne(id: string, sql: string, ...params: unknown[]): void {
    const { changes } = this.db.prepare(sql).run(...params);
    if (changes === 0) throw new TernError('NOT_FOUND', `no conversation with id ${id}`);
  }
}
