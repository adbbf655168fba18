/**
 * Moving the models folder: the models move (or stay, as the user chooses), partial downloads
 * always move and go on from the same bytes, nothing is hashed again, and a failure leaves
 * everything where it was.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadService } from '../../../electron/services/downloads/service';
import { ModelLibrary } from '../../../electron/services/models/library';
import { moveModelsFolder } from '../../../electron/services/models/move-folder';
import { loadAddon } from '../../../electron/services/native';
import { SettingsService } from '../../../electron/services/settings';
import { type FakeHub, startFakeHub } from '../../support/fake-hub';
import { type TempStore, createTempStore } from '../store/temp-store';

const fixture = join(__dirname, '../../fixtures/models/synth-bitnet-b1.58-i2_s.gguf');
const model = readFileSync(fixture);

let temp: TempStore;
let hub: FakeHub;
let library: ModelLibrary;
let downloads: DownloadService;
let settings: SettingsService;
let inspected: string[];
const extraDirs: string[] = [];

beforeEach(async () => {
  temp = createTempStore();
  hub = await startFakeHub();
  inspected = [];
  const addon = loadAddon();
  const inspect = (path: string) => {
    inspected.push(path);
    return addon.inspect(path);
  };
  settings = new SettingsService(temp.store.settings);
  library = new ModelLibrary({ folder: join(temp.dir, 'models'), cache: temp.store.modelFiles, inspect });
  downloads = new DownloadService({
    repository: temp.store.downloads,
    folder: () => library.folder,
    hub: () => ({ endpoint: hub.endpoint, token: null }),
    parallel: () => 2,
    inspect,
    adopt: (path, sha, inspection) => library.adopt(path, sha, inspection),
  });
});

afterEach(async () => {
  await downloads.close();
  await hub.close();
  temp.cleanup();
  for (const dir of extraDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const deps = () => ({ library, downloads, settings, cache: temp.store.modelFiles });

describe('moveModelsFolder', () => {
  it('moves the models, keeps their ids without hashing or inspecting again, and remembers the folder', async () => {
    copyFileSync(fixture, join(library.folder, 'a.gguf'));
    const before = await library.scan();
    inspected.length = 0;
    const target = join(temp.dir, 'elsewhere', 'models');
    const after = await moveModelsFolder(deps(), target, true);
    expect(after.folder).toBe(target);
    expect(after.models.map((m) => [m.fileName, m.id, m.path])).toEqual([['a.gguf', before.models[0]!.id, join(target, 'a.gguf')]]);
    expect(existsSync(join(temp.dir, 'models', 'a.gguf'))).toBe(false);
    expect(inspected).toEqual([]);
    expect(settings.modelsFolder()).toBe(target);
  });

  it('leaves the models behind when asked (they leave the list), but takes partial downloads along', async () => {
    copyFileSync(fixture, join(library.folder, 'a.gguf'));
    await library.scan();
    hub.addFile('o/r', 'big.gguf', model);
    hub.behave.bytesPerSecond = 300_000;
    const added = await downloads.add({ source: 'o/r/big.gguf' });
    while (!existsSync(join(library.folder, 'big.gguf.part')) || readFileSync(join(library.folder, 'big.gguf.part')).length < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const target = join(temp.dir, 'new');
    const after = await moveModelsFolder(deps(), target, false);
    expect(after.models).toEqual([]);
    expect(existsSync(join(temp.dir, 'models', 'a.gguf'))).toBe(true);
    expect(existsSync(join(temp.dir, 'models', 'big.gguf.part'))).toBe(false);
    hub.behave.bytesPerSecond = undefined;
    expect((await downloads.whenSettled(added.id))?.state).toBe('done');
    expect(readFileSync(join(target, 'big.gguf'))).toEqual(model);
    // The download went on from the bytes it had, in the new folder.
    const gets = hub.requests.filter((r) => r.method === 'GET' && r.server === 'cdn');
    expect(gets.at(-1)!.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect((await library.scan()).models.map((m) => m.fileName)).toEqual(['big.gguf']);
  });

  it('copies across disks, keeping the mtime so the cached sha256 still holds', async () => {
    if (!existsSync('/dev/shm')) return;
    const shm = mkdtempSync('/dev/shm/tern-move-');
    extraDirs.push(shm);
    copyFileSync(fixture, join(library.folder, 'a.gguf'));
    await library.scan();
    inspected.length = 0;
    const after = await moveModelsFolder(deps(), shm, true);
    expect(after.models.map((m) => m.path)).toEqual([join(shm, 'a.gguf')]);
    expect(readFileSync(join(shm, 'a.gguf'))).toEqual(model);
    expect(inspected).toEqual([]);
  });

  it('refuses a relative path, a clash, or a folder it cannot write, and changes nothing', async () => {
    copyFileSync(fixture, join(library.folder, 'a.gguf'));
    await library.scan();
    await expect(moveModelsFolder(deps(), 'relative/models', true)).rejects.toThrow(/not a full path/);
    const clash = join(temp.dir, 'clash');
    mkdirSync(clash);
    writeFileSync(join(clash, 'a.gguf'), 'someone else’s');
    await expect(moveModelsFolder(deps(), clash, true)).rejects.toThrow(/already has a\.gguf/);
    const file = join(temp.dir, 'a-file');
    writeFileSync(file, '');
    await expect(moveModelsFolder(deps(), file, true)).rejects.toThrow(/cannot be used as the models folder/);
    expect(library.folder).toBe(join(temp.dir, 'models'));
    expect(existsSync(join(temp.dir, 'models', 'a.gguf'))).toBe(true);
    expect(settings.modelsFolder()).toBeNull();
  });
});
