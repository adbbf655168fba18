/** Adding a local GGUF (copied or linked), deleting a model, and the default model. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelLibrary } from '../../../electron/services/models/library';
import { type ManageDeps, deleteModel, importModel, setDefaultModel } from '../../../electron/services/models/manage';
import { loadAddon } from '../../../electron/services/native';
import { SettingsService } from '../../../electron/services/settings';
import { type TempStore, createTempStore } from '../store/temp-store';

const fixture = join(__dirname, '../../fixtures/models/synth-bitnet-b1.58-i2_s.gguf');
const vocabOnly = join(__dirname, '../../fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf');

let temp: TempStore;
let deps: ManageDeps;
let outside: string;
let loaded: string | null;
let unloads: number;

beforeEach(() => {
  temp = createTempStore();
  outside = join(temp.dir, 'elsewhere');
  mkdirSync(outside);
  loaded = null;
  unloads = 0;
  const addon = loadAddon();
  const settings = new SettingsService(temp.store.settings);
  const library = new ModelLibrary({
    folder: join(temp.dir, 'models'),
    cache: temp.store.modelFiles,
    inspect: (path) => addon.inspect(path),
    defaultModelId: () => settings.defaultModelId(),
  });
  deps = {
    library,
    settings,
    cache: temp.store.modelFiles,
    engine: {
      inspect: (path: string) => addon.inspect(path),
      loaded: () => (loaded ? ({ modelKey: loaded } as ReturnType<ManageDeps['engine']['loaded']>) : null),
      unload: async () => {
        unloads++;
        loaded = null;
      },
    },
  };
});
afterEach(() => temp.cleanup());

describe('importModel', () => {
  it('copies a runnable file into the models folder and lists it', async () => {
    const source = join(outside, 'mine.gguf');
    copyFileSync(fixture, source);
    const model = await importModel(deps, source, 'copy');
    expect(model).toMatchObject({ fileName: 'mine.gguf', path: join(deps.library.folder, 'mine.gguf'), source: 'folder', problem: null });
    expect(existsSync(source)).toBe(true);
    expect(readFileSync(model.path)).toEqual(readFileSync(fixture));
    // A second copy of a file of the same name gets a name of its own.
    expect((await importModel(deps, source, 'copy')).fileName).toBe('mine-2.gguf');
  });

  it('links a file where it is, and remembers it across restarts', async () => {
    const source = join(outside, 'linked.gguf');
    copyFileSync(fixture, source);
    const model = await importModel(deps, source, 'link');
    expect(model).toMatchObject({ path: source, source: 'added' });
    expect(deps.settings.linkedModels()).toEqual([source]);
    expect(existsSync(join(deps.library.folder, 'linked.gguf'))).toBe(false);
  });

  it('refuses what the engine cannot run, with the reason, and copies nothing', async () => {
    const text = join(outside, 'notes.gguf');
    writeFileSync(text, 'just some text\n');
    await expect(importModel(deps, text, 'copy')).rejects.toThrow(/notes\.gguf cannot be added: .*GGUF/i);
    await expect(importModel(deps, vocabOnly, 'copy')).rejects.toThrow(/cannot be added: the file holds a tokenizer but no weights/);
    await expect(importModel(deps, join(outside, 'missing.gguf'), 'copy')).rejects.toThrow(/no such file/);
    await expect(importModel(deps, 'relative.gguf', 'copy')).rejects.toThrow(/not a full path/);
    expect((await deps.library.scan()).models).toEqual([]);
  });
});

describe('deleteModel and setDefaultModel', () => {
  it('deletes a model’s file (unloading it first), and only unlists a linked one', async () => {
    const copied = await importModel(deps, fixture, 'copy');
    loaded = copied.id;
    await deleteModel(deps, copied.id);
    expect(unloads).toBe(1);
    expect(existsSync(copied.path)).toBe(false);
    expect(deps.library.list().models).toEqual([]);

    const source = join(outside, 'linked.gguf');
    copyFileSync(fixture, source);
    const linked = await importModel(deps, source, 'link');
    await deleteModel(deps, linked.id);
    expect(existsSync(source)).toBe(true);
    expect(deps.settings.linkedModels()).toEqual([]);
    expect(deps.library.list().models).toEqual([]);
    await expect(deleteModel(deps, linked.id)).rejects.toThrow(/no model with id/);
  });

  it('sets the default model, which the list names', async () => {
    const model = await importModel(deps, fixture, 'copy');
    expect(deps.library.list().defaultModelId).toBeNull();
    expect(setDefaultModel(deps, model.id).defaultModelId).toBe(model.id);
    expect(() => setDefaultModel(deps, 'nope')).toThrow(/no model with id/);
  });
});
