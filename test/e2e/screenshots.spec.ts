import { expect, test } from './fixtures/test';

/** Screenshots of the main views, attached to the report (not compared: layout is reviewed by eye). */
test('screenshots of the shell, the filter and About', async ({ app, page }, testInfo) => {
  await app.sidebar.create('Ternary kernel notes');
  await app.sidebar.create('Groceries');
  await expect(app.chat.noModelNotice).toBeVisible();
  await testInfo.attach('conversation.png', { body: await page.screenshot(), contentType: 'image/png' });

  await app.sidebar.filter('kern');
  await expect(app.sidebar.messageHits).toContainText('No messages match.');
  await testInfo.attach('filter.png', { body: await page.screenshot(), contentType: 'image/png' });
  await app.sidebar.clearFilter();

  await app.about.open();
  await testInfo.attach('about.png', { body: await page.screenshot(), contentType: 'image/png' });
});
