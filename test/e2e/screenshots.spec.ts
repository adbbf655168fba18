import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { startFakeHub } from '../support/fake-hub';
import { chatModel } from './fixtures/model';
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

/** A Markdown reply with two versions (imported, so no model is needed), light and dark. */
test('screenshots of a Markdown reply with versions, light and dark', async ({ app, page }, testInfo) => {
  const now = Date.now();
  const stats = { promptTokens: 41, generatedTokens: 180, ttftMs: 95, prefillTokensPerSec: 410, decodeTokensPerSec: 31.5, energyJoules: null, energySource: null };
  const reply = [
    '## Why ternary weights are fast',
    '',
    'Each weight is **−1, 0 or +1**, so a matrix–vector product needs *no multiplications*:',
    '',
    '1. add the activations where the weight is +1,',
    '2. subtract them where it is −1,',
    '3. skip the zeros.',
    '',
    '| format | bits per weight | decode on 2 cores |',
    '|---|---|---|',
    '| I2_S | 2 | 32 tok/s |',
    '| TQ1_0 | 1.69 | 26 tok/s |',
    '',
    '```python',
    'def ternary_dot(weights, x):',
    '    return sum(xi for w, xi in zip(weights, x) if w == 1) - sum(xi for w, xi in zip(weights, x) if w == -1)',
    '```',
    '',
    '> Memory bandwidth, not arithmetic, sets the pace: see [the BitNet paper](https://arxiv.org/abs/2402.17764).',
  ].join('\n');
  const message = (id: string, parentId: string | null, role: string, content: string, at: number) => ({
    id, parentId, role, content, status: 'complete', note: null, modelId: null, modelName: role === 'assistant' ? 'ggml-model-i2_s.gguf' : null, createdAt: at,
    stats: role === 'assistant' ? stats : { ...stats, promptTokens: null, generatedTokens: null, ttftMs: null, prefillTokensPerSec: null, decodeTokensPerSec: null },
  });
  const file = {
    format: 'tern-conversations', version: 1, exportedAt: now,
    conversations: [{
      id: 'c-md', title: 'Why are ternary models fast?', createdAt: now, updatedAt: now, modelId: null, activeLeafId: 'a2', settings: {},
      messages: [
        message('u1', null, 'user', 'Why are ternary models fast on a CPU?', now),
        message('a1', 'u1', 'assistant', 'Because their weights are tiny.', now + 1),
        message('a2', 'u1', 'assistant', reply, now + 2),
      ],
    }],
  };
  const path = testInfo.outputPath('markdown.json');
  writeFileSync(path, JSON.stringify(file));
  await app.sidebar.importFile(path);
  await app.sidebar.open('Why are ternary models fast?');
  await expect(app.chat.versionCount(app.chat.lastReply())).toHaveText('2/2');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await shot(page, testInfo, `markdown-${scheme}.png`);
  }
});

/** The Models view with a model installed and a download under way, and the first-start offer; light and dark. */
test.describe('models', () => {
  test.use({ withModel: true });

  test('screenshots of the Models view and the first-start offer, light and dark', async ({ host, app, page }, testInfo) => {
    const hub = await startFakeHub();
    try {
      const bytes = readFileSync(chatModel());
      hub.addFile('microsoft/bitnet-b1.58-2B-4T-gguf', 'ggml-model-i2_s.gguf', bytes);
      hub.addFile('tern-test/other-gguf', 'other-model.gguf', bytes);
      await host.restart({ env: { HF_ENDPOINT: hub.endpoint } });
      await app.open(host.url);
      await app.models.open();
      hub.behave.bytesPerSecond = 4 * 1024 * 1024;
      await app.models.add('tern-test/other-gguf/other-model.gguf');
      await expect(app.models.progress('other-model.gguf')).toBeVisible({ timeout: 30_000 });
      await expect(app.models.installedModel('chat-e2e.gguf')).toContainText(/Fits|Tight/, { timeout: 30_000 });
      await page.waitForTimeout(2500);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await shot(page, testInfo, `models-${scheme}.png`);
      }
      await app.models.download('other-model.gguf').getByRole('button', { name: 'Cancel', exact: true }).click();

      // No model at all: the conversation area offers the recommended download.
      await host.stop();
      rmSync(join(host.dataDir, 'models', 'chat-e2e.gguf'));
      await host.start();
      await app.open(host.url);
      await app.sidebar.create();
      await expect(app.chat.noModelNotice).toBeVisible();
      await expect(app.chat.noModelNotice).toContainText(/Fits|Tight/, { timeout: 30_000 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await shot(page, testInfo, `first-start-${scheme}.png`);
      }
    } finally {
      await hub.close();
    }
  });
});
