/** A store in a fresh temporary folder, removed by cleanup(). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Store, type StoreOptions, openStore } from '../../../electron/services/store';

export interface TempStore {
  dir: string;
  path: string;
  store: Store;
  reopen(options?: StoreOptions): Store;
  cleanup(): void;
}

export function tempDir(prefix = 'tern-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A clock that ticks one millisecond per reading, so orderings are deterministic. */
export function tickingClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => t++;
}

export function createTempStore(options: StoreOptions = {}): TempStore {
  const dir = tempDir();
  const path = join(dir, 'tern.db');
  const clock = options.now ?? tickingClock();
  const temp: TempStore = {
    dir,
    path,
    store: openStore(path, { ...options, now: clock }),
    reopen(reopenOptions = {}) {
      temp.store.close();
      temp.store = openStore(path, { now: clock, ...reopenOptions });
      return temp.store;
    },
    cleanup() {
      temp.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return temp;
}
