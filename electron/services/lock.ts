/**
 * One process owns a data directory at a time. The owner holds `tern.lock` in it, created with
 * O_EXCL and holding its pid, host, start time and a description ("tern serve on http://…",
 * "Tern desktop app"). Another process is refused with DataDirLockedError naming the owner. A
 * lock left by a process that died on this host is taken over.
 */
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'tern.lock';

export interface LockOwner {
  pid: number;
  hostname: string;
  /** When the owner took the lock, ISO 8601. */
  startedAt: string;
  description: string;
  /** Distinguishes this holder from a later one with the same pid. */
  token: string;
}

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      owner
        ? `the data folder ${dataDir} is in use by ${owner.description} (pid ${owner.pid} on ${owner.hostname}, since ${owner.startedAt}); ` +
            'close it first, or use another data folder'
        : `the data folder ${dataDir} is locked by a process that left an unreadable ${LOCK_FILE}; ` +
            `if no Tern is running, delete ${join(dataDir, LOCK_FILE)}`,
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  release(): void;
}

export interface LockOptions {
  pid?: number;
  hostname?: string;
  /** Whether a process on this host is alive; replaceable for tests. */
  isAlive?: (pid: number) => boolean;
  /** A lock file still empty or half-written after this long is treated as abandoned. */
  unreadableGraceMs?: number;
}

export function acquireLock(dataDir: string, description: string, options: LockOptions = {}): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const owner: LockOwner = {
    pid: options.pid ?? process.pid,
    hostname: options.hostname ?? osHostname(),
    startedAt: new Date().toISOString(),
    description,
    token: randomUUID(),
  };
  const isAlive = options.isAlive ?? processIsAlive;
  const grace = options.unreadableGraceMs ?? 2000;

  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, owner)) return holding(path, owner);
    const existing = readOwner(path);
    if (existing === 'gone') continue;
    if (existing === 'unreadable') {
      if (ageMs(path) < grace) throw new DataDirLockedError(dataDir, null);
      removeIfUnchanged(path, null);
      continue;
    }
    const stale = existing.hostname === owner.hostname && existing.pid !== owner.pid && !isAlive(existing.pid);
    if (!stale) throw new DataDirLockedError(dataDir, existing);
    removeIfUnchanged(path, existing.token);
  }
  const last = readOwner(path);
  throw new DataDirLockedError(dataDir, typeof last === 'object' ? last : null);
}

function holding(path: string, owner: LockOwner): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    removeIfUnchanged(path, owner.token);
  };
  process.on('exit', release);
  return { path, owner, release };
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return 'gone';
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isOwner(value)) return value;
  } catch {
    // fall through
  }
  return 'unreadable';
}

function isOwner(value: unknown): value is LockOwner {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isInteger(v.pid) &&
    typeof v.hostname === 'string' &&
    typeof v.startedAt === 'string' &&
    typeof v.description === 'string' &&
    typeof v.token === 'string'
  );
}

/** Removes the lock file only if it still holds `token` (null: only if it is still unreadable). */
function removeIfUnchanged(path: string, token: string | null): void {
  const current = readOwner(path);
  if (current === 'gone') return;
  const same = token === null ? current === 'unreadable' : typeof current === 'object' && current.token === token;
  if (!same) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isCode(error, 'EPERM');
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
