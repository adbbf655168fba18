/**
 * Updates under `tern serve`: the headless host never updates, so Settings shows the version,
 * "Check for updates" disabled with the reason beside it (and linked to it), and the automatic
 * check's switch off and disabled. Screenshots in the light and dark themes.
 */
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures/test';

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('under tern serve, Check for updates is disabled and says updates are only in the desktop app', async ({ app, page }, testInfo) => {
  await app.settings.open();
  const updates = app.settings.root.getByRole('region', { name: 'Updates', exact: true });
  await updates.scrollIntoViewIfNeeded();
  await expect(updates).toContainText(/Current version: \d+\.\d+\.\d+/);

  const check = updates.getByRole('button', { name: 'Check for updates', exact: true });
  await expect(check).toBeDisabled();
  const reason = updates.getByText('Updates are only in the desktop app.', { exact: true });
  await expect(reason).toBeVisible();
  await expect(check).toHaveAttribute('aria-describedby', (await reason.getAttribute('id'))!);
  await expect(check).toHaveAccessibleDescription('Updates are only in the desktop app.');

  const automatic = updates.getByRole('switch', { name: 'Check for updates automatically', exact: true });
  await expect(automatic).not.toBeChecked();
  await expect(automatic).toBeDisabled();
  // Nothing to report and nothing offered.
  await expect(updates.getByRole('status')).toHaveCount(0);
  await expect(updates.getByRole('button', { name: 'Download update' })).toHaveCount(0);

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await updates.scrollIntoViewIfNeeded();
    await shot(page, testInfo, `updates-${scheme}.png`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});
