// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConversationPane } from '../../../renderer/src/features/chat';
import { loadConversations, selectConversation } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

describe('conversation area', () => {
  const fake = useFakeTern();

  it('invites a choice when no conversation is open', () => {
    render(<ConversationPane />);
    expect(screen.getByRole('heading', { name: 'No conversation open' })).toBeTruthy();
    expect(screen.getByText(/No model is loaded yet; model management arrives with the Models panel\./)).toBeTruthy();
  });

  it('says plainly that no model is loaded, with no message box', async () => {
    const c = fake().addConversation('Empty one');
    await act(() => loadConversations());
    act(() => selectConversation(c.id));
    render(<ConversationPane />);
    expect(screen.getByRole('heading', { name: 'Empty one' })).toBeTruthy();
    const note = await screen.findByRole('note', { name: 'No model loaded' });
    expect(note.textContent).toContain('No model is loaded yet.');
    expect(note.textContent).toContain('Model management arrives with the Models panel');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /send/i })).toBeNull();
    expect(screen.queryByRole('list', { name: 'Messages' })).toBeNull();
  });

  it('shows the messages the conversation already has', async () => {
    const c = fake().addConversation('Old chat');
    fake().addMessage(c.id, 'user', 'What is a ternary weight?');
    fake().addMessage(c.id, 'assistant', 'One of -1, 0 or +1.', 'interrupted');
    await act(() => loadConversations());
    act(() => selectConversation(c.id));
    render(<ConversationPane />);
    const list = await screen.findByRole('list', { name: 'Messages' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain('You');
    expect(items[0]?.textContent).toContain('What is a ternary weight?');
    expect(items[1]?.textContent).toContain('Assistant');
    expect(items[1]?.textContent).toContain('interrupted');
    expect(screen.getByText('2 messages', { exact: false })).toBeTruthy();
    expect(screen.getByRole('note', { name: 'No model loaded' })).toBeTruthy();
  });

  it('says when the messages could not be loaded', async () => {
    const c = fake().addConversation('Broken');
    await act(() => loadConversations());
    fake().fail('listMessages', 'database is locked');
    act(() => selectConversation(c.id));
    render(<ConversationPane />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('database is locked'));
  });
});
