/**
 * The SQLite store: opens (or creates) the database file in WAL mode with foreign keys on,
 * migrates it, and marks replies a crash left 'streaming' as 'interrupted'.
 */
import Database from 'better-sqlite3';
import type { SearchHit } from '../../common/contract';
import { BranchRepository } from './branches';
import { ConversationRepository } from './conversations';
import { DownloadRepository } from './downloads';
import { HistoryRepository } from './history';
import { MessageRepository } from './messages';
import { ModelFileRepository } from './model-files';
import { MetricsRepository } from './metrics';
import { type MigrationResult, migrate } from './migrations';
import { searchMessages } from './search';
import { SettingsRepository } from './settings';
import { BenchmarkRepository, TuningProfileRepository } from './tuning';

export interface StoreOptions {
  log?: (message: string) => void;
  /** The clock for created/updated times, in milliseconds since the epoch. */
  now?: () => number;
}

export interface Store {
  readonly path: string;
  readonly db: Database.Database;
  readonly conversations: ConversationRepository;
  readonly messages: MessageRepository;
  /** The branch shown with its versions, switching branches, deleting a message's subtree. */
  readonly branches: BranchRepository;
  /** Rows as export reads them and import writes them. */
  readonly history: HistoryRepository;
  readonly settings: SettingsRepository;
  readonly modelFiles: ModelFileRepository;
  readonly downloads: DownloadRepository;
  /** Saved tuning profiles and each model's default profile. */
  readonly tuningProfiles: TuningProfileRepository;
  /** The benchmarks run here. */
  readonly benchmarks: BenchmarkRepository;
  /** Each reply's metrics and the alerts they raised. */
  readonly metrics: MetricsRepository;
  /** The schema versions before and after opening. */
  readonly migration: MigrationResult;
  /** How many replies were found 'streaming' at open and marked 'interrupted'. */
  readonly interruptedAtOpen: number;
  search(query: string, limit?: number): SearchHit[];
  close(): void;
}

export function openStore(path: string, options: StoreOptions = {}): Store {
  const log = options.log ?? (() => {});
  const now = options.now ?? monotonicClock();
  const db = new Database(path);
  try {
    configure(db);
    const migration = migrate(db);
    if (migration.from !== migration.to) log(`store: migrated ${path} from version ${migration.from} to ${migration.to}`);
    const messages = new MessageRepository(db, now);
    const interruptedAtOpen = messages.interruptStreaming();
    if (interruptedAtOpen > 0) log(`store: ${interruptedAtOpen} reply(s) left streaming by the last run marked interrupted`);
    const conversations = new ConversationRepository(db, now);
    return {
      path,
      db,
      conversations,
      messages,
      branches: new BranchRepository(db, messages, conversations),
      history: new HistoryRepository(db),
      settings: new SettingsRepository(db),
      modelFiles: new ModelFileRepository(db, now),
      downloads: new DownloadRepository(db, now),
      tuningProfiles: new TuningProfileRepository(db, now),
      benchmarks: new BenchmarkRepository(db, now),
      metrics: new MetricsRepository(db),
      migration,
      interruptedAtOpen,
      search: (query, limit) => searchMessages(db, query, limit),
      close: () => {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Milliseconds since the epoch that never repeat or go back within this process, so two things
 * made in the same millisecond still sort in the order they were made.
 */
export function monotonicClock(read: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    last = Math.max(read(), last + 1);
    return last;
  };
}

function configure(db: Database.Database): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && db.name !== ':memory:') throw new Error(`could not put ${db.name} in WAL mode (got ${String(mode)})`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.function('tern_fold', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? text.normalize('NFC').toLowerCase() : null,
  );
}
