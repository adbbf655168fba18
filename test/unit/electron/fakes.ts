/**
 * Typed fakes of the Electron objects main and the preload use (see electron/main/ports.ts).
 * They record what the code under test did and let a test fire Electron's events.
 */
import { resolve } from 'node:path';
import type {
  AboutPanelOptionsOptions,
  BrowserWindowConstructorOptions,
  CustomScheme,
  HandlerDetails,
  MenuItemConstructorOptions,
  MessageBoxSyncOptions,
  OpenDialogOptions,
  WindowOpenHandlerResponse,
} from 'electron';
import { type AppInfo, type Conversation, TernError } from '../../../electron/common/contract';
import { EventBus, type Handlers } from '../../../electron/services/dispatcher';
import type { ServicesLike } from '../../../electron/main/app';
import { refusingHandlers } from '../fake-handlers';
import type {
  AppLike,
  ElectronMain,
  FrameLike,
  HeadersDetails,
  IpcInvokeEventLike,
  IpcMainLike,
  MenuLike,
  ProtocolHandler,
  ProtocolLike,
  SessionLike,
  WebContentsLike,
  WindowLike,
} from '../../../electron/main/ports';

type Listener = (...args: never[]) => unknown;

const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..');

/** on/once/emit, enough of Node's EventEmitter for the fakes. */
export class Emitter {
  private readonly listeners = new Map<string, Array<{ listener: Listener; once: boolean }>>();

  on(event: string, listener: Listener): this {
    this.add(event, listener, false);
    return this;
  }

  once(event: string, listener: Listener): this {
    this.add(event, listener, true);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(event, list.filter((entry) => !entry.once));
    for (const { listener } of list) (listener as (...a: unknown[]) => unknown)(...args);
  }

  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  private add(event: string, listener: Listener, once: boolean): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ listener, once });
    this.listeners.set(event, list);
  }
}

export class FakeFrame implements FrameLike {
  constructor(
    public url: string,
    readonly parent: FakeFrame | null = null,
  ) {}
}

/** A navigation or attach event whose default a handler may prevent. */
export class FakeNavigation {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends Emitter implements WebContentsLike {
  readonly mainFrame = new FakeFrame('');
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  /** Fires will-navigate (or another preventable event) and says whether it was prevented. */
  navigate(url: string, event = 'will-navigate'): boolean {
    const navigation = new FakeNavigation(url);
    this.emit(event, navigation);
    return navigation.defaultPrevented;
  }
  /** What window.open(url) would get. */
  open(url: string): WindowOpenHandlerResponse | undefined {
    const details: HandlerDetails = { url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'no-referrer' } };
    return this.windowOpenHandler?.(details);
  }
}

export class FakeWindow extends Emitter implements WindowLike {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What closing it does in Electron: destroyed, then 'closed'. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeApp extends Emitter implements AppLike {
  gotLock = true;
  /** Run from source, like `npm start` (index.ts reads these two for updates). */
  isPackaged = false;
  readonly paths = new Map<string, string>([['userData', '/home/user/.config/Tern']]);
  quitCalls = 0;
  exitCode: number | undefined;
  aboutOptions: AboutPanelOptionsOptions | undefined;
  /** Calls in order, to check what happened before the app was ready. */
  readonly calls: string[] = [];
  private resolveReady: () => void = () => {};
  private readonly ready = new Promise<void>((resolve) => {
    this.resolveReady = resolve;
  });

  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.gotLock;
  }
  whenReady(): Promise<unknown> {
    return this.ready;
  }
  becomeReady(): void {
    this.calls.push('ready');
    this.resolveReady();
  }
  quit(): void {
    this.quitCalls++;
  }
  exit(exitCode = 0): void {
    this.exitCode = exitCode;
  }
  getPath(name: 'userData'): string {
    return this.paths.get(name) ?? '';
  }
  setPath(name: 'userData', path: string): void {
    this.calls.push(`setPath ${name}`);
    this.paths.set(name, path);
  }
  getName(): string {
    return 'Tern';
  }
  /** Electron's answer when run from source: the folder with the app's package.json. */
  getAppPath(): string {
    return REPOSITORY_ROOT;
  }
  getVersion(): string {
    return '0.1.0';
  }
  setAboutPanelOptions(options: AboutPanelOptionsOptions): void {
    this.aboutOptions = options;
  }
}

export class FakeProtocol implements ProtocolLike {
  readonly privileged: CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();
  constructor(private readonly app: FakeApp) {}

  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    this.app.calls.push('registerSchemesAsPrivileged');
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    this.handlers.set(scheme, handler);
  }
}

type HeadersListener = (
  details: HeadersDetails,
  callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
) => void;

export class FakeSession implements SessionLike {
  requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  checkHandler: ((contents: unknown, permission: string) => boolean) | undefined;
  headersListener: HeadersListener | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void {
    this.checkHandler = handler;
  }
  /** What a permission request gets: true granted, false denied, undefined unanswered. */
  request(permission: string): boolean | undefined {
    let answer: boolean | undefined;
    this.requestHandler?.({}, permission, (granted) => {
      answer = granted;
    });
    return answer;
  }
  /** The response headers the listener answers for a response with `headers`. */
  headersFor(url: string, headers: Record<string, string[]>): Record<string, string | string[]> | undefined {
    let result: Record<string, string | string[]> | undefined;
    this.headersListener?.({ url, responseHeaders: headers }, (response) => {
      result = response.responseHeaders;
    });
    return result;
  }
}

type InvokeListener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeListener>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, ...args) from `event`'s sender would resolve with. */
  async invoke(channel: string, event: IpcInvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

export class FakeMenu implements MenuLike {
  template: MenuItemConstructorOptions[] | undefined;
  applied: object | null | undefined;
  buildFromTemplate(template: MenuItemConstructorOptions[]): object {
    this.template = template;
    return { template };
  }
  setApplicationMenu(menu: object | null): void {
    this.applied = menu;
  }
}

/** A whole fake Electron main-process API, with handles on each part. */
export function fakeElectron() {
  const app = new FakeApp();
  const protocol = new FakeProtocol(app);
  const session = new FakeSession();
  const ipcMain = new FakeIpcMain();
  const menu = new FakeMenu();
  const errorBoxes: Array<{ title: string; content: string }> = [];
  /** Questions asked, and the button index the next ones answer (0: the first button). */
  const messageBoxes: { asked: MessageBoxSyncOptions[]; answer: number } = { asked: [], answer: 0 };
  const opened: string[] = [];
  const shown: string[] = [];
  const openDialogs: { asked: OpenDialogOptions[]; answer: { canceled: boolean; filePaths: string[] } } = {
    asked: [],
    answer: { canceled: true, filePaths: [] },
  };
  const windows: FakeWindow[] = [];
  const electron: ElectronMain = {
    app,
    protocol,
    session: {
      get defaultSession(): SessionLike {
        if (!app.calls.includes('ready')) throw new Error('defaultSession read before the app was ready');
        return session;
      },
    },
    ipcMain,
    dialog: {
      showErrorBox: (title, content) => void errorBoxes.push({ title, content }),
      showMessageBoxSync: (options) => {
        messageBoxes.asked.push(options);
        return messageBoxes.answer;
      },
      showOpenDialog: (options) => {
        openDialogs.asked.push(options);
        return Promise.resolve(openDialogs.answer);
      },
    },
    shell: {
      openExternal: (url) => {
        opened.push(url);
        return Promise.resolve();
      },
      showItemInFolder: (path) => void shown.push(path),
    },
    Menu: menu,
    createWindow: (options) => {
      const window = new FakeWindow(options);
      windows.push(window);
      // Electron fires web-contents-created for every new page.
      app.emit('web-contents-created', {}, window.webContents);
      return window;
    },
  };
  return { electron, app, protocol, session, ipcMain, menu, errorBoxes, messageBoxes, opened, shown, openDialogs, windows };
}

// ---- Services ---------------------------------------------------------------------------------

export const appInfo: AppInfo = {
  name: 'Tern',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  host: 'electron',
  dataDir: '/tmp/tern',
  cpu: {
    name: 'Test CPU',
    isa: 'scalar',
    kernels: { decode: 'scalar', prefill: 'scalar' },
    features: {
      sse42: false, avx: false, avx2: false, fma: false, f16c: false, avx512f: false, avx512bw: false,
      avx512vl: false, avx512dq: false, avx512vnni: false, avxVnni: false, neon: false, dotprod: false,
    },
  },
  logicalCores: 2,
  totalMemoryBytes: 1024,
};

export function conversation(id: string, title: string): Conversation {
  return { id, title, createdAt: 1, updatedAt: 1, activeLeafId: null, modelId: null, messageCount: 0, settings: {} };
}

/** In-memory services: conversations in a Map, events on a real EventBus. */
export function fakeServices() {
  const events = new EventBus();
  const conversations = new Map<string, Conversation>();
  const requests: Array<{ name: string; request: unknown }> = [];
  let closeCalls = 0;
  const notFound = (id: string): never => {
    throw new TernError('NOT_FOUND', `no conversation ${id}`);
  };
  const handlers: Handlers = {
    ...refusingHandlers(),
    getAppInfo: () => appInfo,
    listConversations: (request) => {
      requests.push({ name: 'listConversations', request });
      return [...conversations.values()];
    },
    createConversation: (request) => {
      requests.push({ name: 'createConversation', request });
      const created = conversation(`c${conversations.size + 1}`, request.title ?? 'New conversation');
      conversations.set(created.id, created);
      events.emit('conversationsChanged', { reason: 'created', conversationId: created.id });
      return created;
    },
    renameConversation: ({ id, title }) => {
      const found = conversations.get(id) ?? notFound(id);
      const renamed = { ...found, title };
      conversations.set(id, renamed);
      return renamed;
    },
    deleteConversation: ({ id }) => {
      if (!conversations.delete(id)) notFound(id);
      return { id };
    },
    listMessages: ({ conversationId }) => (conversations.has(conversationId) ? [] : notFound(conversationId)),
    searchMessages: () => [],
  };
  const state = { replying: false };
  const services: ServicesLike = {
    handlers,
    events,
    replying: () => state.replying,
    close: () => {
      closeCalls++;
      return Promise.resolve();
    },
  };
  return { services, requests, conversations, state, closeCount: () => closeCalls };
}
