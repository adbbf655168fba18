/**
 * Tuning, end to end on `tern serve` with the chat model: scenarios set the CPU threads, a sweep
 * in the app fills "Benchmark results" with a row per thread count and draws the chart, "Apply
 * best" sets the threads and the next reply's stats say the count it ran with; screenshots.
 */
import { availableParallelism } from 'node:os';
import type { Page, TestInfo } from '@playwright/test';
import { CHAT_MODEL_NAME } from './fixtures/model';
import { expect, test } from './fixtures/test';

test.use({ withModel: true });

const logical = availableParallelism();

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('scenarios set the threads; a sweep fills the table and the chart; Apply best reaches the next reply', async ({ app, page }, testInfo) => {
  test.setTimeout(240_000);
  await app.tuning.open();

  // The radios show what the host answered: a click asks, the answer checks it (not check(),
  // which wants the state changed at once).
  await app.tuning.threads.fill('1');
  await app.tuning.threads.press('Enter');
  await expect(app.tuning.threads).toHaveValue('1');
  await app.tuning.scenario('Maximum').click();
  await expect(app.tuning.scenario('Maximum')).toBeChecked();
  await expect(app.tuning.threads).toHaveValue(String(Math.min(16, logical)));
  await app.tuning.scenario('Battery saver').click();
  await expect(app.tuning.scenario('Battery saver')).toBeChecked();
  await expect(app.tuning.threads).toHaveValue(/^[12]$/);
  await app.tuning.scenario('Balanced').click();
  await expect(app.tuning.scenario('Balanced')).toBeChecked();

  const counts = [...new Set([1, Math.min(2, logical)])];
  await app.tuning.benchmarkThreads.fill(counts.join(', '));
  await app.tuning.repetitions.fill('1');
  await app.tuning.runButton.click();
  await expect(app.tuning.rows()).toHaveCount(counts.length, { timeout: 200_000 });
  await expect(app.tuning.chart).toBeVisible();
  await expect(app.tuning.chart.locator('canvas')).not.toHaveCount(0);

  await app.tuning.threads.fill('1');
  await app.tuning.threads.press('Enter');
  await app.tuning.applyBestButton.click();
  const best = await app.tuning.rows().filter({ hasText: 'best' }).locator('th').first().innerText();
  const bestThreads = Number(best.match(/^\d+/)?.[0]);
  await expect(app.tuning.threads).toHaveValue(String(bestThreads));

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await app.tuning.results.scrollIntoViewIfNeeded();
    await shot(page, testInfo, `tuning-benchmark-${scheme}.png`);
    await app.tuning.scenarios.scrollIntoViewIfNeeded();
    await shot(page, testInfo, `tuning-scenarios-${scheme}.png`);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  await app.tuning.openButton.click();
  await app.sidebar.create();
  await app.chat.chooseModel(CHAT_MODEL_NAME);
  await app.chat.send('How many threads?');
  const reply = app.chat.lastReply();
  await expect(app.chat.text(reply)).not.toHaveText('', { timeout: 60_000 });
  await app.chat.stop();
  await app.chat.waitForReply('interrupted');
  await expect(app.chat.statsLines.last()).toContainText(bestThreads === 1 ? '1 thread' : `${bestThreads} threads`);
});
