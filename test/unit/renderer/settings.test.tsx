// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../electron/common/contract';
import { App } from '../../../renderer/src/app/App';
import { SettingsPanel } from '../../../renderer/src/features/settings';
import { loadSettings, startSync } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

const field = (name: string) => screen.getByRole('spinbutton', { name }) as HTMLInputElement;
const prompt = () => screen.getByRole('textbox', { name: 'Default system prompt' }) as HTMLTextAreaElement;

async function renderSettings(onClose = () => {}) {
  await act(() => loadSettings());
  render(<SettingsPanel onClose={onClose} />);
}

describe('Settings', () => {
  const fake = useFakeTern();

  it('opens from the sidebar beside About', async () => {
    render(<App />);
    await act(async () => {
      startSync();
    });
    const button = screen.getByRole('button', { name: 'Settings' });
    fireEvent.click(button);
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'About' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('shows the current settings in labelled fields', async () => {
    await renderSettings();
    expect(prompt().value).toBe('You are a helpful assistant.');
    expect(field('Temperature').value).toBe('0.7');
    expect(field('Top-p').value).toBe('0.9');
    expect(field('Top-k').value).toBe('40');
    expect(field('Min-p').value).toBe('0.05');
    expect(field('Repeat penalty').value).toBe('1.05');
    expect(field('Max reply tokens').value).toBe('1024');
    expect(field('Seed').value).toBe('');
    expect(field('Context size cap (tokens)').value).toBe('4096');
    expect(field('Unload after idle (minutes)').value).toBe('15');
  });

  it('refuses values out of range, marks the fields and saves nothing', async () => {
    await renderSettings();
    fireEvent.change(field('Top-p'), { target: { value: '1.5' } });
    fireEvent.change(field('Max reply tokens'), { target: { value: '2.5' } });
    fireEvent.change(field('Context size cap (tokens)'), { target: { value: '100' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(fake().callsOf('updateSettings')).toHaveLength(0);
    expect(field('Top-p').getAttribute('aria-invalid')).toBe('true');
    expect(field('Top-p').getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText('Enter a number from 0 to 1.')).toBeTruthy();
    expect(screen.getByText('Enter a whole number.')).toBeTruthy();
    expect(screen.getByText('Enter a number from 256 to 131072.')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('out of range');
    expect(field('Temperature').getAttribute('aria-invalid')).toBeNull();
  });

  it('saves with updateSettings; an empty seed means random', async () => {
    await renderSettings();
    fireEvent.change(prompt(), { target: { value: 'Be brief.' } });
    fireEvent.change(field('Temperature'), { target: { value: '0' } });
    fireEvent.change(field('Seed'), { target: { value: '1234' } });
    fireEvent.change(field('Unload after idle (minutes)'), { target: { value: '0' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(fake().callsOf('updateSettings')).toEqual([
      {
        systemPrompt: 'Be brief.',
        sampling: { ...DEFAULT_SETTINGS.sampling, temperature: 0, seed: 1234 },
        contextTokens: 4096,
        idleUnloadMinutes: 0,
      },
    ]);
    expect(screen.getByRole('status').textContent).toBe('Settings saved.');
    expect(fake().settings.sampling.seed).toBe(1234);

    fireEvent.change(field('Seed'), { target: { value: '' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect((fake().callsOf('updateSettings')[1] as { sampling: { seed: number | null } }).sampling.seed).toBeNull();
  });

  it('says when saving fails and keeps what was typed', async () => {
    await renderSettings();
    fake().fail('updateSettings', 'the disk is full');
    fireEvent.change(field('Top-k'), { target: { value: '7' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(screen.getByRole('alert').textContent).toBe('Could not save the settings: the disk is full');
    expect(field('Top-k').value).toBe('7');
  });

  it('Reset to defaults asks first, then calls resetSettings', async () => {
    fake().settings = { ...DEFAULT_SETTINGS, systemPrompt: 'Custom', contextTokens: 2048 };
    await renderSettings();
    expect(prompt().value).toBe('Custom');
    fireEvent.click(screen.getByRole('button', { name: 'Reset to defaults' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Reset all settings?' });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Reset' })));
    expect(fake().callsOf('resetSettings')).toHaveLength(1);
    expect(prompt().value).toBe('You are a helpful assistant.');
    expect(field('Context size cap (tokens)').value).toBe('4096');
  });

  it('follows settings changed elsewhere while not being edited', async () => {
    await act(async () => {
      startSync();
    });
    await renderSettings();
    act(() => fake().emitEvent('settingsChanged', { ...DEFAULT_SETTINGS, contextTokens: 8192 }));
    await waitFor(() => expect(field('Context size cap (tokens)').value).toBe('8192'));
  });

  it('closes with its button and with Escape', async () => {
    const onClose = vi.fn();
    await renderSettings(onClose);
    fireEvent.click(screen.getByRole('button', { name: 'Close Settings' }));
    fireEvent.keyDown(screen.getByRole('heading', { name: 'Settings' }), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});
