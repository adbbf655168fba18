import { expect, type Locator, type Page } from '@playwright/test';

export type MessageRole = 'user' | 'assistant';
export type MessageStatus = 'streaming' | 'complete' | 'interrupted' | 'error';

/**
 * The conversation area: header (title, model picker, engine state, context meter), the messages,
 * the composer, and the conversation's own settings.
 */
export class ChatPage {
  readonly root: Locator;
  readonly title: Locator;
  readonly noConversation: Locator;
  /** Shown when Tern has no model file at all: names the models folder, has Check again. */
  readonly noModelNotice: Locator;
  readonly checkAgainButton: Locator;

  // ---- Header
  /** The native <select> named "Model"; its value is the chosen model's id ('' when none). */
  readonly modelPicker: Locator;
  /** "Choose a model", beside the picker while the conversation has none. */
  readonly chooseModelHint: Locator;
  /** The engine's state in words; its data-engine-state is idle, loading, ready or error. */
  readonly engineState: Locator;
  readonly loadButton: Locator;
  readonly unloadButton: Locator;
  /** role=meter named "Context used"; text like "812 / 4096 tokens", aria-valuenow/valuemax. */
  readonly contextMeter: Locator;
  /** "3 earlier messages are outside the model's context." and the fallback prompt-format note. */
  readonly contextNotes: Locator;

  // ---- Messages
  /** The ordered list of messages; absent while the conversation has none. */
  readonly messages: Locator;
  /** Every message: <article data-role="user|assistant" data-status="streaming|complete|interrupted|error">. */
  readonly articles: Locator;
  readonly replies: Locator;
  readonly userMessages: Locator;
  /** Under each reply: "42 tokens · 180 ms to first token · 31.2 tok/s · bitnet-2b.gguf". */
  readonly statsLines: Locator;
  /** On the last reply when it was interrupted. */
  readonly continueButton: Locator;

  // ---- Composer
  readonly messageBox: Locator;
  readonly sendButton: Locator;
  /** Only while a reply streams in this conversation. */
  readonly stopButton: Locator;
  /** A Send, Stop or Continue that failed (role alert in the composer). */
  readonly composerError: Locator;
  /** "The connection dropped. Your message will be sent when it is back." */
  readonly waitingToSend: Locator;

  // ---- Conversation settings
  readonly settingsButton: Locator;
  readonly settingsPanel: Locator;
  readonly systemPromptBox: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByRole('main');
    this.title = this.root.locator('.pane-header h2');
    this.noConversation = this.root.getByRole('heading', { name: 'No conversation open' });
    this.noModelNotice = this.root.getByRole('note', { name: 'No model files' });
    this.checkAgainButton = this.root.getByRole('button', { name: 'Check again', exact: true });

    this.modelPicker = this.root.getByRole('combobox', { name: 'Model', exact: true });
    this.chooseModelHint = this.root.getByText('Choose a model', { exact: true });
    this.engineState = this.root.locator('[data-engine-state]');
    this.loadButton = this.root.getByRole('button', { name: 'Load', exact: true });
    this.unloadButton = this.root.getByRole('button', { name: 'Unload', exact: true });
    this.contextMeter = this.root.getByRole('meter', { name: 'Context used' });
    this.contextNotes = this.root.locator('.context-note');

    this.messages = this.root.getByRole('list', { name: 'Messages' });
    this.articles = this.root.locator('article[data-role]');
    this.replies = this.root.locator('article[data-role="assistant"]');
    this.userMessages = this.root.locator('article[data-role="user"]');
    this.statsLines = this.replies.locator('.message-stats');
    this.continueButton = this.root.getByRole('button', { name: 'Continue', exact: true });

    this.messageBox = this.root.getByRole('textbox', { name: 'Message', exact: true });
    this.sendButton = this.root.getByRole('button', { name: 'Send', exact: true });
    this.stopButton = this.root.getByRole('button', { name: 'Stop', exact: true });
    const composer = this.root.getByRole('form', { name: 'Compose' });
    this.composerError = composer.getByRole('alert');
    this.waitingToSend = composer.getByRole('status');

    this.settingsButton = this.root.getByRole('button', { name: 'Conversation settings', exact: true });
    this.settingsPanel = this.root.getByRole('region', { name: 'Conversation settings' });
    this.systemPromptBox = this.settingsPanel.getByRole('textbox', { name: 'System prompt', exact: true });
  }

  /** Anything a user could type a message into: there is none while Tern has no model file. */
  get textInputs(): Locator {
    return this.root.locator('textarea, input[type="text"], [contenteditable="true"]');
  }

  /** Messages by role and, optionally, status. */
  message(role: MessageRole, status?: MessageStatus): Locator {
    const byStatus = status ? `[data-status="${status}"]` : '';
    return this.root.locator(`article[data-role="${role}"]${byStatus}`);
  }

  /** A message's text exactly as shown (whitespace kept). */
  text(article: Locator): Locator {
    return article.locator('.message-content');
  }

  /** The reply's note (why it was interrupted or failed). */
  note(article: Locator): Locator {
    return article.locator('.message-note');
  }

  lastReply(): Locator {
    return this.replies.last();
  }

  /** Chooses a model by its file name (the start of its option's text). */
  async chooseModel(fileName: string): Promise<void> {
    const option = this.modelPicker.locator('option', { hasText: fileName }).first();
    const value = await option.getAttribute('value');
    if (!value) throw new Error(`no model option for ${fileName}`);
    await this.modelPicker.selectOption(value);
    await expect(this.modelPicker).toHaveValue(value);
  }

  /** The picker's option texts, top to bottom (the placeholder first when none is chosen). */
  async modelOptions(): Promise<string[]> {
    return this.modelPicker.locator('option').allTextContents();
  }

  /** Types and presses Enter; resolves when the host accepted it (the box is cleared). */
  async send(text: string): Promise<void> {
    await this.messageBox.fill(text);
    await this.messageBox.press('Enter');
    await expect(this.messageBox).toHaveValue('');
  }

  /** Waits until the last reply has this status (complete by default). */
  async waitForReply(status: MessageStatus = 'complete', timeout = 60_000): Promise<Locator> {
    const reply = this.lastReply();
    await expect(reply).toHaveAttribute('data-status', status, { timeout });
    return reply;
  }

  async stop(): Promise<void> {
    await this.stopButton.click();
    await expect(this.stopButton).toHaveCount(0);
  }

  async continueReply(): Promise<void> {
    await this.continueButton.click();
  }

  async openSettings(): Promise<void> {
    if ((await this.settingsPanel.count()) === 0) await this.settingsButton.click();
    await expect(this.settingsPanel).toBeVisible();
  }

  /** Sets the conversation's system prompt and saves. */
  async setSystemPrompt(text: string): Promise<void> {
    await this.openSettings();
    await this.systemPromptBox.fill(text);
    await this.settingsPanel.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(this.settingsPanel.getByRole('status')).toHaveText('Saved for this conversation.');
  }
}
