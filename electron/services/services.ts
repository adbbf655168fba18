/**
 * The services behind the contract, for the Electron main process and the headless host alike:
 * the data folder (created if missing and locked to this process), the store in it, the model
 * library, the engine process, chat, settings, the call handlers and the event bus.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import packageJson from '../../package.json';
import type { EngineStatus, KernelPaths, ModelFile } from '../common/contract';
import { ApiService } from './api/service';
import { ChatService } from './chat/service';
import { EventBus, type Handlers } from './dispatcher';
import { type EngineProcess, createEngineHost, defaultWorkerPath, forkLauncher } from './engine-host/host';
import type { EngineHost, EngineHostStatus } from './engine-host/types';
import { type SavedToken, hubConfig } from './downloads/hub-config';
import { DownloadService, type DownloadServiceOptions } from './downloads/service';
import { type DesktopActions, createHandlers, nativeCpuInfo } from './handlers';
import { acquireLock } from './lock';
import { type FitDeps, type Machine, checkModelFit } from './models/fit';
import { ModelLibrary } from './models/library';
import { loadAddon } from './native';
import { SettingsService } from './settings';
import { type Store, openStore } from './store';
import { EnergyTiers, type EnergyTiersOptions } from './telemetry/energy/tiers';
import { TelemetryService } from './telemetry/service';
import { TuningService } from './tuning/service';
import { UpdateService } from './updates/service';
import { FROM_SOURCE_REASON, HEADLESS_REASON, type UpdateSource } from './updates/updater';

export const DATABASE_FILE = 'tern.db';
export const MODELS_FOLDER = 'models';

export interface ServicesOptions {
  dataDir: string;
  host: 'electron' | 'headless';
  /** Who holds the data folder, shown to a second process that is refused. */
  owner: string;
  /** Model files from outside the models folder (tern serve --model FILE). */
  modelFiles?: string[];
  /** What only the desktop app can do: the file manager and the file dialog. */
  desktop?: DesktopActions;
  /** The desktop app's saved hub token (Electron safeStorage); the others read HF_TOKEN. */
  savedToken?: SavedToken;
  /** Starts the engine process: Electron's utilityProcess in the app, child_process.fork otherwise. */
  launchEngine?: () => EngineProcess;
  /** false: leave the downloads the last run had under way (tern pull runs only its own). */
  resumeDownloads?: boolean;
  /** false: do not look at the models folder at start (tern pull). */
  scanModels?: boolean;
  /** This machine's memory, for the fit check (tests pretend a small machine). */
  machine?: () => Machine;
  /** Download tuning for tests: retries, progress interval, free disk, the file opener. */
  downloadOptions?: Partial<Pick<DownloadServiceOptions, 'retry' | 'progressIntervalMs' | 'freeBytes' | 'openFile'>>;
  /** Telemetry for tests: where powercap is, the CPU's name, the sampler's interval. */
  telemetryOptions?: Partial<Pick<EnergyTiersOptions, 'powercapRoot' | 'powercapFiles' | 'cpuName' | 'platform'>> & { sampleIntervalMs?: number };
  /** The local API for this run (tern serve --api [--api-port N]); unset: the saved setting decides. */
  api?: { on?: boolean; port?: number };
  /**
   * The desktop app's updater, or why it has none (electron/main/updater.ts decides). The headless
   * host never updates, whatever this says; the desktop app without it is taken as run from source.
   */
  updates?: UpdateSource;
  log?: (message: string) => void;
}

export interface Services {
  readonly dataDir: string;
  readonly handlers: Handlers;
  readonly events: EventBus;
  readonly chat: ChatService;
  readonly library: ModelLibrary;
  readonly downloads: DownloadService;
  readonly settings: SettingsService;
  readonly engine: EngineHost;
  readonly tuning: TuningService;
  readonly telemetry: TelemetryService;
  /** The local OpenAI-compatible API (listening only when switched on). */
  readonly api: ApiService;
  /** Settles once the API has started listening or given up (its status then says why); never rejects. */
  readonly apiStarted: Promise<void>;
  /** Checking for, downloading and installing updates (desktop app only). */
  readonly updates: UpdateService;
  /** Whether a reply is being written. */
  replying(): boolean;
  /** Stops the local API, replies (kept as interrupted), the engine process, then closes the store. */
  close(): Promise<void>;
}

/** Throws DataDirLockedError (code 'DATA_DIR_LOCKED') if another process owns the folder. */
export function openServices(options: ServicesOptions): Services {
  const log = options.log ?? (() => {});
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireLock(dataDir, options.owner);
  let store: Store;
  try {
    store = openStore(join(dataDir, DATABASE_FILE), { log });
  } catch (error) {
    lock.release();
    throw error;
  }
  const events = new EventBus();
  const settings = new SettingsService(store.settings, events);
  const engine = createEngineHost({ launch: options.launchEngine ?? forkLauncher(defaultWorkerPath()), log });
  const library: ModelLibrary = new ModelLibrary({
    folder: settings.modelsFolder() ?? join(dataDir, MODELS_FOLDER),
    extraFiles: [...(options.modelFiles ?? []), ...settings.linkedModels()],
    cache: store.modelFiles,
    inspect: (path) => engine.inspect(path),
    facts: (model) => ({
      ...downloads.provenance(model.id),
      lastUsedAt: store.messages.lastUsed(model.id),
      kernels: model.problem === null ? kernelPaths() : null,
    }),
    defaultModelId: () => settings.defaultModelId(),
    log,
  });
  const downloads: DownloadService = new DownloadService({
    ...options.downloadOptions,
    repository: store.downloads,
    folder: () => library.folder,
    hub: () => hubConfig(settings.get(), options.savedToken),
    parallel: () => settings.get().parallelDownloads,
    inspect: (path) => engine.inspect(path),
    adopt: (path, sha256, inspection) => library.adopt(path, sha256, inspection),
    log,
  });
  const hardwareThreads = availableParallelism();
  const { sampleIntervalMs, ...energyOptions } = options.telemetryOptions ?? {};
  const telemetry = new TelemetryService({
    store,
    events,
    engine,
    energy: new EnergyTiers({
      platform: process.platform,
      cpuName: cpus()[0]?.model.trim() || nativeCpuInfo().name,
      hardwareThreads,
      userWatts: null,
      ...energyOptions,
    }),
    hardwareThreads,
    sampleIntervalMs,
    log,
  });
  void telemetry.init().catch((error: unknown) => log(`telemetry: ${String(error)}`));
  // The fit check before a load; with the local API on, its own KV slot counts too.
  const fitDeps: FitDeps = { library, downloads, engine, settings, machine: options.machine, apiSlot: () => api.status().on };
  const tuning = new TuningService({
    store,
    settings,
    engine,
    library,
    events,
    cpuInfo: nativeCpuInfo,
    energy: () => telemetry.benchmarkEnergy(),
    // The benchmark loads the default model when none is loaded: not one too large for this machine.
    beforeLoad: async (model) => {
      const fit = await checkModelFit(fitDeps, model.id);
      if (fit.verdict === 'too-large') throw new Error(`${fit.label}. To measure it anyway, load it in Models first (Load anyway)`);
    },
    log,
  });
  // A model too large for this machine is not loaded by a reply or an API request: the Models
  // view's "Load anyway" can.
  const replyBeforeLoad = async (model: ModelFile): Promise<void> => {
    const fit = await checkModelFit(fitDeps, model.id);
    if (fit.verdict === 'too-large') throw new Error(`${fit.label}. To try anyway, use Load in Models and confirm`);
  };
  const chat = new ChatService({
    store,
    events,
    engine,
    library,
    settings,
    beforeLoad: replyBeforeLoad,
    tuning,
    telemetry,
    log,
  });

  const api = new ApiService({
    dataDir,
    store,
    events,
    engine,
    library,
    settings,
    tuning,
    telemetry,
    beforeLoad: replyBeforeLoad,
    override: options.api,
    log,
  });
  const apiStarted = api.start().catch((error: unknown) => log(`local API: ${error instanceof Error ? error.message : String(error)}`));

  const updates = new UpdateService({
    currentVersion: packageJson.version,
    source: updateSource(options),
    settings,
    events,
    log,
  });
  updates.start();

  engine.setIdleUnload(settings.get().idleUnloadMinutes * 60_000);
  settings.onChange((next) => {
    engine.setIdleUnload(next.idleUnloadMinutes * 60_000);
    downloads.refresh();
  });
  engine.onStatus((status) => events.emit('engineStatus', engineStatus(status, engine)));
  library.onChange((list) => events.emit('modelsChanged', list));
  downloads.onChange((list) => events.emit('downloadsChanged', list));
  if (options.scanModels !== false) void library.scan();
  if (options.resumeDownloads !== false) downloads.start();

  const handlers = createHandlers({
    store,
    events,
    dataDir,
    host: options.host,
    settings,
    library,
    downloads,
    engine,
    chat,
    tuning,
    telemetry,
    api,
    updates,
    savedToken: options.savedToken,
    desktop: options.desktop,
    machine: options.machine,
    log,
  });
  let closing: Promise<void> | null = null;
  return {
    dataDir,
    handlers,
    events,
    chat,
    library,
    downloads,
    settings,
    engine,
    tuning,
    telemetry,
    api,
    apiStarted,
    updates,
    replying: () => chat.busy(),
    close() {
      closing ??= (async () => {
        try {
          updates.close(); // no automatic update check from here on
          // The API first: no new requests while replies stop and the engine goes.
          await api.close().catch((error: unknown) => log(`local API: ${error instanceof Error ? error.message : String(error)}`));
          await downloads.close();
          await chat.close();
          await tuning.close();
          telemetry.close();
          await engine.close();
        } finally {
          try {
            store.close();
          } finally {
            lock.release();
          }
        }
      })();
      return closing;
    },
  };
}

/** Where updates come from: never in the headless host; in the desktop app, what main found. */
function updateSource(options: ServicesOptions): UpdateSource {
  if (options.host === 'headless') return { updater: null, reason: HEADLESS_REASON, releasePageUrl: null };
  return options.updates ?? { updater: null, reason: FROM_SOURCE_REASON, releasePageUrl: null };
}

let knownKernels: KernelPaths | null | undefined;

/** The kernel paths of this CPU (the same for every ternary format: the loader repacks them all). */
function kernelPaths(): KernelPaths | null {
  if (knownKernels === undefined) {
    try {
      knownKernels = loadAddon().kernelPaths();
    } catch {
      knownKernels = null;
    }
  }
  return knownKernels;
}

/** The engine host's status as the contract says it. */
export function engineStatus(status: EngineHostStatus, engine: EngineHost): EngineStatus {
  const loaded = engine.loaded();
  return {
    state: status.state,
    modelId: status.modelKey,
    progress: status.state === 'loading' ? status.progress : null,
    error: status.error,
    contextTokens: status.state === 'ready' && loaded ? loaded.nCtx : null,
    busy: status.pending > 0,
  };
}
