import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHub, startFakeHub } from '../../support/fake-hub';

const REPO = 'tern-tests/tiny-model';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

/** Deterministic bytes of a given length. */
function bytes(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 7) % 251));
}

let hub: FakeHub;
const model = bytes(10_000);
const config = Buffer.from('{"arch":"bitnet"}');

beforeEach(async () => {
  hub = await startFakeHub();
  hub.addFile(REPO, 'model.gguf', model);
  hub.addFile(REPO, 'config.json', config, { lfs: false });
  hub.addFile(REPO, 'sub/extra.gguf', bytes(100));
  hub.addFile(REPO, 'sub/deeper/more.gguf', bytes(50));
});
afterEach(() => hub.close());

const resolveUrl = (path: string, revision = 'main') => `${hub.endpoint}/${REPO}/resolve/${revision}/${path}`;
const treeUrl = (suffix = '') => `${hub.endpoint}/api/models/${REPO}/tree/main${suffix}`;

/** The cdn URL the hub redirects model.gguf to. */
async function cdnUrlOfModel(): Promise<string> {
  const res = await fetch(resolveUrl('model.gguf'), { method: 'HEAD', redirect: 'manual' });
  return res.headers.get('location') ?? '';
}

async function getBody(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

describe('the tree API', () => {
  it('lists files and the first level of folders, with lfs details for LFS files', async () => {
    const res = await fetch(treeUrl());
    expect(res.status).toBe(200);
    const entries = (await res.json()) as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.path)).toEqual(['config.json', 'model.gguf', 'sub']);
    const [configEntry, modelEntry, folder] = entries;
    expect(configEntry).toEqual({ type: 'file', oid: sha1(Buffer.concat([Buffer.from(`blob ${config.length}\0`), config])), size: config.length, path: 'config.json' });
    expect(modelEntry).toMatchObject({ type: 'file', size: model.length, path: 'model.gguf', lfs: { oid: sha256(model), size: model.length } });
    expect(modelEntry?.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(folder).toMatchObject({ type: 'directory', size: 0, path: 'sub' });
  });

  it('lists everything with recursive=true, a folder by path, and a revision by its commit sha', async () => {
    const recursive = (await (await fetch(treeUrl('?recursive=true'))).json()) as Array<{ path: string; type: string }>;
    expect(recursive.filter((e) => e.type === 'file').map((e) => e.path)).toEqual(['config.json', 'model.gguf', 'sub/deeper/more.gguf', 'sub/extra.gguf']);
    const folder = (await (await fetch(treeUrl('/sub'))).json()) as Array<{ path: string }>;
    expect(folder.map((e) => e.path)).toEqual(['sub/deeper', 'sub/extra.gguf']);
    const commit = sha1(REPO);
    const byCommit = await fetch(`${hub.endpoint}/api/models/${REPO}/tree/${commit}`);
    expect(byCommit.status).toBe(200);
  });

  it('answers 404 with the hub error codes for an unknown repo or revision', async () => {
    const noRepo = await fetch(`${hub.endpoint}/api/models/nobody/nothing/tree/main`);
    expect(noRepo.status).toBe(404);
    expect(noRepo.headers.get('x-error-code')).toBe('RepoNotFound');
    expect(await noRepo.json()).toEqual({ error: 'Repository not found' });
    const noRevision = await fetch(`${hub.endpoint}/api/models/${REPO}/tree/v9`);
    expect(noRevision.status).toBe(404);
    expect(noRevision.headers.get('x-error-code')).toBe('RevisionNotFound');
  });
});

describe('resolve', () => {
  it('redirects an LFS file to the cdn with the linked headers', async () => {
    const res = await fetch(resolveUrl('model.gguf'), { method: 'HEAD', redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin).toBe(hub.cdnOrigin);
    expect(location.origin).not.toBe(hub.endpoint);
    expect(location.pathname).toBe(`/blobs/${sha256(model)}`);
    expect(location.searchParams.get('signed')).toBeTruthy();
    expect(res.headers.get('x-repo-commit')).toBe(sha1(REPO));
    expect(res.headers.get('x-linked-etag')).toBe(`"${sha256(model)}"`);
    expect(res.headers.get('x-linked-size')).toBe(String(model.length));
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);

    const { res: cdn, body } = await getBody(location.href);
    expect(cdn.status).toBe(200);
    expect(cdn.headers.get('etag')).toBe(`"${sha256(model)}"`);
    expect(cdn.headers.get('accept-ranges')).toBe('bytes');
    expect(body.equals(model)).toBe(true);
  });

  it('serves a non-LFS file itself, and 404s a missing one with EntryNotFound', async () => {
    const { res, body } = await getBody(resolveUrl('config.json'));
    expect(res.status).toBe(200);
    expect(res.redirected).toBe(false);
    expect(res.headers.get('x-repo-commit')).toBe(sha1(REPO));
    expect(res.headers.get('x-linked-etag')).toBeNull();
    expect(body.equals(config)).toBe(true);

    const missing = await fetch(resolveUrl('nope.gguf'), { method: 'HEAD' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('EntryNotFound');
  });

  it('serves LFS content from the hub with noRedirect', async () => {
    hub.behave.noRedirect = true;
    const { res, body } = await getBody(resolveUrl('model.gguf'), { Range: 'bytes=10-' });
    expect(res.status).toBe(206);
    expect(res.headers.get('x-linked-etag')).toBe(`"${sha256(model)}"`);
    expect(body.equals(model.subarray(10))).toBe(true);
    expect(hub.requests.every((r) => r.server === 'hub')).toBe(true);
  });

  it('claims the overridden sha256 while serving the real bytes', async () => {
    const wrong = 'f'.repeat(64);
    hub.addFile(REPO, 'bad.gguf', bytes(300), { sha256Override: wrong });
    const tree = (await (await fetch(treeUrl())).json()) as Array<{ path: string; lfs?: { oid: string } }>;
    expect(tree.find((e) => e.path === 'bad.gguf')?.lfs?.oid).toBe(wrong);
    const res = await fetch(resolveUrl('bad.gguf'));
    expect(res.url.startsWith(hub.cdnOrigin)).toBe(true);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes(300))).toBe(true);
    const head = await fetch(resolveUrl('bad.gguf'), { method: 'HEAD', redirect: 'manual' });
    expect(head.headers.get('x-linked-etag')).toBe(`"${wrong}"`);
  });

  it('keeps files of other revisions apart', async () => {
    const added = hub.addFile(REPO, 'model.gguf', bytes(20), { revision: 'v2' });
    const byName = await getBody(resolveUrl('model.gguf', 'v2'));
    expect(byName.body.equals(bytes(20))).toBe(true);
    const byCommit = await getBody(resolveUrl('model.gguf', added.commit));
    expect(byCommit.body.equals(bytes(20))).toBe(true);
    const head = await fetch(resolveUrl('model.gguf', 'v2'), { method: 'HEAD', redirect: 'manual' });
    expect(head.headers.get('x-repo-commit')).toBe(added.commit);
    expect(added.commit).not.toBe(sha1(REPO));
    expect((await getBody(resolveUrl('model.gguf'))).body.equals(model)).toBe(true);
  });
});

describe('ranges on the cdn', () => {
  it('answers 206 for a range, 416 past the end, and 200 when If-Range does not match', async () => {
    const url = await cdnUrlOfModel();
    const open = await getBody(url, { Range: 'bytes=9000-' });
    expect(open.res.status).toBe(206);
    expect(open.res.headers.get('content-range')).toBe(`bytes 9000-9999/${model.length}`);
    expect(open.body.equals(model.subarray(9000))).toBe(true);

    const closed = await getBody(url, { Range: 'bytes=10-19' });
    expect(closed.res.status).toBe(206);
    expect(closed.res.headers.get('content-length')).toBe('10');
    expect(closed.body.equals(model.subarray(10, 20))).toBe(true);

    const past = await fetch(url, { headers: { Range: `bytes=${model.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${model.length}`);

    const stale = await getBody(url, { Range: 'bytes=10-', 'If-Range': '"something-else"' });
    expect(stale.res.status).toBe(200);
    expect(stale.body.length).toBe(model.length);
  });

  it('sends the whole body with 200 under ignoreRange', async () => {
    hub.behave.ignoreRange = true;
    const { res, body } = await getBody(await cdnUrlOfModel(), { Range: 'bytes=5000-' });
    expect(res.status).toBe(200);
    expect(body.equals(model)).toBe(true);
  });

  it('serves direct files with Range and a sha1 ETag', async () => {
    const content = bytes(500);
    const url = hub.addDirect('files/model.gguf', content);
    expect(url).toBe(`${hub.cdnOrigin}/direct/files/model.gguf`);
    const { res, body } = await getBody(url, { Range: 'bytes=100-' });
    expect(res.status).toBe(206);
    expect(res.headers.get('etag')).toBe(`"${sha1(content)}"`);
    expect(body.equals(content.subarray(100))).toBe(true);
    expect(hub.bytesServed('files/model.gguf')).toBe(400);
  });
});

describe('failure behaviours', () => {
  it('drops the connection after dropAfterBytes, once by default', async () => {
    const url = await cdnUrlOfModel();
    hub.behave.dropAfterBytes = 1234;
    await expect(fetch(url).then((res) => res.arrayBuffer())).rejects.toThrow();
    const dropped = hub.requests.at(-1);
    expect(dropped?.status).toBe(200);
    expect(dropped?.bytesSent).toBe(1234);
    expect(hub.behave.dropAfterBytes).toBeUndefined();

    const { body } = await getBody(url);
    expect(body.equals(model)).toBe(true);
    expect(hub.bytesServed('model.gguf')).toBe(1234 + model.length);
  });

  it('drops dropTimes times', async () => {
    const url = await cdnUrlOfModel();
    hub.behave.dropAfterBytes = 10;
    hub.behave.dropTimes = 2;
    await expect(fetch(url).then((res) => res.arrayBuffer())).rejects.toThrow();
    await expect(fetch(url).then((res) => res.arrayBuffer())).rejects.toThrow();
    expect((await getBody(url)).body.length).toBe(model.length);
  });

  it('answers 503 failTimes times, then serves', async () => {
    const url = await cdnUrlOfModel();
    hub.behave.failTimes = 2;
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(200);
    expect(hub.requests.filter((r) => r.server === 'cdn').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('asks for a token with requireToken: 401 without, 403 with a wrong one, and no token on the cdn', async () => {
    hub.behave.requireToken = 'hf_secret';
    const none = await fetch(resolveUrl('model.gguf'), { method: 'HEAD', redirect: 'manual' });
    expect(none.status).toBe(401);
    expect(none.headers.get('x-error-code')).toBe('GatedRepo');
    const noneTree = await fetch(treeUrl());
    expect(noneTree.status).toBe(401);
    expect(typeof ((await noneTree.json()) as { error: unknown }).error).toBe('string');

    const wrong = await fetch(treeUrl(), { headers: { Authorization: 'Bearer hf_wrong' } });
    expect(wrong.status).toBe(403);

    const right = await getBody(resolveUrl('model.gguf'), { Authorization: 'Bearer hf_secret' });
    expect(right.res.status).toBe(200);
    expect(right.body.equals(model)).toBe(true);
    const cdnRequests = hub.requests.filter((r) => r.server === 'cdn');
    expect(cdnRequests).toHaveLength(1);
    expect(cdnRequests[0]?.headers.authorization).toBeUndefined();
  });

  it('throttles to about bytesPerSecond', async () => {
    const url = await cdnUrlOfModel();
    hub.behave.bytesPerSecond = 20_000; // 10 000 bytes: about half a second
    const started = Date.now();
    const { body } = await getBody(url);
    expect(body.equals(model)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('survives a client abort, and close() ends a throttled download at once', async () => {
    const url = await cdnUrlOfModel();
    hub.behave.bytesPerSecond = 200; // 50 seconds for the whole file
    const controller = new AbortController();
    const aborted = fetch(url, { signal: controller.signal }).then((res) => res.arrayBuffer());
    await new Promise((resolve) => setTimeout(resolve, 120));
    controller.abort();
    await expect(aborted).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const sent = hub.requests.at(-1)?.bytesSent ?? 0;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(model.length);

    const stalled = fetch(url).then((res) => res.arrayBuffer());
    stalled.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 120));
    const started = Date.now();
    await hub.close();
    await expect(stalled).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
