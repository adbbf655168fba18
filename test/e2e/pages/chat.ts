import type { Locator, Page } from '@playwright/test';

/** The conversation area. */
export class ChatPage {
  readonly root: Locator;
  readonly title: Locator;
  readonly noModelNotice: Locator;
  readonly noConversation: Locator;
  readonly messages: Locator;

  constructor(page: Page) {
    this.root = page.getByRole('main');
    this.title = this.root.locator('.pane-header h2');
    this.noModelNotice = this.root.getByRole('note', { name: 'No model loaded' });
    this.noConversation = this.root.getByRole('heading', { name: 'No conversation open' });
    this.messages = this.root.getByRole('list', { name: 'Messages' });
  }

  /** Anything a user could type a message into: there must be none while no model is loaded. */
  get textInputs(): Locator {
    return this.root.locator('textarea, input[type="text"], [contenteditable="true"]');
  }
}
