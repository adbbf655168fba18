/** The app's one window: sandboxed, context-isolated, no Node, loaded from tern://app/. */
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_URL } from './origin';
import type { ElectronMain, WindowLike } from './ports';

export function mainWindowOptions(preloadPath: string, title: string): BrowserWindowConstructorOptions {
  return {
    title,
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

export function openMainWindow(
  electron: Pick<ElectronMain, 'createWindow'>,
  preloadPath: string,
  title: string,
  log: (m: string) => void,
): WindowLike {
  const window = electron.createWindow(mainWindowOptions(preloadPath, title));
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_URL).catch((error: unknown) => log(`could not load ${APP_URL}: ${String(error)}`));
  return window;
}

/** Brings the window to the front, as when a second instance was started. */
export function focusWindow(window: WindowLike | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
