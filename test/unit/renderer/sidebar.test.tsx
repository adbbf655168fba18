// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConversationSidebar } from '../../../renderer/src/features/conversations';
import { loadConversations, useTernStore } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

function list() {
  return screen.getByRole('navigation', { name: 'Conversation list' });
}

function titles(): string[] {
  return within(list())
    .queryAllByRole('listitem')
    .map((item) => item.querySelector('.conversation-title')?.textContent ?? '');
}

async function renderSidebar() {
  await act(() => loadConversations());
  render(<ConversationSidebar />);
}

describe('conversation sidebar', () => {
  const fake = useFakeTern();

  it('says when there are no conversations yet', async () => {
    await renderSidebar();
    expect(screen.getByText('No conversations yet.')).toBeTruthy();
  });

  it('creates a conversation and shows it selected', async () => {
    await renderSidebar();
    fireEvent.click(screen.getByRole('button', { name: 'New conversation' }));
    await waitFor(() => expect(titles()).toEqual(['New conversation']));
    const open = within(list()).getByRole('button', { name: 'New conversation' });
    expect(open.getAttribute('aria-current')).toBe('true');
    expect(fake().conversations).toHaveLength(1);
  });

  it('renames inline: Enter saves', async () => {
    fake().addConversation('Draft');
    await renderSidebar();
    fireEvent.click(screen.getByRole('button', { name: 'Rename Draft' }));
    const input = screen.getByRole('textbox', { name: 'Conversation title' });
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: '  Ternary kernels  ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(titles()).toEqual(['Ternary kernels']));
    expect(fake().conversations[0]?.title).toBe('Ternary kernels');
  });

  it('renames inline: Escape cancels', async () => {
    fake().addConversation('Draft');
    await renderSidebar();
    fireEvent.click(screen.getByRole('button', { name: 'Rename Draft' }));
    const input = screen.getByRole('textbox', { name: 'Conversation title' });
    fireEvent.change(input, { target: { value: 'Something else' } });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'Conversation title' })).toBeNull();
    expect(titles()).toEqual(['Draft']);
    expect(fake().calls.some((call) => call.name === 'renameConversation')).toBe(false);
  });

  it('refuses an empty title and keeps editing', async () => {
    fake().addConversation('Draft');
    await renderSidebar();
    fireEvent.click(screen.getByRole('button', { name: 'Rename Draft' }));
    const input = screen.getByRole('textbox', { name: 'Conversation title' });
    fireEvent.change(input, { target: { value: '   ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByRole('alert').textContent).toBe('A title cannot be empty.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('starts a rename with F2 from the keyboard', async () => {
    fake().addConversation('Draft');
    await renderSidebar();
    fireEvent.keyDown(within(list()).getByRole('button', { name: 'Draft' }), { key: 'F2' });
    expect(screen.getByRole('textbox', { name: 'Conversation title' })).toBeTruthy();
  });

  it('asks before deleting, and Cancel keeps the conversation', async () => {
    const c = fake().addConversation('Keep me');
    fake().addMessage(c.id, 'user', 'one');
    fake().addMessage(c.id, 'assistant', 'two');
    await renderSidebar();
    fireEvent.click(screen.getByRole('button', { name: 'Delete Keep me' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete conversation?' });
    expect(dialog.textContent).toContain('“Keep me” will be deleted from this computer.');
    expect(dialog.textContent).toContain('Its 2 messages will be deleted too.');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(titles()).toEqual(['Keep me']);
  });

  it('Escape closes the delete dialog without deleting', async () => {
    fake().addConversation('Keep me');
    await renderSidebar();
    fireEvent.click(screen.getByRole('button', { name: 'Delete Keep me' }));
    fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake().conversations).toHaveLength(1);
  });

  it('deletes after confirming', async () => {
    fake().addConversation('Stay');
    fake().addConversation('Go away');
    await renderSidebar();
    fireEvent.click(screen.getByRole('button', { name: 'Delete Go away' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(titles()).toEqual(['Stay']));
    expect(fake().conversations.map((c) => c.title)).toEqual(['Stay']);
  });

  it('shows a failed delete instead of hiding it', async () => {
    fake().addConversation('Stuck');
    await renderSidebar();
    fake().fail('deleteConversation', 'database is locked');
    fireEvent.click(screen.getByRole('button', { name: 'Delete Stuck' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('Could not delete the conversation: database is locked'),
    );
    expect(titles()).toEqual(['Stuck']);
  });

  it('filters by title and shows matching messages', async () => {
    const kernels = fake().addConversation('Kernel notes');
    fake().addConversation('Groceries');
    fake().addMessage(kernels.id, 'assistant', 'The NEON path uses dotprod when present.');
    const trip = fake().addConversation('Trip');
    fake().addMessage(trip.id, 'user', 'Is there a kernel museum?');
    await renderSidebar();

    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter conversations' }), { target: { value: 'kernel' } });
    expect(titles()).toEqual(['Kernel notes']);

    const hits = await screen.findByRole('region', { name: 'Matching messages' });
    await waitFor(() => expect(within(hits).queryAllByRole('button')).toHaveLength(1));
    const hit = within(hits).getByRole('button');
    expect(hit.textContent).toContain('Trip');
    expect(hit.querySelector('mark')?.textContent).toBe('kernel');

    fireEvent.click(hit);
    expect(useTernStore.getState().selectedConversationId).toBe(trip.id);
  });

  it('says when neither titles nor messages match, and Escape clears the filter', async () => {
    fake().addConversation('Alpha');
    await renderSidebar();
    const box = screen.getByRole('searchbox', { name: 'Filter conversations' });
    fireEvent.change(box, { target: { value: 'zzz' } });
    expect(screen.getByText('No titles match.')).toBeTruthy();
    expect(await screen.findByText('No messages match.')).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Escape' });
    expect((box as HTMLInputElement).value).toBe('');
    expect(titles()).toEqual(['Alpha']);
    expect(screen.queryByRole('region', { name: 'Matching messages' })).toBeNull();
  });

  it('moves between conversations with the arrow keys', async () => {
    fake().addConversation('One');
    fake().addConversation('Two');
    await renderSidebar();
    const two = within(list()).getByRole('button', { name: 'Two' });
    two.focus();
    fireEvent.keyDown(two, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(within(list()).getByRole('button', { name: 'One' }));
  });
});
