/** Shared pieces of the host tests: a fake backend, a temp renderer folder, a raw ws client. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { AppInfo, Conversation } from '../../../electron/common/contract';
import type { ServerMessage } from '../../../electron/common/wire';
import { type Handlers, EventBus, createDispatcher } from '../../../electron/services/dispatcher';
import type { Backend } from '../../../electron/host/server';
import { refusingHandlers } from '../fake-handlers';

export const appInfo: AppInfo = {
  name: 'Tern',
  version: '0.0.0-test',
  platform: 'linux',
  arch: 'x64',
  host: 'headless',
  dataDir: '/tmp/fake',
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

export interface FakeBackend extends Backend {
  conversations: Conversation[];
  /** listMessages waits on this gate when set, and records when it finished. */
  gate: { wait?: Promise<void>; finished: number };
}

export function fakeBackend(): FakeBackend {
  const events = new EventBus();
  const conversations: Conversation[] = [];
  const gate: FakeBackend['gate'] = { finished: 0 };
  let next = 1;
  const handlers: Handlers = {
    ...refusingHandlers(),
    getAppInfo: () => appInfo,
    listConversations: () => [...conversations],
    createConversation: ({ title }) => {
      const now = Date.now();
      const conversation: Conversation = {
        id: `c${next++}`,
        title: title ?? 'New conversation',
        createdAt: now,
        updatedAt: now,
        activeLeafId: null,
        modelId: null,
        messageCount: 0,
        settings: {},
      };
      conversations.push(conversation);
      events.emit('conversationsChanged', { reason: 'created', conversationId: conversation.id });
      return conversation;
    },
    renameConversation: ({ id, title }) => {
      const found = conversations.find((c) => c.id === id);
      if (!found) throw new Error(`no conversation ${id}`);
      found.title = title;
      return found;
    },
    deleteConversation: ({ id }) => ({ id }),
    listMessages: async () => {
      if (gate.wait) await gate.wait;
      gate.finished++;
      return [];
    },
    searchMessages: () => [],
  };
  return { dispatch: createDispatcher(handlers), events, conversations, gate };
}

/** A folder like out/renderer, inside a parent that also holds a file that must never be served. */
export function rendererDir(): { root: string; parent: string } {
  const parent = mkdtempSync(join(tmpdir(), 'tern-host-'));
  const root = join(parent, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tern test</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(parent, 'secret.txt'), 'SECRET');
  writeFileSync(join(parent, 'package.json'), '{"secret":true}');
  return { root, parent };
}

/** A raw protocol client: send JSON or text, take the server's messages in order. */
export class RawClient {
  private readonly queue: ServerMessage[] = [];
  private readonly waiters: ((message: ServerMessage) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
  }

  static open(url: string, origin: string | undefined): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, origin === undefined ? {} : { origin });
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  next(timeoutMs = 5000): Promise<ServerMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message from the server')), timeoutMs);
      this.waiters.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  /** Resolves true if a message arrives within ms (and leaves it queued), else false. */
  async quiet(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.length === 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Tries an upgrade and reports the HTTP status of a refusal (or 101). */
export function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}
