/**
 * The fastify app of the local API, built without listening (tests use inject()). Every request
 * passes, in order: the Host check (a loopback name only: no DNS rebinding), CORS (headers only
 * for listed origins; other origins are refused), the key (all but /health), the per-key rate
 * limit (/v1/*), the body's schema. Generations are admitted up to the queue limit and cancelled
 * when their client goes away or their time is up. Logs carry no content unless debugLog is on.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiSettings } from '../../common/contract';
import { AbortedBeforeStart, untilAborted } from '../abortable';
import { tokenizerOf } from '../chat/service';
import { type PromptMessage, buildPrompt } from '../chat/prompt';
import { EngineCrashedError, type EngineHost, type LoadedModel } from '../engine-host/types';
import type { GenerateOptions, GenerateResult, TokenEvent } from '../native';
import type { SettingsService } from '../settings';
import type { TelemetryService } from '../telemetry/service';
import { ApiError, badRequest, invalidKey, modelNotFound, toApiError, tooManyRequests, unavailable } from './errors';
import type { ApiKeyFile } from './key';
import type { RateLimiter } from './limits';
import type { ApiMetrics } from './metrics';
import type { ApiModel, ApiModels, ApiTuning } from './models';
import type { Flight, InFlight } from './requests';
import {
  type ChatBody,
  type CompletionBody,
  type SamplingBody,
  chatBodySchema,
  completionBodySchema,
  requestedMaxTokens,
  stopStrings,
  unsupportedFields,
} from './schemas';

/** Request bodies larger than this are refused (413) before they are parsed. */
export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface ApiServerContext {
  /** The API's settings now (read on every request: a change applies to the next one). */
  settings(): ApiSettings;
  keys: ApiKeyFile;
  limiter: RateLimiter;
  metrics: ApiMetrics;
  models: ApiModels;
  inFlight: InFlight;
  engine: EngineHost;
  appSettings: SettingsService;
  tuning: ApiTuning;
  telemetry?: Pick<TelemetryService, 'track'>;
  /** A request was answered (any status). */
  served(): void;
  log(message: string): void;
}

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
const RATE_KEY = 'api-key';

type Kind = 'chat' | 'completion';

export function buildApiServer(ctx: ApiServerContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: true,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  });
  const streamedBytes = new WeakMap<FastifyRequest, number>();

  // fastify's JSON parser (with its __proto__ and constructor guards), saying why a body is not JSON
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    defaultJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (!error) return done(null, value);
      if ((error as { code?: unknown }).code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return done(error, undefined);
      let reason = error.message;
      try {
        JSON.parse(body as string);
      } catch (syntax) {
        reason = syntax instanceof Error ? syntax.message : String(syntax);
      }
      done(badRequest('invalid_json', `The body is not valid JSON: ${reason}.`), undefined);
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host ?? '';
    if (!LOOPBACK_HOST.test(host)) {
      throw new ApiError(403, 'permission_error', 'invalid_host', 'The Host header must name this computer (127.0.0.1, localhost or [::1]).');
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!allowedOrigin(origin, ctx.settings().corsOrigins)) {
        throw new ApiError(403, 'permission_error', 'origin_not_allowed', 'Requests from this web origin are not allowed; list it in the local API settings.');
      }
      reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin').header('Access-Control-Expose-Headers', 'Retry-After');
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
        const asked = request.headers['access-control-request-headers'];
        return reply
          .code(204)
          .header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
          .header('Access-Control-Allow-Headers', typeof asked === 'string' && asked ? asked : 'Authorization, Content-Type')
          .header('Access-Control-Max-Age', '600')
          .send();
      }
    }
    const path = request.url.split('?')[0] ?? '';
    if (path === '/health') return;
    const auth = request.headers.authorization;
    const token = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
    if (!token) throw invalidKey("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'; Tern's local API settings show it.");
    if (!ctx.keys.matches(token)) throw invalidKey("Incorrect API key provided. Tern's local API settings show the current key.");
    if (path.startsWith('/v1/')) {
      const wait = ctx.limiter.take(RATE_KEY, ctx.settings().requestsPerMinute);
      if (wait !== null) {
        throw tooManyRequests('rate_limit_exceeded', `Rate limit reached: ${ctx.settings().requestsPerMinute} requests a minute. Try again in ${wait} s.`, wait);
      }
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    ctx.metrics.requests.inc({ route, status: String(reply.statusCode) });
    ctx.metrics.duration.observe({ route }, seconds);
    ctx.served();
    const sent = reply.getHeader('content-length') ?? streamedBytes.get(request) ?? 0;
    ctx.log(`api: ${request.method} ${route === 'unmatched' ? '(unknown path)' : route} ${reply.statusCode} in=${request.headers['content-length'] ?? 0}B out=${String(sent)}B ${reply.elapsedTime.toFixed(0)}ms`);
  });

  app.setErrorHandler(async (error, _request, reply) => {
    const apiError = toApiError(error);
    if (apiError.statusCode >= 500) ctx.log(`api: ${apiError.message}`);
    return reply.code(apiError.statusCode).headers(apiError.headers).send(apiError.body());
  });

  app.setNotFoundHandler(async (request, reply) => {
    const error = new ApiError(404, 'invalid_request_error', 'unknown_url', `Unknown request URL: ${request.method} ${request.url.split('?')[0]}.`);
    return reply.code(404).send(error.body());
  });

  app.get('/health', async () => ({ status: 'ok', model: ctx.models.loadedId(), queue: ctx.inFlight.size }));

  app.get('/metrics', async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });

  app.get('/v1/models', async () => ({ object: 'list', data: (await ctx.models.settledList()).map(modelObject) }));

  app.get<{ Params: { model: string } }>('/v1/models/:model', async (request) => {
    const found = await ctx.models.lookup(request.params.model);
    if (!found) throw modelNotFound(request.params.model);
    return modelObject(found);
  });

  app.post('/v1/chat/completions', { schema: { body: chatBodySchema } }, (request, reply) => generation(ctx, 'chat', request, reply, streamedBytes));
  app.post('/v1/completions', { schema: { body: completionBodySchema } }, (request, reply) => generation(ctx, 'completion', request, reply, streamedBytes));

  return app;
}

function modelObject({ id, model }: ApiModel) {
  return { id, object: 'model', created: 0, owned_by: 'tern', name: model.name ?? model.fileName, sha256: model.id, context_length: model.contextLength };
}

function allowedOrigin(origin: string, allowed: string[]): boolean {
  const normal = (value: string): string | null => {
    try {
      return new URL(value).origin;
    } catch {
      return null;
    }
  };
  const asked = normal(origin);
  return asked !== null && asked !== 'null' && allowed.some((entry) => normal(entry) === asked);
}

/** One chat completion or completion, streamed or whole. */
async function generation(ctx: ApiServerContext, kind: Kind, request: FastifyRequest, reply: FastifyReply, streamedBytes: WeakMap<FastifyRequest, number>) {
  const body = request.body as ChatBody | CompletionBody;
  const unsupported = unsupportedFields(body);
  if (unsupported.length > 0) {
    throw badRequest('unsupported_field', `Tern's local API does not support ${unsupported.join(', ')}.`, unsupported[0]?.split(/[[ .]/)[0] ?? null);
  }
  const settings = ctx.settings();
  const maxTokens = requestedMaxTokens(body);
  const maxParam = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  if (maxTokens !== null && maxTokens > settings.maxTokensCap) {
    throw badRequest('max_tokens_too_large', `${maxParam} is ${maxTokens}, above the limit of ${settings.maxTokensCap} set in Tern's local API settings.`, maxParam);
  }
  const found = await ctx.models.lookup(body.model);
  if (!found) throw modelNotFound(body.model);
  const flight = ctx.inFlight.admit(settings.queueLimit);
  if (!flight) throw tooManyRequests('queue_full', `Tern is busy: ${settings.queueLimit} API requests are running or waiting. Try again shortly.`, 1);

  const onClose = (): void => {
    if (!reply.raw.writableFinished) flight.abort('disconnect');
  };
  reply.raw.on('close', onClose);
  // gone already, before this handler ran (the close event is past)
  if (reply.raw.destroyed || request.raw.socket?.destroyed === true) flight.abort('disconnect');
  const timer = setTimeout(() => flight.abort('timeout'), settings.timeoutSeconds * 1000);
  timer.unref?.();
  try {
    const loaded = await untilAborted(ctx.models.ready(found.model), flight.signal).catch((error: unknown) => {
      if (error instanceof AbortedBeforeStart) {
        throw flight.cause === 'timeout'
          ? unavailable('timeout', `${found.id} did not load within ${settings.timeoutSeconds} s.`)
          : unavailable('cancelled', 'The request was cancelled.');
      }
      throw unavailable('model_load_failed', `${found.id} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    });
    const ids = kind === 'chat' ? await chatPrompt(ctx.engine, loaded, body as ChatBody) : await completionPrompt(ctx.engine, loaded, body as CompletionBody);
    const room = loaded.nCtx - ids.length;
    if (maxTokens !== null ? maxTokens > room : room < 1) {
      const param = kind === 'chat' ? 'messages' : 'prompt';
      throw badRequest(
        'context_length_exceeded',
        `This model's maximum context length is ${loaded.nCtx} tokens. However, you requested ${ids.length + (maxTokens ?? 1)} tokens ` +
          `(${ids.length} in the ${param}, ${maxTokens ?? 1} for the completion). Please reduce the length of the ${param} or of the completion.`,
        param,
      );
    }
    const budget = maxTokens ?? Math.min(settings.maxTokensCap, room);
    // A completion continues the prompt's text: a SentencePiece model's first piece keeps its space.
    const options = { ...samplerOptions(ctx.appSettings, body, budget), ...(kind === 'completion' ? { continuation: true } : {}) };
    if (settings.debugLog) ctx.log(`api: ${kind} prompt (${ids.length} tokens): ${JSON.stringify(kind === 'chat' ? (body as ChatBody).messages : (body as CompletionBody).prompt)}`);
    const run: Run = { ctx, kind, flight, found, ids, options, settings, reply, request };
    if (body.stream === true) {
      const stream = new PassThrough();
      stream.on('error', () => undefined);
      reply
        .code(200)
        .header('Content-Type', 'text/event-stream; charset=utf-8')
        .header('Cache-Control', 'no-cache')
        .header('X-Accel-Buffering', 'no')
        .send(stream);
      await streamed(run, stream, body.stream_options?.include_usage === true, (bytes) => streamedBytes.set(request, (streamedBytes.get(request) ?? 0) + bytes));
      return reply;
    }
    const { result, finish } = await generate(run, () => undefined);
    return reply.send(whole(run, result, finish));
  } finally {
    clearTimeout(timer);
    reply.raw.off('close', onClose);
    ctx.inFlight.done(flight);
  }
}

interface Run {
  ctx: ApiServerContext;
  kind: Kind;
  flight: Flight;
  found: ApiModel;
  ids: number[];
  options: GenerateOptions;
  settings: ApiSettings;
  reply: FastifyReply;
  request: FastifyRequest;
}

type Finish = 'stop' | 'length';

/** Runs the generation in the engine (queued behind the UI's), measured by telemetry. */
async function generate(run: Run, onText: (text: string) => void): Promise<{ result: GenerateResult; finish: Finish }> {
  const { ctx, flight, found, ids, options, reply } = run;
  const tracker = ctx.telemetry?.track({ conversationId: null, messageId: null, source: 'api', modelId: found.model.id, modelName: found.model.fileName });
  const threads = ctx.tuning.threads();
  let first = true;
  let result: GenerateResult;
  try {
    result = await ctx.engine.generate({
      source: 'api',
      threads,
      ids,
      options,
      signal: flight.signal,
      onStart: () => {
        flight.start();
        tracker?.onStart(threads);
      },
      onToken: (event: TokenEvent) => {
        tracker?.onToken(event);
        if (first) {
          first = false;
          ctx.metrics.ttft.observe({ route: run.kind === 'chat' ? '/v1/chat/completions' : '/v1/completions' }, reply.elapsedTime / 1000);
        }
        if (event.text) onText(event.text);
      },
    });
  } catch (error) {
    const cancelled = (error as { code?: unknown }).code === 'CANCELLED' || flight.signal.aborted;
    void tracker?.end(null, cancelled ? 'interrupted' : 'error').catch(() => undefined);
    if (cancelled && flight.cause === 'timeout') {
      // Timed out while waiting in the engine's queue: nothing was generated.
      return { result: emptyResult(ids.length), finish: 'length' };
    }
    if (cancelled) throw unavailable('cancelled', 'The request was cancelled.');
    if (error instanceof EngineCrashedError) throw unavailable('engine_crashed', `The engine stopped: ${error.message}`);
    throw error;
  }
  const status = result.stopReason === 'cancelled' || result.stopReason === 'max_tokens' || result.stopReason === 'context_end' ? 'interrupted' : 'complete';
  void tracker?.end(result, status).catch(() => undefined);
  ctx.metrics.tokens.inc({ kind: 'prompt' }, result.promptTokens);
  ctx.metrics.tokens.inc({ kind: 'completion' }, result.generatedTokens);
  if (run.settings.debugLog) ctx.log(`api: ${run.kind} completion (${result.generatedTokens} tokens, ${result.stopReason}): ${JSON.stringify(result.text)}`);
  const finish: Finish = result.stopReason === 'eog' || result.stopReason === 'stop_string' || result.stopReason === 'none' ? 'stop' : 'length';
  return { result, finish };
}

function emptyResult(promptTokens: number): GenerateResult {
  return {
    promptTokens,
    promptTokensReused: 0,
    promptTokensComputed: 0,
    generatedTokens: 0,
    draftedTokens: 0,
    draftTokensAccepted: 0,
    ttftMs: 0,
    prefillMs: 0,
    decodeMs: 0,
    totalMs: 0,
    prefillTokensPerSecond: 0,
    decodeTokensPerSecond: 0,
    stopReason: 'cancelled',
    ids: [],
    text: '',
  };
}

function usageOf(result: GenerateResult) {
  return { prompt_tokens: result.promptTokens, completion_tokens: result.generatedTokens, total_tokens: result.promptTokens + result.generatedTokens };
}

function responseId(kind: Kind): string {
  return `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('base64url')}`;
}

function whole(run: Run, result: GenerateResult, finish: Finish) {
  const base = { id: responseId(run.kind), created: Math.floor(Date.now() / 1000), model: run.found.id, system_fingerprint: null };
  if (run.kind === 'chat') {
    return {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: null, finish_reason: finish }],
      usage: usageOf(result),
    };
  }
  return { ...base, object: 'text_completion', choices: [{ index: 0, text: result.text, logprobs: null, finish_reason: finish }], usage: usageOf(result) };
}

/** Server-sent events: a chunk per token, the finish reason, the usage when asked, then [DONE]. */
async function streamed(run: Run, stream: PassThrough, includeUsage: boolean, counted: (bytes: number) => void): Promise<void> {
  const id = responseId(run.kind);
  const created = Math.floor(Date.now() / 1000);
  const model = run.found.id;
  const usageNull = includeUsage ? { usage: null } : {};
  const send = (data: unknown): void => {
    if (stream.destroyed || stream.writableEnded) return;
    const line = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    counted(Buffer.byteLength(line));
    stream.write(line);
  };
  const chunk = (delta: Record<string, unknown> | string, finish: Finish | null) =>
    run.kind === 'chat'
      ? { id, object: 'chat.completion.chunk', created, model, system_fingerprint: null, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull }
      : { id, object: 'text_completion', created, model, system_fingerprint: null, choices: [{ index: 0, text: delta, logprobs: null, finish_reason: finish }], ...usageNull };
  if (run.kind === 'chat') send(chunk({ role: 'assistant', content: '' }, null));
  try {
    const { result, finish } = await generate(run, (text) => send(chunk(run.kind === 'chat' ? { content: text } : text, null)));
    send(chunk(run.kind === 'chat' ? {} : '', finish));
    if (includeUsage) send({ id, object: run.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion', created, model, system_fingerprint: null, choices: [], usage: usageOf(result) });
    send('[DONE]');
  } catch (error) {
    const apiError = toApiError(error);
    if (run.flight.cause !== 'disconnect') run.ctx.log(`api: a stream ended with an error: ${apiError.message}`);
    send(apiError.body());
  } finally {
    stream.end();
  }
}

async function chatPrompt(engine: EngineHost, loaded: LoadedModel, body: ChatBody): Promise<number[]> {
  const messages: PromptMessage[] = body.messages.map((message) => ({
    role: message.role === 'developer' ? 'system' : (message.role as PromptMessage['role']),
    content: typeof message.content === 'string' ? message.content : Array.isArray(message.content) ? message.content.map((part) => part.text ?? '').join('') : '',
  }));
  const continueLast = messages[messages.length - 1]?.role === 'assistant';
  try {
    return (await buildPrompt(tokenizerOf(loaded, engine), messages, { continueLast })).ids;
  } catch (error) {
    throw badRequest('invalid_messages', `The messages could not be laid out for the model: ${error instanceof Error ? error.message : String(error)}`, 'messages');
  }
}

/** A raw prompt: no chat template; special tokens written in it count (as llama.cpp's server does). */
async function completionPrompt(engine: EngineHost, loaded: LoadedModel, body: CompletionBody): Promise<number[]> {
  const text = typeof body.prompt === 'string' ? body.prompt : body.prompt[0];
  const ids = await engine.tokenize(text, { special: true, addBos: loaded.tokenizer.addBos });
  if (loaded.tokenizer.addBos && loaded.tokenizer.bos >= 0 && ids[0] !== loaded.tokenizer.bos) ids.unshift(loaded.tokenizer.bos);
  if (ids.length === 0) throw badRequest('invalid_value', 'The prompt is empty.', 'prompt');
  return ids;
}

/** The request's sampling over the app's defaults. */
function samplerOptions(appSettings: SettingsService, body: SamplingBody, maxTokens: number): GenerateOptions {
  const sampling = appSettings.get().sampling;
  const stop = stopStrings(body);
  return {
    temperature: body.temperature ?? sampling.temperature,
    topP: body.top_p ?? sampling.topP,
    topK: sampling.topK,
    minP: sampling.minP,
    repeatPenalty: sampling.repeatPenalty,
    frequencyPenalty: body.frequency_penalty ?? 0,
    presencePenalty: body.presence_penalty ?? 0,
    maxTokens,
    // The engine's seed is 32 bits; no seed: a new one for every request (the engine's own default is fixed).
    seed: body.seed != null ? ((body.seed % 2 ** 32) + 2 ** 32) % 2 ** 32 : (sampling.seed ?? randomInt(0, 2 ** 32)),
    ...(stop.length > 0 ? { stop } : {}),
  };
}

