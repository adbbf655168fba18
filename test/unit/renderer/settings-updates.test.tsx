// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SettingsPanel } from '../../../renderer/src/features/settings';
import { loadSettings, setConnection, startSync } from '../../../renderer/src/state';
import { RELEASE_PAGE, desktopUpdates } from './fakeApi';
import { useFakeTern } from './setup';

const section = () => screen.getByRole('region', { name: 'Updates' });
const checkButton = () => within(section()).getByRole('button', { name: 'Check for updates' }) as HTMLButtonElement;
const autoSwitch = () => within(section()).getByRole('switch', { name: 'Check for updates automatically' }) as HTMLInputElement;
const button = (name: string) => within(section()).getByRole('button', { name }) as HTMLButtonElement;
const statusLine = () => within(section()).getByRole('status');

async function renderSettings() {
  await act(async () => {
    startSync();
  });
  await act(() => loadSettings());
  render(<SettingsPanel onClose={() => {}} />);
  await within(section()).findByRole('button', { name: 'Check for updates' });
}

describe('Settings: updates', () => {
  const fake = useFakeTern();

  it('under tern serve: the version, the button disabled with the reason linked to it, the switch off and disabled', async () => {
    await renderSettings();
    expect(section().textContent).toContain('Current version: 9.8.7');
    expect(checkButton().disabled).toBe(true);
    const reason = within(section()).getByText('Updates are only in the desktop app.');
    expect(checkButton().getAttribute('aria-describedby')).toBe(reason.id);
    expect(reason.id).not.toBe('');
    expect(autoSwitch().checked).toBe(false);
    expect(autoSwitch().disabled).toBe(true);
    expect(autoSwitch().getAttribute('aria-describedby')?.split(' ')).toContain(reason.id);
    // Nothing to report, nothing to download, no link.
    expect(within(section()).queryByRole('status')).toBeNull();
    expect(within(section()).queryByRole('button', { name: 'Download update' })).toBeNull();
    expect(within(section()).queryByRole('link')).toBeNull();
    fireEvent.click(checkButton());
    expect(fake().callsOf('checkForUpdates')).toHaveLength(0);
  });

  it('off for another reason (a run from source), it says that one', async () => {
    fake().updateStatus = { ...fake().updateStatus, reason: 'Updates are off when Tern runs from source.' };
    await renderSettings();
    expect(checkButton().disabled).toBe(true);
    expect(within(section()).getByText('Updates are off when Tern runs from source.').id).toBe(checkButton().getAttribute('aria-describedby'));
  });

  it('in the desktop app: not checked yet; Check for updates finds it up to date', async () => {
    fake().updateStatus = desktopUpdates();
    await renderSettings();
    expect(checkButton().disabled).toBe(false);
    expect(checkButton().getAttribute('aria-describedby')).toBeNull();
    expect(autoSwitch().disabled).toBe(false);
    expect(statusLine().textContent).toBe('Not checked yet.');
    await act(async () => fireEvent.click(checkButton()));
    expect(fake().callsOf('checkForUpdates')).toEqual([{}]);
    expect(statusLine().textContent).toBe('Tern is up to date. Checked just now.');
    expect(within(section()).queryByRole('button', { name: 'Download update' })).toBeNull();
  });

  it('says Checking… while a check runs, with the button disabled', async () => {
    fake().updateStatus = desktopUpdates();
    await renderSettings();
    act(() => void fake().setUpdateStatus({ state: 'checking' }));
    expect(statusLine().textContent).toBe('Checking…');
    expect(checkButton().disabled).toBe(true);
  });

  it('available → Download update → progress → Restart to update, each only on its button', async () => {
    fake().updateStatus = desktopUpdates();
    fake().updateFound = { version: '10.0.0', releaseNotes: '• Faster decoding\n• Fewer crashes' };
    await renderSettings();
    await act(async () => fireEvent.click(checkButton()));
    expect(statusLine().textContent).toBe('Version 10.0.0 is available. Checked just now.');
    const found = within(section()).getByRole('group', { name: 'Tern 10.0.0' });
    expect(within(found).getByText('What’s new')).toBeTruthy();
    expect(found.textContent).toContain('• Faster decoding\n• Fewer crashes');
    expect(fake().callsOf('downloadUpdate')).toHaveLength(0);

    await act(async () => fireEvent.click(button('Download update')));
    expect(fake().callsOf('downloadUpdate')).toEqual([{}]);
    expect(statusLine().textContent).toBe('Downloading version 10.0.0…');
    const bar = within(section()).getByRole('progressbar', { name: 'Downloading Tern 10.0.0' });
    expect(bar.getAttribute('aria-valuenow')).toBe('0');
    expect(within(section()).queryByRole('button', { name: 'Download update' })).toBeNull();
    expect(checkButton().disabled).toBe(true);
    act(() => fake().updateProgress(0.42));
    expect(bar.getAttribute('aria-valuenow')).toBe('42');
    expect(bar.getAttribute('aria-valuetext')).toBe('42%');

    await act(async () => fake().finishUpdateDownload());
    expect(within(section()).queryByRole('progressbar')).toBeNull();
    expect(statusLine().textContent).toBe('Version 10.0.0 is downloaded. Restart Tern to update.');
    expect(checkButton().disabled).toBe(true);
    expect(fake().installs).toBe(0);
    await act(async () => fireEvent.click(button('Restart to update')));
    expect(fake().callsOf('installUpdate')).toEqual([{}]);
    expect(fake().installs).toBe(1);
  });

  it('a failed check is said in the status line, and can be tried again', async () => {
    fake().updateStatus = desktopUpdates();
    fake().updateCheckError = 'Could not check for updates: GitHub could not be reached. Check the internet connection and try again.';
    await renderSettings();
    await act(async () => fireEvent.click(checkButton()));
    expect(statusLine().textContent).toBe('Could not check for updates: GitHub could not be reached. Check the internet connection and try again.');
    expect(statusLine().className).toContain('updates-state-error');
    fake().updateCheckError = null;
    await act(async () => fireEvent.click(checkButton()));
    expect(statusLine().textContent).toBe('Tern is up to date. Checked just now.');
  });

  it('a failed download is said, and Download update is offered again', async () => {
    fake().updateStatus = desktopUpdates();
    fake().updateFound = { version: '10.0.0' };
    await renderSettings();
    await act(async () => fireEvent.click(checkButton()));
    await act(async () => fireEvent.click(button('Download update')));
    await act(async () => fake().finishUpdateDownload('the connection was reset'));
    expect(statusLine().textContent).toBe('Could not download the update: the connection was reset');
    await act(async () => fireEvent.click(button('Download update')));
    expect(fake().callsOf('downloadUpdate')).toHaveLength(2);
  });

  it('an unsigned macOS build says it cannot update itself and links the release page instead of downloading', async () => {
    fake().updateStatus = desktopUpdates({ canInstall: false });
    fake().updateFound = { version: '10.0.0' };
    await renderSettings();
    expect(section().textContent).toContain('This build is not signed, so it cannot update itself.');
    const link = within(section()).getByRole('link', { name: 'Release page' }) as HTMLAnchorElement;
    expect(link.href).toBe(RELEASE_PAGE);
    expect(link.target).toBe('_blank');
    expect(link.rel).toContain('noopener');
    await act(async () => fireEvent.click(checkButton()));
    expect(statusLine().textContent).toContain('Version 10.0.0 is available.');
    expect(within(section()).queryByRole('button', { name: 'Download update' })).toBeNull();
    expect(within(section()).queryByRole('button', { name: 'Restart to update' })).toBeNull();
  });

  it('the automatic check switch is off by default and goes to the host at once', async () => {
    fake().updateStatus = desktopUpdates();
    await renderSettings();
    expect(autoSwitch().checked).toBe(false);
    expect(within(section()).getByText('Once shortly after Tern starts, then once a day while it runs.').id).toBe(autoSwitch().getAttribute('aria-describedby'));
    await act(async () => fireEvent.click(autoSwitch()));
    expect(fake().callsOf('setAutoUpdateCheck')).toEqual([{ enabled: true }]);
    expect(autoSwitch().checked).toBe(true);
    await act(async () => fireEvent.click(autoSwitch()));
    expect(fake().callsOf('setAutoUpdateCheck')).toEqual([{ enabled: true }, { enabled: false }]);
    expect(autoSwitch().checked).toBe(false);
    expect(fake().callsOf('checkForUpdates')).toHaveLength(0);
  });

  it('follows updateStatus events, as an automatic check finds a version', async () => {
    fake().updateStatus = desktopUpdates({ autoCheck: true });
    await renderSettings();
    expect(autoSwitch().checked).toBe(true);
    act(() => void fake().setUpdateStatus({ state: 'available', availableVersion: '11.0.0', lastCheckedAt: Date.now() }));
    expect(statusLine().textContent).toBe('Version 11.0.0 is available. Checked just now.');
    expect(button('Download update')).toBeTruthy();
  });

  it('shows a refused call as an error that can be dismissed', async () => {
    fake().updateStatus = desktopUpdates();
    fake().updateFound = { version: '10.0.0' };
    fake().failOnce('downloadUpdate', 'the disk is full');
    await renderSettings();
    await act(async () => fireEvent.click(checkButton()));
    await act(async () => fireEvent.click(button('Download update')));
    const alert = within(section()).getByRole('alert');
    expect(alert.textContent).toContain('Could not download the update: the disk is full');
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(within(section()).queryByRole('alert')).toBeNull();
  });

  it('says when the status cannot be read, and tries again', async () => {
    fake().failOnce('getUpdateStatus', 'the host is busy');
    await act(() => loadSettings());
    render(<SettingsPanel onClose={() => {}} />);
    const alert = await within(section()).findByRole('alert');
    expect(alert.textContent).toContain('Could not read the update status: the host is busy');
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Try again' })));
    expect(checkButton().disabled).toBe(true);
    expect(section().textContent).toContain('Updates are only in the desktop app.');
  });

  it('asks again after a reconnect', async () => {
    await renderSettings();
    const before = fake().callsOf('getUpdateStatus').length;
    act(() => setConnection('reconnecting'));
    await act(async () => setConnection('connected'));
    expect(fake().callsOf('getUpdateStatus').length).toBe(before + 1);
  });
});
