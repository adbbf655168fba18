/**
 * The Hugging Face token the desktop app keeps for gated repositories: encrypted by the system
 * (Electron safeStorage: the keychain, DPAPI or the desktop's secret store) in
 * <dataDir>/hub-token.bin, readable by this user only, written whole or not at all.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import type { SavedToken } from '../services/downloads/hub-config';

export const HUB_TOKEN_FILE = 'hub-token.bin';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

export function createSavedToken(dataDir: string, safeStorage: SafeStorageLike): SavedToken {
  const file = join(dataDir, HUB_TOKEN_FILE);
  return {
    /** The token, or null when none is saved or it cannot be read back (another user, a new keyring). */
    load(): string | null {
      let encrypted: Buffer;
      try {
        encrypted = readFileSync(file);
      } catch {
        return null;
      }
      try {
        if (encrypted.length === 0 || !safeStorage.isEncryptionAvailable()) return null;
        const token = safeStorage.decryptString(encrypted).trim();
        return token || null;
      } catch {
        return null;
      }
    },
    /** Saves the token (encrypted), or with null deletes it. */
    save(token: string | null): void {
      if (token === null) {
        rmSync(file, { force: true });
        return;
      }
      const trimmed = token.trim();
      if (!trimmed) throw new Error('the token is empty');
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('this system cannot encrypt the token; set HF_TOKEN instead');
      }
      const encrypted = safeStorage.encryptString(trimmed);
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        writeFileSync(temp, encrypted, { mode: 0o600, flag: 'wx' });
        renameSync(temp, file);
      } catch (error) {
        rmSync(temp, { force: true });
        throw error;
      }
    },
  };
}
