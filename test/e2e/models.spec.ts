/**
 * Models, end to end: `tern serve` with HF_ENDPOINT at a local server that behaves like the hub.
 * A model is added by repo and file, paused and resumed, picked up from its partial file after
 * the host is stopped (SIGTERM) or killed (SIGKILL), listed only once verified, and answers in
 * a chat; a file with the wrong sha256 and a text file named .gguf are refused with their reasons
 * and never offered, and the app stays up.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeHub, startFakeHub } from '../support/fake-hub';
import type { TernHost } from './fixtures/host';
import { CHAT_MODEL_NAME, chatModel } from './fixtures/model';
import { expect, test } from './fixtures/test';
import type { TernApp } from './pages/app';

const REPO = 'tern-test/chat-e2e-gguf';
const MB = 1024 * 1024;
const SMALL = join(__dirname, '..', 'fixtures', 'models', 'synth-bitnet-b1.58-i2_s.gguf');

let hub: FakeHub;
let model: Buffer;

test.beforeAll(() => {
  model = readFileSync(chatModel());
});

test.beforeEach(async () => {
  hub = await startFakeHub();
  hub.addFile(REPO, CHAT_MODEL_NAME, model);
});

test.afterEach(async () => {
  await hub.close();
});

/** The host again, now pointed at the fake hub, and the page on it. */
async function onTheHub(host: TernHost, app: TernApp): Promise<void> {
  await host.restart({ env: { HF_ENDPOINT: hub.endpoint } });
  await app.open(host.url);
}

function partSize(host: TernHost): number {
  try {
    return statSync(join(host.dataDir, 'models', `${CHAT_MODEL_NAME}.part`)).size;
  } catch {
    return 0;
  }
}

/** The Range of the content requests (to the CDN) made since `from`. */
function rangesSince(from: number): (string | undefined)[] {
  return hub.requests
    .slice(from)
    .filter((r) => r.method === 'GET' && r.server === 'cdn')
    .map((r) => r.headers.range as string | undefined);
}

test.describe('models', () => {
  test('add a repo file, pause and resume, listed once verified, and the chat answers with it', async ({ host, app }) => {
    await onTheHub(host, app);
    hub.behave.bytesPerSecond = 20 * MB;
    await app.models.open();
    await expect(app.models.installedModel(CHAT_MODEL_NAME)).toHaveCount(0);
    await app.models.add(`${REPO}/${CHAT_MODEL_NAME}`);

    const row = app.models.download(CHAT_MODEL_NAME);
    await expect(app.models.progress(CHAT_MODEL_NAME)).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => partSize(host), { timeout: 30_000 }).toBeGreaterThan(4 * MB);
    await row.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(row.getByRole('button', { name: 'Resume', exact: true })).toBeVisible();
    const paused = partSize(host);
    await expect(app.models.installedModel(CHAT_MODEL_NAME)).toHaveCount(0);

    const mark = hub.requests.length;
    hub.behave.bytesPerSecond = undefined;
    await row.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(app.models.installedModel(CHAT_MODEL_NAME)).toBeVisible({ timeout: 60_000 });
    await expect(app.models.installedModel(CHAT_MODEL_NAME)).toContainText('Verified');
    expect(rangesSince(mark)[0]).toBe(`bytes=${paused}-`);
    expect(hub.bytesServed(CHAT_MODEL_NAME)).toBeLessThanOrEqual(model.length + 64 * MB);

    await app.models.openButton.click();
    await app.sidebar.create();
    await app.chat.chooseModel(CHAT_MODEL_NAME);
    await app.chat.send('Hello from a downloaded model');
    const reply = app.chat.lastReply();
    await expect(app.chat.text(reply)).not.toHaveText('', { timeout: 60_000 });
    await app.chat.stop();
    await app.chat.waitForReply('interrupted');
  });

  test('a host stopped (SIGTERM) or killed (SIGKILL) mid-download resumes from the .part size', async ({ host, app }) => {
    await onTheHub(host, app);
    hub.behave.bytesPerSecond = 10 * MB;
    await app.models.open();
    await app.models.add(`${REPO}/${CHAT_MODEL_NAME}`);
    await expect.poll(() => partSize(host), { timeout: 30_000 }).toBeGreaterThan(3 * MB);

    await host.stop();
    const afterStop = partSize(host);
    let mark = hub.requests.length;
    await host.start();
    await expect.poll(() => rangesSince(mark).length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(rangesSince(mark)[0]).toBe(`bytes=${afterStop}-`);

    await expect.poll(() => partSize(host), { timeout: 30_000 }).toBeGreaterThan(afterStop + 3 * MB);
    await host.kill();
    const afterKill = partSize(host);
    mark = hub.requests.length;
    hub.behave.bytesPerSecond = undefined;
    await host.start();
    await expect.poll(() => rangesSince(mark).length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(rangesSince(mark)[0]).toBe(`bytes=${afterKill}-`);

    await app.open(host.url);
    await app.models.open();
    await expect(app.models.installedModel(CHAT_MODEL_NAME)).toBeVisible({ timeout: 60_000 });
    expect(readFileSync(join(host.dataDir, 'models', CHAT_MODEL_NAME)).equals(model)).toBe(true);
  });

  test('a wrong sha256 and a text file named .gguf are refused with their reasons, never offered', async ({ host, app }) => {
    hub.addFile('tern-test/bad', 'wrong-hash.gguf', readFileSync(SMALL), { sha256Override: 'ab'.repeat(32) });
    hub.addFile('tern-test/bad', 'notes.gguf', Buffer.from('These are my notes, not a model.\n'.repeat(200)));
    await onTheHub(host, app);
    await app.models.open();

    await app.models.add('tern-test/bad/wrong-hash.gguf');
    const wrong = app.models.downloads.getByRole('listitem').filter({ hasText: 'wrong-hash.gguf' });
    await expect(wrong).toContainText(/sha256/, { timeout: 30_000 });
    await expect(wrong).toContainText(/set aside/);

    await app.models.add('tern-test/bad/notes.gguf');
    await expect(app.models.root.getByText(/not a GGUF|GGUF/i).first()).toBeVisible({ timeout: 30_000 });

    await expect(app.models.installed.getByRole('listitem')).toHaveCount(0);
    await app.models.openButton.click();
    await app.sidebar.create();
    const offered = await app.chat.modelOptions();
    expect(offered.join('\n')).not.toMatch(/wrong-hash|notes/);
    await app.expectConnected();
  });
});
