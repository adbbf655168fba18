/** Full-text search over every message of every branch. */
import type Database from 'better-sqlite3';
import type { SearchHit } from '../../common/contract';
import { toFtsQuery } from './fts-query';

export const DEFAULT_SEARCH_LIMIT = 50;

interface HitRow {
  conversation_id: string;
  title: string;
  id: string;
  role: SearchHit['role'];
  snippet: string;
}

/** Best matches first; the matched terms in each snippet are wrapped in [ and ]. */
export function searchMessages(db: Database.Database, text: string, limit = DEFAULT_SEARCH_LIMIT): SearchHit[] {
  const query = toFtsQuery(text);
  if (query === null) return [];
  return db
    .prepare<[string, number], HitRow>(
      `SELECT m.conversation_id, c.title, m.id, m.role,
              snippet(messages_fts, 0, '[', ']', '…', 16) AS snippet
       FROM messages_fts
       JOIN messages m ON m.seq = messages_fts.rowid
       JOIN conversations c ON c.id = m.conversation_id
       WHERE messages_fts MATCH ?
       ORDER BY rank, m.seq DESC
       LIMIT ?`,
    )
    .all(query, limit)
    .map((row) => ({
      conversationId: row.conversation_id,
      conversationTitle: row.title,
      messageId: row.id,
      role: row.role,
      snippet: row.snippet,
    }));
}
