import { expect, type Locator, type Page } from '@playwright/test';

/** Number fields of the Settings panel, by their labels. */
export type SettingsField =
  | 'Temperature'
  | 'Top-p'
  | 'Top-k'
  | 'Min-p'
  | 'Repeat penalty'
  | 'Max reply tokens'
  | 'Seed'
  | 'Context size cap (tokens)'
  | 'Unload after idle (minutes)';

/** The Settings panel (sidebar footer, beside About). */
export class SettingsPage {
  readonly openButton: Locator;
  readonly root: Locator;
  readonly heading: Locator;
  readonly systemPrompt: Locator;
  readonly saveButton: Locator;
  readonly resetButton: Locator;
  /** "Settings saved." after a save. */
  readonly saved: Locator;
  /** What was refused or failed. */
  readonly error: Locator;
  // ---- The local API
  readonly localApi: Locator;
  /** The switch (a checkbox, role switch) named "Local API". */
  readonly apiSwitch: Locator;
  /** The key, as text. */
  readonly apiKey: Locator;
  readonly rotateKeyButton: Locator;
  readonly apiPort: Locator;
  /** The API's own readouts (API traffic). */
  readonly apiReadouts: Locator;

  constructor(readonly page: Page) {
    this.openButton = page.getByRole('button', { name: 'Settings', exact: true });
    this.root = page.getByRole('region', { name: 'Settings', exact: true });
    this.heading = this.root.getByRole('heading', { name: 'Settings', exact: true });
    this.systemPrompt = this.root.getByRole('textbox', { name: 'Default system prompt' });
    this.saveButton = this.root.getByRole('button', { name: 'Save', exact: true });
    this.resetButton = this.root.getByRole('button', { name: 'Reset to defaults', exact: true });
    this.saved = this.root.getByRole('status');
    this.error = this.root.getByRole('alert');
    this.localApi = this.root.getByRole('region', { name: 'Local API', exact: true });
    this.apiSwitch = this.localApi.getByRole('switch', { name: 'Local API', exact: true });
    this.apiKey = this.localApi.locator('.local-api-key code');
    this.rotateKeyButton = this.localApi.getByRole('button', { name: 'Rotate key', exact: true });
    this.apiPort = this.localApi.getByRole('spinbutton', { name: 'Port', exact: true });
    this.apiReadouts = this.localApi.getByRole('region', { name: 'API readouts', exact: true });
  }

  /** The address the API listens at, as the section shows it ("http://127.0.0.1:N/v1"). */
  async apiAddress(): Promise<string> {
    await expect(this.localApi).toContainText(/Listening at http:\/\/127\.0\.0\.1:\d+\/v1/);
    const text = await this.localApi.innerText();
    return /Listening at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(text)![1]!;
  }

  async open(): Promise<void> {
    await this.openButton.click();
    await expect(this.systemPrompt).toBeVisible();
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: 'Close Settings' }).click();
    await expect(this.root).toHaveCount(0);
  }

  field(label: SettingsField): Locator {
    return this.root.getByRole('spinbutton', { name: label, exact: true });
  }

  async save(): Promise<void> {
    await this.saveButton.click();
  }

  /** Asks for the reset and confirms it. */
  async resetToDefaults(): Promise<void> {
    await this.resetButton.click();
    const dialog = this.page.getByRole('alertdialog', { name: 'Reset all settings?' });
    await dialog.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(this.saved).toHaveText('Settings are back to their defaults.');
  }
}
