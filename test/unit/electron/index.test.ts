/**
 * The real entry point, electron/main/index.ts, against a mocked `electron` module and the real
 * services on a temporary folder: checks that it wires everything into the app.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { UtilityLike } from '../../../electron/main/engine-process';
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
    // utilityProcess.fork stood in for by child_process.fork: the worker speaks both.
    const forks: { path: string; options: unknown; child: ChildProcess }[] = [];
    const utilityProcess = {
      fork: (path: string, args: string[], options: unknown): UtilityLike => {
        const child = fork(path, args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        forks.push({ path, options, child });
        return {
          get pid() {
            return child.pid;
          },
          postMessage: (message: unknown) => void child.send(message as object),
          on: (event: 'message' | 'exit', listener: (value: unknown) => void) =>
            event === 'message' ? child.on('message', (m) => listener(m)) : child.on('exit', (code) => listener(code ?? 1)),
          kill: () => child.kill(),
        } as UtilityLike;
      },
    };
    vi.doMock('electron', () => ({ app, protocol, session, ipcMain, dialog, shell, Menu, BrowserWindow, utilityProcess }));
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
    // The engine runs in a utility process started from the built worker.
    expect(forks).toHaveLength(1);
    expect(forks[0]!.path).toMatch(/engine-worker\.js$/);
    expect(forks[0]!.options).toEqual({ serviceName: 'Tern engine', stdio: 'inherit' });
    const status = await fake.ipcMain.invoke('tern:getEngineStatus', event, {});
    expect(status).toMatchObject({ ok: true, value: { state: 'idle', modelId: null } });
    // Run from source (not packaged): no updater, and the status says why.
    const updates = (await fake.ipcMain.invoke('tern:getUpdateStatus', event, {})) as { ok: true; value: { enabled: boolean; reason: string } };
    expect(updates).toMatchObject({ ok: true, value: { enabled: false, state: 'idle' } });
    expect([
      'Updates are off: this build names no repository to take them from.',
      'Updates are off when Tern runs from source.',
    ]).toContain(updates.value.reason);

    fake.app.emit('will-quit', { preventDefault: () => {} });
    expect(fake.ipcMain.handlers.size).toBe(0);
    for (let i = 0; i < 500 && fake.app.exitCode === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.app.exitCode).toBe(0);
    // Quitting stopped the engine process.
    await vi.waitFor(() => expect(forks[0]!.child.exitCode !== null || forks[0]!.child.signalCode !== null).toBe(true));
  });
});
