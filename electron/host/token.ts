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

/**
 * The token kept in the data folder (readable by its owner only), so that a restarted host
 * accepts the pages it served before and they reconnect by themselves. `rotate` makes a new one,
 * which locks out every page opened with the old.
 */
export function persistentToken(dataDir: string, rotate = false): string {
  const file = join(dataDir, TOKEN_FILE);
  if (!rotate) {
    try {
      const saved = readFileSync(file, 'utf8').trim();
      if (/^[A-Za-z0-9_-]{43}$/.test(saved)) return saved;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const token = createToken();
  mkdirSync(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return token;
}
