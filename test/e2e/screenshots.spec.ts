import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures/test';

/** A screenshot kept in the test's output folder (test-results/…) and attached to the report. */
async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Screenshots of the main views, attached to the report (not compared: layout is reviewed by eye). */
test('screenshots of the shell, the filter and About', async ({ app, page }, testInfo) => {
  await app.sidebar.create('Ternary kernel notes');
  await app.sidebar.create('Groceries');
  await expect(app.chat.noModelNotice).toBeVisible();
  await shot(page, testInfo, 'conversation.png');

  await app.sidebar.filter('kern');
  await expect(app.sidebar.messageHits).toContainText('No messages match.');
  await shot(page, testInfo, 'filter.png');
  await app.sidebar.clearFilter();

  await app.about.open();
  await shot(page, testInfo, 'about.png');
});

test.describe('with a model', () => {
  test.use({ withModel: true });

  /** The chat views in light and dark: a streamed and stopped reply, Settings, the conversation's settings. */
  test('screenshots of chat, Settings and the conversation settings, light and dark', async ({ app, page }, testInfo) => {
    await app.sidebar.create();
    await app.chat.chooseModel('chat-e2e.gguf');
    await app.chat.send('What makes a ternary model fast on a CPU?');
    await expect(app.chat.lastReply()).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 });
    await expect(app.chat.text(app.chat.lastReply())).not.toHaveText('', { timeout: 30_000 });
    await page.waitForTimeout(2000);
    await app.chat.stop();
    await app.chat.waitForReply('interrupted');
    await expect(app.chat.contextMeter).toBeVisible();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await shot(page, testInfo, `chat-${scheme}.png`);
      await app.chat.openSettings();
      await shot(page, testInfo, `conversation-settings-${scheme}.png`);
      await app.chat.settingsButton.click();
      await app.settings.open();
      await shot(page, testInfo, `settings-${scheme}.png`);
      await app.settings.close();
    }
  });
});
