// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../electron/common/contract';
import { SettingsPanel } from '../../../renderer/src/features/settings';
import { loadModels, loadSettings, setConnection, startSync } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

const parallel = () => screen.getByRole('spinbutton', { name: 'Downloads at once' }) as HTMLInputElement;
const endpoint = () => screen.getByRole('textbox', { name: 'Hugging Face endpoint' }) as HTMLInputElement;
const tokenBox = () => screen.getByLabelText('Hugging Face token') as HTMLInputElement;
const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

async function renderSettings() {
  await act(() => loadSettings());
  await act(() => loadModels());
  render(<SettingsPanel onClose={() => {}} />);
  // The hub info comes from the host once the section shows.
  await screen.findByText(/^In use: /);
}

async function save() {
  await act(async () => fireEvent.click(button('Save')));
}

describe('Settings: downloads and models', () => {
  const fake = useFakeTern();

  it('has its own section with the downloads fields and the endpoint in use', async () => {
    await renderSettings();
    const section = screen.getByRole('region', { name: 'Downloads and models' });
    expect(within(section).getByRole('heading', { name: 'Downloads and models' })).toBeTruthy();
    expect(parallel().value).toBe('2');
    expect(endpoint().value).toBe('');
    expect(screen.getByText('In use: https://huggingface.co (default)')).toBeTruthy();
    expect(endpoint().getAttribute('aria-describedby')).toBeTruthy();
  });

  it('says when the endpoint comes from HF_ENDPOINT or from the setting', async () => {
    fake().hubEnv = { HF_ENDPOINT: 'https://mirror.example.org/' };
    await renderSettings();
    expect(screen.getByText('In use: https://mirror.example.org (from HF_ENDPOINT)')).toBeTruthy();
  });

  it('shows a saved endpoint as this setting', async () => {
    fake().settings = { ...DEFAULT_SETTINGS, hubEndpoint: 'https://hub.example.com', parallelDownloads: 5 };
    await renderSettings();
    expect(endpoint().value).toBe('https://hub.example.com');
    expect(parallel().value).toBe('5');
    expect(screen.getByText('In use: https://hub.example.com (this setting)')).toBeTruthy();
  });

  it.each([
    ['0', 'Enter a number from 1 to 8.'],
    ['9', 'Enter a number from 1 to 8.'],
    ['2.5', 'Enter a whole number.'],
    ['', 'Enter a number.'],
  ])('refuses %j downloads at once', async (value, error) => {
    await renderSettings();
    fireEvent.change(parallel(), { target: { value } });
    await save();
    expect(fake().callsOf('updateSettings')).toHaveLength(0);
    expect(parallel().getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(error)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('see the fields marked');
  });

  it.each([
    ['huggingface.co', 'Enter a URL starting with https://, or leave it empty.'],
    ['ftp://hub.example.com', 'Enter a URL starting with https://, or leave it empty.'],
    ['http://hub.example.com', 'Use https://: plain http is only allowed to this computer (localhost or 127.0.0.1).'],
    ['https://me:secret@hub.example.com', 'Leave the name and password out of the URL; save a token instead.'],
  ])('refuses the endpoint %j', async (value, error) => {
    await renderSettings();
    fireEvent.change(endpoint(), { target: { value } });
    await save();
    expect(fake().callsOf('updateSettings')).toHaveLength(0);
    expect(endpoint().getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(error)).toBeTruthy();
    // Typing again clears the mark.
    fireEvent.change(endpoint(), { target: { value: 'https://hub.example.com' } });
    expect(endpoint().getAttribute('aria-invalid')).toBeNull();
  });

  it('saves both fields with Save; the endpoint in use follows', async () => {
    await renderSettings();
    fireEvent.change(parallel(), { target: { value: '4' } });
    fireEvent.change(endpoint(), { target: { value: ' https://hub.example.com ' } });
    await save();
    expect(fake().callsOf('updateSettings')).toEqual([
      expect.objectContaining({ parallelDownloads: 4, hubEndpoint: 'https://hub.example.com' }),
    ]);
    expect(screen.getByRole('status').textContent).toBe('Settings saved.');
    expect(fake().settings.parallelDownloads).toBe(4);
    expect(await screen.findByText('In use: https://hub.example.com (this setting)')).toBeTruthy();
  });

  it('an empty endpoint goes back to the default; plain http to this computer is allowed', async () => {
    fake().settings = { ...DEFAULT_SETTINGS, hubEndpoint: 'https://hub.example.com' };
    await renderSettings();
    fireEvent.change(endpoint(), { target: { value: '' } });
    await save();
    expect(fake().callsOf('updateSettings')[0]).toMatchObject({ hubEndpoint: null });
    expect(await screen.findByText('In use: https://huggingface.co (default)')).toBeTruthy();

    fireEvent.change(endpoint(), { target: { value: 'http://127.0.0.1:8080' } });
    await save();
    expect(fake().callsOf('updateSettings')[1]).toMatchObject({ hubEndpoint: 'http://127.0.0.1:8080' });
  });

  it('leaves the downloads settings out of a save that did not change them', async () => {
    await renderSettings();
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Top-k' }), { target: { value: '7' } });
    await save();
    const [changes] = fake().callsOf('updateSettings') as Record<string, unknown>[];
    expect(changes).not.toHaveProperty('parallelDownloads');
    expect(changes).not.toHaveProperty('hubEndpoint');
  });

  it('Reset to defaults puts them back too', async () => {
    fake().settings = { ...DEFAULT_SETTINGS, hubEndpoint: 'https://hub.example.com', parallelDownloads: 6 };
    await renderSettings();
    fireEvent.click(button('Reset to defaults'));
    const dialog = screen.getByRole('alertdialog', { name: 'Reset all settings?' });
    expect(dialog.textContent).toContain('downloads at once and Hugging Face endpoint');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Reset' })));
    expect(parallel().value).toBe('2');
    expect(endpoint().value).toBe('');
  });
});

describe('Settings: the Hugging Face token', () => {
  const fake = useFakeTern();

  it('without a token says so; Save token saves it and clears the box', async () => {
    await renderSettings();
    expect(screen.getByText('No token: gated repositories will ask for one')).toBeTruthy();
    expect(tokenBox().type).toBe('password');
    expect(button('Save token').disabled).toBe(true);
    expect(button('Forget token').disabled).toBe(true);

    fireEvent.change(tokenBox(), { target: { value: '  hf_secret123 ' } });
    await act(async () => fireEvent.click(button('Save token')));
    expect(fake().callsOf('setHubToken')).toEqual([{ token: 'hf_secret123' }]);
    expect(fake().savedToken).toBe('hf_secret123');
    expect(screen.getByText('A token is saved')).toBeTruthy();
    expect(screen.getByText('The token is saved.')).toBeTruthy();
    expect(tokenBox().value).toBe('');
    // The settings form itself was not saved.
    expect(fake().callsOf('updateSettings')).toHaveLength(0);
  });

  it('Forget token forgets the saved one', async () => {
    fake().savedToken = 'hf_old';
    await renderSettings();
    expect(screen.getByText('A token is saved')).toBeTruthy();
    await act(async () => fireEvent.click(button('Forget token')));
    expect(fake().callsOf('setHubToken')).toEqual([{ token: null }]);
    expect(screen.getByText('No token: gated repositories will ask for one')).toBeTruthy();
    expect(screen.getByText('The token is forgotten.')).toBeTruthy();
    expect(button('Forget token').disabled).toBe(true);
  });

  it('says when HF_TOKEN is used, and that a saved token comes first', async () => {
    fake().hubEnv = { HF_TOKEN: 'hf_env' };
    await renderSettings();
    expect(screen.getByText('Using HF_TOKEN from the environment')).toBeTruthy();
    expect(button('Forget token').disabled).toBe(true);
    fireEvent.change(tokenBox(), { target: { value: 'hf_mine' } });
    await act(async () => fireEvent.click(button('Save token')));
    expect(screen.getByText('A token is saved')).toBeTruthy();
  });

  it('Enter in the token box saves the token, not the form', async () => {
    await renderSettings();
    fireEvent.change(tokenBox(), { target: { value: 'hf_enter' } });
    await act(async () => fireEvent.keyDown(tokenBox(), { key: 'Enter' }));
    expect(fake().callsOf('setHubToken')).toEqual([{ token: 'hf_enter' }]);
    expect(fake().callsOf('updateSettings')).toHaveLength(0);
  });

  it('says why a token could not be saved and keeps it typed', async () => {
    await renderSettings();
    fake().fail('setHubToken', 'this system cannot encrypt the token; set HF_TOKEN instead', 'UNAVAILABLE');
    fireEvent.change(tokenBox(), { target: { value: 'hf_x' } });
    await act(async () => fireEvent.click(button('Save token')));
    expect(screen.getByRole('alert').textContent).toBe('Could not save the token: this system cannot encrypt the token; set HF_TOKEN instead');
    expect(tokenBox().value).toBe('hf_x');
    expect(screen.getByText('No token: gated repositories will ask for one')).toBeTruthy();
  });

  it('on a headless host only says where the token comes from', async () => {
    fake().canSaveToken = false;
    await renderSettings();
    expect(screen.getByText('No token: gated repositories will ask for one')).toBeTruthy();
    expect(screen.getByText('Set HF_TOKEN before starting tern serve to download gated models.')).toBeTruthy();
    expect(screen.queryByLabelText('Hugging Face token')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save token' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Forget token' })).toBeNull();
  });

  it('on a headless host with HF_TOKEN says it is used', async () => {
    fake().canSaveToken = false;
    fake().hubEnv = { HF_TOKEN: 'hf_env' };
    await renderSettings();
    expect(screen.getByText('Using HF_TOKEN from the environment')).toBeTruthy();
    expect(screen.getByText('Set HF_TOKEN before starting tern serve to download gated models.')).toBeTruthy();
  });

  it('offers no change while disconnected, and reads the hub info again on reconnect', async () => {
    await act(async () => {
      startSync();
    });
    fake().savedToken = 'hf_old';
    await renderSettings();
    act(() => setConnection('reconnecting'));
    fireEvent.change(tokenBox(), { target: { value: 'hf_new' } });
    expect(button('Save token').disabled).toBe(true);
    expect(button('Forget token').disabled).toBe(true);
    expect(button('Move models folder').disabled).toBe(true);
    fake().savedToken = null;
    fake().hubEnv = { HF_TOKEN: 'hf_env' };
    act(() => setConnection('connected'));
    expect(await screen.findByText('Using HF_TOKEN from the environment')).toBeTruthy();
    expect(button('Save token').disabled).toBe(false);
  });

  it('says when the hub info cannot be read, and tries again', async () => {
    fake().failOnce('getHubInfo', 'the host is busy');
    await act(() => loadSettings());
    render(<SettingsPanel onClose={() => {}} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not read the hub settings: the host is busy');
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Try again' })));
    expect(screen.getByText('No token: gated repositories will ask for one')).toBeTruthy();
    expect(screen.getByText('In use: https://huggingface.co (default)')).toBeTruthy();
  });
});
