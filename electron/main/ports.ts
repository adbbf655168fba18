/**
 * The parts of Electron the main process uses, as narrow interfaces. index.ts passes the real
 * modules (the compiler checks they fit); the unit tests pass small fakes, since the Electron
 * binary does not run everywhere we test.
 */
import type {
  MessageBoxSyncOptions,
  OpenDialogOptions,
  AboutPanelOptionsOptions,
  BrowserWindowConstructorOptions,
  CustomScheme,
  HandlerDetails,
  MenuItemConstructorOptions,
  WindowOpenHandlerResponse,
} from 'electron';

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface PreventableEvent {
  preventDefault(): void;
}

export interface WebContentsLike {
  readonly mainFrame: FrameLike;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<unknown>;
  quit(): void;
  exit(exitCode?: number): void;
  getPath(name: 'userData'): string;
  setPath(name: 'userData', path: string): void;
  getName(): string;
  getVersion(): string;
  setAboutPanelOptions(options: AboutPanelOptionsOptions): void;
  on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): unknown;
  on(event: 'before-quit' | 'will-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

/** What protocol.handle hands the handler; a global Request fits. */
export interface RequestLike {
  readonly url: string;
  readonly method: string;
}

export type ProtocolHandler = (request: RequestLike) => Promise<Response>;

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: ProtocolHandler): void;
}

export interface HeadersDetails {
  readonly url: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersDetails,
        callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
      ) => void,
    ): void;
  };
}

export interface IpcInvokeEventLike {
  readonly sender: object;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface MenuLike {
  buildFromTemplate(template: MenuItemConstructorOptions[]): object;
  setApplicationMenu(menu: object | null): void;
}

/** Everything main needs from Electron. */
export interface ElectronMain {
  readonly app: AppLike;
  readonly protocol: ProtocolLike;
  /** Read only after the app is ready: Electron's defaultSession does not exist before. */
  readonly session: { readonly defaultSession: SessionLike };
  readonly ipcMain: IpcMainLike;
  readonly dialog: {
    showErrorBox(title: string, content: string): void;
    /** The index of the button chosen. */
    showMessageBoxSync(options: MessageBoxSyncOptions): number;
    showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  readonly shell: { openExternal(url: string): Promise<void>; showItemInFolder(path: string): void };
  readonly Menu: MenuLike;
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
}
