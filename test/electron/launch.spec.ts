/**
 * Electron-launch smoke test: the packaged-to-be app starts in Electron, its window opens on the
 * app's own page, the contract answers over IPC through the preload, and a conversation is
 * created from the window and listed. Run with `npm run test:electron` where the Electron binary
 * is installed (playwright.electron.config.ts); not part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';

const root = resolve(__dirname, '..', '..');
let app: ElectronApplication;
let window: Page;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tern-electron-'));
  app = await electron.launch({
    // Linux CI runners forbid the unprivileged user namespaces Chromium's sandbox wants.
    args: [...(process.platform === 'linux' ? ['--no-sandbox'] : []), join(root, 'out', 'main', 'index.js'), '--data-dir', dataDir],
    cwd: root,
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
  });
  window = await app.firstWindow();
  await window.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the window opens on the app page', async () => {
  expect(new URL(window.url()).protocol).toBe('tern:');
  await expect(window).toHaveTitle('Tern');
  await expect(window.getByRole('region', { name: 'Conversations' })).toBeVisible();
});

test('the contract answers through the preload', async () => {
  const info = await window.evaluate(() => (window as unknown as { tern: { getAppInfo(r: object): Promise<unknown> } }).tern.getAppInfo({}));
  expect(info).toMatchObject({ ok: true, value: { name: 'Tern', host: 'electron', dataDir } });
});

test('a conversation is created and listed', async () => {
  const sidebar = window.getByRole('region', { name: 'Conversations' });
  await sidebar.getByRole('button', { name: 'New conversation' }).click();
  await expect(sidebar.getByRole('navigation', { name: 'Conversation list' }).getByRole('button', { name: 'New conversation', exact: true })).toBeVisible();
  const listed = await window.evaluate(() =>
    (window as unknown as { tern: { listConversations(r: object): Promise<{ ok: boolean; value: unknown[] }> } }).tern.listConversations({}),
  );
  expect(listed.ok).toBe(true);
  expect(listed.value).toHaveLength(1);
});
