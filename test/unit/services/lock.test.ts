import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, type LockOwner, acquireLock } from '../../../electron/services/lock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tern-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function lockFile(owner: Partial<LockOwner>): void {
  const full: LockOwner = {
    pid: 1,
    hostname: hostname(),
    startedAt: '2026-01-01T00:00:00.000Z',
    description: 'someone',
    token: 'their-token',
    ...owner,
  };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(full));
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a child process');
  return child.pid;
}

function refusal(fn: () => unknown): DataDirLockedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DataDirLockedError) return error;
    throw error;
  }
  throw new Error('expected DataDirLockedError');
}

describe('data folder lock', () => {
  it('writes the owner and removes the file on release (twice is fine)', () => {
    const lock = acquireLock(dir, 'tern serve on http://127.0.0.1:4310');
    const written = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner;
    expect(written).toMatchObject({ pid: process.pid, hostname: hostname(), description: 'tern serve on http://127.0.0.1:4310' });
    expect(Date.parse(written.startedAt)).not.toBeNaN();
    lock.release();
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireLock(dir, 'again').release();
  });

  it('refuses a second owner, naming the first', () => {
    const lock = acquireLock(dir, 'Tern desktop app');
    const error = refusal(() => acquireLock(dir, 'tern serve on http://127.0.0.1:4310'));
    expect(error.code).toBe('DATA_DIR_LOCKED');
    expect(error.message).toContain('Tern desktop app');
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.owner?.description).toBe('Tern desktop app');
    lock.release();
  });

  it('refuses when a live process on this host holds it', () => {
    lockFile({ pid: process.ppid, description: 'tern serve on http://127.0.0.1:9999' });
    expect(refusal(() => acquireLock(dir, 'me')).message).toContain('tern serve on http://127.0.0.1:9999');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('takes over a lock whose process died on this host', () => {
    lockFile({ pid: deadPid(), description: 'crashed serve' });
    const lock = acquireLock(dir, 'Tern desktop app');
    expect((JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner).description).toBe('Tern desktop app');
    lock.release();
  });

  it('cannot judge a process on another host, so refuses', () => {
    lockFile({ pid: deadPid(), hostname: 'another-machine.local', description: 'Tern desktop app' });
    expect(refusal(() => acquireLock(dir, 'me')).message).toContain('another-machine.local');
  });

  it('release leaves a lock it no longer owns alone', () => {
    const lock = acquireLock(dir, 'first');
    rmSync(join(dir, LOCK_FILE));
    lockFile({ pid: process.ppid, description: 'second' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('a fresh unreadable lock file refuses; an old one is taken over', () => {
    writeFileSync(join(dir, LOCK_FILE), '');
    const error = refusal(() => acquireLock(dir, 'me'));
    expect(error.owner).toBeNull();
    expect(error.message).toContain(LOCK_FILE);
    const lock = acquireLock(dir, 'me', { unreadableGraceMs: 0 });
    expect(lock.owner.description).toBe('me');
    lock.release();
  });
});
