/**
 * Version 1: conversations, messages (a tree per conversation) with their stats, settings, and
 * a full-text index over every message's text.
 *
 * Messages carry `seq`, an INTEGER PRIMARY KEY, besides their text id: the FTS index refers to
 * rows by rowid, and only an aliased rowid is guaranteed to survive VACUUM. The index is an
 * external-content FTS5 table over messages.content, kept in step by triggers (foreign-key
 * cascades fire them too, so deleting a conversation empties its part of the index).
 */
import type { Migration } from './migrations';

export const migration001: Migration = {
  version: 1,
  description: 'conversations, messages, settings, message search',
  up: `
    CREATE TABLE conversations (
      id             TEXT PRIMARY KEY NOT NULL,
      title          TEXT NOT NULL,
      created_at     INTEGER NOT NULL,
      updated_at     INTEGER NOT NULL,
      active_leaf_id TEXT REFERENCES messages(id) ON DELETE SET NULL,
      model_id       TEXT,
      settings       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings))
    );
    CREATE INDEX conversations_updated ON conversations(updated_at DESC);

    CREATE TABLE messages (
      seq              INTEGER PRIMARY KEY,
      id               TEXT NOT NULL UNIQUE,
      conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      parent_id        TEXT REFERENCES messages(id) ON DELETE CASCADE,
      role             TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
      content          TEXT NOT NULL DEFAULT '',
      status           TEXT NOT NULL CHECK (status IN ('streaming', 'complete', 'interrupted', 'error')),
      created_at       INTEGER NOT NULL,
      model_id         TEXT,
      prompt_tokens    INTEGER,
      generated_tokens INTEGER,
      ttft_ms          REAL,
      prefill_tps      REAL,
      decode_tps       REAL,
      energy_joules    REAL,
      energy_source    TEXT CHECK (energy_source IN ('measured', 'os-estimate', 'modelled'))
    );
    CREATE INDEX messages_conversation ON messages(conversation_id, seq);
    CREATE INDEX messages_parent ON messages(parent_id, seq);
    CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';

    CREATE TABLE settings (
      key   TEXT PRIMARY KEY NOT NULL,
      value TEXT NOT NULL CHECK (json_valid(value))
    );

    CREATE VIRTUAL TABLE messages_fts USING fts5(
      content,
      content = 'messages',
      content_rowid = 'seq',
      tokenize = 'unicode61 remove_diacritics 2'
    );

    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
      INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
      INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
    END;
  `,
};
