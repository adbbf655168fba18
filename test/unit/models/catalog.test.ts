/** The catalog: one file to update, checked against its schema, listing only what the engine runs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogFile, catalog } from '../../../electron/services/models/catalog';
import { fromDescription } from '../../../electron/services/models/describe';

const raw = () => JSON.parse(readFileSync(join(__dirname, '../../../resources/catalog.json'), 'utf8')) as { entries: Record<string, unknown>[] };

describe('resources/catalog.json', () => {
  it('matches its schema, with the 2B4T file as the one recommended model', () => {
    const { entries } = catalog();
    expect(entries.filter((e) => e.recommended)).toEqual([
      expect.objectContaining({ repo: 'microsoft/bitnet-b1.58-2B-4T-gguf', file: 'ggml-model-i2_s.gguf', architecture: 'bitnet-b1.58', contextLength: 4096 }),
    ]);
  });

  it('lists only architectures the engine runs', () => {
    for (const entry of catalog().entries) {
      const inspection = fromDescription({
        arch: entry.architecture,
        tensors: [{ name: 'w', type: 'I2_S', shape: [1], offset: 0, bytes: 1 }],
        metadata: [{ key: 'tokenizer.ggml.tokens', value: '[1 x string]' }],
        name: entry.name,
        weightType: 'I2_S',
        nParams: 1,
        hparams: { nCtxTrain: entry.contextLength },
      } as unknown as Parameters<typeof fromDescription>[0]);
      expect(inspection.ok, `${entry.repo}: ${entry.architecture}`).toBe(true);
    }
  });

  it('lists the other ternary families the engine runs: Falcon3 1.58-bit Instruct and Llama3-8B-1.58, each with its license', () => {
    const byRepo = new Map(catalog().entries.map((e) => [e.repo, e]));
    for (const size of ['1B', '3B', '7B', '10B']) {
      expect(byRepo.get(`tiiuae/Falcon3-${size}-Instruct-1.58bit-GGUF`)).toMatchObject({
        file: 'ggml-model-i2_s.gguf',
        architecture: 'llama',
        license: 'TII Falcon-LLM 2.0',
      });
    }
    expect(byRepo.get('eugenehp/Llama3-8B-1.58-100B-tokens-GGUF')).toMatchObject({
      architecture: 'llama',
      license: 'Llama 3 Community',
      contextLength: 8192,
    });
    expect(new Set(catalog().entries.map((e) => e.name)).size).toBe(catalog().entries.length);
  });

  it('never types in a size or a sha256 (they come from the hub), and refuses unknown keys', () => {
    const file = raw();
    for (const entry of file.entries) {
      expect(Object.keys(entry)).not.toContain('size');
      expect(Object.keys(entry)).not.toContain('sha256');
    }
    const withSize = { entries: [{ ...file.entries[0], sizeBytes: 1 }] };
    expect(CatalogFile.safeParse(withSize).success).toBe(false);
  });

  it('refuses a catalog with no recommended model, or two', () => {
    const file = raw();
    expect(CatalogFile.safeParse({ entries: [{ ...file.entries[0], recommended: false }] }).success).toBe(false);
    expect(CatalogFile.safeParse({ entries: [file.entries[0], { ...file.entries[0], file: 'other.gguf' }] }).success).toBe(false);
    expect(CatalogFile.safeParse({ entries: [{ ...file.entries[0], repo: 'no-owner' }] }).success).toBe(false);
  });
});
