/**
 * The fit check before a download reads only the file's header (Range requests to a local hub)
 * and gets the same memory estimate as `tern inspect` gives for the whole file, for every fixture
 * model; the engine asks for more bytes when the first read is short.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadService } from '../../../electron/services/downloads/service';
import { createEngineHost, defaultWorkerPath, forkLauncher } from '../../../electron/services/engine-host/host';
import type { EngineHost } from '../../../electron/services/engine-host/types';
import { checkDownloadFit, loadContext } from '../../../electron/services/models/fit';
import { ModelLibrary } from '../../../electron/services/models/library';
import { SettingsService } from '../../../electron/services/settings';
import { type FakeHub, startFakeHub } from '../../support/fake-hub';
import { ensureCliBuilt, tern } from '../cli/helpers';
import { type TempStore, createTempStore } from '../store/temp-store';

const fixtures = join(__dirname, '../../fixtures/models');
const files = readdirSync(fixtures).filter((name) => name.endsWith('.gguf'));

let hub: FakeHub;
let temp: TempStore;
let engine: EngineHost;
let downloads: DownloadService;
let library: ModelLibrary;
let settings: SettingsService;

beforeAll(async () => {
  ensureCliBuilt();
  hub = await startFakeHub();
  temp = createTempStore();
  engine = createEngineHost({ launch: forkLauncher(defaultWorkerPath()), log: () => {} });
  settings = new SettingsService(temp.store.settings);
  library = new ModelLibrary({ folder: join(temp.dir, 'models'), cache: temp.store.modelFiles, inspect: (path) => engine.inspect(path) });
  downloads = new DownloadService({
    repository: temp.store.downloads,
    folder: () => library.folder,
    hub: () => ({ endpoint: hub.endpoint, token: null }),
    parallel: () => 2,
    inspect: (path) => engine.inspect(path),
    adopt: (path, sha, inspection) => library.adopt(path, sha, inspection),
  });
  for (const name of files) hub.addFile('fixtures/models', name, readFileSync(join(fixtures, name)));
}, 120_000);

afterAll(async () => {
  await downloads?.close();
  await engine?.close();
  await hub?.close();
  temp?.cleanup();
});

describe('checkDownloadFit', () => {
  it.each(files)('%s: the estimate from the header is tern inspect’s for the whole file', async (name) => {
    // A first read far shorter than the header: the engine asks for more until it has it all.
    const deps = { library, downloads, engine, settings, firstHeaderBytes: 1024 };
    const before = hub.requests.length;
    const fit = await checkDownloadFit(deps, { kind: 'hub', repo: 'fixtures/models', revision: 'main', file: name });
    const whole = readFileSync(join(fixtures, name));
    const described = JSON.parse(tern(['inspect', join(fixtures, name), '--json', '--ctx', String(fit.contextTokens)]).stdout) as {
      memory: { total: number };
      hparams: { nCtxTrain: number };
      fileBytes: number;
    };
    expect(fit.contextTokens).toBe(loadContext(described.hparams.nCtxTrain, settings.get()));
    expect(fit.memoryBytes).toBe(described.memory.total);
    expect(fit.fileBytes).toBe(whole.length);
    expect(fit.verdict).toBe('fits');
    // Only the start of the file was read, each byte once, in Range requests.
    const reads = hub.requests.slice(before).filter((r) => r.method === 'GET' && r.server === 'cdn');
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.every((r) => /^bytes=\d+-\d+$/.test(String(r.headers.range)))).toBe(true);
    expect(hub.bytesServed(name)).toBeLessThan(whole.length);
  });

  it("with the local API on, counts the API's own KV slot: a second KV cache and scratch", async () => {
    const source = { kind: 'hub', repo: 'fixtures/models', revision: 'main', file: files[0]! } as const;
    const without = await checkDownloadFit({ library, downloads, engine, settings, apiSlot: () => false }, source);
    const described = JSON.parse(tern(['inspect', join(fixtures, files[0]!), '--json', '--ctx', String(without.contextTokens)]).stdout) as {
      memory: { total: number; kvCache: number; scratch: number };
    };
    const withApi = await checkDownloadFit({ library, downloads, engine, settings, apiSlot: () => true }, source);
    expect(without.memoryBytes).toBe(described.memory.total);
    expect(withApi.memoryBytes).toBe(described.memory.total + described.memory.kvCache + described.memory.scratch);
  });

  it('follows the setting for the context, capped at the model’s own', async () => {
    settings.update({ contextTokens: 256 });
    const fit = await checkDownloadFit({ library, downloads, engine, settings }, { kind: 'hub', repo: 'fixtures/models', revision: 'main', file: files[0]! });
    expect(fit.contextTokens).toBe(256);
    settings.reset();
  });

  it('refuses a file that is not a GGUF, saying so', async () => {
    hub.addFile('fixtures/models', 'notes.gguf', Buffer.from('plain text, not a model\n'.repeat(50)));
    await expect(
      checkDownloadFit({ library, downloads, engine, settings }, { kind: 'hub', repo: 'fixtures/models', revision: 'main', file: 'notes.gguf' }),
    ).rejects.toThrow(/cannot read this file's header: .*GGUF/i);
  });
});
