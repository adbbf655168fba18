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
