// @vitest-environment jsdom
// While the host is not connected, nothing that changes data is offered (and so nothing is queued
// to happen after the reconnect), and the banner says so; a refused token says what to do.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import { resetStore, selectCanChange, setConnection, startSync, useTernStore } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

const button = (name: string | RegExp, within_: HTMLElement = document.body) =>
  within(within_).getByRole('button', { name }) as HTMLButtonElement;

describe('while not connected', () => {
  const fake = useFakeTern();

  async function openApp() {
    render(<App />);
    let stop = () => {};
    await act(async () => {
      stop = startSync();
    });
    return stop;
  }

  it('selectCanChange is true only when connected', () => {
    resetStore();
    for (const connection of ['connecting', 'reconnecting', 'refused'] as const) {
      useTernStore.setState({ connection });
      expect(selectCanChange(useTernStore.getState())).toBe(false);
    }
    useTernStore.setState({ connection: 'connected' });
    expect(selectCanChange(useTernStore.getState())).toBe(true);
  });

  it('disables New conversation, rename, delete and Import, says changes are off, and creates nothing meanwhile', async () => {
    const c = fake().addConversation('Kept');
    const stop = await openApp();
    await screen.findByRole('button', { name: 'Kept' });
    expect(button('New conversation').disabled).toBe(false);

    act(() => setConnection('reconnecting'));
    const banner = screen.getByRole('status');
    expect(banner.textContent).toContain('Lost the connection to the Tern host');
    expect(banner.textContent).toContain('Changes are off until it is back');
    expect(banner.textContent).not.toContain('cannot be saved');
    for (const name of ['New conversation', `Rename ${c.title}`, `Delete ${c.title}`, 'Import']) {
      expect(button(name).disabled, name).toBe(true);
    }
    fireEvent.click(button('New conversation'));
    // F2 and Delete on the row do nothing either.
    fireEvent.keyDown(button('Kept'), { key: 'F2' });
    fireEvent.keyDown(button('Kept'), { key: 'Delete' });
    expect(screen.queryByRole('textbox', { name: 'Conversation title' })).toBeNull();
    expect(screen.queryByRole('alertdialog')).toBeNull();

    await act(async () => setConnection('connected'));
    await waitFor(() => expect(button('New conversation').disabled).toBe(false));
    expect(fake().callsOf('createConversation')).toHaveLength(0);
    expect(fake().conversations.map((x) => x.title)).toEqual(['Kept']);
    expect(screen.queryByRole('status')).toBeNull();
    stop();
  });

  it('disables Send, Regenerate, Edit, Delete message and the model picker, and Enter sends nothing', async () => {
    const { conversation } = fake().readyConversation('Talk');
    fake().addMessage(conversation.id, 'user', 'Hello');
    fake().addMessage(conversation.id, 'assistant', 'Hi there');
    const stop = await openApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Talk' }));
    await screen.findByText('Hi there');
    const box = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.change(box, { target: { value: 'Are you there?' } });
    expect(button('Send').disabled).toBe(false);

    act(() => setConnection('reconnecting'));
    expect(button('Send').disabled).toBe(true);
    expect(button('Regenerate').disabled).toBe(true);
    expect(button('Edit').disabled).toBe(true);
    for (const del of screen.getAllByRole('button', { name: 'Delete message' })) expect((del as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement).disabled).toBe(true);

    await act(async () => fireEvent.keyDown(box, { key: 'Enter' }));
    await act(async () => setConnection('connected'));
    expect(fake().callsOf('sendMessage')).toHaveLength(0);
    expect(fake().messages).toHaveLength(2);
    expect((box as HTMLTextAreaElement).value).toBe('Are you there?');
    expect(button('Send').disabled).toBe(false);
    stop();
  });

  it('says at once that the host refused the token, how to get the current address, and to reload', async () => {
    const stop = await openApp();
    act(() => setConnection('refused'));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The Tern host refused this page’s access token');
    expect(alert.textContent).toContain('Tern is serving on http://…/?token=…');
    expect(alert.textContent).toContain('tern serve --new-token');
    expect(alert.textContent).toContain('reload this page');
    // Not the "connecting" or "reconnecting" notice: nothing is being retried.
    expect(screen.queryByText(/Connecting to the Tern host|Reconnecting/)).toBeNull();
    expect(button('New conversation').disabled).toBe(true);
    stop();
  });
});
