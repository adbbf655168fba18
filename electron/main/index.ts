/**
 * The desktop app's entry point (out/main/index.js): hands the real Electron modules to the
 * testable app in ./app.ts. Nothing else belongs here.
 */
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import { openServices } from '../services/services';
import { startApp } from './app';
import type { ElectronMain } from './ports';

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

startApp({
  electron,
  openServices,
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
