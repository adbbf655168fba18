/**
 * Version 2, for chat: what a reply needs beyond its text, and the model files' cache.
 *
 * - messages.token_ids / token_model_id: the ids the engine sampled for a reply (a JSON array)
 *   and the model that sampled them, so the next turn's prompt extends the last one exactly and
 *   the engine's cache is reused (re-tokenizing the reply's text would not match).
 * - messages.model_name: the model as the user knew it when the reply was made.
 * - messages.note: what happened to a reply, in words (why it was interrupted or failed).
 * - messages.request_id: the client's id of the Send or Continue that made the message, unique,
 *   so a retried Send answers with what the first one started.
 * - conversations.context_start_id: the first message still in the model's context after the
 *   history was trimmed (NULL: from the start).
 * - model_files: each file's sha256 (the model id) by path, size and mtime, so it is computed
 *   once; and what inspecting it found.
 */
import type { Migration } from './migrations';

export const migration002: Migration = {
  version: 2,
  description: 'reply token ids, notes and request ids; context start; model file cache',
  up: `
    ALTER TABLE messages ADD COLUMN token_ids TEXT CHECK (token_ids IS NULL OR json_valid(token_ids));
    ALTER TABLE messages ADD COLUMN token_model_id TEXT;
    ALTER TABLE messages ADD COLUMN model_name TEXT;
    ALTER TABLE messages ADD COLUMN note TEXT;
    ALTER TABLE messages ADD COLUMN request_id TEXT;
    CREATE UNIQUE INDEX messages_request ON messages(request_id) WHERE request_id IS NOT NULL;

    ALTER TABLE conversations ADD COLUMN context_start_id TEXT REFERENCES messages(id) ON DELETE SET NULL;

    CREATE TABLE model_files (
      path        TEXT PRIMARY KEY NOT NULL,
      size        INTEGER NOT NULL,
      mtime_ms    REAL NOT NULL,
      sha256      TEXT NOT NULL,
      inspection  TEXT CHECK (inspection IS NULL OR json_valid(inspection)),
      checked_at  INTEGER NOT NULL
    );
  `,
};
