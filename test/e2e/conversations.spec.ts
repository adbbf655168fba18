import { join } from 'node:path';
import { expect, test } from './fixtures/test';

test.describe('conversations', () => {
  test('a new host starts empty and honest', async ({ app }) => {
    await expect(app.sidebar.root.getByText('No conversations yet.')).toBeVisible();
    await expect(app.chat.noConversation).toBeVisible();
    await expect(app.chat.textInputs).toHaveCount(0);
  });

  test('create opens the new conversation; with no model file there is no message box', async ({ app, host }) => {
    await app.sidebar.create();
    await app.sidebar.expectTitles(['New conversation']);
    expect(await app.sidebar.selectedTitle()).toBe('New conversation');
    await expect(app.chat.title).toHaveText('New conversation');
    // A fresh data folder has no model files: the notice says where to put one.
    await expect(app.chat.noModelNotice).toContainText('No model files yet.');
    await expect(app.chat.noModelNotice).toContainText(join(host.dataDir, 'models'));
    await expect(app.chat.noModelNotice).toContainText('tern serve --model FILE');
    await expect(app.chat.checkAgainButton).toBeVisible();
    await expect(app.chat.modelPicker).toHaveCount(0);
    await expect(app.chat.messages).toHaveCount(0);
    await expect(app.chat.textInputs).toHaveCount(0);
  });

  test('rename inline: Enter saves, Escape cancels', async ({ app }) => {
    await app.sidebar.create('Kernel notes');
    await expect(app.chat.title).toHaveText('Kernel notes');

    await app.sidebar.renameAndCancel('Kernel notes', 'Not this');
    await app.sidebar.expectTitles(['Kernel notes']);

    await app.sidebar.rename('Kernel notes', 'AVX2 kernel notes');
    await app.sidebar.expectTitles(['AVX2 kernel notes']);
    await expect(app.chat.title).toHaveText('AVX2 kernel notes');

    // The host has it too: a reload reads the list again.
    await app.page.reload();
    await app.sidebar.expectTitles(['AVX2 kernel notes']);
  });

  test('rename from the keyboard with F2', async ({ app, page }) => {
    await app.sidebar.create('Draft');
    await app.sidebar.conversation('Draft').focus();
    await page.keyboard.press('F2');
    const input = app.sidebar.root.getByRole('textbox', { name: 'Conversation title' });
    await expect(input).toBeFocused();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Typed title');
    await page.keyboard.press('Enter');
    await app.sidebar.expectTitles(['Typed title']);
  });

  test('delete asks first; Cancel keeps, Delete removes', async ({ app }) => {
    await app.sidebar.create('Keep');
    await app.sidebar.create('Remove');
    await app.sidebar.expectTitles(['Remove', 'Keep']);

    await app.sidebar.delete('Remove', 'cancel');
    await app.sidebar.expectTitles(['Remove', 'Keep']);

    await app.sidebar.delete('Remove', 'confirm');
    await app.sidebar.expectTitles(['Keep']);
    await expect(app.chat.noConversation).toBeVisible();

    await app.page.reload();
    await app.sidebar.expectTitles(['Keep']);
  });

  test('Escape closes the delete dialog', async ({ app, page }) => {
    await app.sidebar.create('Stays');
    await app.sidebar.conversation('Stays').focus();
    await page.keyboard.press('Delete');
    await expect(app.sidebar.deleteDialog()).toBeVisible();
    await expect(app.sidebar.deleteDialog().getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(app.sidebar.deleteDialog()).toHaveCount(0);
    await app.sidebar.expectTitles(['Stays']);
  });

  test('the filter narrows titles and searches message text', async ({ app }) => {
    await app.sidebar.create('Ternary kernels');
    await app.sidebar.create('Groceries');
    await app.sidebar.create('Kernel benchmarks');

    await app.sidebar.filter('KERNEL');
    await app.sidebar.expectTitles(['Kernel benchmarks', 'Ternary kernels']);
    // The host's full-text search answers too; these conversations have no messages yet.
    await expect(app.sidebar.messageHits).toContainText('No messages match.');

    await app.sidebar.filter('zzz');
    await expect(app.sidebar.root.getByText('No titles match.')).toBeVisible();

    await app.sidebar.filterBox.press('Escape');
    await expect(app.sidebar.filterBox).toHaveValue('');
    await app.sidebar.expectTitles(['Kernel benchmarks', 'Groceries', 'Ternary kernels']);
    await expect(app.sidebar.messageHits).toHaveCount(0);
  });

  test('conversations survive a restart of the host', async ({ app, host, page }) => {
    await app.sidebar.create('First');
    await app.sidebar.create('Second');
    await app.sidebar.rename('Second', 'Second, renamed');
    await app.sidebar.create('Third');
    await app.sidebar.delete('Third');
    await app.sidebar.expectTitles(['Second, renamed', 'First']);

    const url = await host.restart();
    await app.open(url);
    await app.sidebar.expectTitles(['Second, renamed', 'First']);
    await app.sidebar.open('First');
    await expect(app.chat.title).toHaveText('First');
    await expect(page).toHaveTitle('Tern');
  });
});
