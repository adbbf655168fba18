/**
 * The services behind the contract, for the Electron main process and the headless host alike:
 * the data folder (created if missing and locked to this process), the store in it, the call
 * handlers and the event bus.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus, type Handlers } from './dispatcher';
import { createHandlers } from './handlers';
import { acquireLock } from './lock';
import { type Store, openStore } from './store';

export const DATABASE_FILE = 'tern.db';

export interface ServicesOptions {
  dataDir: string;
  host: 'electron' | 'headless';
  /** Who holds the data folder, shown to a second process that is refused. */
  owner: string;
  log?: (message: string) => void;
}

export interface Services {
  readonly dataDir: string;
  readonly handlers: Handlers;
  readonly events: EventBus;
  close(): void;
}

/** Throws DataDirLockedError (code 'DATA_DIR_LOCKED') if another process owns the folder. */
export function openServices(options: ServicesOptions): Services {
  const log = options.log ?? (() => {});
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireLock(dataDir, options.owner);
  let store: Store;
  try {
    store = openStore(join(dataDir, DATABASE_FILE), { log });
  } catch (error) {
    lock.release();
    throw error;
  }
  const events = new EventBus();
  const handlers = createHandlers({ store, events, dataDir, host: options.host });
  let closed = false;
  return {
    dataDir,
    handlers,
    events,
    close() {
      if (closed) return;
      closed = true;
      try {
        store.close();
      } finally {
        lock.release();
      }
    },
  };
}
