import { expect, type Download, type Locator, type Page } from '@playwright/test';

export type MessageRole = 'user' | 'assistant';
export type MessageStatus = 'streaming' | 'complete' | 'interrupted' | 'error';
export type ExportChoice = 'Markdown (this branch)' | 'JSON (all branches)';

/**
 * The conversation area: header (title, model picker, engine state, context meter, export), the
 * messages with their versions and actions, the composer, and the conversation's own settings.
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
  /** A message opened from a search hit, highlighted for a moment (class message-focused). */
  readonly highlightedMessage: Locator;
  /** The "Delete message?" question (in <body>, outside the article). */
  readonly deleteMessageDialog: Locator;

  // ---- Export
  /** Opens a menu (role=menu, same name) with "Markdown (this branch)" and "JSON (all branches)". */
  readonly exportButton: Locator;
  readonly exportMenu: Locator;
  /** A failed export (role alert in the header). */
  readonly exportError: Locator;

  // ---- Composer
  readonly messageBox: Locator;
  readonly sendButton: Locator;
  /** Only while a reply streams in this conversation. */
  readonly stopButton: Locator;
  /** A Send, Stop or Continue that failed (role alert in the composer). */
  readonly composerError: Locator;
  /** "The connection dropped. Your message will be sent when it is back." */
  readonly waitingToSend: Locator;

  // ---- Live readouts
  /** Beside the conversation while a reply streams, then with the last reply's figures. */
  readonly readouts: Locator;
  /** Its title: "Writing…" while the reply streams, "Last reply" after. */
  readonly readoutsTitle: Locator;
  /** "42 tokens · 1.2 s": what the readouts have counted so far. */
  readonly readoutsProgress: Locator;
  /** Hides or shows the readouts (aria-pressed). */
  readonly readoutsButton: Locator;
  /** The notice of an alert raised by a reply (role status). */
  readonly alertNotice: Locator;

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

    this.readouts = this.root.getByRole('region', { name: 'Live readouts', exact: true });
    this.readoutsTitle = this.readouts.locator('.readouts-title');
    this.readoutsProgress = this.readouts.locator('.readouts-sub');
    this.readoutsButton = this.root.getByRole('button', { name: 'Readouts', exact: true });
    this.alertNotice = this.root.getByRole('status').filter({ hasText: /^(Warning|Critical)/ });

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
    this.highlightedMessage = this.root.locator('article.message-focused');
    this.deleteMessageDialog = page.getByRole('alertdialog', { name: 'Delete message?' });

    this.exportButton = this.root.getByRole('button', { name: 'Export conversation', exact: true });
    this.exportMenu = this.root.getByRole('menu', { name: 'Export conversation' });
    this.exportError = this.root.locator('.pane-header').getByRole('alert');

    const composer = this.root.getByRole('form', { name: 'Compose' });
    this.messageBox = this.root.getByRole('textbox', { name: 'Message', exact: true });
    // The composer's own: a message being edited has a Send of its own inside its article.
    this.sendButton = composer.getByRole('button', { name: 'Send', exact: true });
    this.stopButton = this.root.getByRole('button', { name: 'Stop', exact: true });
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

  /** The energy source word in a reply's stats line: "measured", "OS estimate" or "modelled". */
  energySource(article: Locator): Locator {
    return article.locator('.message-stats .energy-source');
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

  // ---- Versions -------------------------------------------------------------------------

  /** The message with this id (its article's data-message-id). */
  messageById(id: string): Locator {
    return this.root.locator(`article[data-message-id="${id}"]`);
  }

  /** The `‹ 2/3 ›` switcher under a message: role=group named "Version 2 of 3"; absent with one version. */
  versions(article: Locator): Locator {
    return article.getByRole('group', { name: /^Version \d+ of \d+$/ });
  }

  /** The switcher's "2/3" (use with toHaveText to wait for a switch). */
  versionCount(article: Locator): Locator {
    return article.locator('.versions-count');
  }

  /** "2/3" as shown now ('' when the message has a single version). */
  async versionText(article: Locator): Promise<string> {
    const count = this.versionCount(article);
    return (await count.count()) ? ((await count.textContent()) ?? '').trim() : '';
  }

  async previousVersion(article: Locator): Promise<void> {
    await article.getByRole('button', { name: 'Previous version', exact: true }).click();
  }

  async nextVersion(article: Locator): Promise<void> {
    await article.getByRole('button', { name: 'Next version', exact: true }).click();
  }

  // ---- Message actions ------------------------------------------------------------------

  /** One of a message's buttons: Copy, Edit (user), Regenerate (reply), Delete message. */
  action(article: Locator, name: 'Copy' | 'Edit' | 'Regenerate' | 'Delete message'): Locator {
    return article.getByRole('button', { name, exact: true });
  }

  /**
   * Asks for a new version of a reply. The new version streams in the same place (the last reply
   * stays the last); wait with waitForReply().
   */
  async regenerate(reply: Locator): Promise<void> {
    await this.action(reply, 'Regenerate').click();
  }

  /** The text box of a message being edited, named "Edit message". */
  editBox(article: Locator): Locator {
    return article.getByRole('textbox', { name: 'Edit message', exact: true });
  }

  /** Opens the edit box of a user message. */
  async startEdit(userMessage: Locator): Promise<Locator> {
    await this.action(userMessage, 'Edit').click();
    const box = this.editBox(userMessage);
    await expect(box).toBeFocused();
    return box;
  }

  /**
   * Edits a user message and sends it (the edit box's own Send, inside the article): a new
   * branch, shown at once. `userMessage` should be positional (e.g. userMessages.last()), since
   * the message shown afterwards is a new one.
   */
  async edit(userMessage: Locator, text: string): Promise<void> {
    const box = await this.startEdit(userMessage);
    await box.fill(text);
    await userMessage.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(this.root.getByRole('textbox', { name: 'Edit message', exact: true })).toHaveCount(0);
  }

  /** Opens the edit box, types, then Cancel: the message stays as it was. */
  async editAndCancel(userMessage: Locator, text: string): Promise<void> {
    const box = await this.startEdit(userMessage);
    await box.fill(text);
    await userMessage.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(box).toHaveCount(0);
  }

  /** What Copy said under the message: "Copied", or "Could not copy". */
  copyStatus(article: Locator): Locator {
    return article.getByRole('status');
  }

  /** Copies the message's text (the browser context needs clipboard permissions to read it back). */
  async copy(article: Locator): Promise<void> {
    await this.action(article, 'Copy').click();
    await expect(this.copyStatus(article)).toHaveText('Copied');
  }

  /** Delete message, then confirm or cancel "Delete this message and everything after it on this branch?". */
  async deleteMessage(article: Locator, answer: 'confirm' | 'cancel' = 'confirm'): Promise<void> {
    await this.action(article, 'Delete message').click();
    await expect(this.deleteMessageDialog).toBeVisible();
    await this.deleteMessageDialog.getByRole('button', { name: answer === 'confirm' ? 'Delete' : 'Cancel', exact: true }).click();
    await expect(this.deleteMessageDialog).toHaveCount(0);
  }

  // ---- Export ---------------------------------------------------------------------------

  /** Exports the open conversation; resolves with the browser's download (suggestedFilename, path). */
  async exportConversation(choice: ExportChoice): Promise<Download> {
    await this.exportButton.click();
    await expect(this.exportMenu).toBeVisible();
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.exportMenu.getByRole('menuitem', { name: choice, exact: true }).click(),
    ]);
    return download;
  }
}
