import { expect, type Locator, type Page } from '@playwright/test';

export type FeatureLabel = 'AVX2' | 'AVX-512 F' | 'AVX-512 BW' | 'AVX-512 VNNI' | 'NEON' | 'dotprod';

/** The About panel. */
export class AboutPage {
  readonly openButton: Locator;
  readonly root: Locator;
  readonly heading: Locator;
  readonly features: Locator;

  constructor(page: Page) {
    this.openButton = page.getByRole('button', { name: 'About', exact: true });
    this.root = page.getByRole('region', { name: 'About Tern' });
    this.heading = this.root.getByRole('heading', { name: 'About Tern' });
    this.features = this.root.getByRole('table', { name: 'Instruction-set features detected' });
  }

  async open(): Promise<void> {
    await this.openButton.click();
    await expect(this.features).toBeVisible();
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: 'Close About' }).click();
    await expect(this.root).toHaveCount(0);
  }

  /** The value shown for a fact such as "Version" or "Data directory". */
  async fact(term: string): Promise<string> {
    const value = this.root.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
    return (await value.textContent())?.trim() ?? '';
  }

  /** 'yes' or 'no', as the panel shows it. */
  async feature(label: FeatureLabel): Promise<string> {
    const cell = this.features.getByRole('row', { name: new RegExp(`^${label} `) }).getByRole('cell');
    return ((await cell.textContent()) ?? '').trim();
  }
}
