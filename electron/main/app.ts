/**
 * The desktop app's lifecycle, written against the narrow Electron interfaces of ports.ts:
 * one instance per data folder, services opened on it, the hardened window, the contract over
 * IPC, and a clean shutdown that closes the database and releases the folder.
 */
import { createDispatcher, type EventBus, type Handlers } from '../services/dispatcher';
import type { DesktopActions } from '../services/handlers';
import { ArgumentError, dataDirArgument } from './args';
import { desktopActions } from './desktop';
import { forwardEvents, registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { APP_SCHEME } from './origin';
import type { ElectronMain, WindowLike } from './ports';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol';
import { hardenSession, hardenWebContents } from './security';
import { focusWindow, openMainWindow } from './window';

/** How the desktop app names itself to another process that finds the data folder taken. */
export const SERVICES_OWNER = 'Tern desktop app';

/** The part of services.ts's Services that main uses. */
export interface ServicesLike {
  readonly handlers: Handlers;
  readonly events: EventBus;
  /** Whether a reply is being written (quitting asks first then). */
  replying(): boolean;
  /** Stops replies (kept as interrupted), the engine, and closes the store. */
  close(): Promise<void>;
}

export type OpenServices = (options: {
  dataDir: string;
  host: 'electron';
  owner: string;
  desktop: DesktopActions;
  log?: (m: string) => void;
}) => ServicesLike;

export interface MainOptions {
  readonly electron: ElectronMain;
  readonly openServices: OpenServices;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  /** out/preload/index.cjs */
  readonly preloadPath: string;
  /** out/renderer */
  readonly rendererDir: string;
  readonly log: (m: string) => void;
}

export interface RunningApp {
  readonly dataDir: string;
  window(): WindowLike | null;
}

/** Starts the app; resolves with null when this process is not going to run it. */
export async function startApp(options: MainOptions): Promise<RunningApp | null> {
  const { electron, log } = options;
  const { app } = electron;

  let dataDirFlag: string | undefined;
  try {
    dataDirFlag = dataDirArgument(options.argv, options.cwd);
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    electron.dialog.showErrorBox('Tern', error.message);
    app.exit(2);
    return null;
  }
  // Before the lock: Electron keys the single-instance lock on the userData folder, so each
  // data folder gets its own instance and Chromium's own files land beside ours.
  if (dataDirFlag !== undefined) app.setPath('userData', dataDirFlag);

  if (!app.requestSingleInstanceLock()) {
    log('another instance owns this data folder; handing over to it');
    app.quit();
    return null;
  }

  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  let window: WindowLike | null = null;
  app.on('second-instance', () => focusWindow(window));
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, (url) => electron.shell.openExternal(url), log),
  );

  await app.whenReady();

  const dataDir = dataDirFlag ?? app.getPath('userData');
  let services: ServicesLike;
  try {
    services = options.openServices({ dataDir, host: 'electron', owner: SERVICES_OWNER, desktop: desktopActions(electron, () => window), log });
  } catch (error) {
    const [title, message] = startupFailure(error, dataDir);
    log(`${title}: ${message}`);
    electron.dialog.showErrorBox(title, message);
    app.exit(1);
    return null;
  }

  const appContents = () => (window && !window.isDestroyed() ? window.webContents : null);
  const stopIpc = registerIpc(electron.ipcMain, createDispatcher(services.handlers, log), appContents, log);
  const stopEvents = forwardEvents(services.events, appContents);
  let quitConfirmed = false;
  app.on('before-quit', (event) => {
    if (quitConfirmed || !services.replying()) return;
    if (confirmQuitDuringReply(electron)) quitConfirmed = true;
    else event.preventDefault();
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    closed = true;
    // Closing waits for the reply in flight to be stored as interrupted; then the app exits.
    event.preventDefault();
    stopEvents();
    stopIpc();
    services
      .close()
      .catch((error: unknown) => log(`closing the services: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => app.exit(0));
  });

  hardenSession(electron.session.defaultSession);
  electron.protocol.handle(APP_SCHEME, createAppProtocolHandler(options.rendererDir));
  app.setAboutPanelOptions({
    applicationName: 'Tern',
    applicationVersion: app.getVersion(),
    credits: 'An offline assistant for ternary language models.',
  });
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(menuTemplate(options.platform)));

  const open = () => {
    const opened = openMainWindow(electron, options.preloadPath, 'Tern', log);
    opened.on('closed', () => {
      if (window === opened) window = null;
    });
    window = opened;
  };
  open();
  app.on('activate', () => {
    if (!window) open();
  });
  app.on('window-all-closed', () => {
    if (options.platform !== 'darwin') app.quit();
  });

  return { dataDir, window: () => window };
}

/** Asks before quitting while a reply is being written; true to quit. */
export function confirmQuitDuringReply(electron: ElectronMain): boolean {
  const choice = electron.dialog.showMessageBoxSync({
    type: 'question',
    buttons: ['Quit', 'Keep writing'],
    defaultId: 1,
    cancelId: 1,
    title: 'Tern',
    message: 'A reply is still being written.',
    detail: 'If you quit now, the reply is kept as far as it got and marked interrupted; Continue resumes it later.',
  });
  return choice === 0;
}

/** The dialog's title and text for an error that stops the app from starting. */
export function startupFailure(error: unknown, dataDir: string): [string, string] {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && 'code' in error && error.code === 'DATA_DIR_LOCKED') {
    return [
      'Tern’s data folder is in use',
      `${message}\n\nTo run another Tern beside it, start this one with --data-dir and a folder other than ${dataDir}.`,
    ];
  }
  const hint = /NODE_MODULE_VERSION/.test(message)
    ? '\n\nA native module was built for another Node.js ABI; rebuild it for Electron with `npx electron-builder install-app-deps`.'
    : '';
  return ['Tern could not start', `${message}${hint}`];
}
