/**
 * The store's side of export and import: every message of a conversation as stored, and rows
 * written with the ids, times and stats a file gives (the repositories make their own).
 */
import type Database from 'better-sqlite3';
import { ConversationSettings, type Message, TernError } from '../../common/contract';
import { MESSAGE_COLUMNS, type MessageRow, toMessage } from './rows';

/** A conversation's row as export needs it (settings as stored). */
export interface ConversationRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  modelId: string | null;
  activeLeafId: string | null;
  /** As stored; settings that no longer pass the schema are dropped. */
  settings: ConversationSettings;
}

/** What import compares a message of the file with. */
export interface StoredIdentity {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: Message['role'];
  content: string;
}

/** A message to write as the file has it (no request id, no token ids). */
export type ImportedMessage = Omit<Message, 'conversationId'>;

interface RecordRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  model_id: string | null;
  active_leaf_id: string | null;
  settings: string;
}

export class HistoryRepository {
  constructor(private readonly db: Database.Database) {}

  /** Every conversation's id, most recently updated first. */
  conversationIds(): string[] {
    return this.db
      .prepare<[], { id: string }>('SELECT id FROM conversations ORDER BY updated_at DESC, created_at DESC, rowid DESC')
      .all()
      .map((row) => row.id);
  }

  conversation(id: string): ConversationRecord | undefined {
    const row = this.db
      .prepare<[string], RecordRow>(
        'SELECT id, title, created_at, updated_at, model_id, active_leaf_id, settings FROM conversations WHERE id = ?',
      )
      .get(id);
    if (!row) return undefined;
    return {
      id: row.id,
      title: row.title,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      modelId: row.model_id,
      activeLeafId: row.active_leaf_id,
      settings: storedSettings(row.settings),
    };
  }

  requireConversation(id: string): ConversationRecord {
    const found = this.conversation(id);
    if (!found) throw new TernError('NOT_FOUND', `no conversation with id ${id}`);
    return found;
  }

  /** Every message of every branch, in the order they were stored (a parent before its replies). */
  messages(conversationId: string): Message[] {
    return this.db
      .prepare<[string], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY seq`)
      .all(conversationId)
      .map(toMessage);
  }

  /** What is stored under a message id, if anything. */
  identity(id: string): StoredIdentity | undefined {
    const row = this.db
      .prepare<[string], { id: string; conversation_id: string; parent_id: string | null; role: Message['role']; content: string }>(
        'SELECT id, conversation_id, parent_id, role, content FROM messages WHERE id = ?',
      )
      .get(id);
    return row
      ? { id: row.id, conversationId: row.conversation_id, parentId: row.parent_id, role: row.role, content: row.content }
      : undefined;
  }

  /** Creates a conversation as a file has it; its active leaf is set once its messages are in. */
  insertConversation(record: ConversationRecord): void {
    this.db
      .prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, model_id, settings)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(record.id, record.title, record.createdAt, record.updatedAt, record.modelId, JSON.stringify(record.settings));
  }

  /** Adds a message as a file has it; its parent must be stored already. */
  insertMessage(conversationId: string, message: ImportedMessage): void {
    const { stats } = message;
    this.db
      .prepare(
        `INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at, model_id,
           prompt_tokens, generated_tokens, ttft_ms, prefill_tps, decode_tps, energy_joules, energy_source, threads,
           model_name, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        message.id,
        conversationId,
        message.parentId,
        message.role,
        message.content,
        message.status,
        message.createdAt,
        message.modelId,
        stats.promptTokens,
        stats.generatedTokens,
        stats.ttftMs,
        stats.prefillTokensPerSec,
        stats.decodeTokensPerSec,
        stats.energyJoules,
        stats.energySource,
        stats.threads ?? null,
        message.modelName,
        message.note,
      );
  }

  setActiveLeaf(conversationId: string, messageId: string | null): void {
    this.db.prepare('UPDATE conversations SET active_leaf_id = ? WHERE id = ?').run(messageId, conversationId);
  }

  /** Moves the updated time forward to `at` (never back). */
  touch(conversationId: string, at: number): void {
    this.db.prepare('UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?').run(at, conversationId);
  }

  /** Runs `fn` in one transaction: all of it or nothing. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function storedSettings(json: string): ConversationSettings {
  try {
    const parsed = ConversationSettings.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
