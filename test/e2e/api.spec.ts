/**
 * The local API, end to end on `tern serve` with the chat model: switched on in Settings, it
 * listens on 127.0.0.1 and answers a program that sends the key shown; its request appears in
 * the API's readouts and in Monitoring as API traffic; Rotate key locks the old key out.
 */
import { createServer } from 'node:net';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures/test';

test.use({ withModel: true });

const MODEL_ID = 'chat-e2e';

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function chat(address: string, key: string): Promise<Response> {
  return fetch(`${address}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL_ID, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 24, temperature: 0 }),
  });
}

test('switched on in Settings, the API answers with the key shown; its request is API traffic; Rotate key locks the old key out', async ({ app, page }, testInfo) => {
  test.setTimeout(120_000);
  await app.settings.open();
  await expect(app.settings.apiSwitch).not.toBeChecked();
  const port = await freePort();
  await app.settings.apiPort.fill(String(port));
  await app.settings.apiPort.press('Enter');
  await expect(app.settings.apiPort).toHaveValue(String(port));
  await app.settings.apiSwitch.click();
  await expect(app.settings.apiSwitch).toBeChecked();
  const address = await app.settings.apiAddress();
  expect(address).toBe(`http://127.0.0.1:${port}/v1`);
  const key = (await app.settings.apiKey.innerText()).trim();
  expect(key).toMatch(/^tern-/);

  const health = await fetch(`http://127.0.0.1:${port}/health`);
  expect(health.status).toBe(200);
  expect((await (await fetch(`${address}/models`)).json()) as unknown).toMatchObject({ error: { code: 'invalid_api_key' } });

  const answer = await chat(address, key);
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { object: string; choices: { message: { content: string }; finish_reason: string }[]; usage: { completion_tokens: number } };
  expect(body.object).toBe('chat.completion');
  expect(body.choices[0]!.finish_reason).toMatch(/^(stop|length)$/);
  expect(body.usage.completion_tokens).toBeGreaterThan(0);

  await expect(app.settings.apiReadouts).toBeVisible();
  await expect(app.settings.apiReadouts).toContainText('Last API request');
  await expect(app.settings.apiReadouts.locator('.energy-source').first()).toHaveText(/^(measured|OS estimate|modelled)$/);
  await expect(app.settings.localApi).toContainText(/; [1-9]\d* served since it started/); // health, the refused and the answered request
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await app.settings.localApi.scrollIntoViewIfNeeded();
    await shot(page, testInfo, `local-api-${scheme}.png`);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  await app.settings.rotateKeyButton.click();
  const confirm = page.getByRole('alertdialog', { name: 'Make a new key?' });
  await confirm.getByRole('button', { name: 'Make a new key', exact: true }).click();
  await expect(app.settings.apiKey).not.toHaveText(key);
  const rotated = (await app.settings.apiKey.innerText()).trim();
  expect((await chat(address, key)).status).toBe(401);
  expect((await chat(address, rotated)).status).toBe(200);

  await app.settings.close();
  await app.tuning.open();
  await expect(app.tuning.monitoring.getByRole('table', { name: 'Recent replies' })).toContainText('(API)');
});
