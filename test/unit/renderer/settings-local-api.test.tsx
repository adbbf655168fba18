// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsPanel } from '../../../renderer/src/features/settings';
import { loadEngineStatus, loadModels, loadSettings, setConnection, startSync } from '../../../renderer/src/state';
import { SAMPLE_API_KEY, sampleReadouts } from './fakeApi';
import { useFakeTern } from './setup';

const section = () => screen.getByRole('region', { name: 'Local API' });
const apiSwitch = () => screen.getByRole('switch', { name: 'Local API' }) as HTMLInputElement;
const field = (name: string) => screen.getByRole('spinbutton', { name }) as HTMLInputElement;
const button = (name: string) => within(section()).getByRole('button', { name }) as HTMLButtonElement;
const origins = () => screen.getByRole('textbox', { name: 'Allowed web origins (CORS)' }) as HTMLTextAreaElement;

async function renderSettings() {
  await act(async () => {
    startSync();
  });
  await act(() => loadSettings());
  render(<SettingsPanel onClose={() => {}} />);
  await screen.findByRole('switch', { name: 'Local API' });
}

function clipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('Settings: the local API', () => {
  const fake = useFakeTern();

  it('is off by default, with its key as text and the port it would use', async () => {
    await renderSettings();
    expect(apiSwitch().checked).toBe(false);
    expect(within(section()).getByText('Off').getAttribute('aria-live')).toBe('polite');
    const key = screen.getByText(SAMPLE_API_KEY);
    expect(key.tagName).toBe('CODE');
    expect(button('Copy key')).toBeTruthy();
    expect(button('Rotate key')).toBeTruthy();
    expect(field('Port').value).toBe('4311');
    expect(field('Requests a minute').value).toBe('60');
    expect(field('Queue limit').value).toBe('8');
    expect(field('Timeout (seconds)').value).toBe('300');
    expect(field('Max tokens a request may ask for').value).toBe('4096');
    expect(screen.getByText(/curl http:\/\/127\.0\.0\.1:4311\/v1\/chat\/completions/).textContent).toContain(`Bearer ${SAMPLE_API_KEY}`);
  });

  it('the switch turns it on with updateApiSettings and shows where it listens and what it serves', async () => {
    await renderSettings();
    await act(async () => fireEvent.click(apiSwitch()));
    expect(fake().callsOf('updateApiSettings')).toEqual([{ enabled: true }]);
    expect(apiSwitch().checked).toBe(true);
    expect(within(section()).getByText('http://127.0.0.1:4311/v1')).toBeTruthy();
    expect(section().textContent).toContain('Listening at http://127.0.0.1:4311/v1');
    expect(button('Copy address')).toBeTruthy();
    expect(section().textContent).toContain('0 answering now, 0 waiting; 0 served since it started.');

    await act(async () => fireEvent.click(apiSwitch()));
    expect(fake().callsOf('updateApiSettings')).toEqual([{ enabled: true }, { enabled: false }]);
    expect(apiSwitch().checked).toBe(false);
    expect(section().textContent).toContain('Off');
    expect(section().textContent).not.toContain('Listening at');
  });

  it("shows the API's own readouts, marked as API traffic, while a request runs and after", async () => {
    await renderSettings();
    expect(screen.queryByRole('region', { name: 'API readouts' })).toBeNull();
    act(() => fake().emitEvent('readouts', sampleReadouts({ conversationId: null, messageId: null, source: 'api', energySource: 'measured' })));
    const readouts = screen.getByRole('region', { name: 'API readouts' });
    expect(readouts.textContent).toContain('API request: writing…');
    expect(within(readouts).getAllByText('measured').length).toBeGreaterThan(0);
    act(() => fake().emitEvent('readouts', sampleReadouts({ conversationId: null, messageId: null, source: 'api', phase: 'done' })));
    expect(screen.getByRole('region', { name: 'API readouts' }).textContent).toContain('Last API request');
    // A conversation's readouts are not the API's.
    expect(screen.queryByRole('region', { name: 'Live readouts' })).toBeNull();
  });

  it('follows apiStatus events: listening, the requests it serves, a new key', async () => {
    await renderSettings();
    act(() => {
      fake().setApiStatus({ on: true, listening: true, address: 'http://127.0.0.1:5000/v1', settings: { ...fake().apiStatus.settings, enabled: true, port: 5000 } });
    });
    expect(apiSwitch().checked).toBe(true);
    expect(section().textContent).toContain('Listening at http://127.0.0.1:5000/v1');
    expect(field('Port').value).toBe('5000');
    act(() => {
      fake().setApiStatus({ active: 1, queued: 2, served: 17 });
    });
    expect(section().textContent).toContain('1 answering now, 2 waiting; 17 served since it started.');
    act(() => {
      fake().setApiStatus({ key: 'tern-sk-new' });
    });
    expect(screen.getByText('tern-sk-new').tagName).toBe('CODE');
    expect(screen.queryByText(SAMPLE_API_KEY)).toBeNull();
  });

  it('says why it is not serving (the port is taken)', async () => {
    fake().apiListenError = 'port 4311 is already in use';
    await renderSettings();
    await act(async () => fireEvent.click(apiSwitch()));
    expect(apiSwitch().checked).toBe(true);
    expect(section().textContent).toContain('Not serving: port 4311 is already in use');
    expect(section().textContent).not.toContain('Listening at');
  });

  it('says when tern serve --api turned it on for this run only', async () => {
    fake().apiStatus = { ...fake().apiStatus, on: true, listening: true, address: 'http://127.0.0.1:5000/v1' };
    await renderSettings();
    expect(apiSwitch().checked).toBe(false);
    expect(screen.getByText('On for this run (tern serve --api)')).toBeTruthy();
    expect(section().textContent).toContain('Listening at http://127.0.0.1:5000/v1');
    // The port field keeps the saved port and says the one this run uses.
    expect(field('Port').value).toBe('4311');
    expect(screen.getByText('Changing it restarts the API. This run listens on 5000 (tern serve --api-port).')).toBeTruthy();
  });

  it('shows a refused change as an error, and the switch stays as the host has it', async () => {
    fake().failOnce('updateApiSettings', 'the data folder is read-only');
    await renderSettings();
    await act(async () => fireEvent.click(apiSwitch()));
    expect(within(section()).getByRole('alert').textContent).toContain('Could not turn the local API on: the data folder is read-only');
    expect(apiSwitch().checked).toBe(false);
    fireEvent.click(within(within(section()).getByRole('alert')).getByRole('button', { name: 'Dismiss' }));
    expect(within(section()).queryByRole('alert')).toBeNull();
  });

  it('says when the status cannot be read, and tries again', async () => {
    fake().failOnce('getApiStatus', 'the host is busy');
    await act(() => loadSettings());
    render(<SettingsPanel onClose={() => {}} />);
    const alert = await within(section()).findByRole('alert');
    expect(alert.textContent).toContain("Could not read the local API's status: the host is busy");
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Try again' })));
    expect(apiSwitch().checked).toBe(false);
  });

  it('Rotate key asks first: Cancel keeps the key, confirming calls rotateApiKey and shows the new one', async () => {
    await renderSettings();
    fireEvent.click(button('Rotate key'));
    const dialog = screen.getByRole('alertdialog', { name: 'Make a new key?' });
    expect(dialog.textContent).toContain('The old key stops working at once');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake().callsOf('rotateApiKey')).toHaveLength(0);
    expect(screen.getByText(SAMPLE_API_KEY)).toBeTruthy();

    fireEvent.click(button('Rotate key'));
    await act(async () => fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Make a new key' })));
    expect(fake().callsOf('rotateApiKey')).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByText('tern-sk-rotated-1').tagName).toBe('CODE');
    expect(screen.queryByText(SAMPLE_API_KEY)).toBeNull();
  });

  it('Copy key puts the key on the clipboard', async () => {
    const writeText = vi.fn(async () => {});
    clipboard(writeText);
    await renderSettings();
    await act(async () => fireEvent.click(button('Copy key')));
    expect(writeText).toHaveBeenCalledWith(SAMPLE_API_KEY);
    expect(within(section()).getByText('Copied')).toBeTruthy();
  });

  it('number fields send on Enter or on leaving them, not while typing; out of range is said and not sent', async () => {
    await renderSettings();
    fireEvent.change(field('Port'), { target: { value: '80' } });
    expect(fake().callsOf('updateApiSettings')).toHaveLength(0);
    fireEvent.keyDown(field('Port'), { key: 'Enter' });
    expect(screen.getByText('Enter a number from 1024 to 65535.')).toBeTruthy();
    expect(field('Port').getAttribute('aria-invalid')).toBe('true');
    expect(fake().callsOf('updateApiSettings')).toHaveLength(0);

    fireEvent.change(field('Port'), { target: { value: '5123' } });
    expect(field('Port').getAttribute('aria-invalid')).toBeNull();
    // Enter, then leaving the field while the change is on its way: sent once.
    await act(async () => {
      fireEvent.keyDown(field('Port'), { key: 'Enter' });
      fireEvent.blur(field('Port'));
    });
    expect(fake().callsOf('updateApiSettings')).toEqual([{ port: 5123 }]);
    expect(field('Port').value).toBe('5123');

    fireEvent.change(field('Requests a minute'), { target: { value: '120' } });
    await act(async () => fireEvent.blur(field('Requests a minute')));
    fireEvent.change(field('Queue limit'), { target: { value: '4' } });
    await act(async () => fireEvent.blur(field('Queue limit')));
    fireEvent.change(field('Timeout (seconds)'), { target: { value: '60' } });
    await act(async () => fireEvent.blur(field('Timeout (seconds)')));
    fireEvent.change(field('Max tokens a request may ask for'), { target: { value: '1024' } });
    await act(async () => fireEvent.blur(field('Max tokens a request may ask for')));
    expect(fake().callsOf('updateApiSettings').slice(1)).toEqual([
      { requestsPerMinute: 120 },
      { queueLimit: 4 },
      { timeoutSeconds: 60 },
      { maxTokensCap: 1024 },
    ]);
    // Leaving a field unchanged sends nothing.
    fireEvent.blur(field('Port'));
    expect(fake().callsOf('updateApiSettings')).toHaveLength(5);
  });

  it('CORS origins: one a line, sent on leaving the field; a line that is not an origin is said', async () => {
    await renderSettings();
    fireEvent.change(origins(), { target: { value: 'localhost:5173' } });
    fireEvent.blur(origins());
    expect(screen.getByText(/is not an origin/)).toBeTruthy();
    expect(fake().callsOf('updateApiSettings')).toHaveLength(0);

    fireEvent.change(origins(), { target: { value: 'http://localhost:5173/\n\n https://app.example.com \n' } });
    await act(async () => fireEvent.blur(origins()));
    expect(fake().callsOf('updateApiSettings')).toEqual([{ corsOrigins: ['http://localhost:5173', 'https://app.example.com'] }]);
    expect(origins().value).toBe('http://localhost:5173\nhttps://app.example.com');
  });

  it('the debug log checkbox', async () => {
    await renderSettings();
    const debug = screen.getByRole('checkbox', { name: 'Log request content (debug)' }) as HTMLInputElement;
    expect(debug.checked).toBe(false);
    await act(async () => fireEvent.click(debug));
    expect(fake().callsOf('updateApiSettings')).toEqual([{ debugLog: true }]);
    expect(debug.checked).toBe(true);
  });

  it('the example names the loaded model as the API does (its file name without .gguf)', async () => {
    const model = fake().addModel('bitnet-2b.gguf');
    fake().engine = { state: 'ready', modelId: model.id, progress: null, error: null, contextTokens: 4096, busy: false };
    await act(() => loadModels());
    await act(() => loadEngineStatus());
    await renderSettings();
    expect(screen.getByText(/curl /).textContent).toContain('"model":"bitnet-2b"');
    expect(screen.queryByText(/Replace MODEL_ID/)).toBeNull();
  });

  it('asks again after a reconnect', async () => {
    await renderSettings();
    const before = fake().callsOf('getApiStatus').length;
    act(() => setConnection('reconnecting'));
    await act(async () => setConnection('connected'));
    expect(fake().callsOf('getApiStatus').length).toBe(before + 1);
  });
});
