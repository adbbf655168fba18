/**
 * The local API against the real services and engine process, through the official openai
 * client (and plain HTTP where a client would not send such a request): the shapes, the usage
 * counts against the engine's own tokenizer, the key, the Host check, the limits, cancelling on
 * disconnect, malformed bodies, /health and /metrics.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiStatus } from '../../../electron/common/contract';
import { ApiService, type ApiServiceDeps, buildApiServer } from '../../../electron/services/api/service';
import { tokenizerOf } from '../../../electron/services/chat/service';
import { buildPrompt } from '../../../electron/services/chat/prompt';
import { forkLauncher } from '../../../electron/services/engine-host/host';
import { type Services, openServices } from '../../../electron/services/services';
import { built, synthChatModel, waitFor, workerPath } from '../engine-host/helpers';

let root = '';
let services: Services;
let api: ApiService;
let status: ApiStatus;
let client: OpenAI;
let modelSha = '';
const logs: string[] = [];
const emitted: ApiStatus[] = [];

function newApi(extra: Partial<ApiServiceDeps> = {}): ApiService {
  return new ApiService({
    dataDir: services.dataDir,
    store: { settings: storeOf(services) },
    events: { emit: (name, payload) => name === 'apiStatus' && emitted.push(payload as ApiStatus) },
    engine: services.engine,
    library: services.library,
    settings: services.settings,
    tuning: services.tuning,
    telemetry: services.telemetry,
    override: { on: true, port: 0 },
    log: (m) => logs.push(m),
    ...extra,
  });
}

/** The services' settings repository (Services does not expose the store; the settings service holds it). */
function storeOf(s: Services): ApiServiceDeps['store']['settings'] {
  return (s.settings as unknown as { repository: ApiServiceDeps['store']['settings'] }).repository;
}

beforeAll(async () => {
  if (!built) return;
  root = mkdtempSync(join(tmpdir(), 'tern-api-'));
  mkdirSync(join(root, 'data', 'models'), { recursive: true });
  await synthChatModel(join(root, 'data', 'models', 'tiny.gguf'));
  services = openServices({ dataDir: join(root, 'data'), host: 'headless', owner: 'api test', launchEngine: forkLauncher(workerPath) });
  await services.library.scan();
  modelSha = services.library.runnable()[0]!.id;
  api = newApi();
  await api.start();
  status = api.status();
  client = new OpenAI({ apiKey: status.key!, baseURL: status.address!, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await services?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(async () => {
  if (!built) return;
  await api.update({ requestsPerMinute: 100_000, queueLimit: 8, maxTokensCap: 4096, corsOrigins: [] });
});

async function renewKey(): Promise<ApiStatus> {
  status = await api.rotateKey();
  client = new OpenAI({ apiKey: status.key!, baseURL: status.address!, maxRetries: 0 });
  return status;
}

const base = () => status.address!.replace(/\/v1$/, '');

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base()}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${status.key}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as { error?: { message: string; code: string | null; type: string } } };
}

function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(`${base()}${path}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

const HELLO = [{ role: 'user' as const, content: 'Hello there, who are you?' }];

describe.runIf(built)('the local API', () => {
  it('is listening on loopback with a 0600 key file, and lists the models', async () => {
    expect(status.listening).toBe(true);
    expect(status.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(status.key).toMatch(/^tern-[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(services.dataDir, 'api-key')).mode & 0o777).toBe(0o600);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['tiny']);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'tern' });
  });

  it('answers a chat completion whose usage is the engine’s count', async () => {
    const completion = await client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 8, temperature: 0, seed: 1 });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('tiny');
    expect(completion.choices[0]!.message.role).toBe('assistant');
    expect(typeof completion.choices[0]!.message.content).toBe('string');
    expect(completion.choices[0]!.finish_reason).toBe('length');
    const loaded = services.engine.loaded()!;
    const prompt = await buildPrompt(tokenizerOf(loaded, services.engine), HELLO);
    expect(completion.usage).toEqual({ prompt_tokens: prompt.ids.length, completion_tokens: 8, total_tokens: prompt.ids.length + 8 });
    // the model is named by its sha256 too, and the engine was loaded for it
    const again = await client.chat.completions.create({ model: modelSha, messages: HELLO, max_tokens: 8, temperature: 0, seed: 1 });
    expect(again.choices[0]!.message.content).toBe(completion.choices[0]!.message.content);
  });

  it('takes system, developer, multi-turn and content-part messages, and an assistant message to continue', async () => {
    const turns = await client.chat.completions.create({
      model: 'tiny',
      max_tokens: 3,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer in English.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi ' }, { type: 'text', text: 'there' }] },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'And now?' },
      ],
    });
    expect(turns.usage!.prompt_tokens).toBeGreaterThan(10);
    const prefill = await client.chat.completions.create({ model: 'tiny', max_tokens: 3, messages: [...HELLO, { role: 'assistant', content: 'I am' }] });
    expect(prefill.usage!.completion_tokens).toBe(3);
  });

  it('streams a chat completion as chunks, the usage last, then [DONE]', async () => {
    const whole = await client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 12, temperature: 0 });
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: HELLO,
      max_tokens: 12,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.object).toBe('chat.completion.chunk');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]!.message.content);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish!.choices[0]!.finish_reason).toBe('length');
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(whole.usage);
    // the raw stream ends with [DONE]
    const response = await fetch(`${status.address}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${status.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: HELLO, max_tokens: 3, stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(body.split('\n\n').filter(Boolean).every((line) => line.startsWith('data: '))).toBe(true);
  });

  it('answers a raw completion, its prompt counted by the engine’s tokenizer', async () => {
    const completion = await client.completions.create({ model: 'tiny', prompt: 'Once upon a time', max_tokens: 5, temperature: 0, stop: ['\n\n\n'] });
    expect(completion.object).toBe('text_completion');
    const loaded = services.engine.loaded()!;
    const ids = await services.engine.tokenize('Once upon a time', { special: true, addBos: loaded.tokenizer.addBos });
    if (loaded.tokenizer.addBos && loaded.tokenizer.bos >= 0 && ids[0] !== loaded.tokenizer.bos) ids.unshift(loaded.tokenizer.bos);
    expect(completion.usage!.prompt_tokens).toBe(ids.length);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(5);
    expect(['stop', 'length']).toContain(completion.choices[0]!.finish_reason);
    const streamed = await client.completions.create({ model: 'tiny', prompt: 'Once upon a time', max_tokens: 5, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of streamed) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(completion.choices[0]!.text);
  });

  it('refuses an unknown model (404), a wrong key (401) and a foreign Host (403)', async () => {
    const missing = await apiError(client.chat.completions.create({ model: 'gpt-4o', messages: HELLO }));
    expect(missing.status).toBe(404);
    expect(missing.code).toBe('model_not_found');
    const wrong = new OpenAI({ apiKey: 'tern-wrong', baseURL: status.address!, maxRetries: 0 });
    const denied = await apiError(wrong.models.list());
    expect(denied.status).toBe(401);
    expect(denied.code).toBe('invalid_api_key');
    expect((await raw('/v1/models', {})).status).toBe(401);
    const port = new URL(base()).port;
    const rebinding = await raw('/v1/models', { host: `evil.example:${port}`, authorization: `Bearer ${status.key}` });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.body).error.code).toBe('invalid_host');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await raw('/v1/models', { host, authorization: `Bearer ${status.key}` })).status).toBe(200);
    }
  });

  it('answers /health without the key and /metrics only with it', async () => {
    const health = await raw('/health', {});
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', model: 'tiny', queue: 0 });
    expect((await raw('/metrics', {})).status).toBe(401);
    const metrics = await raw('/metrics', { authorization: `Bearer ${status.key}` });
    expect(metrics.status).toBe(200);
    for (const name of ['tern_api_requests_total', 'tern_api_tokens_total', 'tern_api_request_duration_seconds', 'tern_api_time_to_first_token_seconds', 'tern_api_queue_depth']) {
      expect(metrics.body).toContain(name);
    }
    expect(metrics.body).toMatch(/tern_api_requests_total\{route="\/v1\/chat\/completions",status="200"\} \d+/);
    expect(metrics.body).toMatch(/tern_api_tokens_total\{kind="completion"\} \d+/);
  });

  it('refuses malformed JSON, wrong types and oversized bodies with 400/413, and keeps serving', async () => {
    const bad = await post('/v1/chat/completions', '{"model": "tiny", "messages": [');
    expect(bad.status).toBe(400);
    expect(bad.json.error!.code).toBe('invalid_json');
    expect(bad.json.error!.type).toBe('invalid_request_error');
    expect(bad.json.error!.message).toMatch(/not valid JSON: .*(JSON|position|end)/);
    const proto = await post('/v1/chat/completions', '{"model": "tiny", "messages": [], "__proto__": {"x": 1}}');
    expect(proto.status).toBe(400);
    const empty = await post('/v1/chat/completions', '');
    expect(empty.status).toBe(400);
    const types = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: HELLO, temperature: 'hot' }));
    expect(types.status).toBe(400);
    expect(types.json.error!.message).toMatch(/temperature/);
    const notArray = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: 'hi' }));
    expect(notArray.status).toBe(400);
    const stringNumber = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: HELLO, max_tokens: '5' }));
    expect(stringNumber.status).toBe(400);
    const missing = await post('/v1/completions', JSON.stringify({ model: 'tiny' }));
    expect(missing.status).toBe(400);
    expect(missing.json.error!.message).toMatch(/prompt/);
    const huge = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] }));
    expect(huge.status).toBe(413);
    expect(huge.json.error!.code).toBe('request_too_large');
    const text = await post('/v1/chat/completions', 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400); // parsed as text, then refused by the schema: the body must be an object
    expect(text.json.error!.message).toMatch(/object/);
    const ok = await client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 2 });
    expect(ok.usage!.completion_tokens).toBe(2);
  });

  it('names the fields it does not support (400)', async () => {
    const tools = await post('/v1/chat/completions', JSON.stringify({
      model: 'tiny',
      messages: HELLO,
      tools: [{ type: 'function', function: { name: 'f' } }],
      n: 2,
      logprobs: true,
      response_format: { type: 'json_object' },
    }));
    expect(tools.status).toBe(400);
    expect(tools.json.error!.code).toBe('unsupported_field');
    for (const name of ['tools', 'n', 'logprobs', 'response_format']) expect(tools.json.error!.message).toContain(name);
    const image = await post('/v1/chat/completions', JSON.stringify({
      model: 'tiny',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:' } }] }],
    }));
    expect(image.status).toBe(400);
    expect(image.json.error!.message).toContain('image_url');
    // the harmless defaults are accepted
    const fine = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: HELLO, n: 1, logprobs: false, max_tokens: 1, user: 'me' }));
    expect(fine.status).toBe(200);
  });

  it('holds max_tokens to the cap and the prompt to the context', async () => {
    await api.update({ maxTokensCap: 16 });
    const capped = await apiError(client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 17 }));
    expect(capped.status).toBe(400);
    expect(capped.code).toBe('max_tokens_too_large');
    await api.update({ maxTokensCap: 4096 });
    const long = await apiError(client.chat.completions.create({ model: 'tiny', messages: HELLO, max_completion_tokens: 4096 }));
    expect(long.status).toBe(400);
    expect(long.code).toBe('context_length_exceeded');
  });

  it('refuses the request over the limit a minute with 429 and Retry-After', async () => {
    await api.update({ requestsPerMinute: 3 });
    await renewKey(); // a new key starts with an empty window
    for (let i = 0; i < 3; i++) expect((await raw('/v1/models', { authorization: `Bearer ${status.key}` })).status).toBe(200);
    const refused = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: HELLO }));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.json.error!.code).toBe('rate_limit_exceeded');
    // /health is not limited
    expect((await raw('/health', {})).status).toBe(200);
  });

  it('lets 60 requests a minute through by default, the 61st gets 429 until the minute is over', async () => {
    let now = 1_000_000;
    const own = newApi({ now: () => now });
    await own.update({ requestsPerMinute: 60 });
    const app = buildApiServer(own);
    const key = own.status().key!;
    expect(key).toBe(status.key);
    const get = () => app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${key}`, host: '127.0.0.1:4311' } });
    for (let i = 0; i < 60; i++) {
      now += 500;
      expect((await get()).statusCode).toBe(200);
    }
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(31); // the first of the 60 leaves the window in 30.5 s
    now += 31_000;
    expect((await get()).statusCode).toBe(200);
    await app.close();
    await own.close();
  });

  it('refuses a request when the queue is full (429), and a client that goes away frees the engine at once', async () => {
    // how long a token takes here, to tell "at once" from "after the 4000 tokens asked for"
    const t0 = performance.now();
    const timed = await client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 300, temperature: 0 });
    const msPerToken = (performance.now() - t0) / timed.usage!.completion_tokens;
    await api.update({ queueLimit: 2 });
    const long = () => new AbortController();
    const first = long();
    const second = long();
    const streamOf = (controller: AbortController) =>
      client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 4000, stream: true }, { signal: controller.signal });
    const a = await streamOf(first);
    const b = await streamOf(second);
    const iterA = a[Symbol.asyncIterator]();
    await iterA.next();
    await iterA.next();
    await waitFor(() => api.status().active === 1 && api.status().queued === 1, 5000, 'one active and one queued');
    const full = await apiError(client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 2 }));
    expect(full.status).toBe(429);
    expect(full.code).toBe('queue_full');
    expect(full.headers?.get('retry-after')).toBe('1');
    // both clients leave mid-stream / while waiting: the engine is free at once
    const left = performance.now();
    first.abort();
    second.abort();
    await Promise.allSettled([iterA.next(), b[Symbol.asyncIterator]().next()]);
    await waitFor(() => services.engine.status().pending === 0 && api.status().active + api.status().queued === 0, 2000, 'the engine to be free');
    const freeMs = performance.now() - left;
    const next = await client.chat.completions.create({ model: 'tiny', messages: HELLO, max_tokens: 4 });
    expect(next.usage!.completion_tokens).toBe(4);
    // the rest of the 4000 tokens would have taken far longer than the engine took to be free
    expect(freeMs).toBeLessThan(Math.min(2000, (msPerToken * 3900) / 4));
    console.log(`api abort: engine free ${freeMs.toFixed(0)} ms after the abort; ${msPerToken.toFixed(2)} ms a token here`);
    expect(logs.join('\n')).not.toContain('Hello there'); // no content in the log without debugLog
  });

  it('sends CORS headers only for listed origins, with a preflight', async () => {
    const refused = await raw('/v1/models', { origin: 'http://evil.example', authorization: `Bearer ${status.key}` });
    expect(refused.status).toBe(403);
    await api.update({ corsOrigins: ['http://localhost:5173'] });
    const app = buildApiServer(api);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/chat/completions',
      headers: { host: 'localhost:4311', origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type');
    const listed = await app.inject({ method: 'GET', url: '/v1/models', headers: { host: 'localhost:4311', origin: 'http://localhost:5173', authorization: `Bearer ${status.key}` } });
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const plain = await app.inject({ method: 'GET', url: '/v1/models', headers: { host: 'localhost:4311', authorization: `Bearer ${status.key}` } });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  it('rotates the key: the old one is refused at once', async () => {
    const old = status.key!;
    const rotated = await renewKey();
    expect(rotated.key).not.toBe(old);
    expect((await raw('/v1/models', { authorization: `Bearer ${old}` })).status).toBe(401);
    expect((await raw('/v1/models', { authorization: `Bearer ${rotated.key}` })).status).toBe(200);
    expect(emitted.some((s) => s.key === rotated.key)).toBe(true);
  });

  it('reports a taken port in its status instead of throwing, and stops when turned off', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const other = newApi({ override: { on: true, port } });
    await other.start();
    expect(other.status().listening).toBe(false);
    expect(other.status().error).toMatch(new RegExp(`${port}`));
    await other.close();
    await new Promise((resolve) => blocker.close(resolve));
    const third = newApi({ override: { on: true, port: 0 } });
    await third.start();
    expect(third.status().listening).toBe(true);
    const off = await third.update({ enabled: false });
    expect(off.on).toBe(false);
    expect(off.listening).toBe(false);
    expect(off.address).toBeNull();
    await third.close();
  });

  it('finds a model the library is still scanning instead of answering 404 (a request right after startup)', async () => {
    const late = join(root, 'late.gguf');
    await synthChatModel(late, { seed: 6 });
    copyFileSync(late, join(services.dataDir, 'models', 'late.gguf'));
    const now = new OpenAI({ apiKey: api.status().key!, baseURL: api.status().address!, maxRetries: 0 });
    const scanning = services.library.scan(); // hashes and inspects the new file meanwhile
    expect(services.library.list().scanning).toBe(true);
    const found = await now.models.retrieve('late');
    expect(found.id).toBe('late');
    expect((await now.models.list()).data.map((m) => m.id).sort()).toEqual(['late', 'tiny']);
    await scanning;
    rmSync(join(services.dataDir, 'models', 'late.gguf'));
    await services.library.scan();
  });
});
