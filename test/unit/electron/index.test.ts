/**
 * The real entry point, electron/main/index.ts, against a mocked `electron` module and the real
 * services on a temporary folder: checks that it wires everything into the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FakeWindow, fakeElectron } from './fakes';

const dataDir = mkdtempSync(join(tmpdir(), 'tern-index-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('electron/main/index.ts', () => {
  it('starts the app with the real services, the built preload and the renderer folder', async () => {
    const fake = fakeElectron();
    class BrowserWindow extends FakeWindow {
      constructor(options: BrowserWindowConstructorOptions) {
        super(options);
        fake.windows.push(this);
        fake.app.emit('web-contents-created', {}, this.webContents);
      }
    }
    const { app, protocol, session, ipcMain, dialog, shell, Menu } = fake.electron;
    vi.doMock('electron', () => ({ app, protocol, session, ipcMain, dialog, shell, Menu, BrowserWindow }));
    const argv = process.argv;
    process.argv = ['/opt/Tern/tern', `--data-dir=${dataDir}`];
    try {
      await import('../../../electron/main/index');
    } finally {
      process.argv = argv;
      vi.doUnmock('electron');
    }
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));

    const window = fake.windows[0];
    if (!window) throw new Error('no window');
    expect(window.options.webPreferences?.preload).toMatch(new RegExp(`${sep}preload${sep}index\\.cjs$`));
    expect(window.loadedUrl).toBe('tern://app/');
    expect(fake.errorBoxes).toEqual([]);

    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const created = await fake.ipcMain.invoke('tern:createConversation', event, { title: 'From the window' });
    expect(created).toMatchObject({ ok: true, value: { title: 'From the window' } });
    const info = await fake.ipcMain.invoke('tern:getAppInfo', event, {});
    expect(info).toMatchObject({ ok: true, value: { host: 'electron', dataDir } });

    fake.app.emit('will-quit', {});
    expect(fake.ipcMain.handlers.size).toBe(0);
  });
});
