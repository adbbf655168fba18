/**
 * The contract's calls, answered from the store. Requests arrive already validated by the
 * dispatcher; missing things are TernError('NOT_FOUND').
 */
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import packageJson from '../../package.json';
import type { AppInfo, CpuInfo } from '../common/contract';
import type { EventBus, Handlers } from './dispatcher';
import { loadAddon } from './native';
import type { Store } from './store';

export interface HandlerDeps {
  store: Store;
  events: EventBus;
  dataDir: string;
  host: AppInfo['host'];
  /** Where CPU facts come from; the native addon unless a test says otherwise. */
  cpuInfo?: () => CpuInfo;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { store, events } = deps;
  const cpuInfo = deps.cpuInfo ?? nativeCpuInfo;

  return {
    getAppInfo: () => ({
      name: packageJson.productName,
      version: packageJson.version,
      platform: platform(),
      arch: arch(),
      host: deps.host,
      dataDir: deps.dataDir,
      cpu: cpuInfo(),
      logicalCores: availableParallelism(),
      totalMemoryBytes: totalmem(),
    }),

    listConversations: ({ query }) => store.conversations.list(query === undefined ? {} : { query }),

    createConversation: ({ title }) => {
      const created = store.conversations.create(title === undefined ? {} : { title });
      events.emit('conversationsChanged', { reason: 'created', conversationId: created.id });
      return created;
    },

    renameConversation: ({ id, title }) => {
      const renamed = store.conversations.rename(id, title);
      events.emit('conversationsChanged', { reason: 'renamed', conversationId: id });
      return renamed;
    },

    deleteConversation: ({ id }) => {
      store.conversations.delete(id);
      events.emit('conversationsChanged', { reason: 'deleted', conversationId: id });
      return { id };
    },

    listMessages: ({ conversationId }) => store.messages.activeBranch(conversationId),

    searchMessages: ({ query, limit }) => store.search(query, limit),
  };
}

let cachedCpu: CpuInfo | undefined;

function nativeCpuInfo(): CpuInfo {
  if (cachedCpu) return cachedCpu;
  try {
    cachedCpu = loadAddon().cpuInfo();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the native engine could not be loaded, so the CPU cannot be described: ${reason}`);
  }
  return cachedCpu;
}
