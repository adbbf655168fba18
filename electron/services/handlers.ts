/**
 * The contract's calls, answered from the store. Requests arrive already validated by the
 * dispatcher; missing things are TernError('NOT_FOUND').
 */
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import packageJson from '../../package.json';
import { type AppInfo, type CpuInfo, TernError } from '../common/contract';
import { type ChatService, contextFor } from './chat/service';
import type { EventBus, Handlers } from './dispatcher';
import type { EngineHost } from './engine-host/types';
import { exportAll, exportConversation } from './history/export';
import { importConversations } from './history/import';
import { type SavedToken, hubInfo } from './downloads/hub-config';
import type { DownloadService } from './downloads/service';
import type { ModelLibrary } from './models/library';
import { moveModelsFolder } from './models/move-folder';
import { loadAddon } from './native';
import { engineStatus } from './services';
import type { SettingsService } from './settings';
import type { Store } from './store';

export interface HandlerDeps {
  store: Store;
  events: EventBus;
  dataDir: string;
  host: AppInfo['host'];
  settings: SettingsService;
  library: ModelLibrary;
  downloads: DownloadService;
  engine: EngineHost;
  chat: ChatService;
  /** The desktop app's saved hub token; absent in the headless host. */
  savedToken?: SavedToken;
  log?: (message: string) => void;
  /** Where CPU facts come from; the native addon unless a test says otherwise. */
  cpuInfo?: () => CpuInfo;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { store, events, settings, library, downloads, engine, chat } = deps;
  const cpuInfo = deps.cpuInfo ?? nativeCpuInfo;

  function startingModel(): string | null {
    const last = settings.defaultModelId();
    if (last && library.get(last)?.problem === null) return last;
    const runnable = library.runnable();
    return runnable.length === 1 ? runnable[0]!.id : null;
  }

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
      // A new conversation starts with the model chosen last (or the only one there is).
      const created = store.conversations.create({ ...(title === undefined ? {} : { title }), modelId: startingModel() });
      events.emit('conversationsChanged', { reason: 'created', conversationId: created.id });
      return created;
    },

    renameConversation: ({ id, title }) => {
      const renamed = store.conversations.rename(id, title);
      events.emit('conversationsChanged', { reason: 'renamed', conversationId: id });
      return renamed;
    },

    deleteConversation: async ({ id }) => {
      store.conversations.require(id);
      await chat.forget(id);
      store.conversations.delete(id);
      events.emit('conversationsChanged', { reason: 'deleted', conversationId: id });
      return { id };
    },

    updateConversationSettings: ({ id, settings: own }) => {
      const updated = store.conversations.setSettings(id, own);
      events.emit('conversationsChanged', { reason: 'settings', conversationId: id });
      return updated;
    },

    setConversationModel: ({ id, modelId }) => {
      library.requireRunnable(modelId);
      const updated = store.conversations.setModel(id, modelId);
      settings.setDefaultModelId(modelId);
      events.emit('conversationsChanged', { reason: 'settings', conversationId: id });
      return updated;
    },

    listMessages: ({ conversationId }) => chat.withLiveText(store.branches.activeBranch(conversationId)),

    activateMessage: ({ messageId }) => {
      const conversation = store.branches.activate(messageId);
      events.emit('conversationsChanged', { reason: 'messages', conversationId: conversation.id });
      return conversation;
    },

    deleteMessage: ({ messageId }) => chat.deleteMessage(messageId),

    searchMessages: ({ query, limit }) => store.search(query, limit),

    sendMessage: (request) => chat.send(request),
    regenerateReply: (request) => chat.regenerate(request),
    editMessage: (request) => chat.edit(request),
    continueReply: (request) => chat.continueReply(request),
    stopReply: ({ conversationId }) => ({ stopped: chat.stop(conversationId) }),
    getContextUse: ({ conversationId }) => chat.getContextUse(conversationId),

    exportConversation: ({ id, format }) => exportConversation(store, id, format),
    exportAll: () => exportAll(store),
    importConversations: ({ content }) => {
      const { result, created, merged } = importConversations(store, content);
      for (const id of created) events.emit('conversationsChanged', { reason: 'created', conversationId: id });
      for (const id of merged) events.emit('conversationsChanged', { reason: 'messages', conversationId: id });
      return result;
    },

    listModels: () => library.list(),
    rescanModels: () => library.scan(),
    getEngineStatus: () => engineStatus(engine.status(), engine),
    loadModel: async ({ modelId }) => {
      const model = library.requireRunnable(modelId);
      try {
        await engine.load({ modelKey: model.id, path: model.path, nCtx: contextFor(model, settings.get()) });
      } catch (error) {
        throw new TernError('UNAVAILABLE', `${model.fileName} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      }
      return engineStatus(engine.status(), engine);
    },
    unloadModel: async () => {
      await engine.unload();
      return engineStatus(engine.status(), engine);
    },

    moveModelsFolder: ({ path, moveFiles }) =>
      moveModelsFolder({ library, downloads, settings, cache: store.modelFiles, log: deps.log }, path, moveFiles),

    listDownloads: () => downloads.list(),
    addDownload: (request) => downloads.add(request),
    listRepoFiles: ({ repo, revision }) => downloads.listRepoFiles(repo, revision),
    pauseDownload: ({ id }) => downloads.pause(id),
    resumeDownload: ({ id }) => downloads.resume(id),
    cancelDownload: ({ id }) => downloads.cancel(id),
    removeDownload: ({ id }) => downloads.remove(id),
    getHubInfo: () => hubInfo(settings.get(), deps.savedToken),
    setHubToken: ({ token }) => {
      if (!deps.savedToken) {
        throw new TernError('UNAVAILABLE', 'the headless host does not keep a token: set HF_TOKEN in its environment before starting it');
      }
      try {
        deps.savedToken.save(token);
      } catch (error) {
        throw new TernError('UNAVAILABLE', error instanceof Error ? error.message : String(error));
      }
      return hubInfo(settings.get(), deps.savedToken);
    },

    getSettings: () => settings.get(),
    updateSettings: (changes) => settings.update(changes),
    resetSettings: () => settings.reset(),
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
