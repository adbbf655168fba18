/**
 * Schema changes, in order. Each migration has a version number (1, 2, 3, … with no gaps) and
 * either SQL or a function; `migrate` runs the ones a database has not had yet, each in its own
 * transaction, and records the version in `PRAGMA user_version`.
 *
 * To change the schema, append a migration to `migrations` (never edit a shipped one) and add a
 * case for it to test/unit/store/migrations.test.ts, which builds a database at the version
 * before, puts data in it and migrates.
 */
import type Database from 'better-sqlite3';
import { migration001 } from './migration-001';
import { migration002 } from './migration-002';
import { migration003 } from './migration-003';
import { migration004 } from './migration-004';
import { migration005 } from './migration-005';

export interface Migration {
  version: number;
  description: string;
  up: string | ((db: Database.Database) => void);
}

export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005];

export const latestVersion: number = migrations.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export interface MigrationResult {
  from: number;
  to: number;
}

/**
 * Brings the database up to `target` (the latest version by default). A database from a newer
 * Tern is refused rather than touched.
 */
export function migrate(
  db: Database.Database,
  list: readonly Migration[] = migrations,
  target: number = list.length,
): MigrationResult {
  checkOrder(list);
  const from = schemaVersion(db);
  if (from > list.length) {
    throw new Error(
      `the database is at schema version ${from}, made by a newer Tern; this build knows up to version ${list.length}`,
    );
  }
  for (const migration of list) {
    if (migration.version <= from || migration.version > target) continue;
    db.transaction(() => {
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { from, to: Math.max(from, Math.min(target, list.length)) };
}

function checkOrder(list: readonly Migration[]): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration at position ${index} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
