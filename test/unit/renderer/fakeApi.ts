/**
 * An in-memory TernApi for the renderer's unit tests: conversations and messages in arrays (the
 * messages a tree through parentId; each conversation's activeLeafId picks the branch shown), a
 * naive substring "search", model files, an engine, settings, export and import, and replies a
 * test streams step by step (sendMessage, regenerateReply and editMessage start a reply; delta()
 * and finish() move it on), downloads that only change state when called (no bytes move), the hub's
 * endpoint and token as the host would report them, moving the models folder, the catalog, fit
 * checks (set per source or model; 'fits' otherwise), importing, deleting and the default model, the tuning
 * state (scenarios, profiles, a model's own profile) and benchmarks a test runs step by step (runBenchmark
 * answers when the test calls finishBenchmark(); benchmarkStep() emits progress), the monitoring state
 * (rules, alerts a test raises, the energy status) and replies' metrics a test adds, and the local
 * API's status (settings, listening or why not, key, request counts; setApiStatus() moves it), and
 * updates (off with the headless host's reason unless a test makes them desktopUpdates(); a check
 * finds updateFound, a download waits for the test's updateProgress() and finishUpdateDownload()).
 * Events are emitted like the host does, and any call can be made to fail.
 */
import type {
  Alert,
  AlertRule,
  ApiStatus,
  AppInfo,
  AppSettings,
  Benchmark,
  BenchmarkRequest,
  BenchmarkRow,
  BranchMessage,
  CallName,
  CatalogEntry,
  ContextUse,
  Conversation,
  Download,
  DownloadList,
  DownloadSource,
  EngineStatus,
  ErrorCode,
  EventName,
  ExportedFile,
  Fit,
  ImportResult,
  EventPayload,
  HubInfo,
  Message,
  ModelFile,
  ModelList,
  MonitoringState,
  Readouts,
  RepoFile,
  ReplyMetrics,
  SearchHit,
  Scenario,
  SendResult,
  TernApi,
  TuningState,
  TuningValues,
  Unsubscribe,
  UpdateStatus,
} from '../../../electron/common/contract';
import { DEFAULT_API_SETTINGS, DEFAULT_SETTINGS, TernError } from '../../../electron/common/contract';
import { NO_STATS } from '../../../renderer/src/lib/stats';

type AnyListener = (payload: never) => void;

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
    kernels: { decode: 'avx2', prefill: 'avx2' },
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

export const MODELS_FOLDER = '/tmp/tern-test-data/models';
export const DEFAULT_HUB = 'https://huggingface.co';

/** The catalog as resources/catalog.json has it (tests put it in fake.catalog when they want it). */
export const SAMPLE_CATALOG_ENTRY: CatalogEntry = {
  repo: 'microsoft/bitnet-b1.58-2B-4T-gguf',
  file: 'ggml-model-i2_s.gguf',
  name: 'BitNet b1.58 2B4T',
  description: "Microsoft's 2-billion-parameter ternary model trained on 4 trillion tokens.",
  license: 'MIT',
  architecture: 'bitnet-b1.58',
  parameters: 2.41,
  contextLength: 4096,
  recommended: true,
};

/** A fit check's answer: 'fits' with a label like the host's unless fields say otherwise. */
export function makeFit(verdict: Fit['verdict'] = 'fits', fields: Partial<Fit> = {}): Fit {
  const memoryBytes = fields.memoryBytes ?? 1_400_000_000;
  const available = fields.availableMemoryBytes ?? 12_000_000_000;
  const label =
    verdict === 'fits'
      ? `Fits: needs ${(memoryBytes / 1e9).toFixed(1)} GB of ${(available / 1e9).toFixed(0)} GB available`
      : verdict === 'tight'
        ? `Tight: needs ${(memoryBytes / 1e9).toFixed(1)} GB of ${(available / 1e9).toFixed(0)} GB available`
        : `Too large: needs ${(memoryBytes / 1e9).toFixed(1)} GB, ${(available / 1e9).toFixed(0)} GB available`;
  return {
    verdict,
    label,
    problems: verdict === 'fits' ? [] : [verdict === 'tight' ? 'little memory would be left for other programs' : 'not enough memory'],
    memoryBytes,
    contextTokens: 4096,
    availableMemoryBytes: available,
    totalMemoryBytes: 16_000_000_000,
    fileBytes: 1_190_000_000,
    freeDiskBytes: 100_000_000_000,
    kernels: { decode: 'avx2', prefill: 'avx2' },
    ...fields,
  };
}


const MiB = 1024 ** 2;

/** The four scenarios as a host on an 8-thread, 4-core machine would offer them. */
export const SAMPLE_SCENARIOS: Scenario[] = [
  {
    id: 'battery',
    name: 'Battery saver',
    briefScenario: 'mobile',
    briefMemoryBytes: 512 * MiB,
    briefMaxThreads: 2,
    description: 'Light on power and memory, for a laptop on battery.',
    values: { threads: 2, contextTokens: 2048, promptBatch: 32, headType: 'q6_k', maxTokens: 256 },
  },
  {
    id: 'balanced',
    name: 'Balanced',
    briefScenario: 'edge',
    briefMemoryBytes: 2048 * MiB,
    briefMaxThreads: 4,
    description: 'The physical cores and a common context.',
    values: { threads: 4, contextTokens: 4096, promptBatch: 64, headType: 'q8_0', maxTokens: 1024 },
  },
  {
    id: 'performance',
    name: 'Performance',
    briefScenario: 'server',
    briefMemoryBytes: 8192 * MiB,
    briefMaxThreads: 16,
    description: 'Faster replies and a longer context.',
    values: { threads: 6, contextTokens: 8192, promptBatch: 128, headType: 'q8_0', maxTokens: 2048 },
  },
  {
    id: 'maximum',
    name: 'Maximum',
    briefScenario: 'cloud',
    briefMemoryBytes: 32768 * MiB,
    briefMaxThreads: 64,
    description: 'Every thread, the longest context, the most precise head.',
    values: { threads: 8, contextTokens: 16384, promptBatch: 256, headType: 'f16', maxTokens: 4096 },
  },
];

/** The tuning state of a fresh host: the Balanced values, threads from the physical cores. */
export function sampleTuning(): TuningState {
  return {
    values: { threads: 4, contextTokens: 4096, promptBatch: 64, headType: 'q8_0', maxTokens: 1024 },
    scenario: 'balanced',
    threadsFrom: 'physical-cores',
    logicalCores: 8,
    physicalCores: 4,
    scenarios: structuredClone(SAMPLE_SCENARIOS),
    profiles: [],
    modelProfiles: {},
    loadedModelBytes: null,
    pendingReload: [],
  };
}

/** The fake's measured rates: decode best at 4 threads, prefill still rising at 8. */
export function sampleRates(threads: number): { decode: number; prefill: number } {
  const round = (x: number) => Math.round(x * 10) / 10;
  return { decode: round((10 * threads) / (1 + (threads / 4) ** 2)), prefill: round((60 * threads) / (1 + (threads / 8) ** 2)) };
}

function spread(median: number): { median: number; min: number; max: number } {
  const round = (x: number) => Math.round(x * 10) / 10;
  return { median, min: round(median * 0.95), max: round(median * 1.05) };
}

/** One thread count's results as the fake measures them. */
export function sampleRow(threads: number, promptLengths: number[]): BenchmarkRow {
  const { decode, prefill } = sampleRates(threads);
  return {
    threads,
    prefillTokensPerSecond: spread(prefill),
    decodeTokensPerSecond: spread(decode),
    ttftMs: promptLengths.map((length) => spread(Math.round((length / prefill) * 1000))),
    joulesPerToken: null,
  };
}

/** The thread count with the best median decode rate (ties: the fewer threads). */
function bestOf(rows: BenchmarkRow[]): number | null {
  let best: BenchmarkRow | null = null;
  for (const row of rows) {
    if (!best || row.decodeTokensPerSecond.median > best.decodeTokensPerSecond.median) best = row;
  }
  return best?.threads ?? null;
}

const RELOAD_KEYS = ['contextTokens', 'promptBatch', 'headType'] as const;

/** The alert rules of a fresh host. */
export function sampleRules(): AlertRule[] {
  return [
    { metric: 'memory', enabled: true, threshold: 150, severity: 'warning' },
    { metric: 'cpu', enabled: false, threshold: 50, severity: 'warning' },
    { metric: 'decodeSpeed', enabled: true, threshold: 5, severity: 'warning' },
    { metric: 'tokenLatency', enabled: true, threshold: 500, severity: 'warning' },
    { metric: 'firstToken', enabled: true, threshold: 10_000, severity: 'warning' },
    { metric: 'errorRate', enabled: true, threshold: 20, severity: 'critical' },
  ];
}

/** The monitoring state of a fresh host on a machine without readable energy counters: modelled. */
export function sampleMonitoring(): MonitoringState {
  return {
    rules: sampleRules(),
    errorWindow: 20,
    retentionDays: 30,
    alerts: [],
    energy: {
      source: 'modelled',
      detail: "the engine's CPU time times a share of the CPU's rated power (65 W)",
      unavailable: 'the RAPL energy counter is readable only by root',
      howTo: 'sudo chmod a+r /sys/class/powercap/intel-rapl:0/energy_uj',
      cpuWatts: 65,
      cpuWattsFrom: 'table',
      cpuName: 'Test CPU 3000',
      idleWatts: null,
    },
    metricsCount: 0,
    sampler: { active: false, samples: 0, intervalMs: 500 },
  };
}

/** Readouts of a reply being written (decode), with every figure known unless fields say otherwise. */
export function sampleReadouts(fields: Partial<Readouts> = {}): Readouts {
  return {
    conversationId: 'c1',
    messageId: 'm2',
    source: 'ui',
    phase: 'decode',
    elapsedMs: 2300,
    tokens: 42,
    ttftMs: 180,
    decodeTokensPerSecNow: 21.4,
    decodeTokensPerSecAvg: 20.1,
    prefillTokensPerSec: 192,
    tokenP50Ms: 46.5,
    tokenP95Ms: 71.2,
    recentTokenMs: [44, 47, 52, 46, 71, 45],
    cpuPercent: 87,
    threads: 4,
    memoryBytes: 1_400_000_000,
    memoryExpectedBytes: 1_500_000_000,
    powerWatts: 12.34,
    energyJoules: 4.567,
    joulesPerToken: 0.1087,
    energySource: 'modelled',
    ...fields,
  };
}

export const SAMPLE_API_KEY = 'tern-sk-0123456789abcdefABCDEF';

/** The local API as a host answers it when off (the key made already). */
export function sampleApiStatus(fields: Partial<ApiStatus> = {}): ApiStatus {
  return {
    settings: { ...DEFAULT_API_SETTINGS },
    on: false,
    listening: false,
    address: null,
    error: null,
    key: SAMPLE_API_KEY,
    active: 0,
    queued: 0,
    served: 0,
    ...fields,
  };
}

export const RELEASE_PAGE = 'https://github.com/tern-app/tern/releases';

/** Updates as a host answers them: off with the headless host's reason unless fields say otherwise. */
export function sampleUpdateStatus(fields: Partial<UpdateStatus> = {}): UpdateStatus {
  return {
    currentVersion: '9.8.7',
    enabled: false,
    reason: 'Updates are only in the desktop app.',
    autoCheck: false,
    state: 'idle',
    availableVersion: null,
    releaseNotes: null,
    progress: null,
    error: null,
    lastCheckedAt: null,
    releasePageUrl: null,
    canInstall: false,
    ...fields,
  };
}

/** Updates in a packaged desktop app that can install them (canInstall false: an unsigned macOS build). */
export function desktopUpdates(fields: Partial<UpdateStatus> = {}): UpdateStatus {
  return sampleUpdateStatus({ enabled: true, reason: null, releasePageUrl: RELEASE_PAGE, canInstall: true, ...fields });
}

const IDLE_ENGINE: EngineStatus = { state: 'idle', modelId: null, progress: null, error: null, contextTokens: null, busy: false };

interface Failure {
  code: ErrorCode;
  message: string;
  /** How many more calls fail; Infinity until cleared. */
  times: number;
}

export class FakeTern {
  conversations: Conversation[] = [];
  messages: Message[] = [];
  appInfo: AppInfo = sampleAppInfo;
  models: ModelFile[] = [];
  /** Files that appear on the next rescanModels. */
  modelsOnRescan: ModelFile[] = [];
  folder = MODELS_FOLDER;
  engine: EngineStatus = IDLE_ENGINE;
  settings: AppSettings = structuredClone(DEFAULT_SETTINGS);
  contextUses = new Map<string, ContextUse>();
  downloads: Download[] = [];
  /** The files of each hub repo listRepoFiles knows, by owner/name. */
  repoFiles = new Map<string, RepoFile[]>();
  /** The host's environment as the hub settings read it. */
  hubEnv: { HF_ENDPOINT?: string; HF_TOKEN?: string } = {};
  /** The token the desktop app keeps; null: none saved. */
  savedToken: string | null = null;
  /** false: a headless host (tern serve), which cannot keep a token. */
  canSaveToken = true;
  /** The catalog listCatalog answers (empty unless a test fills it). */
  catalog: CatalogEntry[] = [];
  /** checkDownloadFit's answers by owner/repo/file or URL (the file joined on when given); 'fits' otherwise. */
  downloadFits = new Map<string, Fit>();
  /** checkModelFit's answers by model id; 'fits' otherwise. */
  modelFits = new Map<string, Fit>();
  /** Files importModel finds on this computer, by path (a problem: the engine cannot run it). */
  localFiles = new Map<string, { sizeBytes: number; problem: string | null }>();
  defaultModelId: string | null = null;
  /** The paths showModelInFolder showed (desktop host only). */
  shownInFolder: string[] = [];
  /** What the desktop's file dialog answers chooseModelFile with (null: cancelled). */
  chosenModelFile: string | null = null;
  calls: { name: CallName; request: unknown }[] = [];
  /** The tuning state the host keeps (values, scenarios, profiles, models' own profiles). */
  tuning: TuningState = sampleTuning();
  /** What the loaded model was loaded with; null: none loaded (nothing waits for a reload). */
  loadedWith: Pick<TuningValues, 'contextTokens' | 'promptBatch' | 'headType'> | null = null;
  /** The benchmark runs the host keeps. */
  benchmarks: Benchmark[] = [];
  /** The monitoring state the host keeps (rules, alerts not dismissed, energy, sampler). */
  monitoring: MonitoringState = sampleMonitoring();
  /** Every reply's metrics kept, in the order recorded. */
  replyMetrics: ReplyMetrics[] = [];
  /** The local API as the host keeps it. */
  apiStatus: ApiStatus = sampleApiStatus();
  /** tern serve --api: on for this run whatever the setting. */
  apiOverride = false;
  /** Set: turning the API on fails to listen with this error (the port is taken, say). */
  apiListenError: string | null = null;
  /** Updates as the host keeps them. */
  updateStatus: UpdateStatus = sampleUpdateStatus();
  /** What the next check finds: a newer version, or null (up to date). */
  updateFound: { version: string; releaseNotes?: string } | null = null;
  /** Set: the next check fails with this message (the host's plain words). */
  updateCheckError: string | null = null;
  /** How many times installUpdate quit to install. */
  installs = 0;
  private keyCount = 0;
  /** The download under way: downloadUpdate answers when the test calls finishUpdateDownload(). */
  private pendingUpdate: { resolve: (status: UpdateStatus) => void } | null = null;
  /** The run under way and how its runBenchmark call answers. */
  private benchmarkRun: { id: string; done: number; total: number; resolve: (benchmark: Benchmark) => void } | null = null;
  private failures = new Map<CallName, Failure>();
  private listeners = new Map<EventName, Set<AnyListener>>();
  /** Each sendMessage's and editMessage's answer, by requestId: a repeated id answers the same. */
  private sends = new Map<string, SendResult>();
  /** Each regenerateReply's answer, by requestId. */
  private regenerations = new Map<string, Message>();
  private tokens = new Map<string, number>();
  private nextId = 1;
  private clock = 1_700_000_000_000;

  /** The next calls of `name` reject with a TernError carrying `message`, until cleared. */
  fail(name: CallName, message: string, code: ErrorCode = 'INTERNAL'): void {
    this.failures.set(name, { code, message, times: Infinity });
  }

  /** Only the next call of `name` fails. */
  failOnce(name: CallName, message: string, code: ErrorCode = 'INTERNAL'): void {
    this.failures.set(name, { code, message, times: 1 });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** A conversationsChanged event (the most common one in tests). */
  emit(payload: EventPayload<'conversationsChanged'>): void {
    this.emitEvent('conversationsChanged', payload);
  }

  emitEvent<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) (listener as (p: EventPayload<E>) => void)(payload);
  }

  /** Listeners of every event, together. */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  callsOf(name: CallName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.request);
  }

  addConversation(title: string, fields: Partial<Conversation> = {}): Conversation {
    const now = this.tick();
    const conversation: Conversation = {
      id: `c${this.nextId++}`,
      title,
      createdAt: now,
      updatedAt: now,
      activeLeafId: null,
      modelId: null,
      messageCount: 0,
      settings: {},
      ...fields,
    };
    this.conversations.unshift(conversation);
    return conversation;
  }

  addMessage(
    conversationId: string,
    role: Message['role'],
    content: string,
    status: Message['status'] = 'complete',
    fields: Partial<Message> = {},
  ): Message {
    // Under the branch shown (for messages of a conversation the fake does not hold: the last one added).
    const conversation = this.conversations.find((c) => c.id === conversationId);
    const leaf = conversation ? conversation.activeLeafId : (this.messages.filter((m) => m.conversationId === conversationId).at(-1)?.id ?? null);
    const message: Message = {
      id: `m${this.nextId++}`,
      conversationId,
      parentId: leaf,
      role,
      content,
      status,
      createdAt: this.tick(),
      modelId: null,
      modelName: null,
      note: null,
      stats: NO_STATS,
      ...fields,
    };
    this.messages.push(message);
    this.conversations = this.conversations.map((c) =>
      c.id === conversationId ? { ...c, messageCount: c.messageCount + 1, activeLeafId: message.id } : c,
    );
    return message;
  }

  addModel(fileName: string, fields: Partial<ModelFile> = {}): ModelFile {
    const model = this.makeModel(fileName, fields);
    this.models.push(model);
    return model;
  }

  makeModel(fileName: string, fields: Partial<ModelFile> = {}): ModelFile {
    return {
      id: `sha-${fileName}`,
      path: `${this.folder}/${fileName}`,
      fileName,
      name: null,
      sizeBytes: 1_190_000_000,
      arch: 'bitnet-b1.58',
      weightType: 'I2_S',
      parameters: 2_400_000_000,
      contextLength: 4096,
      source: 'folder',
      problem: null,
      origin: null,
      verified: null,
      kernels: fields.problem ? null : { decode: 'avx2', prefill: 'avx2' },
      lastUsedAt: null,
      ...fields,
    };
  }

  /** A download in the list (queued unless fields say otherwise), without an event. */
  addDownloadEntry(source: DownloadSource, fields: Partial<Download> = {}): Download {
    const now = this.tick();
    const download: Download = {
      id: `d${this.nextId++}`,
      source,
      fileName: source.kind === 'hub' ? (source.file.split('/').at(-1) ?? source.file) : fileNameOfUrl(source.url),
      state: 'queued',
      receivedBytes: 0,
      totalBytes: null,
      bytesPerSecond: null,
      etaSeconds: null,
      expectedSha256: null,
      verified: null,
      error: null,
      modelId: null,
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
    this.downloads.push(download);
    return download;
  }

  /** Changes a download and emits downloadsChanged. */
  updateDownload(id: string, fields: Partial<Download>): Download {
    const updated = { ...this.download(id), ...fields, updatedAt: this.tick() };
    this.downloads = this.downloads.map((d) => (d.id === id ? updated : d));
    this.emitEvent('downloadsChanged', this.downloadList());
    return updated;
  }

  download(id: string): Download {
    const download = this.downloads.find((d) => d.id === id);
    if (!download) throw new TernError('NOT_FOUND', `no download ${id}`);
    return download;
  }

  downloadList(): DownloadList {
    return { downloads: [...this.downloads], parallel: this.settings.parallelDownloads };
  }

  /** What getHubInfo answers: the setting, else HF_ENDPOINT, else the hub; the saved token, else HF_TOKEN. */
  hubInfo(): HubInfo {
    const fromEnv = this.hubEnv.HF_ENDPOINT?.trim();
    const [endpoint, endpointFrom]: [string, HubInfo['endpointFrom']] = this.settings.hubEndpoint
      ? [this.settings.hubEndpoint.replace(/\/+$/, ''), 'setting']
      : fromEnv
        ? [fromEnv.replace(/\/+$/, ''), 'env']
        : [DEFAULT_HUB, 'default'];
    const saved = this.canSaveToken ? this.savedToken : null;
    const token = saved ? 'saved' : this.hubEnv.HF_TOKEN?.trim() ? 'env' : null;
    return { endpoint, endpointFrom, token, canSaveToken: this.canSaveToken };
  }

  /** A conversation with a model chosen and the model in the list: ready to send. */
  readyConversation(title = 'Chat'): { conversation: Conversation; model: ModelFile } {
    const model = this.models[0] ?? this.addModel('bitnet-2b.gguf');
    const conversation = this.addConversation(title, { modelId: model.id });
    return { conversation, model };
  }

  message(id: string): Message {
    const message = this.messages.find((m) => m.id === id);
    if (!message) throw new Error(`no message ${id}`);
    return message;
  }

  /** The messages of the conversation's active branch, root first, each with its versions. */
  branch(conversationId: string): BranchMessage[] {
    const conversation = this.find(conversationId);
    const path: Message[] = [];
    for (let id = conversation.activeLeafId; id !== null; ) {
      const message = this.messages.find((m) => m.id === id);
      if (!message) break;
      path.unshift(message);
      id = message.parentId;
    }
    return path.map((message) => ({ ...message, versionIds: this.versionIds(message) }));
  }

  /** The ids of a message and its alternatives (same parent), oldest first. */
  versionIds(message: Message): string[] {
    return this.messages
      .filter((m) => m.conversationId === message.conversationId && m.parentId === message.parentId)
      .map((m) => m.id);
  }

  /** Makes the branch through this message (down its most recent replies) the shown one. */
  activate(messageId: string): Conversation {
    let leaf = this.message(messageId);
    for (;;) {
      const child = this.messages.filter((m) => m.parentId === leaf.id).at(-1);
      if (!child) break;
      leaf = child;
    }
    return this.replaceConversation({ ...this.find(leaf.conversationId), activeLeafId: leaf.id });
  }

  /** The newest assistant message. */
  lastReply(): Message {
    const reply = this.messages.filter((m) => m.role === 'assistant').at(-1);
    if (!reply) throw new Error('no reply yet');
    return reply;
  }

  /** More text of a streaming reply, stored and emitted as a delta event. */
  delta(messageId: string, text: string): void {
    const message = this.message(messageId);
    const tokens = (this.tokens.get(messageId) ?? 0) + 1;
    this.tokens.set(messageId, tokens);
    this.store({ ...message, content: message.content + text });
    this.emitEvent('chatStream', { type: 'delta', conversationId: message.conversationId, messageId, offset: message.content.length, text, tokens });
  }

  /** Ends a reply (complete by default), stored and emitted as a finished event. */
  finish(messageId: string, fields: Partial<Message> = {}): Message {
    const message = this.message(messageId);
    const finished: Message = {
      ...message,
      status: 'complete',
      stats: { ...message.stats, generatedTokens: this.tokens.get(messageId) ?? 0 },
      ...fields,
    };
    this.store(finished);
    this.emitEvent('chatStream', { type: 'finished', conversationId: message.conversationId, message: finished });
    return finished;
  }

  setEngine(fields: Partial<EngineStatus>): void {
    this.engine = { ...this.engine, ...fields };
    this.emitEvent('engineStatus', this.engine);
  }

  /** Changes the tuning state as the host would, and emits tuningChanged (and settingsChanged). */
  setTuningState(fields: Partial<TuningState>): TuningState {
    const next = { ...this.tuning, ...fields };
    const loaded = this.loadedWith;
    next.pendingReload = loaded ? RELOAD_KEYS.filter((key) => next.values[key] !== loaded[key]) : [];
    this.tuning = next;
    const { values } = next;
    this.settings = {
      ...this.settings,
      threads: next.threadsFrom === 'chosen' ? values.threads : null,
      contextTokens: values.contextTokens,
      promptBatch: values.promptBatch,
      headType: values.headType,
      scenario: next.scenario,
      sampling: { ...this.settings.sampling, maxTokens: values.maxTokens },
    };
    this.emitEvent('settingsChanged', this.settings);
    this.emitEvent('tuningChanged', this.tuning);
    return this.tuning;
  }

  /** The scenario whose values these are, or null (custom). */
  private scenarioOf(values: TuningValues): TuningState['scenario'] {
    const same = this.tuning.scenarios.find((s) => JSON.stringify(s.values) === JSON.stringify(values));
    return same?.id ?? null;
  }

  /** A reply's metrics, kept like the host does, without an event. */
  addReplyMetrics(fields: Partial<ReplyMetrics> = {}): ReplyMetrics {
    const row: ReplyMetrics = {
      id: `r${this.nextId++}`,
      startedAt: this.tick(),
      durationMs: 2300,
      conversationId: null,
      messageId: null,
      source: 'ui',
      modelId: 'sha-bitnet-2b.gguf',
      modelName: 'bitnet-2b.gguf',
      status: 'complete',
      threads: 4,
      promptTokens: 12,
      generatedTokens: 42,
      ttftMs: 180,
      prefillTokensPerSec: 192,
      decodeTokensPerSec: 20.1,
      tokenP50Ms: 46.5,
      tokenP95Ms: 71.2,
      cpuPercent: 87,
      peakMemoryBytes: 1_400_000_000,
      memoryExpectedBytes: 1_500_000_000,
      energyJoules: 4.57,
      joulesPerToken: 0.109,
      powerWatts: 12.3,
      energySource: 'modelled',
      ...fields,
    };
    this.replyMetrics.push(row);
    this.monitoring = { ...this.monitoring, metricsCount: this.replyMetrics.length };
    return row;
  }

  /** An alert a reply raised: kept, and emitted as an alert event then monitoringChanged. */
  raiseAlert(fields: Partial<Alert> = {}): Alert {
    const alert: Alert = {
      id: `a${this.nextId++}`,
      at: this.tick(),
      metric: 'decodeSpeed',
      severity: 'warning',
      value: 3.1,
      threshold: 5,
      text: 'Decode 3.1 tok/s, below 5 tok/s',
      conversationId: null,
      messageId: null,
      ...fields,
    };
    this.monitoring = { ...this.monitoring, alerts: [alert, ...this.monitoring.alerts] };
    this.emitEvent('alert', alert);
    this.emitEvent('monitoringChanged', this.monitoring);
    return alert;
  }

  /** Changes the monitoring state as the host would, and emits monitoringChanged. */
  setMonitoringState(fields: Partial<MonitoringState>): MonitoringState {
    this.monitoring = { ...this.monitoring, ...fields };
    this.emitEvent('monitoringChanged', this.monitoring);
    return this.monitoring;
  }

  /** A finished run (done unless fields say otherwise), without an event. */
  /** Changes the API's status as the host would and emits apiStatus. */
  setApiStatus(fields: Partial<ApiStatus>): ApiStatus {
    this.apiStatus = { ...this.apiStatus, ...fields };
    this.emitEvent('apiStatus', this.apiStatus);
    return this.apiStatus;
  }

  /** Changes the update status as the host would and emits updateStatus. */
  setUpdateStatus(fields: Partial<UpdateStatus>): UpdateStatus {
    this.updateStatus = { ...this.updateStatus, ...fields };
    this.emitEvent('updateStatus', this.updateStatus);
    return this.updateStatus;
  }

  /** The download under way moves on to `fraction` (0..1). */
  updateProgress(fraction: number): void {
    if (!this.pendingUpdate) throw new Error('no update is downloading');
    this.setUpdateStatus({ progress: fraction });
  }

  /** The download under way ends: downloaded, or failed with `error`. */
  finishUpdateDownload(error?: string): void {
    const download = this.pendingUpdate;
    if (!download) throw new Error('no update is downloading');
    this.pendingUpdate = null;
    download.resolve(
      error === undefined
        ? this.setUpdateStatus({ state: 'downloaded', progress: 1 })
        : this.setUpdateStatus({ state: 'error', progress: null, error: `Could not download the update: ${error}` }),
    );
  }

  /** Listening or not after a change of the settings, like the host: on by the setting or tern serve --api. */
  private apiRestart(settings: ApiStatus['settings']): ApiStatus {
    const on = settings.enabled || this.apiOverride;
    const listening = on && this.apiListenError === null;
    return this.setApiStatus({
      settings,
      on,
      listening,
      address: listening ? `http://127.0.0.1:${settings.port}/v1` : null,
      error: on && !listening ? this.apiListenError : null,
      served: listening && this.apiStatus.listening ? this.apiStatus.served : 0,
    });
  }

  makeBenchmark(fields: Partial<Benchmark> = {}): Benchmark {
    const threads = fields.threads ?? [1, 2, 4, 8];
    const promptLengths = fields.promptLengths ?? [128, 512, 1024];
    const rows = fields.rows ?? threads.map((t) => sampleRow(t, promptLengths));
    const model = this.models[0];
    return {
      id: `b${this.nextId++}`,
      createdAt: this.tick(),
      state: 'done',
      error: null,
      modelId: model?.id ?? 'sha-bitnet-2b.gguf',
      modelName: model ? (model.name ?? model.fileName) : 'bitnet-2b.gguf',
      modelFile: model?.path ?? `${this.folder}/bitnet-2b.gguf`,
      cpu: this.appInfo.cpu.name,
      kernels: model?.kernels ?? this.appInfo.cpu.kernels,
      engineVersion: 'tern-engine 0.1.0',
      settings: { contextTokens: this.tuning.values.contextTokens, promptBatch: this.tuning.values.promptBatch, headType: this.tuning.values.headType },
      threads,
      promptLengths,
      genTokens: 64,
      repetitions: 3,
      rows,
      energySource: null,
      bestThreads: bestOf(rows),
      ...fields,
    };
  }

  /** The running benchmark's next repetition: a benchmarkProgress event. */
  benchmarkStep(step?: string): void {
    const run = this.benchmarkRun;
    if (!run) throw new Error('no benchmark is running');
    run.done = Math.min(run.total, run.done + 1);
    const benchmark = this.benchmarkById(run.id);
    const perThread = benchmark.repetitions;
    const index = Math.min(benchmark.threads.length - 1, Math.floor((run.done - 1) / perThread));
    const threads = benchmark.threads[index] ?? 0;
    const text = step ?? `${threads} ${threads === 1 ? 'thread' : 'threads'}, repetition ${((run.done - 1) % perThread) + 1} of ${perThread}`;
    this.emitEvent('benchmarkProgress', { id: run.id, done: run.done, total: run.total, step: text });
  }

  /**
   * Ends the running benchmark: done (every thread count measured), cancelled (the thread counts
   * finished so far) or failed. Emits benchmarkChanged and answers its runBenchmark call.
   */
  finishBenchmark(state: 'done' | 'cancelled' | 'failed' = 'done', error: string | null = null): Benchmark {
    const run = this.benchmarkRun;
    if (!run) throw new Error('no benchmark is running');
    this.benchmarkRun = null;
    const running = this.benchmarkById(run.id);
    const measured = state === 'done' ? running.threads.length : Math.floor(run.done / running.repetitions);
    const rows = running.threads.slice(0, measured).map((t) => sampleRow(t, running.promptLengths));
    const finished: Benchmark = { ...running, state, error: state === 'failed' ? (error ?? 'the engine stopped') : null, rows, bestThreads: bestOf(rows) };
    this.benchmarks = this.benchmarks.map((b) => (b.id === finished.id ? finished : b));
    this.emitEvent('benchmarkChanged', finished);
    run.resolve(finished);
    return finished;
  }

  private benchmarkById(id: string): Benchmark {
    const benchmark = this.benchmarks.find((b) => b.id === id);
    if (!benchmark) throw new TernError('NOT_FOUND', `no benchmark ${id}`);
    return benchmark;
  }

  /** Starts a run like the host: on the loaded model, else the default one, else the first runnable. */
  private startBenchmark(request: BenchmarkRequest): Promise<Benchmark> {
    if (this.benchmarkRun) throw new TernError('CONFLICT', 'a benchmark is already running');
    if (this.messages.some((m) => m.status === 'streaming')) throw new TernError('CONFLICT', 'a reply is being written: wait for it or stop it');
    const runnable = this.models.filter((m) => !m.problem);
    const model =
      runnable.find((m) => m.id === this.engine.modelId) ?? runnable.find((m) => m.id === this.defaultModelId) ?? runnable[0];
    if (!model) throw new TernError('UNAVAILABLE', 'there is no model to run the benchmark on: download or import one first');
    const { logicalCores, physicalCores } = this.tuning;
    const defaults = [...new Set([1, 2, 4, 8, 16, 32, physicalCores, logicalCores].filter((t) => t <= logicalCores))].sort((a, b) => a - b);
    const running = this.makeBenchmark({
      state: 'running',
      modelId: model.id,
      modelName: model.name ?? model.fileName,
      modelFile: model.path,
      kernels: model.kernels ?? this.appInfo.cpu.kernels,
      threads: request.threads ?? defaults,
      promptLengths: request.promptLengths ?? [128, 512, 1024],
      genTokens: request.genTokens ?? 64,
      repetitions: request.repetitions ?? 3,
      rows: [],
    });
    this.benchmarks.push(running);
    this.emitEvent('benchmarkChanged', running);
    return new Promise((resolve) => {
      this.benchmarkRun = { id: running.id, done: 0, total: running.threads.length * running.repetitions, resolve };
    });
  }

  private benchmarkMarkdown(benchmark: Benchmark): string {
    const lines = [
      `# Tern benchmark: ${benchmark.modelName}`,
      '',
      `CPU: ${benchmark.cpu}; engine ${benchmark.engineVersion}; kernels decode ${benchmark.kernels.decode}, prefill ${benchmark.kernels.prefill}`,
      '',
      '| Threads | Prefill tok/s | Decode tok/s |',
      '| --- | --- | --- |',
      ...benchmark.rows.map((r) => `| ${r.threads} | ${r.prefillTokensPerSecond.median} | ${r.decodeTokensPerSecond.median} |`),
      '',
      `Reproduce: \`tern bench --model ${benchmark.modelFile} --threads ${benchmark.threads.join(',')} --repetitions ${benchmark.repetitions}\``,
    ];
    return lines.join('\n');
  }

  private store(message: Message): void {
    this.messages = this.messages.map((m) => (m.id === message.id ? message : m));
  }

  private countMessages(conversationId: string): void {
    const count = this.messages.filter((m) => m.conversationId === conversationId).length;
    this.replaceConversation({ ...this.find(conversationId), messageCount: count });
  }

  /** A new message under `parentId`, made the active leaf. */
  private addChild(conversationId: string, parentId: string | null, fields: Omit<Partial<Message>, 'id'>): Message {
    const message: Message = {
      id: `m${this.nextId++}`,
      conversationId,
      parentId,
      role: 'assistant',
      content: '',
      status: 'complete',
      createdAt: this.tick(),
      modelId: null,
      modelName: null,
      note: null,
      stats: NO_STATS,
      ...fields,
    };
    this.messages.push(message);
    this.replaceConversation({ ...this.find(conversationId), activeLeafId: message.id });
    this.countMessages(conversationId);
    return message;
  }

  /** A streaming reply to `parentId` with the conversation's model, announced with a started event. */
  private startReply(conversation: Conversation, parentId: string): Message {
    if (this.messages.some((m) => m.conversationId === conversation.id && m.status === 'streaming')) {
      throw new TernError('CONFLICT', 'a reply is already being written in this conversation');
    }
    if (!conversation.modelId) throw new TernError('UNAVAILABLE', 'no model is chosen for this conversation');
    const model = this.models.find((m) => m.id === conversation.modelId);
    const reply = this.addChild(conversation.id, parentId, {
      role: 'assistant',
      status: 'streaming',
      modelId: conversation.modelId,
      modelName: model?.fileName ?? null,
    });
    this.emitEvent('chatStream', { type: 'started', conversationId: conversation.id, message: reply });
    return reply;
  }

  private exported(conversations: Conversation[]): string {
    return JSON.stringify({
      format: 'tern-export',
      version: 1,
      conversations: conversations.map((c) => ({ ...c, messages: this.messages.filter((m) => m.conversationId === c.id) })),
    });
  }

  /** Reads an export made by exported(); every clash refuses the whole import. */
  private importFile(content: string): ImportResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw new TernError('BAD_REQUEST', 'the file is not JSON');
    }
    const file = parsed as { format?: unknown; conversations?: (Conversation & { messages: Message[] })[] };
    if (file.format !== 'tern-export' || !Array.isArray(file.conversations)) {
      throw new TernError('BAD_REQUEST', 'the file is not a Tern export');
    }
    const result: ImportResult = { conversations: file.conversations.length, conversationsAdded: 0, messagesAdded: 0, messagesSkipped: 0 };
    for (const conversation of file.conversations) {
      for (const message of conversation.messages) {
        const here = this.messages.find((m) => m.id === message.id);
        if (here && (here.content !== message.content || here.conversationId !== conversation.id)) {
          throw new TernError('CONFLICT', `message ${message.id} is already here with other content`);
        }
      }
    }
    for (const { messages, ...conversation } of file.conversations) {
      if (!this.conversations.some((c) => c.id === conversation.id)) {
        this.conversations.unshift({ ...conversation });
        result.conversationsAdded += 1;
      }
      for (const message of messages) {
        if (this.messages.some((m) => m.id === message.id)) {
          result.messagesSkipped += 1;
        } else {
          this.messages.push(message);
          result.messagesAdded += 1;
        }
      }
      this.countMessages(conversation.id);
    }
    return result;
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  private async enter(name: CallName, request: unknown): Promise<void> {
    this.calls.push({ name, request });
    await Promise.resolve();
    const failure = this.failures.get(name);
    if (!failure) return;
    failure.times -= 1;
    if (failure.times <= 0) this.failures.delete(name);
    throw new TernError(failure.code, failure.message);
  }

  private find(id: string): Conversation {
    const conversation = this.conversations.find((c) => c.id === id);
    if (!conversation) throw new TernError('NOT_FOUND', `no conversation ${id}`);
    return conversation;
  }

  private replaceConversation(conversation: Conversation): Conversation {
    this.conversations = this.conversations.map((c) => (c.id === conversation.id ? conversation : c));
    return conversation;
  }

  private modelList(): ModelList {
    const defaultModelId = this.models.some((m) => m.id === this.defaultModelId) ? this.defaultModelId : null;
    return { folder: this.folder, models: [...this.models], scanning: false, defaultModelId };
  }

  /** Like the host: what only the desktop app can do is refused by tern serve. */
  private desktopOnly(what: string): void {
    if (this.appInfo.host !== 'electron') throw new TernError('UNAVAILABLE', `only the desktop app can ${what}`);
  }

  /** What addDownload asks for, read like the host: owner/repo/file, owner/repo with file, or a URL. */
  private downloadSource(request: { source: string; file?: string; revision?: string }): DownloadSource {
    const source = request.source.trim();
    if (/^https?:\/\//i.test(source)) return { kind: 'url', url: source };
    const parts = source.split('/');
    const file = parts.length > 2 ? parts.slice(2).join('/') : request.file;
    if (parts.length < 2 || !parts[0] || !parts[1] || !file) {
      throw new TernError('BAD_REQUEST', 'name a file: owner/repo/file.gguf, owner/repo with a file, or an https URL');
    }
    return { kind: 'hub', repo: `${parts[0]}/${parts[1]}`, revision: request.revision ?? 'main', file };
  }

  private on<E extends EventName>(name: E) {
    return (listener: (payload: EventPayload<E>) => void): Unsubscribe => {
      let set = this.listeners.get(name);
      if (!set) {
        set = new Set();
        this.listeners.set(name, set);
      }
      set.add(listener as AnyListener);
      return () => {
        this.listeners.get(name)?.delete(listener as AnyListener);
      };
    };
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
      const renamed = this.replaceConversation({ ...this.find(request.id), title: request.title.trim(), updatedAt: this.tick() });
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
    updateConversationSettings: async (request) => {
      await this.enter('updateConversationSettings', request);
      const updated = this.replaceConversation({ ...this.find(request.id), settings: request.settings });
      this.emit({ reason: 'settings', conversationId: updated.id });
      return updated;
    },
    setConversationModel: async (request) => {
      await this.enter('setConversationModel', request);
      if (!this.models.some((m) => m.id === request.modelId)) throw new TernError('NOT_FOUND', `no model ${request.modelId}`);
      const updated = this.replaceConversation({ ...this.find(request.id), modelId: request.modelId });
      this.emit({ reason: 'settings', conversationId: updated.id });
      return updated;
    },
    listMessages: async (request) => {
      await this.enter('listMessages', request);
      return this.branch(request.conversationId);
    },
    activateMessage: async (request) => {
      await this.enter('activateMessage', request);
      this.message(request.messageId);
      return this.activate(request.messageId);
    },
    deleteMessage: async (request) => {
      await this.enter('deleteMessage', request);
      const target = this.message(request.messageId);
      const gone = new Set([target.id]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const m of this.messages) {
          if (m.parentId !== null && gone.has(m.parentId) && !gone.has(m.id)) {
            gone.add(m.id);
            grew = true;
          }
        }
      }
      this.messages = this.messages.filter((m) => !gone.has(m.id));
      const conversation = this.find(target.conversationId);
      if (conversation.activeLeafId !== null && gone.has(conversation.activeLeafId)) {
        this.replaceConversation({ ...conversation, activeLeafId: target.parentId });
      }
      this.countMessages(target.conversationId);
      this.emit({ reason: 'messages', conversationId: target.conversationId });
      return this.find(target.conversationId);
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

    sendMessage: async (request) => {
      await this.enter('sendMessage', request);
      const earlier = this.sends.get(request.requestId);
      if (earlier) return earlier;
      const conversation = this.find(request.conversationId);
      if (!conversation.modelId) throw new TernError('UNAVAILABLE', 'no model is chosen for this conversation');
      const userMessage = this.addChild(conversation.id, conversation.activeLeafId, { role: 'user', content: request.text.trim() });
      // Like the host: the reply's started event may come before the call's answer.
      const reply = this.startReply(this.find(conversation.id), userMessage.id);
      const result = { userMessage, reply };
      this.sends.set(request.requestId, result);
      return result;
    },
    regenerateReply: async (request) => {
      await this.enter('regenerateReply', request);
      const earlier = this.regenerations.get(request.requestId);
      if (earlier) return earlier;
      const old = this.message(request.messageId);
      if (old.role !== 'assistant' || old.parentId === null) throw new TernError('BAD_REQUEST', 'only a reply can be regenerated');
      const reply = this.startReply(this.find(old.conversationId), old.parentId);
      this.regenerations.set(request.requestId, reply);
      return reply;
    },
    editMessage: async (request) => {
      await this.enter('editMessage', request);
      const earlier = this.sends.get(request.requestId);
      if (earlier) return earlier;
      const old = this.message(request.messageId);
      if (old.role !== 'user') throw new TernError('BAD_REQUEST', 'only a user message can be edited');
      const conversation = this.find(old.conversationId);
      if (!conversation.modelId) throw new TernError('UNAVAILABLE', 'no model is chosen for this conversation');
      if (this.messages.some((m) => m.conversationId === conversation.id && m.status === 'streaming')) {
        throw new TernError('CONFLICT', 'a reply is already being written in this conversation');
      }
      const userMessage = this.addChild(conversation.id, old.parentId, { role: 'user', content: request.text.trim() });
      const reply = this.startReply(this.find(conversation.id), userMessage.id);
      const result = { userMessage, reply };
      this.sends.set(request.requestId, result);
      return result;
    },
    continueReply: async (request) => {
      await this.enter('continueReply', request);
      const message = this.message(request.messageId);
      if (message.status !== 'interrupted') throw new TernError('CONFLICT', 'only an interrupted reply can be continued');
      const continued: Message = { ...message, status: 'streaming', note: null };
      this.store(continued);
      this.emitEvent('chatStream', { type: 'started', conversationId: message.conversationId, message: continued });
      return continued;
    },
    stopReply: async (request) => {
      await this.enter('stopReply', request);
      const streaming = this.messages.find((m) => m.conversationId === request.conversationId && m.status === 'streaming');
      if (!streaming) return { stopped: false };
      this.finish(streaming.id, { status: 'interrupted', note: 'Stopped before the end.' });
      return { stopped: true };
    },
    getContextUse: async (request) => {
      await this.enter('getContextUse', request);
      return this.contextUses.get(request.conversationId) ?? null;
    },

    exportConversation: async (request): Promise<ExportedFile> => {
      await this.enter('exportConversation', request);
      const conversation = this.find(request.id);
      if (request.format === 'json') {
        return { fileName: `${conversation.title}.json`, mimeType: 'application/json', content: this.exported([conversation]) };
      }
      const lines = [`# ${conversation.title}`, ''];
      for (const m of this.branch(conversation.id)) lines.push(`**${m.role === 'user' ? 'You' : 'Assistant'}:**`, '', m.content, '');
      return { fileName: `${conversation.title}.md`, mimeType: 'text/markdown', content: lines.join('\n') };
    },
    exportAll: async (request) => {
      await this.enter('exportAll', request);
      return { fileName: 'tern-conversations.json', mimeType: 'application/json', content: this.exported(this.conversations) };
    },
    importConversations: async (request) => {
      await this.enter('importConversations', request);
      const result = this.importFile(request.content);
      const first = this.conversations[0];
      if (first && (result.conversationsAdded > 0 || result.messagesAdded > 0)) this.emit({ reason: 'created', conversationId: first.id });
      return result;
    },

    listModels: async (request) => {
      await this.enter('listModels', request);
      return this.modelList();
    },
    rescanModels: async (request) => {
      await this.enter('rescanModels', request);
      this.models.push(...this.modelsOnRescan);
      this.modelsOnRescan = [];
      const list = this.modelList();
      this.emitEvent('modelsChanged', list);
      return list;
    },
    getEngineStatus: async (request) => {
      await this.enter('getEngineStatus', request);
      return this.engine;
    },
    loadModel: async (request) => {
      await this.enter('loadModel', request);
      if (this.modelFits.get(request.modelId)?.verdict === 'too-large' && !request.override) {
        throw new TernError('BAD_REQUEST', 'the model is too large for this computer: load it anyway to override');
      }
      this.setEngine({ state: 'loading', modelId: request.modelId, progress: 0, error: null });
      return this.engine;
    },
    unloadModel: async (request) => {
      await this.enter('unloadModel', request);
      this.setEngine(IDLE_ENGINE);
      return this.engine;
    },

    moveModelsFolder: async (request) => {
      await this.enter('moveModelsFolder', request);
      const path = request.path.trim().replace(/\/+$/, '');
      if (!path.startsWith('/')) throw new TernError('BAD_REQUEST', 'the models folder must be an absolute path');
      if (path === this.folder) throw new TernError('BAD_REQUEST', 'that is already the models folder');
      const old = this.folder;
      this.folder = path;
      this.models = request.moveFiles
        ? this.models.map((m) => (m.source === 'folder' ? { ...m, path: `${path}${m.path.slice(old.length)}` } : m))
        : this.models.filter((m) => m.source !== 'folder');
      const list = this.modelList();
      this.emitEvent('modelsChanged', list);
      return list;
    },

    listCatalog: async (request) => {
      await this.enter('listCatalog', request);
      return { entries: [...this.catalog] };
    },
    checkDownloadFit: async (request) => {
      await this.enter('checkDownloadFit', request);
      const source = this.downloadSource(request);
      const key = source.kind === 'url' ? source.url : `${source.repo}/${source.file}`;
      if (source.kind === 'hub' && this.repoFiles.size > 0 && !this.repoFiles.has(source.repo) && !this.downloadFits.has(key)) {
        throw new TernError('NOT_FOUND', `there is no repository ${source.repo} on the hub`);
      }
      return this.downloadFits.get(key) ?? makeFit('fits');
    },
    checkModelFit: async (request) => {
      await this.enter('checkModelFit', request);
      const model = this.models.find((m) => m.id === request.modelId);
      if (!model) throw new TernError('NOT_FOUND', `no model ${request.modelId}`);
      if (model.problem) throw new TernError('UNAVAILABLE', `the engine cannot run this file: ${model.problem}`);
      return this.modelFits.get(model.id) ?? makeFit('fits', { fileBytes: null, freeDiskBytes: null, kernels: model.kernels });
    },
    importModel: async (request) => {
      await this.enter('importModel', request);
      const file = this.localFiles.get(request.path);
      if (!file) throw new TernError('NOT_FOUND', `there is no file ${request.path}`);
      if (file.problem) throw new TernError('UNAVAILABLE', `the engine cannot run this file: ${file.problem}`);
      const fileName = request.path.split('/').at(-1) ?? request.path;
      const model = this.makeModel(fileName, {
        sizeBytes: file.sizeBytes,
        path: request.mode === 'copy' ? `${this.folder}/${fileName}` : request.path,
        source: request.mode === 'copy' ? 'folder' : 'added',
      });
      this.models.push(model);
      this.emitEvent('modelsChanged', this.modelList());
      return model;
    },
    deleteModel: async (request) => {
      await this.enter('deleteModel', request);
      if (!this.models.some((m) => m.id === request.modelId)) throw new TernError('NOT_FOUND', `no model ${request.modelId}`);
      if (this.engine.modelId === request.modelId) this.setEngine(IDLE_ENGINE);
      this.models = this.models.filter((m) => m.id !== request.modelId);
      if (this.defaultModelId === request.modelId) this.defaultModelId = null;
      this.emitEvent('modelsChanged', this.modelList());
      return { id: request.modelId };
    },
    setDefaultModel: async (request) => {
      await this.enter('setDefaultModel', request);
      const model = this.models.find((m) => m.id === request.modelId);
      if (!model) throw new TernError('NOT_FOUND', `no model ${request.modelId}`);
      if (model.problem) throw new TernError('BAD_REQUEST', `the engine cannot run this file: ${model.problem}`);
      this.defaultModelId = model.id;
      const list = this.modelList();
      this.emitEvent('modelsChanged', list);
      return list;
    },

    showModelInFolder: async (request) => {
      await this.enter('showModelInFolder', request);
      const model = this.models.find((m) => m.id === request.modelId);
      if (!model) throw new TernError('NOT_FOUND', `no model with id ${request.modelId}`);
      this.desktopOnly('show a file in its folder');
      this.shownInFolder.push(model.path);
      return {};
    },
    chooseModelFile: async (request) => {
      await this.enter('chooseModelFile', request);
      this.desktopOnly('open a file dialog');
      return { path: this.chosenModelFile };
    },

    listDownloads: async (request) => {
      await this.enter('listDownloads', request);
      return this.downloadList();
    },
    addDownload: async (request) => {
      await this.enter('addDownload', request);
      const source = this.downloadSource(request);
      const key = source.kind === 'url' ? source.url : `${source.repo}/${source.file}`;
      if (this.downloadFits.get(key)?.verdict === 'too-large' && !request.override) {
        throw new TernError('BAD_REQUEST', 'the model is too large for this computer: download it anyway to override');
      }
      const same = this.downloads.find((d) => JSON.stringify(d.source) === JSON.stringify(source));
      if (same) return same;
      const download = this.addDownloadEntry(source, { expectedSha256: request.sha256?.toLowerCase() ?? null });
      this.emitEvent('downloadsChanged', this.downloadList());
      return download;
    },
    listRepoFiles: async (request) => {
      await this.enter('listRepoFiles', request);
      const files = this.repoFiles.get(request.repo);
      if (!files) throw new TernError('NOT_FOUND', `no repository ${request.repo} on the hub`);
      return { repo: request.repo, revision: request.revision ?? 'main', files: [...files] };
    },
    pauseDownload: async (request) => {
      await this.enter('pauseDownload', request);
      const download = this.download(request.id);
      if (download.state !== 'queued' && download.state !== 'downloading') {
        throw new TernError('CONFLICT', `a ${download.state} download cannot be paused`);
      }
      return this.updateDownload(download.id, { state: 'paused', bytesPerSecond: null, etaSeconds: null });
    },
    resumeDownload: async (request) => {
      await this.enter('resumeDownload', request);
      const download = this.download(request.id);
      if (download.state !== 'paused' && download.state !== 'failed') {
        throw new TernError('CONFLICT', `a ${download.state} download cannot be resumed`);
      }
      return this.updateDownload(download.id, { state: 'queued', error: null });
    },
    cancelDownload: async (request) => {
      await this.enter('cancelDownload', request);
      const download = this.download(request.id);
      if (download.state === 'done') throw new TernError('CONFLICT', 'a finished download cannot be cancelled');
      this.downloads = this.downloads.filter((d) => d.id !== download.id);
      this.emitEvent('downloadsChanged', this.downloadList());
      return { id: download.id };
    },
    removeDownload: async (request) => {
      await this.enter('removeDownload', request);
      const download = this.download(request.id);
      if (download.state !== 'done' && download.state !== 'failed') {
        throw new TernError('CONFLICT', 'cancel the download before removing it from the list');
      }
      this.downloads = this.downloads.filter((d) => d.id !== download.id);
      this.emitEvent('downloadsChanged', this.downloadList());
      return { id: download.id };
    },
    getHubInfo: async (request) => {
      await this.enter('getHubInfo', request);
      return this.hubInfo();
    },
    setHubToken: async (request) => {
      await this.enter('setHubToken', request);
      if (!this.canSaveToken) throw new TernError('UNAVAILABLE', 'this host cannot keep a token: set HF_TOKEN before starting it');
      this.savedToken = request.token === null ? null : request.token.trim();
      return this.hubInfo();
    },

    getSettings: async (request) => {
      await this.enter('getSettings', request);
      return this.settings;
    },
    updateSettings: async (request) => {
      await this.enter('updateSettings', request);
      const { sampling, ...rest } = request;
      this.settings = { ...this.settings, ...rest, sampling: { ...this.settings.sampling, ...sampling } };
      this.emitEvent('settingsChanged', this.settings);
      return this.settings;
    },
    resetSettings: async (request) => {
      await this.enter('resetSettings', request);
      this.settings = structuredClone(DEFAULT_SETTINGS);
      this.emitEvent('settingsChanged', this.settings);
      return this.settings;
    },

    getTuning: async (request) => {
      await this.enter('getTuning', request);
      return this.tuning;
    },
    updateTuning: async (request) => {
      await this.enter('updateTuning', request);
      const values = { ...this.tuning.values, ...request };
      if (values.threads > this.tuning.logicalCores) {
        throw new TernError('BAD_REQUEST', `threads: at most the ${this.tuning.logicalCores} logical cores`);
      }
      const threadsFrom = request.threads !== undefined ? 'chosen' : this.tuning.threadsFrom;
      return this.setTuningState({ values, scenario: this.scenarioOf(values), threadsFrom });
    },
    applyScenario: async (request) => {
      await this.enter('applyScenario', request);
      const scenario = this.tuning.scenarios.find((s) => s.id === request.scenario);
      if (!scenario) throw new TernError('NOT_FOUND', `no scenario ${request.scenario}`);
      return this.setTuningState({ values: { ...scenario.values }, scenario: scenario.id, threadsFrom: 'chosen' });
    },
    saveProfile: async (request) => {
      await this.enter('saveProfile', request);
      const profile = { id: `p${this.nextId++}`, name: request.name.trim(), values: { ...this.tuning.values }, createdAt: this.tick() };
      return this.setTuningState({ profiles: [...this.tuning.profiles, profile] });
    },
    applyProfile: async (request) => {
      await this.enter('applyProfile', request);
      const profile = this.tuning.profiles.find((p) => p.id === request.id);
      if (!profile) throw new TernError('NOT_FOUND', `no profile ${request.id}`);
      return this.setTuningState({ values: { ...profile.values }, scenario: this.scenarioOf(profile.values), threadsFrom: 'chosen' });
    },
    deleteProfile: async (request) => {
      await this.enter('deleteProfile', request);
      if (!this.tuning.profiles.some((p) => p.id === request.id)) throw new TernError('NOT_FOUND', `no profile ${request.id}`);
      const modelProfiles = Object.fromEntries(Object.entries(this.tuning.modelProfiles).filter(([, id]) => id !== request.id));
      return this.setTuningState({ profiles: this.tuning.profiles.filter((p) => p.id !== request.id), modelProfiles });
    },
    setModelProfile: async (request) => {
      await this.enter('setModelProfile', request);
      if (!this.models.some((m) => m.id === request.modelId)) throw new TernError('NOT_FOUND', `no model ${request.modelId}`);
      const modelProfiles = { ...this.tuning.modelProfiles };
      if (request.profileId === null) {
        delete modelProfiles[request.modelId];
      } else {
        if (!this.tuning.profiles.some((p) => p.id === request.profileId)) throw new TernError('NOT_FOUND', `no profile ${request.profileId}`);
        modelProfiles[request.modelId] = request.profileId;
      }
      return this.setTuningState({ modelProfiles });
    },
    runBenchmark: async (request) => {
      await this.enter('runBenchmark', request);
      return this.startBenchmark(request);
    },
    cancelBenchmark: async (request) => {
      await this.enter('cancelBenchmark', request);
      if (!this.benchmarkRun) return { cancelled: false };
      this.finishBenchmark('cancelled');
      return { cancelled: true };
    },
    listBenchmarks: async (request) => {
      await this.enter('listBenchmarks', request);
      return [...this.benchmarks].sort((a, b) => b.createdAt - a.createdAt);
    },
    applyBestThreads: async (request) => {
      await this.enter('applyBestThreads', request);
      const benchmark = this.benchmarkById(request.id);
      if (benchmark.bestThreads === null) throw new TernError('BAD_REQUEST', 'the benchmark has no results');
      const values = { ...this.tuning.values, threads: Math.min(benchmark.bestThreads, this.tuning.logicalCores) };
      return this.setTuningState({ values, scenario: this.scenarioOf(values), threadsFrom: 'benchmark' });
    },
    exportBenchmark: async (request) => {
      await this.enter('exportBenchmark', request);
      const benchmark = this.benchmarkById(request.id);
      return request.format === 'json'
        ? { fileName: `tern-benchmark-${benchmark.id}.json`, content: JSON.stringify(benchmark, null, 2) }
        : { fileName: `tern-benchmark-${benchmark.id}.md`, content: this.benchmarkMarkdown(benchmark) };
    },

    getMonitoring: async (request) => {
      await this.enter('getMonitoring', request);
      return this.monitoring;
    },
    updateMonitoring: async (request) => {
      await this.enter('updateMonitoring', request);
      const rules = this.monitoring.rules.map((rule) => {
        const change = request.rules?.find((r) => r.metric === rule.metric);
        return change ? { ...rule, ...(change.enabled !== undefined ? { enabled: change.enabled } : {}), ...(change.threshold !== undefined ? { threshold: change.threshold } : {}) } : rule;
      });
      const energy =
        request.cpuWatts === undefined
          ? this.monitoring.energy
          : request.cpuWatts === null
            ? { ...this.monitoring.energy, cpuWatts: 65, cpuWattsFrom: 'table' as const }
            : { ...this.monitoring.energy, cpuWatts: request.cpuWatts, cpuWattsFrom: 'user' as const };
      return this.setMonitoringState({
        rules,
        energy,
        errorWindow: request.errorWindow ?? this.monitoring.errorWindow,
        retentionDays: request.retentionDays ?? this.monitoring.retentionDays,
      });
    },
    resetAlertRules: async (request) => {
      await this.enter('resetAlertRules', request);
      return this.setMonitoringState({ rules: sampleRules() });
    },
    dismissAlerts: async (request) => {
      await this.enter('dismissAlerts', request);
      return this.setMonitoringState({ alerts: [] });
    },
    listReplyMetrics: async (request) => {
      await this.enter('listReplyMetrics', request);
      return [...this.replyMetrics].sort((a, b) => b.startedAt - a.startedAt).slice(0, request.limit);
    },
    exportMetrics: async (request) => {
      await this.enter('exportMetrics', request);
      return request.format === 'json'
        ? { fileName: 'tern-metrics.json', content: JSON.stringify({ replies: this.replyMetrics, alerts: this.monitoring.alerts }, null, 2) }
        : { fileName: 'tern-metrics.csv', content: ['id,startedAt,energyJoules', ...this.replyMetrics.map((r) => `${r.id},${r.startedAt},${r.energyJoules ?? ''}`)].join('\n') };
    },

    getApiStatus: async (request) => {
      await this.enter('getApiStatus', request);
      return this.apiStatus;
    },
    updateApiSettings: async (request) => {
      await this.enter('updateApiSettings', request);
      return this.apiRestart({ ...this.apiStatus.settings, ...request });
    },
    rotateApiKey: async (request) => {
      await this.enter('rotateApiKey', request);
      this.keyCount += 1;
      return this.setApiStatus({ key: `tern-sk-rotated-${this.keyCount}` });
    },

    getUpdateStatus: async (request) => {
      await this.enter('getUpdateStatus', request);
      return this.updateStatus;
    },
    checkForUpdates: async (request) => {
      await this.enter('checkForUpdates', request);
      const status = this.updateStatus;
      if (!status.enabled || status.state === 'downloading' || status.state === 'downloaded') return status;
      this.setUpdateStatus({ state: 'checking', error: null });
      await Promise.resolve();
      const found = this.updateFound;
      if (this.updateCheckError !== null) {
        return this.setUpdateStatus({ state: 'error', error: this.updateCheckError, availableVersion: null, releaseNotes: null });
      }
      return this.setUpdateStatus({
        state: found ? 'available' : 'up-to-date',
        availableVersion: found?.version ?? null,
        releaseNotes: found?.releaseNotes ?? null,
        lastCheckedAt: Date.now(),
      });
    },
    downloadUpdate: async (request) => {
      await this.enter('downloadUpdate', request);
      const status = this.updateStatus;
      if (!status.enabled) return status;
      if (!status.canInstall) throw new TernError('CONFLICT', 'This build is not signed, so it cannot update itself: get the new version from the release page.');
      if (status.availableVersion === null || (status.state !== 'available' && status.state !== 'error')) {
        throw new TernError('CONFLICT', 'There is no update to download: check for updates first.');
      }
      this.setUpdateStatus({ state: 'downloading', progress: 0, error: null });
      return new Promise<UpdateStatus>((resolve) => {
        this.pendingUpdate = { resolve };
      });
    },
    installUpdate: async (request) => {
      await this.enter('installUpdate', request);
      if (!this.updateStatus.enabled) return this.updateStatus;
      if (this.updateStatus.state !== 'downloaded') throw new TernError('CONFLICT', 'No update has been downloaded yet.');
      this.installs += 1;
      return this.updateStatus;
    },
    setAutoUpdateCheck: async (request) => {
      await this.enter('setAutoUpdateCheck', request);
      return this.setUpdateStatus({ autoCheck: request.enabled });
    },

    on: {
      conversationsChanged: this.on('conversationsChanged'),
      chatStream: this.on('chatStream'),
      contextUse: this.on('contextUse'),
      modelsChanged: this.on('modelsChanged'),
      engineStatus: this.on('engineStatus'),
      settingsChanged: this.on('settingsChanged'),
      downloadsChanged: this.on('downloadsChanged'),
      tuningChanged: this.on('tuningChanged'),
      benchmarkProgress: this.on('benchmarkProgress'),
      benchmarkChanged: this.on('benchmarkChanged'),
      readouts: this.on('readouts'),
      alert: this.on('alert'),
      monitoringChanged: this.on('monitoringChanged'),
      apiStatus: this.on('apiStatus'),
      updateStatus: this.on('updateStatus'),
    },
  };
}

function fileNameOfUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').at(-1) ?? '') || 'download.gguf';
  } catch {
    return 'download.gguf';
  }
}
