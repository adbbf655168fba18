// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../electron/common/contract';
import { ConversationPane } from '../../../renderer/src/features/chat';
import {
  loadConversations,
  loadEngineStatus,
  loadMessages,
  loadModels,
  loadSettings,
  selectConversation,
  setConnection,
  startSync,
} from '../../../renderer/src/state';
import { MODELS_FOLDER } from './fakeApi';
import { useFakeTern } from './setup';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Follows the fake host like the app does, opens the conversation and renders the pane. */
async function openChat(conversation: Conversation | null): Promise<void> {
  await act(async () => {
    startSync();
    await Promise.all([loadConversations(), loadModels(), loadEngineStatus(), loadSettings()]);
  });
  if (conversation) {
    await act(async () => {
      selectConversation(conversation.id);
      await loadMessages(conversation.id);
    });
  }
  render(<ConversationPane />);
}

const messageBox = () => screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
const sendButton = () => screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
const picker = () => screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
const articles = (role?: string) =>
  screen.queryAllByRole('article').filter((a) => role === undefined || a.getAttribute('data-role') === role);

function type(text: string): void {
  fireEvent.change(messageBox(), { target: { value: text } });
}

describe('conversation area', () => {
  const fake = useFakeTern();

  describe('without any model file', () => {
    it('says where to put one when no conversation is open', async () => {
      await openChat(null);
      expect(screen.getByRole('heading', { name: 'No conversation open' })).toBeTruthy();
      expect(screen.getByRole('note', { name: 'No model files' }).textContent).toContain(MODELS_FOLDER);
      expect(screen.queryByText(/No model is loaded yet/)).toBeNull();
    });

    it('names the models folder and --model, with no message box', async () => {
      const c = fake().addConversation('Empty one');
      await openChat(c);
      expect(screen.getByRole('heading', { name: 'Empty one' })).toBeTruthy();
      const note = screen.getByRole('note', { name: 'No model files' });
      expect(note.textContent).toContain(MODELS_FOLDER);
      expect(note.textContent).toContain('tern serve --model FILE');
      expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
      expect(screen.queryByRole('combobox', { name: 'Model' })).toBeNull();
      expect(screen.queryByRole('list', { name: 'Messages' })).toBeNull();
    });

    it('Check again rescans and shows the picker once a file is there', async () => {
      const c = fake().addConversation('Waiting');
      await openChat(c);
      fake().modelsOnRescan = [fake().makeModel('bitnet-2b.gguf')];
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Check again' })));
      expect(fake().callsOf('rescanModels')).toHaveLength(1);
      await waitFor(() => expect(picker()).toBeTruthy());
      expect(screen.queryByRole('note', { name: 'No model files' })).toBeNull();
      expect(screen.getByText('Choose a model')).toBeTruthy();
    });
  });

  describe('the model picker', () => {
    it('lists each file with size and architecture, and disabled files with the reason', async () => {
      fake().addModel('bitnet-2b.gguf', { name: 'BitNet b1.58 2B4T', sizeBytes: 1_190_000_000 });
      fake().addModel('broken.gguf', { arch: null, sizeBytes: 640_000_000, problem: 'the file is truncated' });
      const c = fake().addConversation('Pick one');
      await openChat(c);
      const options = within(picker()).getAllByRole('option') as HTMLOptionElement[];
      expect(options.map((o) => o.textContent)).toEqual([
        'Choose a model…',
        'bitnet-2b.gguf (BitNet b1.58 2B4T) · 1.2 GB · bitnet-b1.58',
        'broken.gguf · 640 MB · unknown architecture — cannot run: the file is truncated',
      ]);
      expect(options.map((o) => o.disabled)).toEqual([true, false, true]);
      expect(picker().value).toBe('');
      expect(screen.getByText('Choose a model')).toBeTruthy();
      expect(sendButton().disabled).toBe(true);
    });

    it('choosing calls setConversationModel and shows the choice', async () => {
      const model = fake().addModel('bitnet-2b.gguf');
      const c = fake().addConversation('Pick one');
      await openChat(c);
      await act(async () => fireEvent.change(picker(), { target: { value: model.id } }));
      expect(fake().callsOf('setConversationModel')).toEqual([{ id: c.id, modelId: model.id }]);
      await waitFor(() => expect(picker().value).toBe(model.id));
      expect(screen.queryByText('Choose a model')).toBeNull();
    });

    it('says the engine state in words, and Unload frees the model', async () => {
      const { conversation, model } = fake().readyConversation();
      fake().engine = { state: 'loading', modelId: model.id, progress: 0.42, error: null, contextTokens: null, busy: true };
      await openChat(conversation);
      expect(screen.getByText('Loading bitnet-2b.gguf… 42%')).toBeTruthy();
      act(() => fake().setEngine({ state: 'ready', progress: null, contextTokens: 4096, busy: false }));
      expect(screen.getByText('Ready · bitnet-2b.gguf')).toBeTruthy();
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Unload' })));
      expect(fake().callsOf('unloadModel')).toHaveLength(1);
      expect(screen.queryByRole('button', { name: 'Unload' })).toBeNull();
      act(() => fake().setEngine({ state: 'error', modelId: model.id, error: 'out of memory' }));
      expect(screen.getByText('Engine error: out of memory')).toBeTruthy();
    });
  });

  it('shows the context used, messages left out, and a fallback prompt format', async () => {
    const { conversation } = fake().readyConversation();
    await openChat(conversation);
    expect(screen.queryByRole('meter', { name: 'Context used' })).toBeNull();
    act(() =>
      fake().emitEvent('contextUse', {
        conversationId: conversation.id,
        usedTokens: 812,
        contextTokens: 4096,
        droppedMessages: 3,
        promptFormat: 'fallback',
        formatNote: 'the file has no chat template',
      }),
    );
    const meter = screen.getByRole('meter', { name: 'Context used' });
    expect(meter.textContent).toContain('812 / 4096 tokens');
    expect(meter.getAttribute('aria-valuenow')).toBe('812');
    expect(screen.getByText("3 earlier messages are outside the model's context.")).toBeTruthy();
    expect(screen.getByText(/the file has no chat template/)).toBeTruthy();
  });

  it('shows the messages the conversation already has, as written', async () => {
    const { conversation } = fake().readyConversation('Old chat');
    fake().addMessage(conversation.id, 'user', 'What is   a ternary weight?\n  <b>not bold</b>');
    fake().addMessage(conversation.id, 'assistant', 'One of -1, 0 or +1.', 'complete', {
      modelName: 'bitnet-2b.gguf',
      stats: {
        promptTokens: 20,
        generatedTokens: 42,
        ttftMs: 180,
        prefillTokensPerSec: 300,
        decodeTokensPerSec: 31.24,
        energyJoules: null,
        energySource: null,
        threads: 4,
      },
    });
    await openChat(conversation);
    const list = screen.getByRole('list', { name: 'Messages' });
    const [user, reply] = within(list).getAllByRole('article');
    expect(user?.getAttribute('data-role')).toBe('user');
    expect(user?.querySelector('.message-content')?.textContent).toBe('What is   a ternary weight?\n  <b>not bold</b>');
    expect(user?.querySelector('b')).toBeNull();
    expect(reply?.getAttribute('data-role')).toBe('assistant');
    expect(reply?.getAttribute('data-status')).toBe('complete');
    expect(reply?.querySelector('.message-stats')?.textContent).toBe(
      '42 tokens · 180 ms to first token · 31.2 tok/s · 4 threads · bitnet-2b.gguf',
    );
  });

  describe('sending', () => {
    it('Enter sends with a fresh requestId, clears the box and streams the reply', async () => {
      const { conversation } = fake().readyConversation();
      await openChat(conversation);
      type('  Hello there  ');
      await act(async () => fireEvent.keyDown(messageBox(), { key: 'Enter' }));

      const [request] = fake().callsOf('sendMessage') as { requestId: string; conversationId: string; text: string }[];
      expect(request?.requestId).toMatch(UUID);
      expect(request).toMatchObject({ conversationId: conversation.id, text: 'Hello there' });
      await waitFor(() => expect(messageBox().value).toBe(''));

      expect(articles('user').map((a) => a.querySelector('.message-content')?.textContent)).toEqual(['Hello there']);
      const reply = fake().lastReply();
      expect(articles('assistant')[0]?.getAttribute('data-status')).toBe('streaming');
      expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
      expect(sendButton().disabled).toBe(true);

      act(() => fake().delta(reply.id, 'Hi'));
      act(() => fake().delta(reply.id, ', you.'));
      expect(articles('assistant')[0]?.querySelector('.message-content')?.textContent).toBe('Hi, you.');

      act(() => {
        fake().finish(reply.id, {
          stats: { ...reply.stats, generatedTokens: 2, ttftMs: 1500, decodeTokensPerSec: 12 },
        });
      });
      const done = articles('assistant')[0];
      expect(done?.getAttribute('data-status')).toBe('complete');
      expect(done?.querySelector('.message-stats')?.textContent).toBe('2 tokens · 1.5 s to first token · 12.0 tok/s · bitnet-2b.gguf');
      expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    });

    it('Shift+Enter adds a line instead of sending', async () => {
      const { conversation } = fake().readyConversation();
      await openChat(conversation);
      type('first line');
      const notPrevented = fireEvent.keyDown(messageBox(), { key: 'Enter', shiftKey: true });
      expect(notPrevented).toBe(true);
      expect(fake().callsOf('sendMessage')).toHaveLength(0);
      type('first line\nsecond line');
      await act(async () => fireEvent.click(sendButton()));
      expect(fake().callsOf('sendMessage')).toMatchObject([{ text: 'first line\nsecond line' }]);
    });

    it('Send is disabled with empty text, with no model, and while a reply streams', async () => {
      const { conversation } = fake().readyConversation();
      const bare = fake().addConversation('No model yet');
      await openChat(conversation);
      expect(sendButton().disabled).toBe(true);
      type('   ');
      expect(sendButton().disabled).toBe(true);
      await act(async () => fireEvent.keyDown(messageBox(), { key: 'Enter' }));
      expect(fake().callsOf('sendMessage')).toHaveLength(0);
      type('Go');
      expect(sendButton().disabled).toBe(false);
      await act(async () => fireEvent.click(sendButton()));
      type('Another');
      expect(sendButton().disabled).toBe(true);

      await act(async () => selectConversation(bare.id));
      type('Hello');
      expect(sendButton().disabled).toBe(true);
    });

    it('keeps the text and says why when the send fails', async () => {
      const { conversation } = fake().readyConversation();
      await openChat(conversation);
      fake().fail('sendMessage', 'the model file is gone', 'UNAVAILABLE');
      type('Keep me');
      await act(async () => fireEvent.keyDown(messageBox(), { key: 'Enter' }));
      expect(screen.getByRole('alert').textContent).toContain('Could not send: the model file is gone');
      expect(messageBox().value).toBe('Keep me');
      expect(articles()).toHaveLength(0);
    });

    it('after a dropped connection, sends again with the same requestId once it is back', async () => {
      const { conversation } = fake().readyConversation();
      await openChat(conversation);
      fake().failOnce('sendMessage', 'the connection was lost', 'DISCONNECTED');
      type('Are you there?');
      // The connection drops while the Send is on its way (a Send is not offered while disconnected).
      await act(async () => {
        fireEvent.keyDown(messageBox(), { key: 'Enter' });
        setConnection('reconnecting');
      });
      expect(await screen.findByText(/Your message will be sent when it is back/)).toBeTruthy();
      expect(messageBox().value).toBe('Are you there?');

      await act(async () => setConnection('connected'));
      await waitFor(() => expect(fake().callsOf('sendMessage')).toHaveLength(2));
      const [first, second] = fake().callsOf('sendMessage') as { requestId: string }[];
      expect(second?.requestId).toBe(first?.requestId);
      await waitFor(() => expect(messageBox().value).toBe(''));
      expect(articles('user')).toHaveLength(1);
      expect(fake().messages.filter((m) => m.role === 'user')).toHaveLength(1);
    });
  });

  describe('stopping and continuing', () => {
    it('Esc stops the reply; Continue resumes it with a fresh requestId', async () => {
      const { conversation } = fake().readyConversation();
      await openChat(conversation);
      type('Tell me a long story');
      await act(async () => fireEvent.keyDown(messageBox(), { key: 'Enter' }));
      const reply = fake().lastReply();
      act(() => fake().delta(reply.id, 'Once upon'));

      await act(async () => fireEvent.keyDown(messageBox(), { key: 'Escape' }));
      expect(fake().callsOf('stopReply')).toEqual([{ conversationId: conversation.id }]);
      const stopped = articles('assistant')[0];
      expect(stopped?.getAttribute('data-status')).toBe('interrupted');
      expect(stopped?.textContent).toContain('Stopped before the end.');
      expect(stopped?.textContent).toContain('Interrupted');

      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
      const [request] = fake().callsOf('continueReply') as { requestId: string; messageId: string }[];
      expect(request?.messageId).toBe(reply.id);
      expect(request?.requestId).toMatch(UUID);
      expect(request?.requestId).not.toBe((fake().callsOf('sendMessage')[0] as { requestId: string }).requestId);
      expect(articles('assistant')[0]?.getAttribute('data-status')).toBe('streaming');
      expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();

      act(() => fake().delta(reply.id, ' a time.'));
      act(() => void fake().finish(reply.id));
      expect(articles('assistant')[0]?.querySelector('.message-content')?.textContent).toBe('Once upon a time.');
    });

    it('the Stop button stops too', async () => {
      const { conversation } = fake().readyConversation();
      await openChat(conversation);
      type('Go on');
      await act(async () => fireEvent.click(sendButton()));
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Stop' })));
      expect(fake().callsOf('stopReply')).toHaveLength(1);
    });

    it('an error reply shows its note', async () => {
      const { conversation } = fake().readyConversation();
      fake().addMessage(conversation.id, 'user', 'Hi');
      fake().addMessage(conversation.id, 'assistant', '', 'error', { note: 'The engine stopped unexpectedly.' });
      await openChat(conversation);
      const reply = articles('assistant')[0];
      expect(reply?.getAttribute('data-status')).toBe('error');
      expect(reply?.textContent).toContain('The engine stopped unexpectedly.');
      expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();
    });
  });

  it('saves the conversation’s own system prompt and sampling', async () => {
    const { conversation } = fake().readyConversation();
    await openChat(conversation);
    fireEvent.click(screen.getByRole('button', { name: 'Conversation settings' }));
    const panel = screen.getByRole('region', { name: 'Conversation settings' });
    const prompt = within(panel).getByRole('textbox', { name: 'System prompt' }) as HTMLTextAreaElement;
    expect(prompt.placeholder).toBe('You are a helpful assistant.');
    expect((within(panel).getByRole('spinbutton', { name: 'Temperature' }) as HTMLInputElement).placeholder).toBe('0.7');
    fireEvent.change(prompt, { target: { value: 'Answer in French.' } });
    fireEvent.change(within(panel).getByRole('spinbutton', { name: 'Temperature' }), { target: { value: '9' } });
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Save' })));
    expect(within(panel).getByText('Enter a number from 0 to 5.')).toBeTruthy();
    expect(fake().callsOf('updateConversationSettings')).toHaveLength(0);

    fireEvent.change(within(panel).getByRole('spinbutton', { name: 'Temperature' }), { target: { value: '0.2' } });
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Save' })));
    expect(fake().callsOf('updateConversationSettings')).toEqual([
      { id: conversation.id, settings: { systemPrompt: 'Answer in French.', sampling: { temperature: 0.2 } } },
    ]);
    expect(within(panel).getByRole('status').textContent).toBe('Saved for this conversation.');
  });

  it('says when the messages could not be loaded', async () => {
    const c = fake().addConversation('Broken');
    fake().fail('listMessages', 'database is locked');
    await openChat(c);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('database is locked'));
  });
});
