import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { TernApp } from './pages/app';

/**
 * Puts the page's WebSocket to the host behind a switch: connected straight through while the
 * network is "up"; dropped, and new connections refused, while it is "down". The host keeps
 * running, so this is a network drop, not a restart.
 */
async function networkSwitch(page: Page) {
  let up = true;
  const open = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/ws/, async (ws) => {
    if (!up) {
      await ws.close({ code: 1011, reason: 'test: network down' });
      return;
    }
    open.add(ws);
    ws.onClose(() => open.delete(ws));
    ws.connectToServer();
  });
  return {
    async down() {
      up = false;
      await Promise.all([...open].map((ws) => ws.close({ code: 1011, reason: 'test: network down' })));
      open.clear();
    },
    up() {
      up = true;
    },
  };
}

test('says so while the connection is down, and recovers by itself', async ({ page, host }) => {
  const network = await networkSwitch(page);
  const app = new TernApp(page);
  await app.open(host.url);
  await app.sidebar.create('Before the drop');
  await app.expectConnected();

  await network.down();
  await expect(app.connectionBanner).toBeVisible();
  await expect(app.connectionBanner).toContainText('Lost the connection to the Tern host. Reconnecting');
  // Still down a while later: the banner stays while reconnect attempts fail.
  await page.waitForTimeout(1500);
  await expect(app.connectionBanner).toBeVisible();
  await app.sidebar.expectTitles(['Before the drop']);

  network.up();
  await expect(app.connectionBanner).toHaveCount(0, { timeout: 20_000 });
  await app.sidebar.create('After the drop');
  await app.sidebar.expectTitles(['After the drop', 'Before the drop']);
});

test('says so when the host stops, and reconnects by itself when it is back on the same port', async ({ app, host }) => {
  await app.sidebar.create('Kept on disk');
  const port = host.port;
  const urlBefore = host.url;
  await host.stop();
  await expect(app.connectionBanner).toBeVisible();
  await expect(app.connectionBanner).toContainText('Lost the connection to the Tern host. Reconnecting');

  // The token is kept in the data folder: the restarted host accepts the open page.
  const url = await host.start({ port });
  expect(url).toBe(urlBefore);
  await expect(app.connectionBanner).toHaveCount(0, { timeout: 20_000 });
  await app.sidebar.expectTitles(['Kept on disk']);
  await app.sidebar.create('After the restart');
  await app.sidebar.expectTitles(['After the restart', 'Kept on disk']);
});

/** How many upgrades the host refused, by what it logged. */
function refusedUpgrades(log: string): number {
  return log.split('\n').filter((line) => line.includes('refused a websocket upgrade')).length;
}

test('a page with a wrong token says at once that the host refused it, and does not retry', async ({ page, host }) => {
  const app = new TernApp(page);
  const wrong = new URL(host.url);
  wrong.searchParams.set('token', `${wrong.searchParams.get('token')!.slice(0, -4)}XXXX`);
  const started = Date.now();
  await page.goto(wrong.toString());
  await expect(app.tokenRefusedBanner).toBeVisible({ timeout: 5_000 });
  expect(Date.now() - started).toBeLessThan(5_000);
  await expect(app.tokenRefusedBanner).toContainText('tern serve --new-token');
  await expect(app.tokenRefusedBanner).toContainText('Tern is serving on');
  await expect(app.connectionBanner).toHaveCount(0);
  await expect(app.sidebar.newButton).toBeDisabled();

  // A few seconds on: no retry loop (about 15 attempts in 15 s before), the banner stays.
  await page.waitForTimeout(3_000);
  await expect(app.tokenRefusedBanner).toBeVisible();
  expect(refusedUpgrades(host.log())).toBeLessThanOrEqual(2);
});

test('an open page whose host comes back with a new token (--new-token) says the token was refused', async ({ app, host }) => {
  await app.sidebar.create('Before the rotation');
  const port = host.port;
  const urlBefore = host.url;
  await host.stop();
  await expect(app.connectionBanner).toContainText('Reconnecting');
  // What `tern serve --new-token` does: the saved token is replaced, so old pages are locked out.
  rmSync(join(host.dataDir, 'host-token'), { force: true });
  const url = await host.start({ port });
  expect(url).not.toBe(urlBefore);

  await expect(app.tokenRefusedBanner).toBeVisible({ timeout: 10_000 });
  await expect(app.connectionBanner).toHaveCount(0);
  await app.page.waitForTimeout(3_000);
  expect(refusedUpgrades(host.log())).toBeLessThanOrEqual(2);

  // The address the host printed works.
  await app.open(url);
  await app.expectConnected();
  await expect(app.tokenRefusedBanner).toHaveCount(0);
  await app.sidebar.expectTitles(['Before the rotation']);
});

test('while the host is down, changes are disabled (not queued), and nothing is made meanwhile', async ({ app, host }) => {
  await app.sidebar.create('Kept on disk');
  const port = host.port;
  await host.stop();
  await expect(app.connectionBanner).toContainText('Lost the connection to the Tern host');
  await expect(app.connectionBanner).toContainText('Changes are off until it is back');
  await expect(app.sidebar.newButton).toBeDisabled();
  await expect(app.sidebar.importButton).toBeDisabled();
  await expect(app.sidebar.list.getByRole('button', { name: 'Rename Kept on disk', exact: true })).toBeDisabled();
  await expect(app.sidebar.list.getByRole('button', { name: 'Delete Kept on disk', exact: true })).toBeDisabled();
  // A click on the disabled button does nothing, now or after the reconnect.
  await app.sidebar.newButton.click({ force: true });

  await host.start({ port });
  await expect(app.connectionBanner).toHaveCount(0, { timeout: 20_000 });
  await expect(app.sidebar.newButton).toBeEnabled();
  await app.page.waitForTimeout(1_000);
  await app.sidebar.expectTitles(['Kept on disk']);
  await app.page.reload();
  await app.sidebar.waitUntilLoaded();
  await app.sidebar.expectTitles(['Kept on disk']);
});
