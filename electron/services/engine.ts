/**
 * A small typed wrapper over the addon's Model: AbortSignal for load and generate, requests
 * queued one after another (the native model runs one at a time), and token streaming as a
 * callback or an async iterator. Node-API only: works in plain Node and Electron's utility process.
 */
import { EngineError } from './engine-errors';
import {
  type DetokenizeOptions,
  type GenerateOptions,
  type GenerateResult,
  type MemoryInUse,
  type ModelLoadOptions,
  type NativeAddon,
  type NativeModel,
  type TokenEvent,
  type TokenizeOptions,
  loadAddon,
} from './native';

export interface EngineLoadOptions extends Omit<ModelLoadOptions, 'cancel'> {
  signal?: AbortSignal;
}

export interface EngineGenerateOptions extends GenerateOptions {
  /** Aborting ends the generation (the result's stopReason is 'cancelled'). */
  signal?: AbortSignal;
  onToken?: (event: TokenEvent) => void;
}

export class Engine {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly model: NativeModel) {}

  static async load(path: string, options: EngineLoadOptions = {}, addon: NativeAddon = loadAddon()): Promise<Engine> {
    const { signal, ...rest } = options;
    if (signal?.aborted) throw new EngineError('loading was cancelled', 'CANCELLED');
    const token = new addon.CancelToken();
    const abort = (): void => token.cancel();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return new Engine(await addon.Model.load(path, { ...rest, cancel: token }));
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  info(): ReturnType<NativeModel['info']> {
    return this.model.info();
  }

  memory(): MemoryInUse {
    return this.model.memory();
  }

  tokenize(text: string, options?: TokenizeOptions): Promise<number[]> {
    return this.model.tokenize(text, options);
  }

  detokenize(ids: number[], options?: DetokenizeOptions): Promise<string> {
    return this.model.detokenize(ids, { ...options, stream: false });
  }

  /** Runs after the requests queued before it; tokens reach onToken in order. */
  generate(ids: number[], options: EngineGenerateOptions = {}): Promise<GenerateResult> {
    const { signal, onToken, ...settings } = options;
    const run = async (): Promise<GenerateResult> => {
      if (signal?.aborted) throw new EngineError('the generation was cancelled before it started', 'CANCELLED');
      const abort = (): void => this.model.cancel();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        return await this.model.generate(ids, settings, onToken);
      } finally {
        signal?.removeEventListener('abort', abort);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The tokens as an async iterator; `result` settles with the statistics. Breaking out of the loop cancels. */
  stream(ids: number[], options: Omit<EngineGenerateOptions, 'onToken'> = {}): AsyncIterable<TokenEvent> & { result: Promise<GenerateResult> } {
    const pending: TokenEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const result = this.generate(ids, {
      ...options,
      signal: controller.signal,
      onToken: (event) => {
        pending.push(event);
        wake?.();
      },
    });
    void result.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      done = true;
      wake?.();
    });
    async function* iterate(): AsyncGenerator<TokenEvent> {
      try {
        for (;;) {
          const next = pending.shift();
          if (next) {
            yield next;
            continue;
          }
          if (done) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        await result;  // rethrows an error
      } finally {
        if (!done) controller.abort();
      }
    }
    return { [Symbol.asyncIterator]: iterate, result };
  }

  /** Stops the running generation. */
  cancel(): void {
    this.model.cancel();
  }

  /** Cancels what runs, waits for it and frees the model. */
  dispose(): Promise<void> {
    return this.model.dispose();
  }
}
