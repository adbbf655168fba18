/**
 * The local API over a stand-in engine whose timing the test controls: the per-request timeout,
 * a client leaving before a whole (non-streamed) answer, loading a model that is not loaded (and
 * the fit check refusing one), an engine crash, telemetry, the status counts and their events,
 * and what the log may say. Runs without the native engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiStatus, DEFAULT_SETTINGS, type ModelFile } from '../../../electron/common/contract';
import { ApiService, type ApiServiceDeps } from '../../../electron/services/api/service';
import { EngineCrashedError, type EngineHost, type GenerateRequest, type LoadedModel } from '../../../electron/services/engine-host/types';
import type { ModelLibrary } from '../../../electron/services/models/library';
import type { GenerateResult } from '../../../electron/services/native';
import { SettingsService } from '../../../electron/services/settings';
import type { RequestTracker } from '../../../electron/services/telemetry/service';

const MODEL: ModelFile = {
  id: 'a'.repeat(64),
  path: '/models/stub.gguf',
  fileName: 'stub.gguf',
  name: 'Stub',
  sizeBytes: 1,
  arch: 'llama',
  weightType: 'I2_S',
  parameters: 1,
  contextLength: 2048,
  source: 'folder',
  problem: null,
  origin: null,
  verified: null,
  kernels: null,
  lastUsedAt: null,
};

/** An engine that makes one token every `tokenMs` (the letter "a"), until max_tokens or an abort. */
class StubEngine {
  model: LoadedModel | null = null;
  tokenMs = 5;
  crash = false;
  pending = 0;
  requests: GenerateRequest[] = [];
  loads = 0;

  loaded(): LoadedModel | null {
    return this.model;
  }

  status() {
    return { state: this.model ? 'ready' : 'idle', modelKey: this.model?.modelKey ?? null, progress: null, error: null, pending: this.pending } as const;
  }

  async load(): Promise<LoadedModel> {
    this.loads++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.model = {
      modelKey: MODEL.id,
      path: MODEL.path,
      nCtx: 2048,
      description: { arch: 'llama', chatTemplate: null } as unknown as LoadedModel['description'],
      tokenizer: { present: true, nTokens: 256, bos: 1, eos: 2, eot: -1, addBos: true },
      specialTokens: [],
    };
    return this.model;
  }

  async tokenize(text: string): Promise<number[]> {
    return [...Buffer.from(text)].map((byte) => byte + 3);
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.requests.push(request);
    this.pending++;
    try {
      request.onStart?.();
      const max = request.options.maxTokens ?? 100;
      const ids: number[] = [];
      let stopReason: GenerateResult['stopReason'] = 'max_tokens';
      while (ids.length < max) {
        if (request.signal?.aborted) {
          stopReason = 'cancelled';
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, this.tokenMs));
        if (this.crash) throw new EngineCrashedError('the engine process exited (SIGKILL)', ids);
        ids.push(100);
        request.onToken?.({ id: 100, index: ids.length - 1, text: 'a', ms: this.tokenMs, elapsedMs: ids.length * this.tokenMs });
      }
      const total = ids.length * this.tokenMs;
      return {
        promptTokens: request.ids.length,
        promptTokensReused: 0,
        promptTokensComputed: request.ids.length,
        generatedTokens: ids.length,
        draftedTokens: 0,
        draftTokensAccepted: 0,
        ttftMs: this.tokenMs,
        prefillMs: 1,
        decodeMs: total,
        totalMs: total,
        prefillTokensPerSecond: 1000,
        decodeTokensPerSecond: 200,
        stopReason,
        ids,
        text: 'a'.repeat(ids.length),
      };
    } finally {
      this.pending--;
    }
  }
}

let dir: string;
let engine: StubEngine;
let api: ApiService;
let client: OpenAI;
let logs: string[];
let statuses: ApiStatus[];
let tracked: { context: unknown; started: number; tokens: number; ended: { result: GenerateResult | null; status: string }[] }[];
let fitCheck: ApiServiceDeps['beforeLoad'];
let used: string[];

function memorySettings() {
  const values = new Map<string, unknown>();
  return {
    get: (key: string) => values.get(key),
    set: (key: string, value: unknown) => void values.set(key, value),
    delete: (key: string) => void values.delete(key),
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tern-api-stub-'));
  engine = new StubEngine();
  logs = [];
  statuses = [];
  tracked = [];
  used = [];
  fitCheck = async () => undefined;
  const repository = memorySettings();
  const settings = new SettingsService(repository as never);
  api = new ApiService({
    dataDir: dir,
    store: { settings: repository as never },
    events: { emit: (name, payload) => name === 'apiStatus' && statuses.push(payload as ApiStatus) },
    engine: engine as unknown as EngineHost,
    library: { runnable: () => [MODEL], get: (id: string) => (id === MODEL.id ? MODEL : undefined) } as unknown as ModelLibrary,
    settings,
    tuning: { useModel: (model) => used.push(model.id), load: () => engine.load(), threads: () => 3 },
    telemetry: {
      track: (context) => {
        const entry = { context, started: 0, tokens: 0, ended: [] as { result: GenerateResult | null; status: string }[] };
        tracked.push(entry);
        const tracker: RequestTracker = {
          onStart: () => void entry.started++,
          onToken: () => void entry.tokens++,
          end: async (result, status) => {
            entry.ended.push({ result, status });
            return null;
          },
        };
        return tracker;
      },
    },
    beforeLoad: (model, nCtx) => fitCheck!(model, nCtx),
    override: { on: true, port: 0 },
    log: (m) => logs.push(m),
  });
  await api.start();
  const status = api.status();
  client = new OpenAI({ apiKey: status.key!, baseURL: status.address!, maxRetries: 0 });
  expect(DEFAULT_SETTINGS.contextTokens).toBeGreaterThan(0);
});

afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const HELLO = [{ role: 'user' as const, content: 'secret words' }];

describe('the local API over a stand-in engine', () => {
  it('loads a model that is not loaded (its profile, the fit check, the load), tracks the request as API traffic', async () => {
    const checked: number[] = [];
    fitCheck = async (_model, nCtx) => void checked.push(nCtx);
    const completion = await client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 3, temperature: 0.2, top_p: 0.5, seed: -1, stop: 'zz', frequency_penalty: 0.5, presence_penalty: -0.5 });
    expect(completion.choices[0]!.message.content).toBe('aaa');
    expect(engine.loads).toBe(1);
    expect(used).toEqual([MODEL.id]);
    expect(checked).toEqual([2048]);
    const request = engine.requests[0]!;
    expect(request.source).toBe('api');
    expect(request.threads).toBe(3);
    expect(request.options).toMatchObject({ temperature: 0.2, topP: 0.5, maxTokens: 3, seed: 2 ** 32 - 1, stop: ['zz'], frequencyPenalty: 0.5, presencePenalty: -0.5 });
    expect(request.options.continuation).toBeUndefined(); // a chat reply is text of its own
    expect(completion.usage).toEqual({ prompt_tokens: request.ids.length, completion_tokens: 3, total_tokens: request.ids.length + 3 });
    expect(tracked).toHaveLength(1);
    expect(tracked[0]!.context).toMatchObject({ conversationId: null, messageId: null, source: 'api', modelId: MODEL.id });
    expect(tracked[0]!.started).toBe(1);
    expect(tracked[0]!.tokens).toBe(3);
    expect(tracked[0]!.ended[0]!.status).toBe('interrupted'); // ended by max_tokens
    // loaded now: no second fit check
    await client.chat.completions.create({ model: MODEL.id, messages: HELLO, max_tokens: 1 });
    expect(checked).toHaveLength(1);
  });

  it('asks the engine to continue the prompt\'s text for /v1/completions (a SentencePiece space stays), not for chat', async () => {
    await client.completions.create({ model: 'stub', prompt: 'The capital of France is', max_tokens: 2 });
    expect(engine.requests.at(-1)!.options.continuation).toBe(true);
    await client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 2 });
    expect(engine.requests.at(-1)!.options.continuation).toBeUndefined();
  });

  it('answers 503 when the fit check refuses the model', async () => {
    fitCheck = async () => {
      throw new Error('Likely too large for this computer');
    };
    const error = (await client.chat.completions.create({ model: 'stub', messages: HELLO }).catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(503);
    expect(error.code).toBe('model_load_failed');
    expect(error.message).toContain('too large');
  });

  it('stops a request at its timeout: it ends with what it has, finish_reason length', async () => {
    await api.update({ timeoutSeconds: 5 });
    engine.tokenMs = 100;
    const started = performance.now();
    const completion = await client.completions.create({ model: 'stub', prompt: 'go', max_tokens: 1000 });
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThan(4.5);
    expect(seconds).toBeLessThan(7);
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBeGreaterThan(10);
    expect(completion.usage!.completion_tokens).toBeLessThan(1000);
    expect(completion.choices[0]!.text).toBe('a'.repeat(completion.usage!.completion_tokens));
  }, 15_000);

  it('cancels a whole (non-streamed) answer when its client goes away', async () => {
    engine.tokenMs = 20;
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 1000 }, { signal: controller.signal });
    const deadline = Date.now() + 3000;
    while (engine.requests.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await pending.catch(() => undefined);
    const until = Date.now() + 1000;
    while (engine.pending > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(engine.pending).toBe(0);
    expect(engine.requests[0]!.signal!.aborted).toBe(true);
    expect(api.status().active + api.status().queued).toBe(0);
  });

  it('ends a stream with an error event when the engine crashes mid-stream', async () => {
    engine.tokenMs = 10;
    const stream = await client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 1000, stream: true });
    let chunks = 0;
    const error = await (async () => {
      try {
        for await (const _ of stream) {
          if (++chunks === 5) engine.crash = true;
        }
      } catch (e) {
        return e as APIError;
      }
      return null;
    })();
    expect(error).not.toBeNull();
    expect(String(error!.message)).toMatch(/engine stopped/);
    engine.crash = false;
    // and a crash before anything was sent is a 503
    engine.crash = true;
    const whole = (await client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 5 }).catch((e: unknown) => e)) as APIError;
    expect(whole.status).toBe(503);
    expect(whole.code).toBe('engine_crashed');
    expect(tracked.some((t) => t.ended[0]?.status === 'error')).toBe(true);
  });

  it('counts active and queued requests in its status, sent at most about 4 times a second', async () => {
    engine.tokenMs = 10;
    statuses.length = 0;
    const first = client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 60 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.status().active).toBe(1);
    const results = await Promise.all([first, client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 5 })]);
    expect(results.map((r) => r.usage!.completion_tokens)).toEqual([60, 5]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const last = statuses[statuses.length - 1]!;
    expect(last.active + last.queued).toBe(0);
    expect(last.served).toBeGreaterThanOrEqual(2);
    expect(statuses.length).toBeLessThanOrEqual(6); // ~1 s of traffic
    expect(statuses.some((s) => s.active === 1)).toBe(true);
  });

  it('logs method, path, status, sizes and timing, and the content only with debugLog on', async () => {
    await client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 2 });
    const line = logs.find((l) => l.startsWith('api: POST /v1/chat/completions 200'));
    expect(line).toMatch(/in=\d+B out=\d+B \d+ms/);
    expect(logs.join('\n')).not.toContain('secret words');
    await api.update({ debugLog: true });
    await client.chat.completions.create({ model: 'stub', messages: HELLO, max_tokens: 2 });
    expect(logs.join('\n')).toContain('secret words');
  });

  it('keeps its settings and key: an update persists, a bad one throws, the key file is reused', async () => {
    const status = await api.update({ maxTokensCap: 100, corsOrigins: ['http://localhost:3000'] });
    expect(status.settings.maxTokensCap).toBe(100);
    await expect(api.update({ port: 80 } as never)).rejects.toThrow();
    await expect(api.update({ tools: true } as never)).rejects.toThrow();
    const key = api.status().key;
    await api.close();
    const again = new ApiService({ ...(api as unknown as { deps: ApiServiceDeps }).deps, override: { on: false } });
    expect(again.status().key).toBe(key);
    expect(again.status().settings.maxTokensCap).toBe(100);
    expect(again.status().on).toBe(false);
    await again.close();
  });
});
