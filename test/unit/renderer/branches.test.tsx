// @vitest-environment jsdom
// Versions and branches: the switcher, Regenerate, Edit, Copy, Delete message, and a search hit
// opened on its branch.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../../electron/common/contract';
import { ConversationPane } from '../../../renderer/src/features/chat';
import { ConversationSidebar } from '../../../renderer/src/features/conversations';
import {
  loadConversations,
  loadEngineStatus,
  loadMessages,
  loadModels,
  loadSettings,
  selectConversation,
  startSync,
  useTernStore,
} from '../../../renderer/src/state';
import { useFakeTern } from './setup';
import { FOCUS_MS } from '../../../renderer/src/state/actions/branches';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function follow(): Promise<void> {
  await act(async () => {
    startSync();
    await Promise.all([loadConversations(), loadModels(), loadEngineStatus(), loadSettings()]);
  });
}

/** Follows the fake host like the app does, opens the conversation and renders the pane. */
async function openChat(conversation: Conversation): Promise<void> {
  await follow();
  await act(async () => {
    selectConversation(conversation.id);
    await loadMessages(conversation.id);
  });
  render(<ConversationPane />);
}

const articles = (role?: string) =>
  screen.queryAllByRole('article').filter((a) => role === undefined || a.getAttribute('data-role') === role);
const only = (role: string) => {
  const [article, ...more] = articles(role);
  if (!article || more.length) throw new Error(`expected one ${role} message, found ${articles(role).length}`);
  return article;
};
const text = (article: HTMLElement) => article.querySelector('.message-content')?.textContent;
const button = (article: HTMLElement, name: string) => within(article).getByRole('button', { name }) as HTMLButtonElement;

describe('versions and branches', () => {
  const fake = useFakeTern();

  /** A question with three answers, the second one shown. */
  function threeAnswers() {
    const { conversation } = fake().readyConversation();
    const user = fake().addMessage(conversation.id, 'user', 'Name a ternary value');
    const first = fake().addMessage(conversation.id, 'assistant', 'Minus one');
    const second = fake().addMessage(conversation.id, 'assistant', 'Zero', 'complete', { parentId: user.id });
    const third = fake().addMessage(conversation.id, 'assistant', 'Plus one', 'complete', { parentId: user.id });
    fake().activate(second.id);
    return { conversation, user, first, second, third };
  }

  it('shows ‹ 2/3 › under a message with versions and switches with Previous and Next', async () => {
    const { conversation, first, third } = threeAnswers();
    await openChat(conversation);
    expect(within(only('user')).queryByRole('group')).toBeNull();
    const group = within(only('assistant')).getByRole('group', { name: 'Version 2 of 3' });
    expect(within(group).getByText('2/3')).toBeTruthy();
    expect(text(only('assistant'))).toBe('Zero');

    await act(async () => fireEvent.click(within(group).getByRole('button', { name: 'Next version' })));
    expect(fake().callsOf('activateMessage')).toEqual([{ messageId: third.id }]);
    await waitFor(() => expect(text(only('assistant'))).toBe('Plus one'));
    expect(within(only('assistant')).getByRole('group', { name: 'Version 3 of 3' }).textContent).toContain('3/3');
    expect(button(only('assistant'), 'Next version').disabled).toBe(true);
    // The host keeps the choice: a reload shows the same branch.
    expect(fake().branch(conversation.id).at(-1)?.id).toBe(third.id);

    await act(async () => fireEvent.click(button(only('assistant'), 'Previous version')));
    await waitFor(() => expect(text(only('assistant'))).toBe('Zero'));
    await act(async () => fireEvent.click(button(only('assistant'), 'Previous version')));
    await waitFor(() => expect(text(only('assistant'))).toBe('Minus one'));
    expect(fake().callsOf('activateMessage').at(-1)).toEqual({ messageId: first.id });
    expect(within(only('assistant')).getByText('1/3')).toBeTruthy();
    expect(button(only('assistant'), 'Previous version').disabled).toBe(true);
  });

  it('each article says which message it is', async () => {
    const { conversation, user, second } = threeAnswers();
    await openChat(conversation);
    expect(only('user').getAttribute('data-message-id')).toBe(user.id);
    expect(only('assistant').id).toBe(`message-${second.id}`);
  });

  it('a failed switch is said in the composer', async () => {
    const { conversation } = threeAnswers();
    await openChat(conversation);
    fake().fail('activateMessage', 'database is locked');
    await act(async () => fireEvent.click(button(only('assistant'), 'Next version')));
    expect(screen.getByRole('alert').textContent).toContain('Could not show that version: database is locked');
    expect(text(only('assistant'))).toBe('Zero');
  });

  it('Regenerate asks for a new version with a fresh requestId; it streams in place of the old one', async () => {
    const { conversation } = fake().readyConversation();
    fake().addMessage(conversation.id, 'user', 'Hi');
    const old = fake().addMessage(conversation.id, 'assistant', 'Old answer');
    await openChat(conversation);

    await act(async () => fireEvent.click(button(only('assistant'), 'Regenerate')));
    const [request] = fake().callsOf('regenerateReply') as { requestId: string; messageId: string }[];
    expect(request?.messageId).toBe(old.id);
    expect(request?.requestId).toMatch(UUID);

    const reply = fake().lastReply();
    await waitFor(() => expect(only('assistant').getAttribute('data-status')).toBe('streaming'));
    expect(text(only('assistant'))).toBe('');
    await waitFor(() => expect(within(only('assistant')).getByRole('group', { name: 'Version 2 of 2' })).toBeTruthy());
    // While it streams, what would change the branch waits (Stop first); Copy does not.
    expect(button(only('assistant'), 'Regenerate').disabled).toBe(true);
    expect(button(only('assistant'), 'Delete message').disabled).toBe(true);
    expect(button(only('assistant'), 'Previous version').disabled).toBe(true);
    expect(button(only('user'), 'Edit').disabled).toBe(true);
    expect(button(only('assistant'), 'Copy').disabled).toBe(false);

    act(() => fake().delta(reply.id, 'New answer'));
    act(() => void fake().finish(reply.id));
    expect(text(only('assistant'))).toBe('New answer');
    expect(button(only('assistant'), 'Regenerate').disabled).toBe(false);

    await act(async () => fireEvent.click(button(only('assistant'), 'Previous version')));
    await waitFor(() => expect(text(only('assistant'))).toBe('Old answer'));
  });

  it('says when Regenerate fails', async () => {
    const { conversation } = fake().readyConversation();
    fake().addMessage(conversation.id, 'user', 'Hi');
    fake().addMessage(conversation.id, 'assistant', 'Old answer');
    await openChat(conversation);
    fake().fail('regenerateReply', 'the model file is gone', 'UNAVAILABLE');
    await act(async () => fireEvent.click(button(only('assistant'), 'Regenerate')));
    expect(screen.getByRole('alert').textContent).toContain('Could not regenerate the reply: the model file is gone');
    expect(text(only('assistant'))).toBe('Old answer');
  });

  describe('editing', () => {
    async function chatWithOneExchange() {
      const { conversation } = fake().readyConversation();
      const user = fake().addMessage(conversation.id, 'user', 'What is BitNet?');
      fake().addMessage(conversation.id, 'assistant', 'A ternary model.');
      await openChat(conversation);
      return { conversation, user };
    }

    it('Edit turns the message into a text box; Cancel puts it back as it was', async () => {
      await chatWithOneExchange();
      fireEvent.click(button(only('user'), 'Edit'));
      const box = within(only('user')).getByRole('textbox', { name: 'Edit message' }) as HTMLTextAreaElement;
      expect(box.value).toBe('What is BitNet?');
      expect(document.activeElement).toBe(box);
      // The composer stays as it is, with its own Send.
      expect(screen.getByRole('textbox', { name: 'Message' })).toBeTruthy();
      expect(screen.getAllByRole('button', { name: 'Send' })).toHaveLength(2);

      fireEvent.change(box, { target: { value: 'Something else' } });
      fireEvent.click(button(only('user'), 'Cancel'));
      expect(within(only('user')).queryByRole('textbox')).toBeNull();
      expect(text(only('user'))).toBe('What is BitNet?');
      expect(fake().callsOf('editMessage')).toHaveLength(0);
      expect(document.activeElement).toBe(button(only('user'), 'Edit'));
    });

    it('Escape cancels the edit', async () => {
      await chatWithOneExchange();
      fireEvent.click(button(only('user'), 'Edit'));
      fireEvent.keyDown(within(only('user')).getByRole('textbox', { name: 'Edit message' }), { key: 'Escape' });
      expect(within(only('user')).queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    });

    it('Send sends the edit as a new branch, which is then the one shown', async () => {
      const { user } = await chatWithOneExchange();
      fireEvent.click(button(only('user'), 'Edit'));
      fireEvent.change(within(only('user')).getByRole('textbox', { name: 'Edit message' }), {
        target: { value: '  What is BitNet b1.58?  ' },
      });
      await act(async () => fireEvent.click(button(only('user'), 'Send')));

      const [request] = fake().callsOf('editMessage') as { requestId: string; messageId: string; text: string }[];
      expect(request).toMatchObject({ messageId: user.id, text: 'What is BitNet b1.58?' });
      expect(request?.requestId).toMatch(UUID);
      expect(fake().callsOf('sendMessage')).toHaveLength(0);

      await waitFor(() => expect(within(only('user')).getByRole('group', { name: 'Version 2 of 2' })).toBeTruthy());
      expect(text(only('user'))).toBe('What is BitNet b1.58?');
      expect(only('assistant').getAttribute('data-status')).toBe('streaming');
      expect(text(only('assistant'))).toBe('');

      const reply = fake().lastReply();
      act(() => fake().delta(reply.id, 'The 1.58-bit one.'));
      act(() => void fake().finish(reply.id));
      await act(async () => fireEvent.click(button(only('user'), 'Previous version')));
      await waitFor(() => expect(text(only('user'))).toBe('What is BitNet?'));
      expect(text(only('assistant'))).toBe('A ternary model.');
    });

    it('a failed edit brings the branch back and keeps the text, with the reason', async () => {
      await chatWithOneExchange();
      fake().fail('editMessage', 'no model is chosen', 'UNAVAILABLE');
      fireEvent.click(button(only('user'), 'Edit'));
      fireEvent.change(within(only('user')).getByRole('textbox', { name: 'Edit message' }), { target: { value: 'Try this' } });
      await act(async () => fireEvent.keyDown(within(only('user')).getByRole('textbox', { name: 'Edit message' }), { key: 'Enter' }));
      expect(fake().callsOf('editMessage')).toHaveLength(1);
      const box = within(only('user')).getByRole('textbox', { name: 'Edit message' }) as HTMLTextAreaElement;
      expect(box.value).toBe('Try this');
      expect(within(only('user')).getByRole('alert').textContent).toBe('Could not send the edited message: no model is chosen');
      expect(text(only('assistant'))).toBe('A ternary model.');
    });
  });

  describe('copying', () => {
    afterEach(() => {
      Reflect.deleteProperty(navigator, 'clipboard');
      vi.useRealTimers();
    });

    function clipboard(writeText: (text: string) => Promise<void>) {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    }

    it('Copy puts the text on the clipboard and says Copied for a moment', async () => {
      const writeText = vi.fn(async (_text: string) => {});
      clipboard(writeText);
      const { conversation } = fake().readyConversation();
      fake().addMessage(conversation.id, 'user', 'Hi');
      fake().addMessage(conversation.id, 'assistant', 'Line one\n  line two');
      await openChat(conversation);
      vi.useFakeTimers();
      await act(async () => fireEvent.click(button(only('assistant'), 'Copy')));
      expect(writeText).toHaveBeenCalledWith('Line one\n  line two');
      expect(within(only('assistant')).getByRole('status').textContent).toBe('Copied');
      expect(button(only('assistant'), 'Copy')).toBeTruthy();
      act(() => vi.advanceTimersByTime(2000));
      expect(within(only('assistant')).getByRole('status').textContent).toBe('');
    });

    it('says when the clipboard refuses', async () => {
      clipboard(async () => {
        throw new Error('denied');
      });
      const { conversation } = fake().readyConversation();
      fake().addMessage(conversation.id, 'user', 'Hi');
      await openChat(conversation);
      await act(async () => fireEvent.click(button(only('user'), 'Copy')));
      expect(within(only('user')).getByRole('status').textContent).toBe('Could not copy');
    });
  });

  describe('deleting a message', () => {
    async function chat() {
      const { conversation } = fake().readyConversation();
      fake().addMessage(conversation.id, 'user', 'First');
      fake().addMessage(conversation.id, 'assistant', 'Answer one');
      const second = fake().addMessage(conversation.id, 'user', 'Second');
      fake().addMessage(conversation.id, 'assistant', 'Answer two');
      await openChat(conversation);
      return second;
    }

    it('asks first; Cancel keeps everything', async () => {
      await chat();
      fireEvent.click(button(articles('user')[1]!, 'Delete message'));
      const dialog = screen.getByRole('alertdialog', { name: 'Delete message?' });
      expect(dialog.textContent).toContain('Delete this message and everything after it on this branch?');
      fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('alertdialog')).toBeNull();
      expect(fake().callsOf('deleteMessage')).toHaveLength(0);
      expect(articles()).toHaveLength(4);
    });

    it('Delete removes the message and what follows it', async () => {
      const second = await chat();
      fireEvent.click(button(articles('user')[1]!, 'Delete message'));
      await act(async () =>
        fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' })),
      );
      expect(fake().callsOf('deleteMessage')).toEqual([{ messageId: second.id }]);
      await waitFor(() => expect(articles().map(text)).toEqual(['First', 'Answer one']));
    });
  });
});

describe('a search hit', () => {
  const fake = useFakeTern();
  const scrolled: Element[] = [];

  beforeEach(() => {
    scrolled.length = 0;
    // jsdom lays nothing out and has no scrollIntoView.
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
  });
  afterEach(() => {
    Reflect.deleteProperty(Element.prototype, 'scrollIntoView');
  });

  it('opens the conversation on the hit’s branch and brings the message into view', async () => {
    const { conversation } = fake().readyConversation('Kernels');
    const user = fake().addMessage(conversation.id, 'user', 'How fast is it?');
    fake().addMessage(conversation.id, 'assistant', 'About 30 tokens a second on AVX2.');
    const newer = fake().addMessage(conversation.id, 'assistant', 'Fast enough.', 'complete', { parentId: user.id });
    const other = fake().addConversation('Other');
    fake().activate(newer.id);
    await follow();
    await act(async () => selectConversation(other.id));
    render(
      <>
        <ConversationSidebar />
        <ConversationPane />
      </>,
    );

    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter conversations' }), { target: { value: 'AVX2' } });
    const hits = await screen.findByRole('region', { name: 'Matching messages' });
    await waitFor(() => expect(within(hits).queryAllByRole('button')).toHaveLength(1));
    const hitId = fake().messages.find((m) => m.content.includes('AVX2'))!.id;

    await act(async () => fireEvent.click(within(hits).getByRole('button')));
    expect(useTernStore.getState().selectedConversationId).toBe(conversation.id);
    expect(fake().callsOf('activateMessage')).toEqual([{ messageId: hitId }]);
    await waitFor(() => expect(text(only('assistant'))).toBe('About 30 tokens a second on AVX2.'));
    const article = only('assistant');
    expect(article.getAttribute('data-message-id')).toBe(hitId);
    await waitFor(() => expect(scrolled).toContain(article));
    expect(article.classList.contains('message-focused')).toBe(true);
    expect(within(article).getByRole('group', { name: 'Version 1 of 2' })).toBeTruthy();
    // The highlight is held in the store for a moment (a virtualized row remounted keeps it), then let go.
    expect(useTernStore.getState().focusMessageId).toBe(hitId);
    await waitFor(() => expect(useTernStore.getState().focusMessageId).toBeNull(), { timeout: FOCUS_MS + 1000 });
    expect(article.classList.contains('message-focused')).toBe(false);
  });

  it('says when the message cannot be opened', async () => {
    const c = fake().addConversation('Gone soon');
    fake().addMessage(c.id, 'user', 'findable words');
    await follow();
    render(<ConversationSidebar />);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter conversations' }), { target: { value: 'findable' } });
    const hits = await screen.findByRole('region', { name: 'Matching messages' });
    await waitFor(() => expect(within(hits).queryAllByRole('button')).toHaveLength(1));
    fake().fail('activateMessage', 'no message m2', 'NOT_FOUND');
    await act(async () => fireEvent.click(within(hits).getByRole('button')));
    expect(screen.getByRole('alert').textContent).toContain('Could not open that message: no message m2');
    expect(useTernStore.getState().focusMessageId).toBeNull();
  });
});
