/**
 * The API key: `tern-` + 32 random bytes in base64url, kept in `<dataDir>/api-key` (mode 0600),
 * made on first use and replaced by a rotation. Checked in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEY_FILE = 'api-key';
const KEY_PATTERN = /^tern-[A-Za-z0-9_-]{43}$/;

export function newKey(): string {
  return `tern-${randomBytes(32).toString('base64url')}`;
}

export class ApiKeyFile {
  private key: string | null = null;
  private digest: Buffer | null = null;
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, KEY_FILE);
  }

  /** The key when one was made, else null (nothing is written). */
  peek(): string | null {
    if (this.key === null) {
      try {
        const text = existsSync(this.path) ? readFileSync(this.path, 'utf8').trim() : '';
        if (KEY_PATTERN.test(text)) this.set(text);
      } catch {
        // unreadable: a new one is made on first use
      }
    }
    return this.key;
  }

  /** The key, made and stored now if there is none. */
  get(): string {
    return this.peek() ?? this.rotate();
  }

  /** A new key; the old one stops working at once. */
  rotate(): string {
    const key = newKey();
    mkdirSync(join(this.path, '..'), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${key}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.path);
    this.set(key);
    return key;
  }

  /** Whether `given` is the key (constant time: both sides are hashed to the same length). */
  matches(given: string): boolean {
    this.get();
    const digest = createHash('sha256').update(given).digest();
    return timingSafeEqual(digest, this.digest as Buffer);
  }

  private set(key: string): void {
    this.key = key;
    this.digest = createHash('sha256').update(key).digest();
  }
}
