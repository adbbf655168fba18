/**
 * The contract's calls, answered from the store. Requests arrive already validated by the
 * dispatcher; missing things are TernError('NOT_FOUND').
 */
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import packageJson from '../../package.json';
import { type AppInfo, type CpuInfo, type DownloadSource, type Fit, TernError } from '../common/contract';
import type { ApiService } from './api/service';
import type { ChatService } from './chat/service';
import type { EventBus, Handlers } from './dispatcher';
import type { EngineHost } from './engine-host/types';
import { exportAll, exportConversation } from './history/export';
import { importConversations } from './history/import';
import { type SavedToken, hubInfo } from './downloads/hub-config';
import type { DownloadService } from './downloads/service';
import type { ModelLibrary } from './models/library';
import { catalog } from './models/catalog';
import { type FitDeps, type Machine, checkDownloadFit, checkModelFit } from './models/fit';
import { type ManageDeps, deleteModel, importModel, setDefaultModel } from './models/manage';
import { moveModelsFolder } from './models/move-folder';
import { loadAddon } from './native';
import { engineStatus } from './services';
import type { SettingsService } from './settings';
import type { Store } from './store';
import type { TelemetryService } from './telemetry/service';
import type { TuningService } from './tuning/service';
import type { UpdateService } from './updates/service';

/** What only the desktop app can do for the Models view. */
export interface DesktopActions {
  showItemInFolder(path: string): void;
  /** The system's open dialog for a .gguf file; null when cancelled. */
  chooseModelFile(): Promise<string | null>;
}

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
  tuning: TuningService;
  telemetry: TelemetryService;
  /** The local API. */
  api: Pick<ApiService, 'status' | 'update' | 'rotateKey'>;
  /** Checking for, downloading and installing updates. */
  updates: Pick<UpdateService, 'status' | 'check' | 'download' | 'install' | 'setAutoCheck'>;
  /** The fit check's inputs, as the services made them (absent: made here from the above). */
  fitDeps?: FitDeps;
  /** This machine's memory, for the fit check; the real one unless a test says otherwise. */
  machine?: () => Machine;
  /** The file manager and the file dialog; absent in the headless host. */
  desktop?: DesktopActions;
  /** The desktop app's saved hub token; absent in the headless host. */
  savedToken?: SavedToken;
  log?: (message: string) => void;
  /** Where CPU facts come from; the native addon unless a test says otherwise. */
  cpuInfo?: () => CpuInfo;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { store, events, settings, library, downloads, engine, chat, tuning, telemetry, api, updates } = deps;
  const cpuInfo = deps.cpuInfo ?? nativeCpuInfo;

  const fitDeps: FitDeps = deps.fitDeps ?? { library, downloads, engine, settings, machine: deps.machine, apiSlot: () => api.status().on };
  const manageDeps: ManageDeps = { library, engine, settings, cache: store.modelFiles };

  // A download's fit, kept a minute: the Models view checks it before asking to add, and the
  // add checks again; the header is read once.
  const recentFits = new Map<string, { fit: Fit; at: number }>();
  async function downloadFit(source: DownloadSource): Promise<Fit> {
    const key = JSON.stringify(source);
    const known = recentFits.get(key);
    if (known && Date.now() - known.at < 60_000) return known.fit;
    const fit = await checkDownloadFit(fitDeps, source);
    recentFits.set(key, { fit, at: Date.now() });
    return fit;
  }

  /** The fit before a download; null when it cannot be told (the download itself will say why). */
  async function fitOrNull(source: DownloadSource): Promise<Fit | null> {
    try {
      return await downloadFit(source);
    } catch (error) {
      deps.log?.(`models: no fit check for ${source.kind === 'hub' ? `${source.repo}/${source.file}` : source.url}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

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
    loadModel: async ({ modelId, override }) => {
      const model = library.requireRunnable(modelId);
      // A model with its own tuning profile loads with it (before the fit check, which reads the context).
      tuning.useModel(model);
      if (!override) refuseTooLarge(await checkModelFit(fitDeps, modelId), 'load it');
      try {
        await tuning.load(model);
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

    listCatalog: () => catalog(),
    checkDownloadFit: async (request) => downloadFit(await downloads.resolveSource(request)),
    checkModelFit: ({ modelId }) => checkModelFit(fitDeps, modelId),
    importModel: ({ path, mode }) => importModel(manageDeps, path, mode),
    deleteModel: ({ modelId }) => deleteModel(manageDeps, modelId),
    setDefaultModel: ({ modelId }) => setDefaultModel(manageDeps, modelId),
    showModelInFolder: ({ modelId }) => {
      const model = library.get(modelId);
      if (!model) throw new TernError('NOT_FOUND', `no model with id ${modelId}`);
      desktopOnly(deps.desktop, 'show a file in its folder').showItemInFolder(model.path);
      return {};
    },
    chooseModelFile: async () => ({ path: await desktopOnly(deps.desktop, 'open a file dialog').chooseModelFile() }),

    listDownloads: () => downloads.list(),
    addDownload: ({ override, ...request }) =>
      downloads.add(request, override ? undefined : async (source) => refuseTooLarge(await fitOrNull(source), 'download it')),
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

    getTuning: () => tuning.state(),
    updateTuning: (changes) => tuning.update(changes),
    applyScenario: ({ scenario }) => tuning.applyScenario(scenario),
    saveProfile: ({ name }) => tuning.saveProfile(name),
    applyProfile: ({ id }) => tuning.applyProfile(id),
    deleteProfile: ({ id }) => tuning.deleteProfile(id),
    setModelProfile: ({ modelId, profileId }) => tuning.setModelProfile(modelId, profileId),
    runBenchmark: (request) => tuning.runBenchmark(request),
    cancelBenchmark: () => ({ cancelled: tuning.cancelBenchmark() }),
    listBenchmarks: () => tuning.listBenchmarks(),
    applyBestThreads: ({ id }) => tuning.applyBestThreads(id),
    exportBenchmark: ({ id, format }) => tuning.exportBenchmark(id, format),

    getMonitoring: () => telemetry.state(),
    updateMonitoring: (changes) => telemetry.update(changes),
    resetAlertRules: () => telemetry.resetRules(),
    dismissAlerts: () => telemetry.dismissAlerts(),
    listReplyMetrics: ({ limit }) => telemetry.listMetrics(limit),
    exportMetrics: ({ format }) => telemetry.export(format),

    getApiStatus: () => api.status(),
    updateApiSettings: (changes) => api.update(changes),
    rotateApiKey: () => api.rotateKey(),

    getUpdateStatus: () => updates.status(),
    checkForUpdates: () => updates.check(),
    downloadUpdate: () => updates.download(),
    installUpdate: () => updates.install(),
    setAutoUpdateCheck: ({ enabled }) => updates.setAutoCheck(enabled),
  };
}

function desktopOnly(desktop: DesktopActions | undefined, what: string): DesktopActions {
  if (!desktop) throw new TernError('UNAVAILABLE', `only the desktop app can ${what}; in the browser, give the file's path`);
  return desktop;
}

/** A model too large for this machine is refused, saying how to go ahead anyway. */
function refuseTooLarge(fit: Fit | null, action: string): void {
  if (fit?.verdict !== 'too-large') return;
  throw new TernError('CONFLICT', `${fit.label}. ${fit.problems.join('; ')}. To ${action} anyway, confirm the override.`.replace(/\.\. /g, '. '));
}

let cachedCpu: CpuInfo | undefined;

export function nativeCpuInfo(): CpuInfo {
  if (cachedCpu) return cachedCpu;
  try {
    cachedCpu = loadAddon().cpuInfo();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the native engine could not be loaded, so the CPU cannot be described: ${reason}`);
  }
  return cachedCpu;
}
