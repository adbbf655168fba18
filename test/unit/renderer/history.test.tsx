// @vitest-environment jsdom
// Export (one conversation from its header, all from the sidebar) and Import.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationPane } from '../../../renderer/src/features/chat';
import { ConversationSidebar } from '../../../renderer/src/features/conversations';
import { describeImport } from '../../../renderer/src/lib/format';
import { loadConversations, loadModels, selectConversation, startSync } from '../../../renderer/src/state';
import { FakeTern } from './fakeApi';
import { useFakeTern } from './setup';

interface Download {
  fileName: string;
  url: string;
  type: string;
  content: string;
}

/** Catches what the page offers as downloads: jsdom has no object URLs and does not navigate. */
function catchDownloads() {
  const downloads: Download[] = [];
  const blobs = new Map<string, Blob>();
  const revoked: string[] = [];
  let next = 0;
  beforeEach(() => {
    downloads.length = 0;
    revoked.length = 0;
    Object.defineProperty(URL, 'createObjectURL', {
      configurable: true,
      value: (blob: Blob) => {
        const url = `blob:test/${next++}`;
        blobs.set(url, blob);
        return url;
      },
    });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: (url: string) => void revoked.push(url) });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (!blob) throw new Error(`no blob behind ${this.href}`);
      downloads.push({ fileName: this.download, url: this.href, type: blob.type, content: '' });
      void blob.text().then((content) => {
        const found = downloads.find((d) => d.url === this.href);
        if (found) found.content = content;
      });
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    Reflect.deleteProperty(URL, 'createObjectURL');
    Reflect.deleteProperty(URL, 'revokeObjectURL');
  });
  return { downloads, revoked };
}

async function follow(): Promise<void> {
  await act(async () => {
    startSync();
    await Promise.all([loadConversations(), loadModels()]);
  });
}

describe('export and import', () => {
  const fake = useFakeTern();
  const { downloads, revoked } = catchDownloads();

  it('the header exports the conversation as Markdown or JSON, as a download', async () => {
    const { conversation } = fake().readyConversation('Ternary notes');
    fake().addMessage(conversation.id, 'user', 'Hi');
    fake().addMessage(conversation.id, 'assistant', 'Hello.');
    await follow();
    await act(async () => selectConversation(conversation.id));
    render(<ConversationPane />);

    const exportButton = screen.getByRole('button', { name: 'Export conversation' });
    expect(exportButton.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(exportButton);
    const menu = screen.getByRole('menu', { name: 'Export conversation' });
    const items = within(menu).getAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual(['Markdown (this branch)', 'JSON (all branches)']);
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);

    await act(async () => fireEvent.click(within(menu).getByRole('menuitem', { name: 'Markdown (this branch)' })));
    expect(screen.queryByRole('menu')).toBeNull();
    expect(fake().callsOf('exportConversation')).toEqual([{ id: conversation.id, format: 'markdown' }]);
    await waitFor(() => expect(downloads[0]?.content).toContain('Hello.'));
    expect(downloads[0]).toMatchObject({ fileName: 'Ternary notes.md', type: 'text/markdown' });
    await waitFor(() => expect(revoked).toEqual([downloads[0]?.url]));
    expect(document.querySelector('a[download]')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Export conversation' }));
    await act(async () => fireEvent.click(screen.getByRole('menuitem', { name: 'JSON (all branches)' })));
    expect(fake().callsOf('exportConversation').at(-1)).toEqual({ id: conversation.id, format: 'json' });
    await waitFor(() => expect(downloads[1]?.fileName).toBe('Ternary notes.json'));
  });

  it('Escape closes the export menu; a failed export is said', async () => {
    const { conversation } = fake().readyConversation();
    await follow();
    await act(async () => selectConversation(conversation.id));
    render(<ConversationPane />);
    const exportButton = screen.getByRole('button', { name: 'Export conversation' });
    fireEvent.click(exportButton);
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(exportButton);

    fake().fail('exportConversation', 'disk full');
    fireEvent.click(exportButton);
    await act(async () => fireEvent.click(screen.getByRole('menuitem', { name: 'JSON (all branches)' })));
    expect(screen.getByRole('alert').textContent).toContain('Could not export the conversation: disk full');
    expect(downloads).toHaveLength(0);
  });

  it('Export all downloads every conversation as one JSON file', async () => {
    fake().addConversation('One');
    fake().addConversation('Two');
    await follow();
    render(<ConversationSidebar />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Export all' })));
    expect(fake().callsOf('exportAll')).toEqual([{}]);
    await waitFor(() => expect(downloads[0]?.content).toContain('"title":"Two"'));
    expect(downloads[0]).toMatchObject({ fileName: 'tern-conversations.json', type: 'application/json' });
  });

  function fileInput(): HTMLInputElement {
    const input = document.querySelector<HTMLInputElement>('input[type="file"]');
    if (!input) throw new Error('no file input');
    return input;
  }

  async function pick(content: string, name = 'tern-conversations.json') {
    const file = new File([content], name, { type: 'application/json' });
    await act(async () => fireEvent.change(fileInput(), { target: { files: [file] } }));
  }

  it('Import reads the picked file, says what it added and shows the new conversations', async () => {
    // A file exported elsewhere: two conversations, one of them partly here already.
    const elsewhere = new FakeTern();
    const a = elsewhere.addConversation('Kernels');
    elsewhere.addMessage(a.id, 'user', 'Fast?');
    elsewhere.addMessage(a.id, 'assistant', 'Yes.');
    const b = elsewhere.addConversation('Trip');
    elsewhere.addMessage(b.id, 'user', 'Where?');
    const file = await elsewhere.api.exportAll({});

    await follow();
    render(<ConversationSidebar />);
    const input = fileInput();
    expect(input.accept).toBe('.json,application/json');
    const clicked = vi.spyOn(input, 'click').mockImplementation(() => {});
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(clicked).toHaveBeenCalled();

    await pick(file.content);
    expect(fake().callsOf('importConversations')).toEqual([{ content: file.content }]);
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('Imported 2 conversations: 3 messages added.'),
    );
    await waitFor(() =>
      expect(within(screen.getByRole('navigation', { name: 'Conversation list' })).getAllByRole('listitem')).toHaveLength(2),
    );

    await pick(file.content);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Nothing new: all 2 conversations are already here.'));
  });

  it('says why an import was refused', async () => {
    await follow();
    render(<ConversationSidebar />);
    await pick('{"not": "an export"}');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Import refused: the file is not a Tern export'));

    fake().fail('importConversations', 'message m7 is already here with other content', 'CONFLICT');
    await pick('{"format":"tern-export","conversations":[]}');
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('Import refused: message m7 is already here with other content'),
    );
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says an import in words', () => {
    const result = { conversations: 2, conversationsAdded: 2, messagesAdded: 14, messagesSkipped: 3 };
    expect(describeImport(result)).toBe('Imported 2 conversations: 14 messages added, 3 already here.');
    expect(describeImport({ ...result, conversationsAdded: 1 })).toBe('Imported 2 conversations (1 new): 14 messages added, 3 already here.');
    expect(describeImport({ conversations: 1, conversationsAdded: 1, messagesAdded: 1, messagesSkipped: 0 })).toBe(
      'Imported 1 conversation: 1 message added.',
    );
    expect(describeImport({ conversations: 0, conversationsAdded: 0, messagesAdded: 0, messagesSkipped: 0 })).toBe(
      'The file holds no conversations.',
    );
  });
});
