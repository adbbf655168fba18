/**
 * The download service against a local server that behaves like the hub: every case ends in a
 * verified model in the library or a clear error, and never in a corrupt file being offered.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AddDownload, Download, DownloadList } from '../../../electron/common/contract';
import { DownloadService, type DownloadServiceOptions } from '../../../electron/services/downloads/service';
import { ModelLibrary } from '../../../electron/services/models/library';
import { loadAddon } from '../../../electron/services/native';
import { type FakeHub, startFakeHub } from '../../support/fake-hub';
import { type TempStore, createTempStore } from '../store/temp-store';

const model = readFileSync(join(__dirname, '../../fixtures/models/synth-bitnet-b1.58-i2_s.gguf'));
const vocabOnly = readFileSync(join(__dirname, '../../fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf'));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const REPO = 'microsoft/bitnet-test';

let hub: FakeHub;
let temp: TempStore;
let folder: string;
let library: ModelLibrary;
let service: DownloadService;
let token: string | null;
let events: DownloadList[];

beforeEach(async () => {
  hub = await startFakeHub();
  temp = createTempStore();
  folder = join(temp.dir, 'models');
  token = null;
  events = [];
});

afterEach(async () => {
  await service?.close();
  await hub.close();
  temp.cleanup();
});

function start(options: Partial<DownloadServiceOptions> = {}): DownloadService {
  const addon = loadAddon();
  const downloads = temp.store.downloads;
  library = new ModelLibrary({
    folder,
    cache: temp.store.modelFiles,
    inspect: (path) => addon.inspect(path),
    facts: (m) => service.provenance(m.id),
  });
  service = new DownloadService({
    repository: downloads,
    folder: () => library.folder,
    hub: () => ({ endpoint: hub.endpoint, token }),
    parallel: () => 2,
    inspect: (path) => addon.inspect(path),
    adopt: (path, sha, inspection) => library.adopt(path, sha, inspection),
    retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
    progressIntervalMs: 20,
    ...options,
  });
  service.onChange((list) => events.push(list));
  return service;
}

async function download(request: AddDownload): Promise<Download> {
  const added = await service.add(request);
  const settled = await service.whenSettled(added.id);
  if (!settled) throw new Error('the download vanished');
  return settled;
}

function contentGets() {
  return hub.requests.filter((r) => r.method === 'GET' && r.server === 'cdn');
}

/** No .gguf in the folder that is not the expected content, and no .part left. */
function expectFolderHolds(names: string[]) {
  expect(readdirSync(folder).filter((name) => name.endsWith('.gguf')).sort()).toEqual(names.sort());
}

describe('downloads from the hub', () => {
  it('asks the tree API, follows the 302 to the CDN, verifies the sha256 and hands the model to the library', async () => {
    hub.addFile(REPO, 'ggml-model-i2_s.gguf', model);
    start();
    const files = await service.listRepoFiles(REPO);
    expect(files.files).toEqual([{ path: 'ggml-model-i2_s.gguf', sizeBytes: model.length, sha256: sha256(model) }]);

    const done = await download({ source: `${REPO}/ggml-model-i2_s.gguf` });
    expect(done).toMatchObject({ state: 'done', verified: true, error: null, receivedBytes: model.length, totalBytes: model.length });
    expect(done.modelId).toBe(sha256(model));
    expect(readFileSync(join(folder, 'ggml-model-i2_s.gguf'))).toEqual(model);
    expect(existsSync(join(folder, 'ggml-model-i2_s.gguf.part'))).toBe(false);
    const listed = library.get(sha256(model));
    expect(listed).toMatchObject({ problem: null, origin: `${REPO}/ggml-model-i2_s.gguf`, verified: true });
    // HEAD on the resolve URL (not followed), then the bytes from the CDN on the other port.
    expect(hub.requests.some((r) => r.method === 'HEAD' && r.server === 'hub' && r.status === 302)).toBe(true);
    expect(contentGets()).toHaveLength(1);
    expect(hub.bytesServed()).toBe(model.length);
  });

  it('takes the only .gguf of a repo given as owner/repo, and asks for a choice when there are several', async () => {
    hub.addFile(REPO, 'README.md', Buffer.from('# a model'), { lfs: false });
    hub.addFile(REPO, 'model.gguf', model);
    start();
    expect(await download({ source: REPO })).toMatchObject({ state: 'done', fileName: 'model.gguf' });
    hub.addFile('o/two', 'a.gguf', model);
    hub.addFile('o/two', 'b.gguf', model);
    await expect(service.add({ source: 'o/two' })).rejects.toThrow(/2 \.gguf files; choose one: a\.gguf, b\.gguf/);
    expect((await download({ source: 'o/two', file: 'b.gguf' })).state).toBe('done');
  });

  it('accepts a hub URL as a hub file (verified), and refuses plain HTTP to another machine', async () => {
    const added = hub.addFile(REPO, 'm.gguf', model);
    start();
    const done = await download({ source: added.url });
    expect(done).toMatchObject({ state: 'done', verified: true, source: { kind: 'hub', repo: REPO, file: 'm.gguf', revision: 'main' } });
    await expect(service.add({ source: 'http://example.com/m.gguf' })).rejects.toThrow(/only HTTPS/);
    await expect(service.add({ source: 'ftp://example.com/m.gguf' })).rejects.toThrow(/cannot be downloaded/);
  });

  it('resumes a dropped connection with Range from the bytes on disk', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.dropAfterBytes = 300_000;
    start();
    expect((await download({ source: `${REPO}/m.gguf` })).state).toBe('done');
    const gets = contentGets();
    expect(gets).toHaveLength(2);
    expect(gets[0]!.headers.range).toBeUndefined();
    // The second asks from what reached the disk (at most what the server sent before the drop).
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(String(gets[1]!.headers.range))?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(gets[0]!.bytesSent);
    expect(gets[1]!.status).toBe(206);
    expect(gets[1]!.bytesSent).toBe(model.length - resumedAt);
    expect(readFileSync(join(folder, 'm.gguf'))).toEqual(model);
  });

  it('starts over when the server ignores Range (200), and the file is still whole', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.bytesPerSecond = 400_000;
    start();
    const added = await service.add({ source: `${REPO}/m.gguf` });
    await until(() => partBytes('m.gguf') > 50_000);
    service.pause(added.id);
    await service.whenSettled(added.id);
    const onDisk = partBytes('m.gguf');
    hub.behave = { ignoreRange: true };
    service.resume(added.id);
    expect((await service.whenSettled(added.id))?.state).toBe('done');
    const last = contentGets().at(-1)!;
    expect([last.headers.range, last.status, last.bytesSent]).toEqual([`bytes=${onDisk}-`, 200, model.length]);
    expect(readFileSync(join(folder, 'm.gguf'))).toEqual(model);
  });

  it('retries 5xx answers with backoff, then succeeds', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.failTimes = 2;
    start();
    expect((await download({ source: `${REPO}/m.gguf` })).state).toBe('done');
    expect(contentGets().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('fails with the reason after the retries run out, and Resume tries again', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.failTimes = 4;
    start();
    const failed = await download({ source: `${REPO}/m.gguf` });
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/503.*gave up after 4 tries/);
    expectFolderHolds([]);
    service.resume(failed.id);
    expect((await service.whenSettled(failed.id))?.state).toBe('done');
  });

  it('sets aside a file whose sha256 is not the hub’s, and never lists it', async () => {
    hub.addFile(REPO, 'm.gguf', model, { sha256Override: 'ab'.repeat(32) });
    start();
    const failed = await download({ source: `${REPO}/m.gguf` });
    expect(failed.state).toBe('failed');
    expect(failed.error).toContain(`sha256 is ${sha256(model)}, not ${'ab'.repeat(32)}`);
    expect(failed.error).toContain('set aside as m.gguf.rejected');
    expectFolderHolds([]);
    expect(existsSync(join(folder, 'm.gguf.rejected'))).toBe(true);
    expect((await library.scan()).models).toEqual([]);
  });

  it('refuses a file the engine cannot run, with the engine’s reason, and sets it aside', async () => {
    hub.addFile(REPO, 'vocab.gguf', vocabOnly);
    hub.addFile(REPO, 'notes.gguf', Buffer.from('this is a text file, not a model\n'.repeat(100)));
    start();
    const vocab = await download({ source: `${REPO}/vocab.gguf` });
    expect(vocab).toMatchObject({ state: 'failed' });
    expect(vocab.error).toMatch(/the engine cannot run this file: the file holds a tokenizer but no weights/);
    const text = await download({ source: `${REPO}/notes.gguf` });
    expect(text.state).toBe('failed');
    expect(text.error).toMatch(/the engine cannot run this file: .*GGUF/i);
    expectFolderHolds([]);
    expect((await library.scan()).models).toEqual([]);
  });

  it('keeps a whole file when the engine itself fails (not the file), and checks it again on Resume', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    const addon = loadAddon();
    let engineUp = false;
    start({
      inspect: async (path) => {
        if (!engineUp) throw new Error('the engine stopped (it crashed)');
        return addon.inspect(path);
      },
    });
    const failed = await download({ source: `${REPO}/m.gguf` });
    expect(failed).toMatchObject({ state: 'failed', receivedBytes: model.length });
    expect(failed.error).toMatch(/the engine could not look at the file: the engine stopped.*Resume tries again/);
    expect(existsSync(join(folder, 'm.gguf.part'))).toBe(true);
    expect(existsSync(join(folder, 'm.gguf.rejected'))).toBe(false);
    engineUp = true;
    service.resume(failed.id);
    expect((await service.whenSettled(failed.id))?.state).toBe('done');
    expect(hub.bytesServed()).toBe(model.length);
  });

  it('refuses a hub file before downloading when the sha256 given is not the hub’s', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    start();
    const failed = await download({ source: `${REPO}/m.gguf`, sha256: 'ef'.repeat(32) });
    expect(failed.state).toBe('failed');
    expect(failed.error).toContain(`the hub says m.gguf has sha256 ${sha256(model)}, not ${'ef'.repeat(32)} as given`);
    expect(contentGets()).toHaveLength(0);
  });

  it('says a gated repo needs a token, sends the token to the hub only, never to the CDN', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.requireToken = 'hf_secret';
    start();
    await expect(service.add({ source: REPO })).rejects.toThrow(/gated or private: it needs a Hugging Face token/);
    const failed = await download({ source: `${REPO}/m.gguf` });
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed.error).toMatch(/needs a Hugging Face token \(set HF_TOKEN/);

    token = 'hf_wrong';
    service.resume(failed.id);
    expect((await service.whenSettled(failed.id))?.error).toMatch(/no access to microsoft\/bitnet-test/);

    token = 'hf_secret';
    service.resume(failed.id);
    expect((await service.whenSettled(failed.id))?.state).toBe('done');
    const withToken = hub.requests.filter((r) => r.headers.authorization === 'Bearer hf_secret');
    expect(withToken.length).toBeGreaterThan(0);
    expect(withToken.every((r) => r.server === 'hub')).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'cdn').every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('reports progress with speed and ETA on a slow stream, throttled', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.bytesPerSecond = 800_000;
    start();
    expect((await download({ source: `${REPO}/m.gguf` })).state).toBe('done');
    const progress = events.flatMap((list) => list.downloads).filter((d) => d.state === 'downloading' && d.receivedBytes > 0);
    expect(progress.length).toBeGreaterThan(3);
    const received = progress.map((d) => d.receivedBytes);
    expect([...received].sort((a, b) => a - b)).toEqual(received);
    const timed = progress.filter((d) => d.bytesPerSecond !== null);
    expect(timed.length).toBeGreaterThan(0);
    expect(timed.every((d) => d.bytesPerSecond! > 0 && d.etaSeconds !== null)).toBe(true);
    // Far fewer events than chunks: at most one per interval while bytes flow.
    expect(progress.length).toBeLessThan(200);
  });

  it('pauses and resumes from the bytes on disk', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.bytesPerSecond = 400_000;
    start();
    const added = await service.add({ source: `${REPO}/m.gguf` });
    await until(() => partBytes('m.gguf') > 100_000);
    const paused = service.pause(added.id);
    expect((await service.whenSettled(added.id))?.state).toBe('paused');
    const onDisk = partBytes('m.gguf');
    expect(service.get(added.id).receivedBytes).toBe(onDisk);
    hub.behave.bytesPerSecond = undefined;
    service.resume(paused.id);
    expect((await service.whenSettled(added.id))?.state).toBe('done');
    const last = contentGets().at(-1)!;
    expect(last.headers.range).toBe(`bytes=${onDisk}-`);
    expect(readFileSync(join(folder, 'm.gguf'))).toEqual(model);
  });

  it('cancel stops the download and deletes its partial file', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.bytesPerSecond = 200_000;
    start();
    const added = await service.add({ source: `${REPO}/m.gguf` });
    await until(() => partBytes('m.gguf') > 0);
    await service.cancel(added.id);
    expect(existsSync(join(folder, 'm.gguf.part'))).toBe(false);
    expect(service.list().downloads).toEqual([]);
  });

  it('runs two at once by default and queues the rest', async () => {
    for (const name of ['a', 'b', 'c']) hub.addFile(REPO, `${name}.gguf`, model);
    hub.behave.bytesPerSecond = 300_000;
    start();
    const added = await Promise.all(['a', 'b', 'c'].map((name) => service.add({ source: `${REPO}/${name}.gguf` })));
    await until(() => service.list().downloads.filter((d) => d.state === 'downloading').length === 2);
    expect(service.list().downloads.map((d) => d.state)).toEqual(['downloading', 'downloading', 'queued']);
    hub.behave.bytesPerSecond = undefined;
    const settled = await Promise.all(added.map((d) => service.whenSettled(d.id)));
    expect(settled.map((d) => d?.state)).toEqual(['done', 'done', 'done']);
  });

  it('gives files of the same name from two repos names of their own', async () => {
    hub.addFile('a/one', 'ggml-model-i2_s.gguf', model);
    hub.addFile('b/two', 'ggml-model-i2_s.gguf', model);
    start();
    expect((await download({ source: 'a/one/ggml-model-i2_s.gguf' })).fileName).toBe('ggml-model-i2_s.gguf');
    expect((await download({ source: 'b/two/ggml-model-i2_s.gguf' })).fileName).toBe('two-ggml-model-i2_s.gguf');
  });

  it('the same file asked for twice is one download', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    start();
    const first = await download({ source: `${REPO}/m.gguf` });
    const again = await service.add({ source: `${REPO}/m.gguf` });
    expect(again.id).toBe(first.id);
    expect(service.list().downloads).toHaveLength(1);
    expect(contentGets()).toHaveLength(1);
  });
});

describe('after a restart', () => {
  it('picks up a download left under way (a kill -9) from the partial file’s size', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    start();
    const added = await service.add({ source: `${REPO}/m.gguf` });
    await service.close();
    // What a killed process leaves: the row still 'downloading', some bytes in the partial file.
    temp.store.downloads.update(added.id, { state: 'downloading' });
    writeFileSync(join(folder, 'm.gguf.part'), model.subarray(0, 123_456));
    hub.requests.length = 0;

    start().start();
    expect((await service.whenSettled(added.id))?.state).toBe('done');
    expect(contentGets().map((r) => r.headers.range)).toEqual(['bytes=123456-']);
    expect(hub.bytesServed()).toBe(model.length - 123_456);
    expect(readFileSync(join(folder, 'm.gguf'))).toEqual(model);
  });

  it('asking again for a download a killed process left under way resumes it (tern pull run again)', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    start();
    const added = await service.add({ source: `${REPO}/m.gguf` });
    await service.close();
    temp.store.downloads.update(added.id, { state: 'downloading' });
    writeFileSync(join(folder, 'm.gguf.part'), model.subarray(0, 54_321));
    hub.requests.length = 0;

    start(); // no start(): only what is asked for runs
    const again = await service.add({ source: `${REPO}/m.gguf` });
    expect(again.id).toBe(added.id);
    expect((await service.whenSettled(added.id))?.state).toBe('done');
    expect(contentGets().map((r) => r.headers.range)).toEqual(['bytes=54321-']);
  });

  it('a clean stop leaves running downloads queued, to resume at the next start', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    hub.behave.bytesPerSecond = 300_000;
    start();
    const added = await service.add({ source: `${REPO}/m.gguf` });
    await until(() => partBytes('m.gguf') > 50_000);
    await service.close();
    expect(temp.store.downloads.get(added.id)?.state).toBe('queued');
    const onDisk = partBytes('m.gguf');
    hub.behave.bytesPerSecond = undefined;
    start().start();
    expect((await service.whenSettled(added.id))?.state).toBe('done');
    expect(contentGets().at(-1)!.headers.range).toBe(`bytes=${onDisk}-`);
  });
});

describe('direct URLs', () => {
  it('are labelled unverified without a sha256, and verified with the right one', async () => {
    const url = hub.addDirect('files/model.gguf', model);
    start();
    const plain = await download({ source: url });
    expect(plain).toMatchObject({ state: 'done', verified: false, expectedSha256: null });
    expect(library.get(sha256(model))).toMatchObject({ verified: false, origin: url });
    await service.remove(plain.id);

    const other = hub.addDirect('files/other.gguf', model);
    expect(await download({ source: other, sha256: sha256(model).toUpperCase() })).toMatchObject({ state: 'done', verified: true });
    const wrong = hub.addDirect('files/wrong.gguf', model);
    const refused = await download({ source: wrong, sha256: 'cd'.repeat(32) });
    expect(refused.state).toBe('failed');
    expect(refused.error).toMatch(/not (cd){32} as given/);
  });

  it('sends If-Range with the ETag, so a changed file starts over instead of being spliced', async () => {
    const url = hub.addDirect('m.gguf', model);
    hub.behave.bytesPerSecond = 400_000;
    start();
    const added = await service.add({ source: url });
    await until(() => partBytes('m.gguf') > 20_000);
    service.pause(added.id);
    await service.whenSettled(added.id);
    hub.behave.bytesPerSecond = undefined;
    service.resume(added.id);
    expect((await service.whenSettled(added.id))?.state).toBe('done');
    const last = hub.requests.filter((r) => r.method === 'GET').at(-1)!;
    expect(last.headers['if-range']).toMatch(/^"[0-9a-f]{40}"$/);
    expect(last.status).toBe(206);
  });
});

describe('a full disk', () => {
  it('is found before starting: the download waits, paused, with the numbers', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    start({ freeBytes: async () => 1000 });
    const paused = await download({ source: `${REPO}/m.gguf` });
    expect(paused.state).toBe('paused');
    expect(paused.error).toMatch(/not enough free disk: m\.gguf needs .* which has 1 MB free/);
    expect(contentGets()).toHaveLength(0);
  });

  it('pauses on ENOSPC mid-download with a message, keeps the good bytes, and resumes once there is room', async () => {
    hub.addFile(REPO, 'm.gguf', model);
    let room = 200_000;
    start({
      openFile: (path, flags) => {
        const file = createWriteStream(path, { flags });
        // Writes go through until the pretend disk is full, then fail as a full disk does.
        return new Proxy(file, {
          get(target, key, receiver) {
            if (key === 'write') {
              return (chunk: Buffer, ...rest: unknown[]) => {
                if (room - chunk.length < 0) {
                  target.destroy(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
                  return false;
                }
                room -= chunk.length;
                return (target.write as (...args: unknown[]) => boolean)(chunk, ...rest);
              };
            }
            const value = Reflect.get(target, key, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }) as unknown as ReturnType<typeof createWriteStream>;
      },
    });
    const paused = await download({ source: `${REPO}/m.gguf` });
    expect(paused.state).toBe('paused');
    expect(paused.error).toMatch(/the disk is full/);
    const kept = partBytes('m.gguf');
    expect(kept).toBeGreaterThan(0);
    expect(readFileSync(join(folder, 'm.gguf.part'))).toEqual(model.subarray(0, kept));
    expectFolderHolds([]);

    room = Number.POSITIVE_INFINITY;
    service.resume(paused.id);
    expect((await service.whenSettled(paused.id))?.state).toBe('done');
    expect(readFileSync(join(folder, 'm.gguf'))).toEqual(model);
  });
});

function partBytes(name: string): number {
  try {
    return readFileSync(join(folder, `${name}.part`)).length;
  } catch {
    return 0;
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

