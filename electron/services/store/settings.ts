/** App-wide settings: one JSON value per key. */
import type Database from 'better-sqlite3';
import { type JsonValue, parseJson } from './json';

export class SettingsRepository {
  constructor(private readonly db: Database.Database) {}

  get(key: string): JsonValue | undefined {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
    return row ? parseJson(row.value) : undefined;
  }

  set(key: string, value: JsonValue): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  }

  all(): Record<string, JsonValue> {
    const rows = this.db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings ORDER BY key').all();
    return Object.fromEntries(rows.map((row) => [row.key, parseJson(row.value)]));
  }
}
