/** The connection token the host prints in its URL: random, kept per data folder, compared in constant time. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** 32 random bytes, base64url (43 characters, safe in a URL). */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first makes the time independent of the lengths too. */
export function tokensEqual(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const TOKEN_FILE = 'host-token';

export interface HostToken {
  token: string;
  /** Not the one in the data folder yet (there was none, it was damaged, or a new one was asked for). */
  unsaved: boolean;
}

/**
 * The token kept in the data folder (see saveToken), read without writing anything: a host that
 * then fails to start (its port taken, the folder in use by another host) leaves the folder as it
 * was. `rotate` makes a new one, which, once saved, locks out every page opened with the old.
 */
export function readToken(dataDir: string, rotate = false): HostToken {
  if (!rotate) {
    try {
      const saved = readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim();
      if (/^[A-Za-z0-9_-]{43}$/.test(saved)) return { token: saved, unsaved: false };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
  }
  return { token: createToken(), unsaved: true };
}

/**
 * Keeps `token` in the data folder (readable by its owner only; replaced atomically), so that a
 * restarted host accepts the pages it served before and they reconnect by themselves. The host
 * calls it only once it is serving and owns the data folder.
 */
export function saveToken(dataDir: string, token: string): void {
  const file = join(dataDir, TOKEN_FILE);
  mkdirSync(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/** readToken, then saveToken when it is new: the token to use from now on. */
export function persistentToken(dataDir: string, rotate = false): string {
  const { token, unsaved } = readToken(dataDir, rotate);
  if (unsaved) saveToken(dataDir, token);
  return token;
}
