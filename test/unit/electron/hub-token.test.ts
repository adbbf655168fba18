/** The desktop app's saved hub token, against a fake safeStorage in a temporary folder. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_TOKEN_FILE, createSavedToken, type SafeStorageLike } from '../../../electron/main/hub-token';

/** "Encrypts" by reversing the base64 of the text: not the text on disk, and undone only here. */
function fakeSafeStorage(available = true): SafeStorageLike & { available: boolean } {
  const storage = {
    available,
    isEncryptionAvailable: () => storage.available,
    encryptString: (text: string) => {
      if (!storage.available) throw new Error('encryption is not available');
      return Buffer.from(`fake:${[...Buffer.from(text, 'utf8').toString('base64')].reverse().join('')}`, 'utf8');
    },
    decryptString: (encrypted: Buffer) => {
      const text = encrypted.toString('utf8');
      if (!text.startsWith('fake:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from([...text.slice('fake:'.length)].reverse().join(''), 'base64').toString('utf8');
    },
  };
  return storage;
}

describe('createSavedToken', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tern-hub-token-'));
    file = join(dir, HUB_TOKEN_FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads null while nothing is saved', () => {
    expect(createSavedToken(dir, fakeSafeStorage()).load()).toBeNull();
  });

  it('saves the token encrypted in hub-token.bin and loads it back', () => {
    const saved = createSavedToken(dir, fakeSafeStorage());
    saved.save('hf_secretToken123');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).toString('utf8')).not.toContain('hf_secretToken123');
    expect(saved.load()).toBe('hf_secretToken123');
    // Another instance on the same folder (the next start) reads it too.
    expect(createSavedToken(dir, fakeSafeStorage()).load()).toBe('hf_secretToken123');
  });

  it.skipIf(process.platform === 'win32')('keeps the file readable by this user only', () => {
    createSavedToken(dir, fakeSafeStorage()).save('hf_abc');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces a saved token whole, leaving no temporary file behind', () => {
    const saved = createSavedToken(dir, fakeSafeStorage());
    saved.save('hf_first');
    saved.save('hf_second');
    expect(saved.load()).toBe('hf_second');
    expect(readdirSync(dir)).toEqual([HUB_TOKEN_FILE]);
  });

  it('forgets the token with save(null), also when none was saved', () => {
    const saved = createSavedToken(dir, fakeSafeStorage());
    saved.save(null);
    saved.save('hf_abc');
    saved.save(null);
    expect(existsSync(file)).toBe(false);
    expect(saved.load()).toBeNull();
  });

  it('refuses to save when the system cannot encrypt, and writes nothing', () => {
    const saved = createSavedToken(dir, fakeSafeStorage(false));
    expect(() => saved.save('hf_abc')).toThrow('this system cannot encrypt the token; set HF_TOKEN instead');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('loads null for a file it cannot decrypt', () => {
    writeFileSync(file, 'not encrypted by this system');
    expect(createSavedToken(dir, fakeSafeStorage()).load()).toBeNull();
    writeFileSync(file, '');
    expect(createSavedToken(dir, fakeSafeStorage()).load()).toBeNull();
  });

  it('loads null when encryption has become unavailable', () => {
    const storage = fakeSafeStorage();
    const saved = createSavedToken(dir, storage);
    saved.save('hf_abc');
    storage.available = false;
    expect(saved.load()).toBeNull();
  });

  it('says why when the folder cannot be written', () => {
    const saved = createSavedToken(join(dir, 'missing'), fakeSafeStorage());
    expect(() => saved.save('hf_abc')).toThrow(/ENOENT/);
  });
});
