/**
 * An in-memory TernApi for the renderer's unit tests: conversations and messages in arrays, a
 * naive substring "search", events emitted like the host does, and a way to make a call fail.
 */
import type {
  AppInfo,
  CallName,
  Conversation,
  EventPayload,
  Message,
  SearchHit,
  TernApi,
} from '../../../electron/common/contract';
import { TernError } from '../../../electron/common/contract';

type Listener = (payload: EventPayload<'conversationsChanged'>) => void;

export const sampleAppInfo: AppInfo = {
  name: 'Tern',
  version: '9.8.7',
  platform: 'linux',
  arch: 'x64',
  host: 'headless',
  dataDir: '/tmp/tern-test-data',
  cpu: {
    name: 'Test CPU 3000',
    isa: 'avx2',
    features: {
      sse42: true,
      avx: true,
      avx2: true,
      fma: true,
      f16c: true,
      avx512f: false,
      avx512bw: true,
      avx512vl: false,
      avx512dq: false,
      avx512vnni: false,
      avxVnni: false,
      neon: false,
      dotprod: false,
    },
  },
  logicalCores: 8,
  totalMemoryBytes: 16 * 1024 ** 3,
};

export class FakeTern {
  conversations: Conversation[] = [];
  messages: Message[] = [];
  appInfo: AppInfo = sampleAppInfo;
  calls: { name: CallName; request: unknown }[] = [];
  private failures = new Map<CallName, string>();
  private listeners = new Set<Listener>();
  private nextId = 1;
  private clock = 1_700_000_000_000;

  /** The next calls of `name` reject with a TernError carrying `message`, until cleared. */
  fail(name: CallName, message: string): void {
    this.failures.set(name, message);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  emit(payload: EventPayload<'conversationsChanged'>): void {
    for (const listener of this.listeners) listener(payload);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  addConversation(title: string): Conversation {
    const now = this.tick();
    const conversation: Conversation = {
      id: `c${this.nextId++}`,
      title,
      createdAt: now,
      updatedAt: now,
      activeLeafId: null,
      modelId: null,
      messageCount: 0,
    };
    this.conversations.unshift(conversation);
    return conversation;
  }

  addMessage(conversationId: string, role: Message['role'], content: string, status: Message['status'] = 'complete'): Message {
    const message: Message = {
      id: `m${this.nextId++}`,
      conversationId,
      parentId: null,
      role,
      content,
      status,
      createdAt: this.tick(),
      modelId: null,
      stats: {
        promptTokens: null,
        generatedTokens: null,
        ttftMs: null,
        prefillTokensPerSec: null,
        decodeTokensPerSec: null,
        energyJoules: null,
        energySource: null,
      },
    };
    this.messages.push(message);
    this.conversations = this.conversations.map((c) =>
      c.id === conversationId ? { ...c, messageCount: c.messageCount + 1, activeLeafId: message.id } : c,
    );
    return message;
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  private async enter(name: CallName, request: unknown): Promise<void> {
    this.calls.push({ name, request });
    await Promise.resolve();
    const failure = this.failures.get(name);
    if (failure) throw new TernError('INTERNAL', failure);
  }

  private find(id: string): Conversation {
    const conversation = this.conversations.find((c) => c.id === id);
    if (!conversation) throw new TernError('NOT_FOUND', `no conversation ${id}`);
    return conversation;
  }

  readonly api: TernApi = {
    getAppInfo: async (request) => {
      await this.enter('getAppInfo', request);
      return this.appInfo;
    },
    listConversations: async (request) => {
      await this.enter('listConversations', request);
      return [...this.conversations].sort((a, b) => b.updatedAt - a.updatedAt);
    },
    createConversation: async (request) => {
      await this.enter('createConversation', request);
      const conversation = this.addConversation(request.title ?? 'New conversation');
      this.emit({ reason: 'created', conversationId: conversation.id });
      return conversation;
    },
    renameConversation: async (request) => {
      await this.enter('renameConversation', request);
      const renamed = { ...this.find(request.id), title: request.title.trim(), updatedAt: this.tick() };
      this.conversations = this.conversations.map((c) => (c.id === renamed.id ? renamed : c));
      this.emit({ reason: 'renamed', conversationId: renamed.id });
      return renamed;
    },
    deleteConversation: async (request) => {
      await this.enter('deleteConversation', request);
      this.find(request.id);
      this.conversations = this.conversations.filter((c) => c.id !== request.id);
      this.messages = this.messages.filter((m) => m.conversationId !== request.id);
      this.emit({ reason: 'deleted', conversationId: request.id });
      return { id: request.id };
    },
    listMessages: async (request) => {
      await this.enter('listMessages', request);
      this.find(request.conversationId);
      return this.messages.filter((m) => m.conversationId === request.conversationId);
    },
    searchMessages: async (request) => {
      await this.enter('searchMessages', request);
      const needle = request.query.trim().toLowerCase();
      const hits: SearchHit[] = [];
      for (const message of this.messages) {
        const at = message.content.toLowerCase().indexOf(needle);
        if (at < 0) continue;
        const conversation = this.find(message.conversationId);
        const snippet = `${message.content.slice(0, at)}[${message.content.slice(at, at + needle.length)}]${message.content.slice(at + needle.length)}`;
        hits.push({
          conversationId: conversation.id,
          conversationTitle: conversation.title,
          messageId: message.id,
          role: message.role,
          snippet,
        });
      }
      return hits.slice(0, request.limit ?? 20);
    },
    on: {
      conversationsChanged: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
    },
  };
}
