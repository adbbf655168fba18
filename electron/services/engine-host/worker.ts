/**
 * The engine process: loads the native addon, holds at most one model, and answers the host's
 * requests (protocol.ts). Runs under Node's child_process.fork (process.send) and Electron's
 * utilityProcess (process.parentPort). It exits by itself when its parent is gone.
 */
import type { GenerateOptions, GenerateResult, NativeAddon, NativeCancelToken, NativeModel } from '../native';
import { loadAddon } from '../native';
import { type HostRequest, type WireError, type WorkerMessage, parseHostRequest } from './protocol';
import type { BenchmarkSample, EngineUsage } from './types';

/** The part of Electron's utilityProcess parentPort this file uses. */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

interface Channel {
  send(message: WorkerMessage): void;
  listen(listener: (message: unknown) => void): void;
}

function openChannel(): Channel | null {
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      listen: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  const send = process.send?.bind(process);
  if (send) {
    return {
      send: (message) => {
        // A parent that is gone makes send fail; the disconnect handler ends this process.
        if (process.connected) send(message, undefined, undefined, () => undefined);
      },
      listen: (listener) => process.on('message', (message: unknown) => listener(message)),
    };
  }
  return null;
}

/**
 * Exits when the parent is gone: the IPC channel closes (fork), or the parent pid changes. Ctrl+C
 * in a terminal reaches the whole process group: the parent decides what stops (tern pull pauses
 * and then closes the engine), so this process ignores SIGINT rather than die mid-request.
 */
function watchParent(): void {
  process.on('SIGINT', () => {});
  process.on('disconnect', orphaned);
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) orphaned();
  }, 500);
  timer.unref();
}

/**
 * Nobody is left to answer, and nothing here needs saving (the host writes replies). A plain
 * process.exit would wait for the addon's cleanup, which waits for a running generation to
 * finish: that can be minutes. So the process ends at once.
 */
function orphaned(): never {
  process.kill(process.pid, 'SIGKILL');
  process.exit(0);
}

function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const { code, needBytes } = error as Error & { code?: unknown; needBytes?: unknown };
    return {
      message: error.message,
      code: typeof code === 'string' ? code : 'INTERNAL',
      ...(typeof needBytes === 'number' ? { needBytes } : {}),
    };
  }
  return { message: String(error), code: 'INTERNAL' };
}

function fail(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/** Benchmark prompts draw ids from [BENCH_ID_MIN, min(nVocab, BENCH_ID_MAX)): past the usual control tokens. */
const BENCH_ID_MIN = 100;
const BENCH_ID_MAX = 30_000;

type BenchmarkRequest = Extract<HostRequest, { t: 'benchmark' }>;

/** What a generate or a benchmark needs to know of the loaded model, read once at load. */
interface Loaded {
  model: NativeModel;
  nCtx: number;
  nVocab: number;
  special: Set<number>;
  /** The thread count asked for at load (0: every core): a request without threads runs with it. */
  loadThreads: number;
  /** The count last given to the engine (load or setThreads), as asked (0 stays 0). */
  threads: number;
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

class Worker {
  private model: NativeModel | null = null;
  private loaded: Loaded | null = null;
  /** Load and unload run one after another. */
  private modelOps: Promise<unknown> = Promise.resolve();
  private loading: { id: number; token: NativeCancelToken } | null = null;
  /** The generate or benchmark running (one at a time); `cancelled`: a cancel for it arrived. */
  private generating: { id: number; model: NativeModel; cancelled: boolean } | null = null;
  /** The first id of the last sequence generated from in slot 0 (its KV cache's start; the benchmark runs there), -1 if none. */
  private lastFirstId = -1;

  constructor(
    private readonly channel: Channel,
    private readonly addon: NativeAddon | null,
    private readonly addonError: string | null,
    /** The resident memory when the process became ready, before any model. */
    private readonly baseRssBytes: number,
  ) {}

  handle(raw: unknown): void {
    const parsed = parseHostRequest(raw);
    if (!parsed.ok) {
      if (parsed.id !== undefined) this.channel.send({ t: 'result', id: parsed.id, ok: false, error: { message: parsed.error, code: 'INVALID_ARGUMENT' } });
      else this.channel.send({ t: 'warning', message: parsed.error });
      return;
    }
    const request = parsed.message;
    if (request.t === 'cancel') {
      this.cancel(request.id);
      return;
    }
    this.run(request).then(
      (value) => this.channel.send({ t: 'result', id: request.id, ok: true, value: value ?? null }),
      (error: unknown) => this.channel.send({ t: 'result', id: request.id, ok: false, error: toWireError(error) }),
    );
  }

  private cancel(id: number): void {
    if (this.generating?.id === id) {
      this.generating.cancelled = true;
      this.generating.model.cancel();
    }
    if (this.loading?.id === id) this.loading.token.cancel();
  }

  private engine(): NativeAddon {
    if (!this.addon) throw fail(this.addonError ?? 'the native engine could not be loaded', 'INTERNAL');
    return this.addon;
  }

  private current(): NativeModel {
    if (!this.model) throw fail('no model is loaded', 'DISPOSED');
    return this.model;
  }

  private async run(request: Exclude<HostRequest, { t: 'cancel' }>): Promise<unknown> {
    switch (request.t) {
      case 'inspect':
        return this.engine().inspect(request.path, request.nCtx, { header: request.header });
      case 'load':
        return this.exclusive(() => this.load(request));
      case 'unload':
        return this.exclusive(() => this.unload());
      case 'tokenize':
        return this.current().tokenize(request.text, { special: request.special, addBos: request.addBos });
      case 'detokenize':
        return this.current().detokenize(request.ids);
      case 'generate':
        return this.generate(request.id, request.ids, request.options, request.threads);
      case 'benchmark':
        return this.benchmark(request);
      case 'threads':
        return this.current().threads;
      case 'usage':
        return this.usage();
    }
  }

  /** Reads only counters (no model, no queue): it answers while a generate runs off this thread. */
  private usage(): EngineUsage {
    const cpu = process.cpuUsage();
    return {
      pid: process.pid,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBytes: process.memoryUsage.rss(),
      baseRssBytes: this.baseRssBytes,
      modelBytes: this.modelBytes(),
      energy: this.addon?.energyCounter?.() ?? null,
    };
  }

  /** What the loaded model has allocated now (weights, and the KV cache and scratch of each slot in use). */
  private modelBytes(): number | null {
    try {
      return this.model ? this.model.memory().total : null;
    } catch {
      return null; // disposed meanwhile
    }
  }

  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const result = this.modelOps.then(op, op);
    this.modelOps = result.catch(() => undefined);
    return result;
  }

  private async load(request: Extract<HostRequest, { t: 'load' }>): Promise<unknown> {
    const { id, path, nCtx, threads, nBatch, head } = request;
    const addon = this.engine();
    await this.unload();
    const token = new addon.CancelToken();
    this.loading = { id, token };
    try {
      const model = await addon.Model.load(path, {
        nCtx,
        threads,
        ...(nBatch === undefined ? {} : { nBatch }),
        ...(head === undefined ? {} : { head }),
        cancel: token,
        onProgress: (progress) => this.channel.send({ t: 'progress', id, progress }),
      });
      this.model = model;
      this.lastFirstId = -1;
      const { tokenizer, nCtx: loadedCtx, weightsLoaded: _weightsLoaded, ...description } = model.info();
      const specialTokens = model.specialTokens();
      this.loaded = {
        model,
        nCtx: loadedCtx,
        nVocab: description.hparams.nVocab,
        special: new Set([tokenizer.bos, tokenizer.eos, tokenizer.eot, ...specialTokens.map((s) => s.id)]),
        loadThreads: threads,
        threads,
      };
      return { description, tokenizer, nCtx: loadedCtx, specialTokens };
    } finally {
      this.loading = null;
    }
  }

  private async unload(): Promise<null> {
    const model = this.model;
    this.model = null;
    this.loaded = null;
    if (model) await model.dispose();
    return null;
  }

  /** The loaded model's bookkeeping (for the model `current()` returns). */
  private state(model: NativeModel): Loaded {
    if (this.loaded?.model !== model) throw fail('no model is loaded', 'DISPOSED');
    return this.loaded;
  }

  /** Resizes the engine's pool when `threads` (as asked; 0: every core) differs from the last count given. */
  private useThreads(loaded: Loaded, threads: number): void {
    if (threads === loaded.threads) return;
    loaded.model.setThreads(threads);
    loaded.threads = threads;
  }

  private async generate(id: number, ids: number[], options: GenerateOptions, threads?: number): Promise<unknown> {
    const model = this.current();
    const loaded = this.state(model);
    if (this.generating) throw fail('the engine is already generating', 'BUSY');
    this.useThreads(loaded, threads ?? loaded.loadThreads);
    this.generating = { id, model, cancelled: false };
    try {
      if (ids.length > 0 && (options.slot ?? 0) === 0) this.lastFirstId = ids[0] ?? -1;
      return await model.generate(ids, options, (event) => this.channel.send({ t: 'token', id, event }));
    } finally {
      this.generating = null;
    }
  }

  /**
   * The thread sweep: per thread count, per repetition, per prompt length, one greedy generation
   * of genTokens after a prompt of random ids, its first id different from the cached
   * sequence's (so nothing is reused). A prompt length that would not fit the context with the
   * generated tokens is clamped to nCtx - genTokens (the sample's promptTokens says what ran).
   * A cancel stops the generation in progress (its partial run is not a sample) and resolves
   * with the samples so far. The thread count from before is restored at the end.
   */
  private async benchmark(request: BenchmarkRequest): Promise<BenchmarkSample[]> {
    const { id, threads, promptLengths, genTokens, repetitions } = request;
    const model = this.current();
    const loaded = this.state(model);
    if (this.generating) throw fail('the engine is already generating', 'BUSY');
    const maxPrompt = loaded.nCtx - genTokens;
    if (maxPrompt < 1) throw fail(`genTokens (${genTokens}) leaves no room for a prompt in the context of ${loaded.nCtx} tokens`, 'INVALID_ARGUMENT');
    const hi = Math.min(loaded.nVocab, BENCH_ID_MAX);
    const lo = hi > BENCH_ID_MIN + 16 ? BENCH_ID_MIN : 0;
    const draw = (): number => {
      for (;;) {
        const v = lo + Math.floor(Math.random() * (hi - lo));
        if (!loaded.special.has(v)) return v;
      }
    };
    const total = threads.length * repetitions * promptLengths.length;
    const samples: BenchmarkSample[] = [];
    const before = loaded.threads;
    const running = { id, model, cancelled: false };
    this.generating = running;
    try {
      for (const t of threads) {
        for (let repetition = 1; repetition <= repetitions; repetition++) {
          for (const length of promptLengths) {
            if (running.cancelled) return samples;
            this.useThreads(loaded, t);
            const prompt = Array.from({ length: Math.min(length, maxPrompt) }, draw);
            while (prompt[0] === this.lastFirstId) prompt[0] = draw();
            this.lastFirstId = prompt[0] ?? -1;
            const result: GenerateResult = await model.generate(prompt, { maxTokens: genTokens, temperature: 0, ignoreEog: true });
            if (running.cancelled || result.stopReason === 'cancelled') return samples;
            const sample: BenchmarkSample = {
              threads: t,
              repetition,
              promptTokens: result.promptTokensComputed,
              ttftMs: finite(result.ttftMs),
              prefillTokensPerSecond: finite(result.prefillTokensPerSecond),
              decodeTokensPerSecond: finite(result.decodeTokensPerSecond),
            };
            samples.push(sample);
            this.channel.send({ t: 'sample', id, sample, done: samples.length, total });
          }
        }
      }
      return samples;
    } finally {
      this.generating = null;
      try {
        if (this.loaded === loaded) this.useThreads(loaded, before);
      } catch {
        // the model is being freed: nothing to restore
      }
    }
  }
}

function main(): void {
  const channel = openChannel();
  if (!channel) {
    process.stderr.write('engine-worker: start me with child_process.fork or Electron utilityProcess\n');
    process.exit(2);
  }
  watchParent();
  let addon: NativeAddon | null = null;
  let addonError: string | null = null;
  try {
    addon = loadAddon();
  } catch (error) {
    addonError = error instanceof Error ? error.message : String(error);
  }
  const worker = new Worker(channel, addon, addonError, process.memoryUsage.rss());
  channel.listen((message) => {
    try {
      worker.handle(message);
    } catch (error) {
      channel.send({ t: 'warning', message: `engine process: ${toWireError(error).message}` });
    }
  });
  channel.send({ t: 'ready', pid: process.pid });
}

main();
