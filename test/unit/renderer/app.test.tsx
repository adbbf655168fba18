// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import { setConnection, setHostTokenMissing, startSync } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

describe('app shell', () => {
  const fake = useFakeTern();

  it('opens About from the sidebar and goes back to the conversation', async () => {
    const c = fake().addConversation('Hello');
    render(<App />);
    let stop = () => {};
    await act(async () => {
      stop = startSync();
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Hello' }));
    expect(await screen.findByRole('heading', { name: 'Hello' })).toBeTruthy();

    const about = screen.getByRole('button', { name: 'About' });
    fireEvent.click(about);
    expect(about.getAttribute('aria-pressed')).toBe('true');
    expect(await screen.findByText('Test CPU 3000')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: c.title }));
    expect(screen.queryByRole('heading', { name: 'About Tern' })).toBeNull();
    stop();
  });

  it('shows a banner while reconnecting and hides it once connected', async () => {
    render(<App />);
    expect(screen.queryByRole('status')).toBeNull();
    act(() => setConnection('reconnecting'));
    expect(screen.getByRole('status').textContent).toContain('Lost the connection to the Tern host. Reconnecting');
    act(() => setConnection('connected'));
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
  });

  it('tells the user to open the full address when the token is missing', () => {
    render(<App />);
    act(() => setHostTokenMissing(true));
    expect(screen.getByRole('alert').textContent).toContain('opened without the host’s access token');
  });
});
