/**
 * Chat, part 2, end to end: versions and branches (Regenerate, Edit, the switcher, reload, a
 * search hit opening its branch), export and import into a fresh data folder, and model output
 * and typed text that stay inert whatever they hold.
 */
import { writeFileSync } from 'node:fs';
import type { TernApp } from './pages/app';
import { TernHost } from './fixtures/host';
import { CHAT_MODEL_NAME } from './fixtures/model';
import { expect, test } from './fixtures/test';

test.use({ withModel: true });

/** Short replies, so each one completes in a second or two. */
async function shortReplies(app: TernApp): Promise<void> {
  await app.settings.open();
  await app.settings.field('Max reply tokens').fill('12');
  await app.settings.save();
  await expect(app.settings.saved).toBeVisible();
  await app.settings.close();
}

async function replyText(app: TernApp): Promise<string> {
  return ((await app.chat.text(app.chat.lastReply()).textContent()) ?? '').trim();
}

test.describe('versions, branches, export and import', () => {
  test('regenerate and switch versions; edit makes a branch; reload keeps the branch; search opens a message on its branch; export and import', async ({
    app,
    page,
  }, testInfo) => {
    await shortReplies(app);
    await app.sidebar.create();
    await app.chat.chooseModel(CHAT_MODEL_NAME);
    await app.chat.send('Plan a trip to Lisbon');
    await app.chat.waitForReply('interrupted'); // cut by the 12-token limit
    const first = await replyText(app);

    // Regenerate: a second version in the same place; the first stays reachable.
    await app.chat.regenerate(app.chat.lastReply());
    await expect(app.chat.versionCount(app.chat.lastReply())).toHaveText('2/2', { timeout: 30_000 });
    await app.chat.waitForReply('interrupted');
    await app.chat.previousVersion(app.chat.lastReply());
    await expect(app.chat.versionCount(app.chat.lastReply())).toHaveText('1/2');
    await expect(app.chat.text(app.chat.lastReply())).toHaveText(first);
    await app.chat.nextVersion(app.chat.lastReply());
    await expect(app.chat.versionCount(app.chat.lastReply())).toHaveText('2/2');

    // Edit: a new branch with its own reply; the old branch is one click away.
    await app.chat.edit(app.chat.userMessages.last(), 'Plan a trip to Porto instead');
    await expect(app.chat.text(app.chat.userMessages.last())).toHaveText('Plan a trip to Porto instead');
    await expect(app.chat.versionCount(app.chat.userMessages.last())).toHaveText('2/2');
    await app.chat.waitForReply('interrupted');
    await app.chat.previousVersion(app.chat.userMessages.last());
    await expect(app.chat.text(app.chat.userMessages.last())).toHaveText('Plan a trip to Lisbon');
    await expect(app.chat.versionCount(app.chat.lastReply())).toHaveText('2/2');

    // The branch shown is stored: a reload comes back to it.
    await page.reload();
    await app.sidebar.open('Plan a trip to Lisbon');
    await expect(app.chat.text(app.chat.userMessages.last())).toHaveText('Plan a trip to Lisbon');
    await expect(app.chat.versionCount(app.chat.userMessages.last())).toHaveText('1/2');

    // Search finds the other branch's word and opens that message on its branch.
    await app.sidebar.filter('Porto');
    await app.sidebar.openHit('Porto');
    await expect(app.chat.text(app.chat.userMessages.last())).toHaveText('Plan a trip to Porto instead');
    await expect(app.chat.highlightedMessage).toHaveCount(1);
    await app.sidebar.clearFilter();
    await page.reload();
    await app.sidebar.open('Plan a trip to Lisbon');
    await expect(app.chat.text(app.chat.userMessages.last())).toHaveText('Plan a trip to Porto instead');

    // Markdown of the branch shown; JSON of everything.
    const markdown = await app.chat.exportConversation('Markdown (this branch)');
    const markdownPath = testInfo.outputPath(markdown.suggestedFilename());
    await markdown.saveAs(markdownPath);
    expect(markdown.suggestedFilename()).toMatch(/\.md$/);
    const json = await app.sidebar.exportAll();
    const jsonPath = testInfo.outputPath('all.json');
    await json.saveAs(jsonPath);

    // A fresh data folder: import reproduces the conversation with every branch; again adds nothing.
    const fresh = new TernHost();
    await fresh.start();
    try {
      const other = await page.context().newPage();
      const { TernApp: App } = await import('./pages/app');
      const app2 = new App(other);
      await app2.open(fresh.url);
      expect(await app2.sidebar.importFile(jsonPath)).toMatch(/Imported 1 conversation/);
      await app2.sidebar.open('Plan a trip to Lisbon');
      await expect(app2.chat.text(app2.chat.userMessages.last())).toHaveText('Plan a trip to Porto instead');
      await expect(app2.chat.versionCount(app2.chat.userMessages.last())).toHaveText('2/2');
      await app2.chat.previousVersion(app2.chat.userMessages.last());
      await expect(app2.chat.versionCount(app2.chat.lastReply())).toHaveText('2/2');
      await expect(app2.chat.text(app2.chat.lastReply())).toHaveText(/\S/);
      expect(await app2.sidebar.importFile(jsonPath)).toMatch(/nothing new|0 messages added|already here/i);
      await app2.sidebar.expectTitles(['Plan a trip to Lisbon']);
      await other.close();
    } finally {
      await fresh.stop();
      fresh.removeDataDir();
    }
  });

  test('imported model output and typed text render inert: no script, image, frame or request elsewhere', async ({ app, page }, testInfo) => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const hostile = [
      'Here is <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2">.',
      '<iframe src="https://example.com/frame"></iframe>',
      '',
      '![tracking pixel](https://example.com/pixel.png)',
      '',
      '[click me](javascript:window.__pwned=3) and [safe](https://example.com/)',
      '',
      '```js',
      'console.log("<b>code</b>")',
      '```',
    ].join('\n');
    const now = Date.now();
    const stats = {
      promptTokens: null,
      generatedTokens: null,
      ttftMs: null,
      prefillTokensPerSec: null,
      decodeTokensPerSec: null,
      energyJoules: null,
      energySource: null,
    };
    const file = {
      format: 'tern-conversations',
      version: 1,
      exportedAt: now,
      conversations: [
        {
          id: 'c-hostile',
          title: 'Hostile output',
          createdAt: now,
          updatedAt: now,
          modelId: null,
          activeLeafId: 'm-reply',
          settings: {},
          messages: [
            { id: 'm-user', parentId: null, role: 'user', content: hostile, status: 'complete', note: null, modelId: null, modelName: null, createdAt: now, stats },
            { id: 'm-reply', parentId: 'm-user', role: 'assistant', content: hostile, status: 'complete', note: null, modelId: null, modelName: 'x.gguf', createdAt: now + 1, stats },
          ],
        },
      ],
    };
    const path = testInfo.outputPath('hostile.json');
    writeFileSync(path, JSON.stringify(file));
    expect(await app.sidebar.importFile(path)).toMatch(/Imported 1 conversation/);
    await app.sidebar.open('Hostile output');
    await expect(app.chat.articles).toHaveCount(2);
    // The user's text exactly as typed; the reply as Markdown, with the markup as text.
    await expect(app.chat.text(app.chat.userMessages.last())).toHaveText(hostile);
    await expect(app.chat.lastReply()).toContainText('<script>window.__pwned = 1</script>');
    await expect(app.chat.lastReply()).toContainText('tracking pixel');
    await expect(app.chat.lastReply().getByRole('button', { name: 'Copy code' })).toHaveCount(1);

    // Typed text too, sent to the model.
    await app.sidebar.create();
    await app.chat.chooseModel(CHAT_MODEL_NAME);
    await app.chat.send(hostile);
    await expect(app.chat.text(app.chat.userMessages.last())).toHaveText(hostile);
    await expect(app.chat.lastReply()).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 });
    await app.chat.stop();

    await app.sidebar.open('Hostile output');
    const dangerous = app.chat.root.locator('article script, article img, article iframe, article object, article embed, article style');
    await expect(dangerous).toHaveCount(0);
    await expect(app.chat.root.locator('article a[href^="javascript:" i]')).toHaveCount(0);
    const dead = app.chat.lastReply().getByText('click me');
    await dead.click();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const origin = new URL(page.url()).origin;
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
    expect(page.url().startsWith(origin)).toBe(true);
  });
});
