/**
 * The desktop app's entry point (out/main/index.js): hands the real Electron modules to the
 * testable app in ./app.ts. Nothing else belongs here.
 */
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, session, shell, utilityProcess } from 'electron';
import { autoUpdater } from 'electron-updater';
import { defaultWorkerPath } from '../services/engine-host/host';
import { openServices } from '../services/services';
import { utilityLauncher } from './engine-process';
import { createSavedToken, type SafeStorageLike } from './hub-token';
import { startApp } from './app';
import type { ElectronMain } from './ports';
import { desktopUpdates } from './updater';

const electron: ElectronMain = {
  app,
  protocol,
  session,
  ipcMain,
  dialog,
  shell,
  Menu,
  createWindow: (options) => new BrowserWindow(options),
};

const log = (message: string) => console.error(`[tern] ${message}`);

// safeStorage is reached only when the token is read or saved (after the app is ready).
const systemStorage: SafeStorageLike = {
  isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
  encryptString: (text) => safeStorage.encryptString(text),
  decryptString: (encrypted) => safeStorage.decryptString(encrypted),
};

startApp({
  electron,
  // The engine runs in a utility process: a crash or an out-of-memory in native code never takes
  // the window down.
  openServices: (options) =>
    openServices({
      ...options,
      savedToken: createSavedToken(options.dataDir, systemStorage),
      launchEngine: utilityLauncher((path, args, o) => utilityProcess.fork(path, args, o), defaultWorkerPath()),
      // Only a packaged build naming a GitHub repository gets an updater; it checks only when asked.
      updates: desktopUpdates({
        packaged: app.isPackaged,
        appPath: app.getAppPath(),
        platform: process.platform,
        autoUpdater: () => autoUpdater,
        log,
      }),
    }),
  argv: process.argv,
  cwd: process.cwd(),
  platform: process.platform,
  preloadPath: join(__dirname, '..', 'preload', 'index.cjs'),
  rendererDir: join(__dirname, '..', 'renderer'),
  log,
}).catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  dialog.showErrorBox('Tern could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
