/**
 * inspect(path, nCtx, { header: true }) through the real addon, on every fixture model: the start
 * of a file (what the app fetches with a Range request before a download) is described exactly
 * as the whole file (memory, nParams, hparams, tensors, fileBytes); cut inside the header it asks
 * for more bytes, and fetching what it asks for (or more) ends at a header that loads; anything
 * that is not a GGUF is refused as before.
 * Needs `npm run build:native` first.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ModelDescription, loadAddon } from '../../../electron/services/native';

const root = resolve(__dirname, '../../..');
const models = join(root, 'test/fixtures/models');
const built = existsSync(join(root, 'build/native/Release/tern.node'));
const fixtures = readdirSync(models).filter((f) => f.endsWith('.gguf'));
const N_CTX = 512;

/** The fields that must not depend on how much of the file was there. */
function essentials(d: ModelDescription) {
  const { arch, name, weightType, ffnAct, headTensor, tiedHead, ggufVersion, fileBytes, nParams, hparams, tensors, metadata, chatTemplate, memory, kernels } = d;
  return { arch, name, weightType, ffnAct, headTensor, tiedHead, ggufVersion, fileBytes, nParams, hparams, tensors, metadata, chatTemplate, memory, kernels };
}

/** The error inspect rejects with when the file ends inside the header. */
interface NeedMore extends Error {
  code: string;
  needBytes: number;
}

async function rejection(p: Promise<unknown>): Promise<NeedMore> {
  try {
    await p;
  } catch (error) {
    return error as NeedMore;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!built)('inspect a header prefix', () => {
  const addon = built ? loadAddon() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tern-header-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const prefix = (bytes: Buffer, size: number): string => {
    const path = join(dir, `prefix-${n++}.gguf`);
    writeFileSync(path, bytes.subarray(0, size));
    return path;
  };

  it.each(fixtures)('%s: cut at the data offset and beyond, the same description as the whole file', async (file) => {
    const path = join(models, file);
    const bytes = readFileSync(path);
    const whole = await addon!.inspect(path, N_CTX);
    expect(whole.headerOnly).toBe(false);
    expect(whole.fileBytes).toBe(bytes.length);
    const dataOffset = Math.min(...whole.tensors.map((t) => t.offset));
    expect(dataOffset).toBeGreaterThan(0);
    for (const size of [dataOffset, dataOffset + 1, dataOffset + 4096, bytes.length - 1, bytes.length]) {
      const head = await addon!.inspect(prefix(bytes, size), N_CTX, { header: true });
      expect(head.headerOnly).toBe(true);
      expect(essentials(head)).toEqual(essentials(whole));
    }
    // Without the option the prefix is refused, as before.
    await expect(addon!.inspect(prefix(bytes, dataOffset), N_CTX)).rejects.toMatchObject({ code: 'FORMAT' });
  });

  it.each(fixtures)('%s: cut inside the header, it says how many bytes it needs; fetching them ends at a header that loads', async (file) => {
    const path = join(models, file);
    const bytes = readFileSync(path);
    const whole = await addon!.inspect(path, N_CTX);
    const dataOffset = Math.min(...whole.tensors.map((t) => t.offset));
    for (const size of [3, 20, 100, Math.floor(dataOffset / 2), dataOffset - 40]) {
      const error = await rejection(addon!.inspect(prefix(bytes, size), N_CTX, { header: true }));
      expect(error.message).toMatch(new RegExp(`the header needs at least ${error.needBytes} bytes`));
      expect(error.needBytes).toBeGreaterThan(size);
      expect(error.needBytes).toBeLessThanOrEqual(dataOffset);
      // The engine's code is NEED_MORE_BYTES; EngineError (engine-errors.ts) keeps only the codes
      // it lists, so it is not checked here.
    }
    // What a caller does: fetch a first guess, then what it asks for (at least double).
    let size = 64;
    let tries = 0;
    for (;;) {
      tries++;
      try {
        const head = await addon!.inspect(prefix(bytes, size), N_CTX, { header: true });
        expect(essentials(head)).toEqual(essentials(whole));
        break;
      } catch (error) {
        const need = (error as NeedMore).needBytes;
        expect(need).toBeGreaterThan(size);
        size = Math.min(bytes.length, Math.max(need, size * 2));
      }
    }
    expect(tries).toBeLessThan(20);
  });

  it('a prefix of something that is not a GGUF is refused as before', async () => {
    const text = readFileSync(join(root, 'package.json'));
    const path = prefix(text, 200);
    const asHeader = await rejection(addon!.inspect(path, N_CTX, { header: true }));
    const asFile = await rejection(addon!.inspect(path, N_CTX));
    expect(asHeader.code).toBe('FORMAT');
    expect(asHeader.message).toMatch(/not a GGUF file/);
    expect(asHeader.message).toBe(asFile.message);
    expect(asHeader.needBytes).toBeUndefined();
  });

  it('refuses a bad option', () => {
    expect(() => addon!.inspect(join(models, fixtures[0]!), N_CTX, { header: 'yes' as unknown as boolean })).toThrow(TypeError);
  });
});
