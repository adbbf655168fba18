/**
 * The model library: .gguf files in the folder and named ones, each known by its sha256 (stable
 * across renames and moves, computed once per path, size and mtime), described by inspection, a
 * file the engine cannot run listed with its reason.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelLibrary } from '../../../electron/services/models/library';
import { type ModelDescription, loadAddon } from '../../../electron/services/native';
import { type TempStore, createTempStore } from '../store/temp-store';

const fixture = join(__dirname, '../../fixtures/models/synth-bitnet-b1.58-i2_s.gguf');
const vocabOnly = join(__dirname, '../../fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf');

let temp: TempStore;
let folder: string;
let inspected: string[];

beforeEach(() => {
  temp = createTempStore();
  folder = join(temp.dir, 'models');
  inspected = [];
});
afterEach(() => temp.cleanup());

function library(extraFiles: string[] = []): ModelLibrary {
  const addon = loadAddon();
  return new ModelLibrary({
    folder,
    extraFiles,
    cache: temp.store.modelFiles,
    inspect: (path: string): Promise<ModelDescription> => {
      inspected.push(path);
      return addon.inspect(path);
    },
  });
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('ModelLibrary', () => {
  it('creates the folder, finds .gguf files only, and names each by its sha256', async () => {
    const lib = library();
    copyFileSync(fixture, join(folder, 'b158.gguf'));
    writeFileSync(join(folder, 'notes.txt'), 'not a model');
    mkdirSync(join(folder, 'sub.gguf'));
    const list = await lib.scan();
    expect(list.folder).toBe(folder);
    expect(list.scanning).toBe(false);
    expect(list.models).toHaveLength(1);
    const [model] = list.models;
    expect(model).toMatchObject({
      id: sha256(fixture),
      fileName: 'b158.gguf',
      source: 'folder',
      arch: 'bitnet-b1.58',
      weightType: 'I2_S',
      problem: null,
    });
    expect(model!.sizeBytes).toBe(readFileSync(fixture).length);
    expect(model!.contextLength).toBeGreaterThan(0);
    expect(lib.get(model!.id)).toEqual(model);
  });

  it('hashes and inspects a file once; a rename or move keeps its id', async () => {
    const lib = library();
    copyFileSync(fixture, join(folder, 'a.gguf'));
    const first = (await lib.scan()).models[0]!;
    await lib.scan();
    expect(inspected).toHaveLength(1);
    renameSync(join(folder, 'a.gguf'), join(folder, 'renamed.gguf'));
    const renamed = (await lib.scan()).models;
    expect(renamed.map((m) => [m.fileName, m.id])).toEqual([['renamed.gguf', first.id]]);
    // The cache survives a restart: a new library over the same store inspects nothing again.
    inspected = [];
    await library().scan();
    expect(inspected).toEqual([]);
  });

  it('lists files it cannot run, disabled with the reason in words', async () => {
    const lib = library();
    writeFileSync(join(folder, 'broken.gguf'), 'GGUF but not really');
    writeFileSync(join(folder, 'text.gguf'), 'hello');
    copyFileSync(vocabOnly, join(folder, 'vocab.gguf'));
    const models = (await lib.scan()).models;
    expect(models.map((m) => m.fileName)).toEqual(['broken.gguf', 'text.gguf', 'vocab.gguf']);
    for (const model of models) {
      expect(model.problem).toMatch(/\w/);
      expect(model.arch === null || model.fileName === 'vocab.gguf').toBe(true);
    }
    expect(models[1]!.problem).toMatch(/not a GGUF file/);
    expect(models[2]!.problem).toMatch(/no weights/);
    expect(lib.runnable()).toEqual([]);
  });

  it('does not remember a failure of the engine itself as the file’s verdict (looked at again next start)', async () => {
    const down = new ModelLibrary({
      folder,
      cache: temp.store.modelFiles,
      inspect: () => Promise.reject(new Error('the engine was closed')),
    });
    copyFileSync(fixture, join(folder, 'b158.gguf'));
    const [listed] = (await down.scan()).models;
    expect(listed!.problem).toBe('the engine could not look at it (the engine was closed); check again');
    // The next start (a working engine) inspects it again and can run it; the sha256 was kept.
    inspected = [];
    const [again] = (await library().scan()).models;
    expect(again).toMatchObject({ id: sha256(fixture), problem: null });
    expect(inspected).toEqual([join(folder, 'b158.gguf')]);
  });

  it('adds files named from elsewhere, once even when also in the folder', async () => {
    const outside = join(temp.dir, 'elsewhere.gguf');
    copyFileSync(fixture, outside);
    const lib = library([outside]);
    const models = (await lib.scan()).models;
    expect(models).toEqual([expect.objectContaining({ fileName: 'elsewhere.gguf', source: 'added', path: outside })]);
    copyFileSync(fixture, join(folder, 'same.gguf'));
    expect((await lib.scan()).models).toHaveLength(1);
  });

  it('tells listeners as files appear and when the scan ends', async () => {
    const lib = library();
    copyFileSync(fixture, join(folder, 'x.gguf'));
    const seen: boolean[] = [];
    lib.onChange((list) => seen.push(list.scanning));
    await lib.scan();
    expect(seen[0]).toBe(true);
    expect(seen[seen.length - 1]).toBe(false);
  });
});
