/**
 * Live readouts and monitoring, end to end on `tern serve` with the chat model: the readouts
 * beside the conversation update while a reply streams and say where their energy comes from;
 * the reply's stored stats keep the energy and its source after a reload; with the page open and
 * nothing running, the host samples nothing; an alert rule crossed shows in the chat and in
 * Monitoring; the metrics export. No test assumes which energy source this machine gives.
 */
import type { Page, TestInfo } from '@playwright/test';
import { CHAT_MODEL_NAME } from './fixtures/model';
import { expect, test } from './fixtures/test';

test.use({ withModel: true });

const SOURCE = /^(measured|OS estimate|modelled)$/;

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('the readouts update while a reply streams, with their source; the stored stats keep the energy after a reload', async ({ app, page }, testInfo) => {
  test.setTimeout(120_000);
  await app.sidebar.create();
  await app.chat.chooseModel(CHAT_MODEL_NAME);
  await app.chat.send('Tell me a long story about the sea.');

  await expect(app.chat.readouts).toBeVisible({ timeout: 60_000 });
  await expect(app.chat.readoutsTitle).toHaveText('Writing…');
  // Several different counts while the reply is still being written.
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        if ((await app.chat.readoutsTitle.innerText()) === 'Writing…') seen.add(await app.chat.readoutsProgress.innerText());
        return seen.size;
      },
      { timeout: 60_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(3);
  const energySources = app.chat.readouts.locator('.energy-source');
  await expect(energySources.first()).toHaveText(SOURCE);
  await expect(app.chat.readouts.getByText('engine clock').first()).toBeVisible();
  await expect(app.chat.readouts.getByRole('img', { name: /^Per-token latency, last \d+ tokens$/ })).toBeVisible();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await shot(page, testInfo, `readouts-streaming-${scheme}.png`);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  await app.chat.stop();
  const reply = await app.chat.waitForReply('interrupted');
  await expect(app.chat.readoutsTitle).toHaveText('Last reply');
  const source = await app.chat.energySource(reply).innerText();
  expect(source).toMatch(SOURCE);
  await expect(app.chat.statsLines.last()).toContainText(/ J · [\d.]+ J\/token/);
  const stats = await app.chat.statsLines.last().innerText();
  await shot(page, testInfo, 'readouts-last-reply-light.png');

  await page.reload();
  await app.sidebar.open('Tell me a long story about the sea.');
  const again = await app.chat.waitForReply('interrupted');
  await expect(app.chat.readouts).toHaveCount(0); // no readouts since the page loaded
  await expect(app.chat.statsLines.last()).toHaveText(stats);
  await expect(app.chat.energySource(again)).toHaveText(source);
});

test('with the page open and nothing running, the host samples nothing; a reply samples', async ({ app }) => {
  test.setTimeout(120_000);
  await app.tuning.open();
  await expect(app.tuning.samplerLine).toContainText('idle');
  const before = await app.tuning.samples();

  await app.tuning.openButton.click(); // back to the conversations
  await app.sidebar.create();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  await app.tuning.open();
  await expect(app.tuning.samplerLine).toContainText('idle');
  expect(await app.tuning.samples()).toBe(before);

  await app.tuning.openButton.click();
  await app.chat.chooseModel(CHAT_MODEL_NAME);
  await app.chat.send('Count to ten.');
  await expect(app.chat.readouts).toBeVisible({ timeout: 60_000 });
  await app.chat.stop();
  await app.chat.waitForReply('interrupted');
  await app.tuning.open();
  await expect.poll(() => app.tuning.samples()).toBeGreaterThan(before);
});

test('a crossed rule shows an alert in the chat and in Monitoring; the metrics export as CSV', async ({ app, page }, testInfo) => {
  test.setTimeout(120_000);
  await app.tuning.open();
  const threshold = app.tuning.ruleThreshold('Decode speed threshold (tok/s)');
  await threshold.fill('100000');
  await threshold.press('Enter');
  await expect(threshold).toHaveValue('100000');
  await app.tuning.openButton.click();

  await app.sidebar.create();
  await app.chat.chooseModel(CHAT_MODEL_NAME);
  await app.chat.send('Say something.');
  await expect(app.chat.readouts).toBeVisible({ timeout: 60_000 });
  // Long enough for the decode rate to be judged.
  await expect.poll(async () => Number(/^(\d+) tokens?/.exec(await app.chat.readoutsProgress.innerText())?.[1] ?? 0), { timeout: 60_000 }).toBeGreaterThan(20);
  await app.chat.stop();
  await app.chat.waitForReply('interrupted');
  await expect(app.chat.alertNotice).toContainText(/Decode [\d.]+ tok\/s, below 100000 tok\/s/);
  await shot(page, testInfo, 'alert-notice-light.png');

  await app.chat.alertNotice.getByRole('button', { name: 'Open monitoring' }).click();
  await expect(app.tuning.monitoring).toBeVisible();
  await expect(app.tuning.alerts).toContainText('below 100000 tok/s');
  await expect(app.tuning.monitoring.getByRole('table', { name: 'Recent replies' })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await app.tuning.monitoring.scrollIntoViewIfNeeded();
    await shot(page, testInfo, `monitoring-${scheme}.png`);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  await app.tuning.exportFormat.selectOption('csv');
  const [download] = await Promise.all([page.waitForEvent('download'), app.tuning.exportMetricsButton.click()]);
  expect(download.suggestedFilename()).toMatch(/^tern-metrics-.*\.csv$/);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(path, 'utf8').trimEnd().split('\r\n');
  expect(lines[0]).toContain('energySource');
  expect(lines).toHaveLength(2);
});
