/**
 * The model file cache: each file's sha256 (its model id) keyed by path, valid while the file's
 * size and mtime are unchanged, and what inspecting it found.
 */
import type Database from 'better-sqlite3';
import type { JsonValue } from './json';

export interface ModelFileRow {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** What inspection found (the library's own shape), or null before it ran. */
  inspection: JsonValue | null;
}

export class ModelFileRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  get(path: string): ModelFileRow | undefined {
    const row = this.db
      .prepare<[string], { path: string; size: number; mtime_ms: number; sha256: string; inspection: string | null }>(
        'SELECT path, size, mtime_ms, sha256, inspection FROM model_files WHERE path = ?',
      )
      .get(path);
    if (!row) return undefined;
    return {
      path: row.path,
      size: row.size,
      mtimeMs: row.mtime_ms,
      sha256: row.sha256,
      inspection: row.inspection === null ? null : (JSON.parse(row.inspection) as JsonValue),
    };
  }

  put(row: ModelFileRow): void {
    this.db
      .prepare(
        `INSERT INTO model_files (path, size, mtime_ms, sha256, inspection, checked_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256,
           inspection = excluded.inspection, checked_at = excluded.checked_at`,
      )
      .run(row.path, row.size, row.mtimeMs, row.sha256, row.inspection === null ? null : JSON.stringify(row.inspection), this.now());
  }

  delete(path: string): void {
    this.db.prepare('DELETE FROM model_files WHERE path = ?').run(path);
  }
}
