import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** The conversations column. */
export class SidebarPage {
  readonly root: Locator;
  readonly list: Locator;
  readonly newButton: Locator;
  readonly filterBox: Locator;
  readonly messageHits: Locator;
  readonly exportAllButton: Locator;
  readonly importButton: Locator;
  /** The hidden <input type=file accept=".json,application/json"> behind Import. */
  readonly importInput: Locator;
  /** "Imported 2 conversations: 14 messages added, 3 already here." */
  readonly importResult: Locator;
  /** "Import refused: …" (CONFLICT, BAD_REQUEST), "Could not import: …", or a failed Export all. */
  readonly historyError: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByRole('region', { name: 'Conversations' });
    this.list = this.root.getByRole('navigation', { name: 'Conversation list' });
    this.newButton = this.root.getByRole('button', { name: 'New conversation' });
    this.filterBox = this.root.getByRole('searchbox', { name: 'Filter conversations' });
    this.messageHits = this.root.getByRole('region', { name: 'Matching messages' });
    this.exportAllButton = this.root.getByRole('button', { name: 'Export all', exact: true });
    this.importButton = this.root.getByRole('button', { name: 'Import', exact: true });
    const history = this.root.locator('.history-tools');
    this.importInput = history.locator('input[type="file"]');
    this.importResult = history.getByRole('status');
    this.historyError = history.getByRole('alert');
  }

  async waitUntilLoaded(): Promise<void> {
    await expect(this.root.getByText('Loading conversations…')).toHaveCount(0);
  }

  /** The button that opens the conversation with exactly this title. */
  conversation(title: string): Locator {
    return this.list.getByRole('button', { name: title, exact: true });
  }

  /** The titles in the list, top to bottom. */
  async titles(): Promise<string[]> {
    if ((await this.list.count()) === 0) return [];
    return this.list.locator('.conversation-title').allTextContents();
  }

  async expectTitles(titles: string[]): Promise<void> {
    if (titles.length === 0) {
      await expect(this.list.locator('.conversation-title')).toHaveCount(0);
      return;
    }
    await expect(this.list.locator('.conversation-title')).toHaveText(titles);
  }

  /** Creates a conversation; with a title, renames it right away. */
  async create(title?: string): Promise<void> {
    const before = await this.list.locator('.conversation-title').count();
    await this.newButton.click();
    await expect(this.list.locator('.conversation-title')).toHaveCount(before + 1);
    if (title) await this.rename('New conversation', title);
  }

  async open(title: string): Promise<void> {
    await this.conversation(title).click();
  }

  async selectedTitle(): Promise<string | null> {
    const current = this.list.locator('[aria-current="true"]');
    return (await current.count()) ? current.textContent() : null;
  }

  private titleInput(): Locator {
    return this.root.getByRole('textbox', { name: 'Conversation title' });
  }

  /** Starts an inline rename with the row's Rename button. */
  async startRename(title: string): Promise<Locator> {
    await this.conversation(title).hover();
    await this.list.getByRole('button', { name: `Rename ${title}`, exact: true }).first().click();
    const input = this.titleInput();
    await expect(input).toBeFocused();
    return input;
  }

  /** Renames inline and saves with Enter. */
  async rename(from: string, to: string): Promise<void> {
    const input = await this.startRename(from);
    await input.fill(to);
    await input.press('Enter');
    await expect(input).toHaveCount(0);
    await expect(this.conversation(to)).toBeVisible();
  }

  /** Types a new title, then Escape: nothing changes. */
  async renameAndCancel(from: string, to: string): Promise<void> {
    const input = await this.startRename(from);
    await input.fill(to);
    await input.press('Escape');
    await expect(input).toHaveCount(0);
  }

  deleteDialog(): Locator {
    return this.page.getByRole('alertdialog', { name: 'Delete conversation?' });
  }

  /** Asks to delete, then confirms or cancels in the dialog. */
  async delete(title: string, answer: 'confirm' | 'cancel' = 'confirm'): Promise<void> {
    await this.conversation(title).hover();
    await this.list.getByRole('button', { name: `Delete ${title}`, exact: true }).first().click();
    const dialog = this.deleteDialog();
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(`“${title}” will be deleted`);
    await dialog.getByRole('button', { name: answer === 'confirm' ? 'Delete' : 'Cancel', exact: true }).click();
    await expect(dialog).toHaveCount(0);
  }

  async filter(text: string): Promise<void> {
    await this.filterBox.fill(text);
  }

  async clearFilter(): Promise<void> {
    await this.filterBox.fill('');
  }

  /** The search hits (buttons) in "Matching messages", optionally those containing `text`. */
  hits(text?: string): Locator {
    const all = this.messageHits.getByRole('button');
    return text ? all.filter({ hasText: text }) : all;
  }

  /** Opens a search hit: its conversation, on the hit's branch, scrolled to the message (highlighted). */
  async openHit(text: string): Promise<void> {
    await this.hits(text).first().click();
  }

  /** Export all: resolves with the browser's download of the JSON file. */
  async exportAll(): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.exportAllButton.click()]);
    return download;
  }

  /**
   * Imports a file (as if picked after Import) and resolves with what the sidebar says: the
   * counts, or why it was refused.
   */
  async importFile(path: string): Promise<string> {
    await this.importInput.setInputFiles(path);
    const said = this.importResult.or(this.historyError);
    await expect(said).toBeVisible();
    return ((await said.textContent()) ?? '').trim();
  }
}
