import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openServices } from '../../../electron/services/services';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/csp';
import { type MainOptions, type OpenServices, SERVICES_OWNER, startApp, startupFailure } from '../../../electron/main/app';
import { fakeElectron, fakeServices } from './fakes';

class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
}

type ServicesOptions = Parameters<OpenServices>[0];

function boot(overrides: Partial<Omit<MainOptions, 'electron'>> = {}, gotLock = true) {
  const fake = fakeElectron();
  fake.app.gotLock = gotLock;
  const services = fakeServices();
  const opened: ServicesOptions[] = [];
  const logged: string[] = [];
  const options: MainOptions = {
    electron: fake.electron,
    openServices: (o) => {
      opened.push(o);
      return services.services;
    },
    argv: ['/opt/Tern/tern'],
    cwd: '/home/user',
    platform: 'linux',
    preloadPath: '/opt/Tern/resources/app.asar/out/preload/index.cjs',
    rendererDir: '/opt/Tern/resources/app.asar/out/renderer',
    log: (m) => logged.push(m),
    ...overrides,
  };
  const started = startApp(options);
  fake.app.becomeReady();
  return { ...fake, services, opened, logged, started };
}

/** Emits will-quit and waits until the app exits (the services close asynchronously). */
async function quitAndWait(app: { emit(event: string, ...args: unknown[]): void; exitCode: number | undefined }): Promise<void> {
  app.emit('will-quit', { preventDefault: () => {} });
  for (let i = 0; i < 500 && app.exitCode === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(app.exitCode).toBe(0);
}

/** The event of an IPC call from the top frame of `window`. */
const fromWindow = (window: { webContents: { mainFrame: object } & object }) => ({
  sender: window.webContents,
  senderFrame: window.webContents.mainFrame as { url: string; parent: null },
});

describe('startApp', () => {
  it('opens the services on userData, once, as the desktop app', async () => {
    const { started, opened } = boot();
    const running = await started;
    expect(running?.dataDir).toBe('/home/user/.config/Tern');
    expect(opened).toEqual([
      expect.objectContaining({ dataDir: '/home/user/.config/Tern', host: 'electron', owner: 'Tern desktop app' }),
    ]);
    expect(SERVICES_OWNER).toBe('Tern desktop app');
  });

  it('takes the data folder from --data-dir, before asking for the instance lock', async () => {
    const { started, opened, app } = boot({ argv: ['electron', '/src/tern', '--data-dir', 'td'], cwd: '/w' });
    expect((await started)?.dataDir).toBe('/w/td');
    expect(opened[0]?.dataDir).toBe('/w/td');
    expect(app.getPath('userData')).toBe('/w/td');
    expect(app.calls.indexOf('setPath userData')).toBeLessThan(app.calls.indexOf('requestSingleInstanceLock'));
  });

  it('shows a dialog and exits when --data-dir has no folder', async () => {
    const { started, opened, errorBoxes, app } = boot({ argv: ['tern', '--data-dir'] });
    expect(await started).toBeNull();
    expect(errorBoxes).toEqual([{ title: 'Tern', content: '--data-dir needs a folder' }]);
    expect(app.exitCode).toBe(2);
    expect(opened).toEqual([]);
  });

  it('quits at once when another instance holds the lock', async () => {
    const fake = boot({}, false);
    expect(await fake.started).toBeNull();
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.opened).toEqual([]);
    expect(fake.windows).toEqual([]);
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.protocol.handlers.size).toBe(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    const { started, windows, app } = boot();
    await started;
    const window = windows[0];
    if (!window) throw new Error('no window');
    window.minimized = true;
    app.emit('second-instance', {}, ['tern'], '/');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
    expect(window.visible).toBe(true);
  });

  it('registers tern:// as privileged before ready, then serves the renderer on it', async () => {
    const { started, app, protocol } = boot();
    expect(app.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(app.calls.indexOf('ready'));
    await started;
    expect(protocol.privileged).toEqual([expect.objectContaining({ scheme: 'tern', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect([...protocol.handlers.keys()]).toEqual(['tern']);
  });

  it('opens one hardened window on tern://app/ with the preload', async () => {
    const { started, windows, session, menu, app } = boot();
    await started;
    expect(windows).toHaveLength(1);
    const window = windows[0];
    expect(window?.options.webPreferences).toMatchObject({
      preload: '/opt/Tern/resources/app.asar/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(window?.loadedUrl).toBe('tern://app/');
    // Hardened through web-contents-created: navigation and window.open denied.
    expect(window?.webContents.navigate('https://evil.example/')).toBe(true);
    expect(window?.webContents.open('https://example.org/')).toEqual({ action: 'deny' });
    // The session: permissions denied, CSP on every response.
    expect(session.request('media')).toBe(false);
    expect(session.headersFor('tern://app/', {})?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    // The menu and About.
    expect(menu.template?.map((item) => item.role)).toContain('help');
    expect(menu.applied).toBeDefined();
    expect(app.aboutOptions).toMatchObject({ applicationName: 'Tern', applicationVersion: '0.1.0' });
  });

  it('answers the window over IPC, refuses other senders, and forwards events to it', async () => {
    const { started, windows, ipcMain, services } = boot();
    await started;
    const window = windows[0];
    if (!window) throw new Error('no window');
    const created = await ipcMain.invoke('tern:createConversation', fromWindow(window), { title: 'Hello' });
    expect(created).toMatchObject({ ok: true, value: { title: 'Hello' } });
    expect(window.webContents.sent).toEqual([
      { channel: 'tern:event:conversationsChanged', args: [{ reason: 'created', conversationId: 'c1' }] },
    ]);
    expect(await ipcMain.invoke('tern:createConversation', fromWindow(window), { title: '' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    window.webContents.mainFrame.url = 'https://evil.example/';
    expect(await ipcMain.invoke('tern:listConversations', fromWindow(window), {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(services.conversations.size).toBe(1);
  });

  it('closes the services once on will-quit, and stops IPC and events, then exits', async () => {
    const { started, app, ipcMain, services, windows } = boot();
    await started;
    expect(services.closeCount()).toBe(0);
    let prevented = 0;
    const quitting = { preventDefault: () => void prevented++ };
    app.emit('will-quit', quitting);
    app.emit('will-quit', quitting);
    expect(services.closeCount()).toBe(1);
    // The quit waits for the services (a reply in flight is stored as interrupted), then exits.
    expect(prevented).toBe(1);
    expect(ipcMain.handlers.size).toBe(0);
    services.services.events.emit('conversationsChanged', { reason: 'created', conversationId: 'c9' });
    expect(windows[0]?.webContents.sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(app.exitCode).toBe(0);
  });

  it('asks before quitting while a reply is being written, and quits only when told to', async () => {
    const { started, app, services, messageBoxes } = boot();
    await started;
    let prevented = 0;
    const quitting = () => ({ preventDefault: () => void prevented++ });
    app.emit('before-quit', quitting());
    expect(messageBoxes.asked).toHaveLength(0);

    services.state.replying = true;
    messageBoxes.answer = 1; // Keep writing
    app.emit('before-quit', quitting());
    expect(messageBoxes.asked).toHaveLength(1);
    expect(messageBoxes.asked[0]?.message).toMatch(/still being written/);
    expect(prevented).toBe(1);

    messageBoxes.answer = 0; // Quit
    app.emit('before-quit', quitting());
    expect(prevented).toBe(1);
    // Once confirmed, a second before-quit (macOS sends more than one) does not ask again.
    app.emit('before-quit', quitting());
    expect(messageBoxes.asked).toHaveLength(2);
  });

  it('quits when the window closes on Linux and Windows, not on macOS, and reopens on activate', async () => {
    const linux = boot();
    await linux.started;
    linux.windows[0]?.close();
    linux.app.emit('window-all-closed');
    expect(linux.app.quitCalls).toBe(1);

    const mac = boot({ platform: 'darwin' });
    await mac.started;
    expect(mac.menu.template?.[0]?.role).toBe('appMenu');
    mac.windows[0]?.close();
    mac.app.emit('window-all-closed');
    expect(mac.app.quitCalls).toBe(0);
    mac.app.emit('activate');
    expect(mac.windows).toHaveLength(2);
    mac.app.emit('activate');
    expect(mac.windows).toHaveLength(2);
    // IPC follows the new window.
    const second = mac.windows[1];
    if (!second) throw new Error('no second window');
    expect(await mac.ipcMain.invoke('tern:getAppInfo', fromWindow(second), {})).toMatchObject({ ok: true });
  });

  it('shows a dialog naming the owner and exits when the data folder is locked', async () => {
    const fake = boot({
      openServices: () => {
        throw new DataDirLockedError('the data folder /d is in use by tern serve on http://127.0.0.1:4310 (pid 42)');
      },
    });
    expect(await fake.started).toBeNull();
    expect(fake.errorBoxes).toHaveLength(1);
    expect(fake.errorBoxes[0]?.title).toMatch(/in use/);
    expect(fake.errorBoxes[0]?.content).toContain('tern serve on http://127.0.0.1:4310 (pid 42)');
    expect(fake.app.exitCode).toBe(1);
    expect(fake.windows).toEqual([]);
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('shows any other startup failure, with a hint for a native module built for Node', () => {
    const [title, message] = startupFailure(new Error('was compiled against NODE_MODULE_VERSION 115'), '/d');
    expect(title).toBe('Tern could not start');
    expect(message).toContain('install-app-deps');
    expect(startupFailure('boom', '/d')).toEqual(['Tern could not start', 'boom']);
  });
});

describe('startApp with the real services', () => {
  it('refuses a second app on the same folder naming the owner, and releases it on quit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-app-'));
    try {
      const argv = ['tern', '--data-dir', dir];
      const first = boot({ argv, openServices });
      expect(await first.started).not.toBeNull();

      const second = boot({ argv, openServices });
      expect(await second.started).toBeNull();
      expect(second.errorBoxes[0]?.content).toContain('in use by Tern desktop app');
      expect(second.app.exitCode).toBe(1);

      await quitAndWait(first.app);
      const third = boot({ argv, openServices });
      expect(await third.started).not.toBeNull();
      expect(third.errorBoxes).toEqual([]);
      await quitAndWait(third.app);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
