/**
 * The engine process: loads the native addon, holds at most one model, and answers the host's
 * requests (protocol.ts). Runs under Node's child_process.fork (process.send) and Electron's
 * utilityProcess (process.parentPort). It exits by itself when its parent is gone.
 */
import type { GenerateOptions, NativeAddon, NativeCancelToken, NativeModel } from '../native';
import { loadAddon } from '../native';
import { type HostRequest, type WireError, type WorkerMessage, parseHostRequest } from './protocol';

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

class Worker {
  private model: NativeModel | null = null;
  /** Load and unload run one after another. */
  private modelOps: Promise<unknown> = Promise.resolve();
  private loading: { id: number; token: NativeCancelToken } | null = null;
  private generating: { id: number; model: NativeModel } | null = null;

  constructor(
    private readonly channel: Channel,
    private readonly addon: NativeAddon | null,
    private readonly addonError: string | null,
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
    if (this.generating?.id === id) this.generating.model.cancel();
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
        return this.exclusive(() => this.load(request.id, request.path, request.nCtx, request.threads));
      case 'unload':
        return this.exclusive(() => this.unload());
      case 'tokenize':
        return this.current().tokenize(request.text, { special: request.special, addBos: request.addBos });
      case 'detokenize':
        return this.current().detokenize(request.ids);
      case 'generate':
        return this.generate(request.id, request.ids, request.options);
    }
  }

  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const result = this.modelOps.then(op, op);
    this.modelOps = result.catch(() => undefined);
    return result;
  }

  private async load(id: number, path: string, nCtx: number, threads: number): Promise<unknown> {
    const addon = this.engine();
    await this.unload();
    const token = new addon.CancelToken();
    this.loading = { id, token };
    try {
      const model = await addon.Model.load(path, {
        nCtx,
        threads,
        cancel: token,
        onProgress: (progress) => this.channel.send({ t: 'progress', id, progress }),
      });
      this.model = model;
      const { tokenizer, nCtx: loadedCtx, weightsLoaded: _weightsLoaded, ...description } = model.info();
      return { description, tokenizer, nCtx: loadedCtx, specialTokens: model.specialTokens() };
    } finally {
      this.loading = null;
    }
  }

  private async unload(): Promise<null> {
    const model = this.model;
    this.model = null;
    if (model) await model.dispose();
    return null;
  }

  private async generate(id: number, ids: number[], options: GenerateOptions): Promise<unknown> {
    const model = this.current();
    if (this.generating) throw fail('the engine is already generating', 'BUSY');
    this.generating = { id, model };
    try {
      return await model.generate(ids, options, (event) => this.channel.send({ t: 'token', id, event }));
    } finally {
      this.generating = null;
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
  const worker = new Worker(channel, addon, addonError);
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
