/**
 * The engine host: runs the native engine in a child process (worker.ts) and gives the services
 * the EngineHost of types.ts: one model at a time, a generation queue (UI before API), cancel,
 * idle unload, and a fresh process (with back-off) when the old one dies.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EngineError } from '../engine-errors';
import type { GenerateResult, ModelDescription, TokenEvent } from '../native';
import { type HostRequest, type ResultValues, isResultValue, parseHostRequest, parseWorkerMessage } from './protocol';
import {
  type BenchmarkRun,
  type BenchmarkSample,
  type BenchmarkSweep,
  EngineCrashedError,
  type EngineHost,
  type EngineHostStatus,
  type EngineUsage,
  type GenerateRequest,
  type LoadRequest,
  type LoadedModel,
  type RequestSource,
} from './types';

// ---- the process ----

/** A started engine process, however it was launched (fork, Electron utilityProcess). */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: HostRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has ended (code, or the signal that killed it). */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

/** Starts the worker with child_process.fork (plain Node, or Electron's main process). */
export function forkLauncher(workerPath: string): () => EngineProcess {
  return () => {
    const child = fork(workerPath, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
    let exited = false;
    const exit = (code: number | null, signal: string | null): void => {
      if (exited) return;
      exited = true;
      for (const listener of exitListeners) listener(code, signal);
    };
    child.on('exit', (code, signal) => exit(code, signal));
    // A process that could not be started emits 'error' and maybe never 'exit'.
    child.on('error', () => {
      if (child.pid === undefined) exit(null, null);
    });
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (!child.connected) return;
        child.send(message, (error) => {
          if (error) child.kill('SIGKILL');  // a broken channel: restart rather than hang
        });
      },
      onMessage(listener) {
        child.on('message', (message: unknown) => listener(message));
      },
      onExit(listener) {
        exitListeners.push(listener);
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  };
}

const WORKER_FILE = 'engine-worker.js';

/** The built worker (out/main/engine-worker.js): next to this file once bundled, or under the app root above it. */
export function defaultWorkerPath(from: string = __dirname): string {
  const tried: string[] = [];
  let dir = from;
  for (let i = 0; i < 6; i++) {
    tried.push(join(dir, WORKER_FILE), join(dir, 'out', 'main', WORKER_FILE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const found = tried.find((p) => existsSync(p));
  if (!found) throw new Error(`the engine worker (${WORKER_FILE}) was not found; build it with \`npx electron-vite build\`. Looked in:\n  ${tried.join('\n  ')}`);
  return found;
}

// ---- the host ----

export interface EngineHostOptions {
  launch: () => EngineProcess;
  log?: (message: string) => void;
  /** The first delay before restarting a process that died young; doubles with each such death (max 30 s). Default 500. */
  restartDelayMs?: number;
}

/** A request sent to the worker and not yet answered. */
interface Call {
  kind: keyof ResultValues;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: number) => void;
  onToken?: (event: TokenEvent) => void;
  onSample?: (sample: BenchmarkSample, done: number, total: number) => void;
  /** Token ids streamed so far (generate). */
  streamed: number[];
}

interface Job {
  request: GenerateRequest;
  resolve: (result: GenerateResult) => void;
  reject: (error: Error) => void;
  detach: () => void;
  callId: number | null;
}

/** A benchmark waiting for its turn or running. */
interface BenchJob {
  sweep: BenchmarkSweep;
  run: BenchmarkRun;
  resolve: (samples: BenchmarkSample[]) => void;
  reject: (error: Error) => void;
  detach: () => void;
  callId: number | null;
  /** The model was unloaded or changed while it ran: it rejects with this when the worker answers. */
  stopped: Error | null;
}

/** A load in flight: its settings, its epoch, and its call id once sent (to cancel it). */
interface LoadTicket {
  key: string;
  epoch: number;
  callId: number | null;
}

type Loading = LoadTicket & { promise: Promise<LoadedModel> };

/** The engine's KV slot per request source (GenerateOptions.slot). */
const SLOT_OF: Record<RequestSource, 0 | 1> = { ui: 0, api: 1 };

const MAX_RESTART_DELAY_MS = 30_000;
/** A process that lived shorter than this (or never became ready) died young. */
const YOUNG_MS = 5_000;

function cancelled(message: string): EngineError {
  return new EngineError(message, 'CANCELLED');
}

/** What makes a loaded model: a change of any of it reloads (threads do not: the pool resizes). */
function keyOf(request: LoadRequest): string {
  return JSON.stringify([request.modelKey, request.path, request.nCtx, request.nBatch ?? null, request.head ?? 'q8_0']);
}

function sameStatus(a: EngineHostStatus, b: EngineHostStatus): boolean {
  return a.state === b.state && a.modelKey === b.modelKey && a.progress === b.progress && a.error === b.error && a.pending === b.pending;
}

class Host implements EngineHost {
  private readonly log: (message: string) => void;
  private readonly restartDelayMs: number;

  // process
  private proc: EngineProcess | null = null;
  private ready = false;
  private outbox: HostRequest[] = [];
  private startedAt = 0;
  private youngDeaths = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private exitWaiters: (() => void)[] = [];

  // requests
  private nextId = 0;
  private calls = new Map<number, Call>();
  private queue: Job[] = [];
  private running: Job | null = null;
  /** Benchmarks waiting: each runs alone, before the queued generations. */
  private benchQueue: BenchJob[] = [];
  private benchRunning: BenchJob | null = null;
  /** The running generation or benchmark has ended. */
  private runningDone: Promise<void> = Promise.resolve();
  private finishRunning: () => void = () => undefined;

  // model
  private model: LoadedModel | null = null;
  private modelKey: string | null = null;
  /** The worker holds a model (possibly one whose load was superseded): unload before the next. */
  private resident = false;
  private loading: Loading | null = null;
  /** Bumped by every load, unload, crash and close: older operations see they were superseded. */
  private epoch = 0;
  private modelOps: Promise<unknown> = Promise.resolve();
  /** The threads of the last load request (0: every core): a generation without its own runs with these. */
  private loadThreads = 0;

  // idle unload, status
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private current: EngineHostStatus = { state: 'idle', modelKey: null, progress: null, error: null, pending: 0 };
  private statusListeners = new Set<(status: EngineHostStatus) => void>();
  private crashListeners = new Set<(reason: string) => void>();

  constructor(private readonly launch: () => EngineProcess, options: EngineHostOptions) {
    this.log = options.log ?? (() => undefined);
    this.restartDelayMs = options.restartDelayMs ?? 500;
    this.start();
  }

  // ---- public ----

  status(): EngineHostStatus {
    return { ...this.current };
  }

  loaded(): LoadedModel | null {
    return this.model;
  }

  inspect(path: string, options: { header?: boolean; nCtx?: number } = {}): Promise<ModelDescription> {
    if (this.closed) return Promise.reject(this.closedError());
    if (typeof path !== 'string' || path === '') return Promise.reject(new EngineError('inspect needs a file path', 'INVALID_ARGUMENT'));
    this.touch();
    const { header, nCtx } = options;
    return this.call('inspect', { t: 'inspect', id: 0, path, ...(nCtx === undefined ? {} : { nCtx }), ...(header === undefined ? {} : { header }) });
  }

  load(request: LoadRequest): Promise<LoadedModel> {
    if (this.closed) return Promise.reject(this.closedError());
    this.touch();
    const key = keyOf(request);
    const threads = request.threads ?? 0;
    if (!this.loading && this.model && this.modelKey === key) {
      this.loadThreads = threads;
      return Promise.resolve(this.model);
    }
    if (this.loading?.key === key) {
      this.loadThreads = threads;
      return this.loading.promise;
    }
    this.loadThreads = threads;

    const epoch = this.supersede(cancelled('the model was changed before this request started'));
    this.setStatus({ state: 'loading', modelKey: request.modelKey, progress: 0, error: null });
    const ticket: LoadTicket = { key, epoch, callId: null };
    const promise = this.exclusive(() => this.doLoad(request, ticket));
    this.loading = Object.assign(ticket, { promise });
    return promise;
  }

  unload(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.supersede(cancelled('the model was unloaded before this request started'));
    this.setStatus({ state: 'idle', modelKey: null, progress: null, error: null });
    return this.exclusive(() => this.release());
  }

  async tokenize(text: string, options: { special: boolean; addBos: boolean }): Promise<number[]> {
    await this.modelReady();
    return this.call('tokenize', { t: 'tokenize', id: 0, text, special: options.special, addBos: options.addBos });
  }

  async detokenize(ids: number[]): Promise<string> {
    await this.modelReady();
    return this.call('detokenize', { t: 'detokenize', id: 0, ids });
  }

  /** The engine's thread count now (not part of EngineHost: see engineThreads). */
  async threadCount(): Promise<number> {
    await this.modelReady();
    return this.call('threads', { t: 'threads', id: 0 });
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    if (this.closed) return Promise.reject(this.closedError());
    if (request.signal?.aborted) return Promise.reject(cancelled('the generation was cancelled before it started'));
    if (!this.model && !this.loading) return Promise.reject(this.noModelError());
    this.touch();
    return new Promise<GenerateResult>((resolve, reject) => {
      const job: Job = { request, resolve, reject, detach: () => undefined, callId: null };
      const signal = request.signal;
      if (signal) {
        const abort = (): void => this.abort(job);
        signal.addEventListener('abort', abort, { once: true });
        job.detach = () => signal.removeEventListener('abort', abort);
      }
      this.queue.push(job);
      this.setStatus({});
      this.pump();
    });
  }

  /**
   * Waits for the running generation only: a benchmark goes ahead of the generations queued
   * (before or after it), which run when it ends, UI ones first. Aborted while it waits, it
   * resolves with no samples; an unload or another load during it rejects it (CANCELLED), a
   * dead engine process with EngineCrashedError.
   */
  benchmark(sweep: BenchmarkSweep, run: BenchmarkRun = {}): Promise<BenchmarkSample[]> {
    if (this.closed) return Promise.reject(this.closedError());
    const checked = parseHostRequest({ ...sweep, t: 'benchmark', id: 0 });
    if (!checked.ok || checked.message.t !== 'benchmark') {
      return Promise.reject(new EngineError(checked.ok ? 'malformed benchmark' : checked.error.replace('request', 'sweep'), 'INVALID_ARGUMENT'));
    }
    const { threads, promptLengths, genTokens, repetitions } = checked.message;
    if (!this.model && !this.loading) return Promise.reject(new EngineError('no model is loaded; load one before running a benchmark', 'DISPOSED'));
    if (run.signal?.aborted) return Promise.resolve([]);
    this.touch();
    return new Promise<BenchmarkSample[]>((resolve, reject) => {
      const job: BenchJob = {
        sweep: { threads, promptLengths, genTokens, repetitions },
        run,
        resolve,
        reject,
        detach: () => undefined,
        callId: null,
        stopped: null,
      };
      const signal = run.signal;
      if (signal) {
        const abort = (): void => this.abortBenchmark(job);
        signal.addEventListener('abort', abort, { once: true });
        job.detach = () => signal.removeEventListener('abort', abort);
      }
      this.benchQueue.push(job);
      this.pump();
    });
  }

  /**
   * Straight to the process, past the queue and any load: the worker answers it beside a running
   * generation. It does not touch the idle timer (sampling must not keep a model loaded).
   */
  usage(): Promise<EngineUsage> {
    if (this.closed) return Promise.reject(this.closedError());
    if (!this.proc) return Promise.reject(new EngineCrashedError('the engine process is not running (it is being restarted)'));
    return this.call('usage', { t: 'usage', id: 0 });
  }

  setIdleUnload(ms: number): void {
    this.idleMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.touch();
  }

  onStatus(listener: (status: EngineHostStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onCrash(listener: (reason: string) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.epoch++;
    this.clearTimers();
    this.failEverything(() => this.closedError());
    this.model = null;
    this.modelKey = null;
    this.loading = null;
    this.resident = false;
    this.setStatus({ state: 'idle', modelKey: null, progress: null });
    const proc = this.proc;
    if (!proc) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    this.closing = new Promise<void>((resolve) => {
      const fallback = setTimeout(resolve, 5_000);
      fallback.unref();
      this.exitWaiters.push(() => {
        clearTimeout(fallback);
        resolve();
      });
    });
    proc.kill();
    return this.closing;
  }

  // ---- the model ----

  /** Starts a new model epoch: cancels a load in flight and the running generation, drops the queue. */
  private supersede(reason: Error): number {
    if (this.loading?.callId != null) this.sendRaw({ t: 'cancel', id: this.loading.callId });
    this.loading = null;
    this.model = null;
    this.modelKey = null;
    for (const job of this.queue.splice(0)) this.settle(job, reason);
    for (const job of this.benchQueue.splice(0)) this.settleBenchmark(job, reason);
    if (this.running?.callId != null) this.sendRaw({ t: 'cancel', id: this.running.callId });
    const bench = this.benchRunning;
    if (bench) {
      bench.stopped = cancelled('the model was unloaded or changed during the benchmark');
      if (bench.callId !== null) this.sendRaw({ t: 'cancel', id: bench.callId });
    }
    this.setStatus({});
    return ++this.epoch;
  }

  private async doLoad(request: LoadRequest, loading: LoadTicket): Promise<LoadedModel> {
    const current = (): boolean => loading.epoch === this.epoch;
    try {
      if (!current()) throw cancelled('loading was cancelled');
      await this.release();
      if (!current()) throw cancelled('loading was cancelled');
      const info = await this.call(
        'load',
        {
          t: 'load',
          id: 0,
          path: request.path,
          nCtx: request.nCtx,
          threads: request.threads ?? 0,
          ...(request.nBatch === undefined ? {} : { nBatch: request.nBatch }),
          ...(request.head === undefined ? {} : { head: request.head }),
        },
        {
          onProgress: (progress) => {
            if (current()) this.setStatus({ progress });
          },
        },
        (id) => (loading.callId = id),
      );
      this.resident = true;
      if (!current()) throw cancelled('loading was cancelled');
      const model: LoadedModel = { modelKey: request.modelKey, path: request.path, ...info };
      this.model = model;
      this.modelKey = loading.key;
      this.loading = null;
      this.setStatus({ state: 'ready', progress: null, error: null });
      this.pump();
      this.touch();
      return model;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (current()) {
        this.loading = null;
        for (const job of this.queue.splice(0)) this.settle(job, failure);
        for (const job of this.benchQueue.splice(0)) this.settleBenchmark(job, failure);
        this.setStatus({ state: 'error', progress: null, error: `could not load the model: ${failure.message}` });
      }
      throw failure;
    }
  }

  /** Waits for the running generation or benchmark (already cancelled) and frees the model in the worker. */
  private async release(): Promise<void> {
    await this.runningDone;
    if (!this.resident) return;
    this.resident = false;
    await this.call('unload', { t: 'unload', id: 0 });
  }

  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const result = this.modelOps.then(op, op);
    this.modelOps = result.catch(() => undefined);
    return result;
  }

  private async modelReady(): Promise<void> {
    if (this.closed) throw this.closedError();
    this.touch();
    if (this.loading) await this.loading.promise;
    if (!this.model) throw this.noModelError();
  }

  // ---- the generation queue ----

  private pump(): void {
    if (this.running || this.benchRunning || !this.model || this.loading || this.closed) return;
    const bench = this.benchQueue.shift();
    if (bench) {
      this.startBenchmark(bench);
      return;
    }
    const index = Math.max(0, this.queue.findIndex((job) => job.request.source === 'ui'));
    const job = this.queue.splice(index, 1)[0];
    if (!job) return;
    this.running = job;
    this.runningDone = new Promise<void>((resolve) => (this.finishRunning = resolve));
    this.setStatus({});
    const epoch = this.epoch;
    this.notifyStart(job.request.onStart);
    // The hook may have aborted the request or changed the model: then it never starts.
    if (this.epoch !== epoch || job.request.signal?.aborted) {
      this.settle(job, cancelled('the generation was cancelled before it started'));
      return;
    }
    const { ids, onToken, source } = job.request;
    // Each source has its KV slot: the API's conversations never evict the UI's cached prefix.
    const options = { ...job.request.options, slot: SLOT_OF[source] };
    const threads = job.request.threads ?? this.loadThreads;
    this.call('generate', { t: 'generate', id: 0, ids, options, threads }, onToken ? { onToken } : {}, (id) => (job.callId = id)).then(
      (result) => this.settle(job, null, result),
      (error: Error) => this.settle(job, error),
    );
  }

  /** Runs a request's onStart hook (before its message is sent); one that throws is logged and ignored. */
  private notifyStart(onStart: (() => void) | undefined): void {
    try {
      onStart?.();
    } catch (error) {
      this.log(`engine: a start listener failed: ${String(error)}`);
    }
  }

  private abort(job: Job): void {
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.settle(job, cancelled('the generation was cancelled before it started'));
      this.setStatus({});
    } else if (this.running === job && job.callId !== null) {
      this.sendRaw({ t: 'cancel', id: job.callId });
    }
  }

  private settle(job: Job, error: Error | null, result?: GenerateResult): void {
    job.detach();
    if (this.running === job) {
      this.running = null;
      this.finishRunning();
      this.setStatus({});
      this.pump();
      this.touch();
    }
    if (error) job.reject(error);
    else job.resolve(result as GenerateResult);
  }

  // ---- benchmarks ----

  private startBenchmark(job: BenchJob): void {
    this.benchRunning = job;
    this.runningDone = new Promise<void>((resolve) => (this.finishRunning = resolve));
    this.notifyStart(job.run.onStart);
    // The hook may have aborted the sweep (no samples) or changed the model (job.stopped).
    if (job.stopped || job.run.signal?.aborted) {
      this.settleBenchmark(job, null, []);
      return;
    }
    const onSample = job.run.onSample;
    this.call(
      'benchmark',
      { t: 'benchmark', id: 0, ...job.sweep },
      {
        onSample: (sample, done, total) => {
          try {
            onSample?.(sample, done, total);
          } catch (error) {
            this.log(`engine: a benchmark listener failed: ${String(error)}`);
          }
        },
      },
      (id) => (job.callId = id),
    ).then(
      (samples) => this.settleBenchmark(job, null, samples),
      (error: Error) => this.settleBenchmark(job, error),
    );
  }

  /** A waiting benchmark resolves with no samples; a running one stops after its sample in progress. */
  private abortBenchmark(job: BenchJob): void {
    if (this.benchQueue.includes(job)) this.settleBenchmark(job, null, []);
    else if (this.benchRunning === job && job.callId !== null) this.sendRaw({ t: 'cancel', id: job.callId });
  }

  private settleBenchmark(job: BenchJob, error: Error | null, samples: BenchmarkSample[] = []): void {
    job.detach();
    const index = this.benchQueue.indexOf(job);
    if (index >= 0) this.benchQueue.splice(index, 1);
    if (this.benchRunning === job) {
      this.benchRunning = null;
      this.finishRunning();
      this.pump();
      this.touch();
    }
    const failure = error ?? job.stopped;
    if (failure) job.reject(failure);
    else job.resolve(samples);
  }

  // ---- idle unload ----

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.idleMs <= 0 || this.closed) return;
    this.idleTimer = setTimeout(() => this.idle(), this.idleMs);
    this.idleTimer.unref();
  }

  private idle(): void {
    this.idleTimer = null;
    // A generation that ends, or a load that finishes, sets the timer again.
    if (!this.model || this.loading || this.running || this.queue.length > 0 || this.benchRunning || this.benchQueue.length > 0) return;
    this.log('engine: unloading the model after the idle timeout');
    this.unload().catch((error: unknown) => this.log(`engine: idle unload failed: ${String(error)}`));
  }

  // ---- calls to the worker ----

  private call<K extends keyof ResultValues>(
    kind: K,
    request: HostRequest,
    hooks: Pick<Call, 'onProgress' | 'onToken' | 'onSample'> = {},
    sent?: (id: number) => void,
  ): Promise<ResultValues[K]> {
    if (this.closed) return Promise.reject(this.closedError());
    const id = ++this.nextId;
    return new Promise<ResultValues[K]>((resolve, reject) => {
      this.calls.set(id, { kind, resolve: resolve as (value: unknown) => void, reject, streamed: [], ...hooks });
      sent?.(id);
      this.sendRaw({ ...request, id } as HostRequest);
    });
  }

  private sendRaw(message: HostRequest): void {
    if (this.proc && this.ready) this.proc.send(message);
    else this.outbox.push(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseWorkerMessage(raw);
    if (!parsed.ok) {
      this.log(`engine: ${parsed.error}`);
      const call = parsed.id === undefined ? undefined : this.calls.get(parsed.id);
      if (call && parsed.id !== undefined) {
        this.calls.delete(parsed.id);
        call.reject(new EngineError(parsed.error, 'INTERNAL'));
      }
      return;
    }
    const message = parsed.message;
    switch (message.t) {
      case 'ready':
        this.ready = true;
        for (const queued of this.outbox.splice(0)) this.proc?.send(queued);
        return;
      case 'warning':
        this.log(`engine: ${message.message}`);
        return;
      case 'progress':
        this.calls.get(message.id)?.onProgress?.(message.progress);
        return;
      case 'token': {
        const call = this.calls.get(message.id);
        if (!call) return;
        if (message.event.id >= 0) call.streamed.push(message.event.id);
        try {
          call.onToken?.(message.event);
        } catch (error) {
          this.log(`engine: a token listener failed: ${String(error)}`);
        }
        return;
      }
      case 'sample':
        this.calls.get(message.id)?.onSample?.(message.sample, message.done, message.total);
        return;
      case 'result': {
        const call = this.calls.get(message.id);
        if (!call) return;
        this.calls.delete(message.id);
        if (!message.ok) call.reject(new EngineError(message.error.message, message.error.code, message.error.needBytes));
        else if (isResultValue(call.kind, message.value)) call.resolve(message.value);
        else call.reject(new EngineError(`the engine answered a ${call.kind} request with a malformed result`, 'INTERNAL'));
        return;
      }
    }
  }

  // ---- process lifecycle ----

  private start(): void {
    this.restartTimer = null;
    if (this.closed) return;
    this.ready = false;
    this.startedAt = Date.now();
    let proc: EngineProcess;
    try {
      proc = this.launch();
    } catch (error) {
      this.log(`engine: could not start the engine process: ${String(error)}`);
      this.died(null, `could not be started: ${error instanceof Error ? error.message : String(error)}`, false);
      return;
    }
    this.proc = proc;
    proc.onMessage((message) => {
      if (this.proc === proc) this.receive(message);
    });
    proc.onExit((code, signal) => {
      if (this.proc !== proc) return;
      const lived = this.ready && Date.now() - this.startedAt >= YOUNG_MS;
      this.proc = null;
      this.ready = false;
      this.died(proc, signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`, lived);
    });
  }

  /** The process ended (or never started); `lived`: it was ready for a while (no back-off). */
  private died(proc: EngineProcess | null, reason: string, lived: boolean): void {
    this.outbox = [];
    if (this.closed) {
      for (const resolve of this.exitWaiters.splice(0)) resolve();
      return;
    }
    const message = `the engine process stopped unexpectedly (${reason})`;
    this.log(`engine: ${message}${proc?.pid ? ` [pid ${proc.pid}]` : ''}`);
    this.epoch++;
    this.model = null;
    this.modelKey = null;
    this.loading = null;
    this.resident = false;
    this.failEverything((streamed) => new EngineCrashedError(message, streamed));
    this.setStatus({ state: 'idle', modelKey: null, progress: null, error: message });
    for (const listener of this.crashListeners) {
      try {
        listener(message);
      } catch (error) {
        this.log(`engine: a crash listener failed: ${String(error)}`);
      }
    }
    this.youngDeaths = lived ? 0 : this.youngDeaths + 1;
    const delay = this.youngDeaths === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, this.restartDelayMs * 2 ** (this.youngDeaths - 1));
    this.restartTimer = setTimeout(() => this.start(), delay);
    this.restartTimer.unref();
  }

  /** Rejects the queue and every call in flight (the running generation's with the ids it streamed). */
  private failEverything(makeError: (streamed: number[]) => Error): void {
    for (const job of this.queue.splice(0)) this.settle(job, makeError([]));
    for (const job of this.benchQueue.splice(0)) this.settleBenchmark(job, makeError([]));
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.reject(makeError(call.streamed));
    this.setStatus({});
  }

  private clearTimers(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.idleTimer = null;
    this.restartTimer = null;
  }

  // ---- status ----

  private setStatus(patch: Partial<Omit<EngineHostStatus, 'pending'>>): void {
    const next: EngineHostStatus = { ...this.current, ...patch, pending: this.queue.length + (this.running ? 1 : 0) };
    if (sameStatus(next, this.current)) return;
    this.current = next;
    for (const listener of this.statusListeners) {
      try {
        listener({ ...next });
      } catch (error) {
        this.log(`engine: a status listener failed: ${String(error)}`);
      }
    }
  }

  private closedError(): EngineError {
    return new EngineError('the engine was closed', 'DISPOSED');
  }

  private noModelError(): EngineError {
    return new EngineError('no model is loaded; load one first', 'DISPOSED');
  }
}

export function createEngineHost(options: EngineHostOptions): EngineHost {
  return new Host(options.launch, options);
}

/**
 * The loaded model's thread count in the engine now (the pool size, 0 resolved to the cores):
 * for diagnostics and tests, outside the EngineHost interface the services use.
 */
export function engineThreads(host: EngineHost): Promise<number> {
  if (!(host instanceof Host)) return Promise.reject(new Error('not an engine host made by createEngineHost'));
  return host.threadCount();
}
