import { expect, type Locator, type Page } from '@playwright/test';

/** The Models view (sidebar footer): installed models, downloads, the catalog, adding and importing. */
export class ModelsPage {
  readonly openButton: Locator;
  readonly root: Locator;
  readonly source: Locator;
  readonly addButton: Locator;
  readonly downloads: Locator;
  readonly installed: Locator;

  constructor(readonly page: Page) {
    this.openButton = page.getByRole('button', { name: 'Models', exact: true });
    this.root = page.getByRole('region', { name: 'Models', exact: true });
    this.source = this.root.getByRole('textbox', { name: 'Model URL or repository' });
    this.addButton = this.root.getByRole('button', { name: 'Add', exact: true });
    this.downloads = this.root.getByRole('list', { name: 'Downloads' });
    this.installed = this.root.getByRole('list', { name: 'Installed models' });
  }

  async open(): Promise<void> {
    await this.openButton.click();
    await expect(this.root).toBeVisible();
  }

  /** Types a repo, file or URL and adds it. */
  async add(source: string): Promise<void> {
    await this.source.fill(source);
    await this.addButton.click();
  }

  /** A download's row, by its file name. */
  download(fileName: string): Locator {
    return this.downloads.getByRole('listitem').filter({ has: this.page.getByRole('progressbar', { name: fileName, exact: true }) });
  }

  progress(fileName: string): Locator {
    return this.downloads.getByRole('progressbar', { name: fileName, exact: true });
  }

  installedModel(fileName: string): Locator {
    return this.installed.getByRole('listitem').filter({ hasText: fileName });
  }
}
