/**
 * Downloads through the contract's calls on the real services: the hub from the settings, the
 * verified model offered by the library (and runnable), the same download picked up by the next
 * start, and the token refused by the headless host that reads HF_TOKEN instead.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Download } from '../../../electron/common/contract';
import { type Services, openServices } from '../../../electron/services/services';
import { type FakeHub, startFakeHub } from '../../support/fake-hub';

const model = readFileSync(join(__dirname, '../../fixtures/models/synth-bitnet-b1.58-i2_s.gguf'));

let hub: FakeHub;
let dataDir: string;
let services: Services | undefined;

beforeEach(async () => {
  hub = await startFakeHub();
  dataDir = mkdtempSync(join(tmpdir(), 'tern-downloads-'));
});

afterEach(async () => {
  await services?.close();
  services = undefined;
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function open(): Services {
  services = openServices({ dataDir, host: 'headless', owner: 'downloads test', log: () => {} });
  return services;
}

function settled(services: Services, id: string): Promise<Download> {
  return new Promise((resolve) => {
    const stop = services.events.listen((name, payload) => {
      if (name !== 'downloadsChanged') return;
      const download = (payload as { downloads: Download[] }).downloads.find((d) => d.id === id);
      if (download && ['done', 'failed', 'paused'].includes(download.state)) {
        stop();
        resolve(download);
      }
    });
  });
}

describe('downloads on the services', () => {
  it('downloads from the hub in the settings, and the library offers the verified model', async () => {
    hub.addFile('microsoft/test-gguf', 'ggml-model-i2_s.gguf', model);
    const { handlers } = open();
    await handlers.updateSettings({ hubEndpoint: hub.endpoint });
    expect(await handlers.getHubInfo({})).toMatchObject({ endpoint: hub.endpoint, endpointFrom: 'setting', canSaveToken: false });
    const added = await handlers.addDownload({ source: 'microsoft/test-gguf' });
    const done = await settled(services!, added.id);
    expect(done).toMatchObject({ state: 'done', verified: true });
    const list = await handlers.listModels({});
    expect(list.models).toEqual([
      expect.objectContaining({ fileName: 'ggml-model-i2_s.gguf', problem: null, verified: true, origin: 'microsoft/test-gguf/ggml-model-i2_s.gguf' }),
    ]);
    expect(await handlers.loadModel({ modelId: done.modelId! })).toMatchObject({ state: 'ready' });
  });

  it('the next start picks up a download the last one left under way', async () => {
    hub.addFile('o/r', 'm.gguf', model);
    hub.behave.bytesPerSecond = 300_000;
    const first = open();
    await first.handlers.updateSettings({ hubEndpoint: hub.endpoint });
    const added = await first.handlers.addDownload({ source: 'o/r/m.gguf' });
    await expect.poll(() => first.downloads.get(added.id).receivedBytes, { timeout: 10_000 }).toBeGreaterThan(20_000);
    await first.close();
    hub.behave.bytesPerSecond = undefined;

    const second = open();
    const done = await settled(second, added.id);
    expect(done.state).toBe('done');
    const gets = hub.requests.filter((r) => r.method === 'GET' && r.server === 'cdn');
    expect(gets.at(-1)!.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('the headless host keeps no token: it says to set HF_TOKEN', async () => {
    const { handlers } = open();
    await expect(Promise.resolve().then(() => handlers.setHubToken({ token: 'hf_x' }))).rejects.toThrow(/set HF_TOKEN/);
  });
});
