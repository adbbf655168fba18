/**
 * The request bodies as JSON schemas (fastify validates them; nothing is parsed by hand). Fields
 * Tern does not know are let through (clients send `user`, `metadata`, ...) except the ones it
 * cannot honour, which unsupportedFields names. Types are checked strictly: no coercion.
 */
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

const sampling = {
  temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
  top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
  max_tokens: nullable({ type: 'integer', minimum: 1 }),
  seed: nullable({ type: 'integer' }),
  frequency_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  presence_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  stop: { anyOf: [{ type: 'null' }, { type: 'string', minLength: 1, maxLength: 1000 }, { type: 'array', maxItems: 16, items: { type: 'string', minLength: 1, maxLength: 1000 } }] },
  stream: nullable({ type: 'boolean' }),
  stream_options: nullable({ type: 'object', properties: { include_usage: nullable({ type: 'boolean' }) } }),
  n: nullable({ type: 'integer', minimum: 1 }),
} as const;

const contentPart = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', maxLength: 64 }, text: { type: 'string' } },
} as const;

export const chatBodySchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 1024 },
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 100_000,
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
          content: { anyOf: [{ type: 'string' }, { type: 'null' }, { type: 'array', maxItems: 10_000, items: contentPart }] },
          name: { type: 'string', maxLength: 256 },
        },
      },
    },
    max_completion_tokens: nullable({ type: 'integer', minimum: 1 }),
    ...sampling,
  },
} as const;

export const completionBodySchema = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 1024 },
    prompt: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, maxItems: 1, items: { type: 'string' } }] },
    ...sampling,
  },
} as const;

type Nullable<T> = T | null | undefined;

export interface SamplingBody {
  model: string;
  temperature?: Nullable<number>;
  top_p?: Nullable<number>;
  max_tokens?: Nullable<number>;
  max_completion_tokens?: Nullable<number>;
  seed?: Nullable<number>;
  frequency_penalty?: Nullable<number>;
  presence_penalty?: Nullable<number>;
  stop?: Nullable<string | string[]>;
  stream?: Nullable<boolean>;
  stream_options?: Nullable<{ include_usage?: Nullable<boolean> }>;
  n?: Nullable<number>;
  [field: string]: unknown;
}

export interface ChatMessageBody {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | null | { type: string; text?: string }[];
  name?: string;
  [field: string]: unknown;
}

export interface ChatBody extends SamplingBody {
  messages: ChatMessageBody[];
}

export interface CompletionBody extends SamplingBody {
  prompt: string | [string];
}

/** Top-level fields that ask for something Tern does not do, when present with a value that asks for it. */
const UNSUPPORTED: Record<string, (value: unknown) => boolean> = {
  tools: (v) => v !== null && !(Array.isArray(v) && v.length === 0),
  tool_choice: (v) => v !== null && v !== 'none',
  functions: (v) => v !== null && !(Array.isArray(v) && v.length === 0),
  function_call: (v) => v !== null && v !== 'none',
  parallel_tool_calls: (v) => v === true,
  n: (v) => typeof v === 'number' && v > 1,
  best_of: (v) => typeof v === 'number' && v > 1,
  logprobs: (v) => v !== null && v !== false && v !== 0,
  top_logprobs: (v) => v !== null && v !== 0,
  response_format: (v) => v !== null && !(typeof v === 'object' && (v as { type?: unknown }).type === 'text'),
  logit_bias: (v) => v !== null && !(typeof v === 'object' && Object.keys(v as object).length === 0),
  echo: (v) => v === true,
  suffix: (v) => v !== null && v !== '',
  audio: (v) => v !== null,
  modalities: (v) => Array.isArray(v) && v.some((m) => m !== 'text'),
  prediction: (v) => v !== null,
};

/** The names of what the body asks for that Tern cannot do (fields, message roles, content types). */
export function unsupportedFields(body: Record<string, unknown>): string[] {
  const names = Object.keys(UNSUPPORTED).filter((name) => name in body && body[name] !== undefined && UNSUPPORTED[name]!(body[name]));
  const messages = (body as Partial<ChatBody>).messages;
  if (Array.isArray(messages)) {
    messages.forEach((message, i) => {
      if (message.role === 'tool' || message.role === 'function') names.push(`messages[${i}].role '${message.role}'`);
      if (message.tool_calls !== undefined && message.tool_calls !== null) names.push(`messages[${i}].tool_calls`);
      if (message.function_call !== undefined && message.function_call !== null) names.push(`messages[${i}].function_call`);
      if (Array.isArray(message.content)) {
        message.content.forEach((part, j) => {
          if (part.type !== 'text') names.push(`messages[${i}].content[${j}].type '${part.type}'`);
        });
      }
    });
  }
  return names;
}

/** The completion length asked for (max_completion_tokens wins over the older max_tokens), or null. */
export function requestedMaxTokens(body: SamplingBody): number | null {
  return body.max_completion_tokens ?? body.max_tokens ?? null;
}

export function stopStrings(body: SamplingBody): string[] {
  if (body.stop === null || body.stop === undefined) return [];
  return typeof body.stop === 'string' ? [body.stop] : body.stop;
}
