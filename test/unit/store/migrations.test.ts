/**
 * Every migration is tested the same way: build a database at the version before it, put data
 * in it, migrate to the latest version, and check the data and the new schema. When you append
 * a migration, add a case here; the first test fails until you do.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Migration, latestVersion, migrate, migrations, openStore, schemaVersion } from '../../../electron/services/store';
import { tempDir } from './temp-store';

interface MigrationCase {
  version: number;
  /** Puts data into a database that is at `version - 1`. */
  seed(db: Database.Database): void;
  /** Checks the database after migrating to the latest version. */
  verify(db: Database.Database): void;
}

const cases: MigrationCase[] = [
  {
    version: 1,
    seed(db) {
      // Version 0 is an empty file; a table someone else made must survive.
      db.exec("CREATE TABLE unrelated (x TEXT); INSERT INTO unrelated VALUES ('kept')");
    },
    verify(db) {
      expect(db.prepare('SELECT x FROM unrelated').all()).toEqual([{ x: 'kept' }]);
      const tables = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name")
        .all()
        .map((row) => row.name);
      for (const name of ['conversations', 'messages', 'settings', 'messages_fts', 'messages_fts_insert', 'messages_fts_update', 'messages_fts_delete']) {
        expect(tables).toContain(name);
      }
      db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 't', 1, 1)").run();
      db.prepare(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at) VALUES ('m', 'c', NULL, 'user', 'hello migration', 'complete', 1)",
      ).run();
      expect(db.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'migration'").get()).toEqual({ n: 1 });
    },
  },
  {
    version: 2,
    seed(db) {
      db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c2', 'old chat', 1, 1)").run();
      db.prepare(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at) VALUES ('u2', 'c2', NULL, 'user', 'before chat', 'complete', 1)",
      ).run();
      db.prepare(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at) VALUES ('a2', 'c2', 'u2', 'assistant', 'half a rep', 'streaming', 2)",
      ).run();
    },
    verify(db) {
      // Old rows keep their text and get empty new columns.
      expect(db.prepare("SELECT content, token_ids, note, request_id, model_name FROM messages WHERE id = 'u2'").get()).toEqual({
        content: 'before chat',
        token_ids: null,
        note: null,
        request_id: null,
        model_name: null,
      });
      expect(db.prepare("SELECT context_start_id FROM conversations WHERE id = 'c2'").get()).toEqual({ context_start_id: null });
      db.prepare("UPDATE messages SET request_id = 'r-1', token_ids = '[1,2,3]' WHERE id = 'u2'").run();
      expect(() => db.prepare("UPDATE messages SET request_id = 'r-1' WHERE id = 'a2'").run()).toThrow(/UNIQUE/);
      expect(() => db.prepare("UPDATE messages SET token_ids = 'not json' WHERE id = 'a2'").run()).toThrow(/CHECK/);
      db.prepare("INSERT INTO model_files (path, size, mtime_ms, sha256, checked_at) VALUES ('/m.gguf', 1, 2, 'ab', 3)").run();
      expect(db.prepare('SELECT sha256 FROM model_files').all()).toEqual([{ sha256: 'ab' }]);
    },
  },
  {
    version: 3,
    seed(db) {
      db.prepare("INSERT INTO model_files (path, size, mtime_ms, sha256, checked_at) VALUES ('/kept.gguf', 1, 2, 'cd', 3)").run();
    },
    verify(db) {
      expect(db.prepare("SELECT sha256 FROM model_files WHERE path = '/kept.gguf'").get()).toEqual({ sha256: 'cd' });
      db.prepare(
        `INSERT INTO downloads (id, kind, repo, revision, repo_file, file_name, state, created_at, updated_at)
         VALUES ('d1', 'hub', 'o/r', 'main', 'm.gguf', 'm.gguf', 'queued', 1, 1)`,
      ).run();
      // A hub download needs its repo, revision and file; a URL download its URL; states are known ones.
      expect(() =>
        db.prepare("INSERT INTO downloads (id, kind, file_name, state, created_at, updated_at) VALUES ('d2', 'hub', 'x.gguf', 'queued', 1, 1)").run(),
      ).toThrow(/CHECK/);
      expect(() =>
        db.prepare("INSERT INTO downloads (id, kind, url, file_name, state, created_at, updated_at) VALUES ('d3', 'url', 'https://x/y', 'y', 'lost', 1, 1)").run(),
      ).toThrow(/CHECK/);
    },
  },
  {
    version: 4,
    seed(db) {
      db.prepare(
        `INSERT INTO downloads (id, kind, repo, revision, repo_file, file_name, state, created_at, updated_at)
         VALUES ('d4', 'hub', 'o/r', 'main', 'm.gguf', 'm.gguf', 'done', 1, 1)`,
      ).run();
      db.prepare("INSERT INTO settings (key, value) VALUES ('app', '{\"contextTokens\":2048}')").run();
      db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c4', 't', 1, 1)").run();
      db.prepare(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at) VALUES ('a4', 'c4', NULL, 'assistant', 'old reply', 'complete', 1)",
      ).run();
    },
    verify(db) {
      expect(db.prepare("SELECT state FROM downloads WHERE id = 'd4'").get()).toEqual({ state: 'done' });
      expect(db.prepare("SELECT value FROM settings WHERE key = 'app'").get()).toEqual({ value: '{"contextTokens":2048}' });
      const values = JSON.stringify({ threads: 4, contextTokens: 4096, promptBatch: 64, headType: 'q8_0', maxTokens: 512 });
      db.prepare("INSERT INTO tuning_profiles (id, name, tuning_values, created_at) VALUES ('p1', 'Quiet', ?, 1)").run(values);
      // Names are unique whatever their case; values are JSON.
      expect(() => db.prepare("INSERT INTO tuning_profiles (id, name, tuning_values, created_at) VALUES ('p2', 'QUIET', ?, 1)").run(values)).toThrow(/UNIQUE/);
      expect(() => db.prepare("INSERT INTO tuning_profiles (id, name, tuning_values, created_at) VALUES ('p3', 'Other', 'nope', 1)").run()).toThrow(/CHECK/);
      // A model's default profile goes with the profile.
      db.prepare("INSERT INTO model_profiles (model_id, profile_id) VALUES ('m1', 'p1')").run();
      expect(() => db.prepare("INSERT INTO model_profiles (model_id, profile_id) VALUES ('m2', 'missing')").run()).toThrow(/FOREIGN KEY/);
      db.prepare("DELETE FROM tuning_profiles WHERE id = 'p1'").run();
      expect(db.prepare('SELECT count(*) AS n FROM model_profiles').get()).toEqual({ n: 0 });
      db.prepare("INSERT INTO benchmarks (id, created_at, state, model_id, best_threads, data) VALUES ('b1', 1, 'done', 'm1', 4, '{}')").run();
      expect(() => db.prepare("INSERT INTO benchmarks (id, created_at, state, model_id, data) VALUES ('b2', 1, 'lost', 'm1', '{}')").run()).toThrow(/CHECK/);
      expect(() => db.prepare("INSERT INTO benchmarks (id, created_at, state, model_id, data) VALUES ('b3', 1, 'done', 'm1', 'x')").run()).toThrow(/CHECK/);
      // Old replies have no thread count; new ones a positive one.
      expect(db.prepare("SELECT content, threads FROM messages WHERE id = 'a4'").get()).toEqual({ content: 'old reply', threads: null });
      db.prepare("UPDATE messages SET threads = 4 WHERE id = 'a4'").run();
      expect(() => db.prepare("UPDATE messages SET threads = 0 WHERE id = 'a4'").run()).toThrow(/CHECK/);
    },
  },
  {
    version: 5,
    seed(db) {
      db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c5', 't', 1, 1)").run();
      db.prepare(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at, threads) VALUES ('a5', 'c5', NULL, 'assistant', 'old', 'complete', 1, 2)",
      ).run();
      db.prepare("INSERT INTO benchmarks (id, created_at, state, model_id, best_threads, data) VALUES ('b5', 1, 'done', 'm1', 2, '{}')").run();
    },
    verify(db) {
      expect(db.prepare("SELECT content, threads FROM messages WHERE id = 'a5'").get()).toEqual({ content: 'old', threads: 2 });
      expect(db.prepare("SELECT best_threads FROM benchmarks WHERE id = 'b5'").get()).toEqual({ best_threads: 2 });
      const insertMetrics = db.prepare(
        `INSERT INTO reply_metrics (id, started_at, duration_ms, conversation_id, message_id, source, status, energy_source)
         VALUES (?, 1, 10, 'c5', 'a5', ?, ?, ?)`,
      );
      insertMetrics.run('r1', 'ui', 'complete', 'modelled');
      expect(() => insertMetrics.run('r2', 'web', 'complete', null)).toThrow(/CHECK/);
      expect(() => insertMetrics.run('r3', 'ui', 'streaming', null)).toThrow(/CHECK/);
      expect(() => insertMetrics.run('r4', 'ui', 'complete', 'guessed')).toThrow(/CHECK/);
      const insertAlert = db.prepare(
        "INSERT INTO alerts (id, at, metric, severity, value, threshold, text, conversation_id, message_id) VALUES (?, 1, 'memory', ?, 2, 1, 'x', 'c5', 'a5')",
      );
      insertAlert.run('al1', 'warning');
      expect(() => insertAlert.run('al2', 'loud')).toThrow(/CHECK/);
      // Metrics and alerts outlive the message and the conversation they describe.
      db.prepare("DELETE FROM conversations WHERE id = 'c5'").run();
      expect(db.prepare("SELECT conversation_id, message_id FROM reply_metrics WHERE id = 'r1'").get()).toEqual({ conversation_id: null, message_id: null });
      expect(db.prepare("SELECT conversation_id, message_id FROM alerts WHERE id = 'al1'").get()).toEqual({ conversation_id: null, message_id: null });
    },
  },
];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshPath(): string {
  const dir = tempDir('tern-migrate-');
  dirs.push(dir);
  return join(dir, 'tern.db');
}

describe('migrations', () => {
  it('are numbered 1..n and each has a test case', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(cases.map((c) => c.version)).toEqual(migrations.map((m) => m.version));
    expect(latestVersion).toBe(migrations.length);
  });

  for (const testCase of cases) {
    it(`migrate a database at version ${testCase.version - 1} with data to the latest`, () => {
      const path = freshPath();
      const db = new Database(path);
      db.pragma('foreign_keys = ON');
      migrate(db, migrations, testCase.version - 1);
      expect(schemaVersion(db)).toBe(testCase.version - 1);
      testCase.seed(db);
      db.close();

      const store = openStore(path);
      try {
        expect(store.migration).toEqual({ from: testCase.version - 1, to: latestVersion });
        expect(schemaVersion(store.db)).toBe(latestVersion);
        expect(store.db.pragma('foreign_key_check')).toEqual([]);
        testCase.verify(store.db);
      } finally {
        store.close();
      }
    });
  }

  it('refuses a database from a newer Tern and leaves it alone', () => {
    const path = freshPath();
    const db = new Database(path);
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.close();
    expect(() => openStore(path)).toThrow(/newer Tern/);
    const again = new Database(path);
    expect(schemaVersion(again)).toBe(latestVersion + 1);
    again.close();
  });

  it('rolls back a migration that fails, keeping the version before', () => {
    const db = new Database(freshPath());
    const failing: Migration[] = [
      ...migrations,
      { version: migrations.length + 1, description: 'breaks', up: 'CREATE TABLE half_done (x); SELECT * FROM no_such_table;' },
    ];
    expect(() => migrate(db, failing)).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(latestVersion);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a list with gaps', () => {
    const db = new Database(':memory:');
    const gappy: Migration[] = [{ version: 2, description: 'gap', up: 'SELECT 1' }];
    expect(() => migrate(db, gappy)).toThrow(/expected 1/);
    db.close();
  });
});
