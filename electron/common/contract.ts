/**
 * The contract between the renderer and the main process: every call and every event, with its
 * request and response types and a runtime schema. Main registers handlers from it, the preload
 * and the WebSocket transport are derived from it, and the renderer imports its types.
 *
 * This module must stay free of Node and DOM APIs: it is bundled into all three processes.
 */
import { z } from 'zod';

// ---- Shared shapes ------------------------------------------------------------------------

export const Id = z.string().min(1).max(64);

export const Conversation = z.object({
  id: Id,
  title: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** The leaf of the branch shown; null for an empty conversation. */
  activeLeafId: Id.nullable(),
  modelId: z.string().nullable(),
  messageCount: z.number().int().nonnegative(),
});
export type Conversation = z.infer<typeof Conversation>;

export const MessageRole = z.enum(['system', 'user', 'assistant']);
export const MessageStatus = z.enum(['streaming', 'complete', 'interrupted', 'error']);
export const EnergySource = z.enum(['measured', 'os-estimate', 'modelled']);

export const MessageStats = z.object({
  promptTokens: z.number().int().nullable(),
  generatedTokens: z.number().int().nullable(),
  ttftMs: z.number().nullable(),
  prefillTokensPerSec: z.number().nullable(),
  decodeTokensPerSec: z.number().nullable(),
  energyJoules: z.number().nullable(),
  energySource: EnergySource.nullable(),
});
export type MessageStats = z.infer<typeof MessageStats>;

export const Message = z.object({
  id: Id,
  conversationId: Id,
  /** Messages form a tree: a regenerated reply or an edited prompt is a sibling. */
  parentId: Id.nullable(),
  role: MessageRole,
  content: z.string(),
  status: MessageStatus,
  createdAt: z.number().int(),
  modelId: z.string().nullable(),
  stats: MessageStats,
});
export type Message = z.infer<typeof Message>;

export const SearchHit = z.object({
  conversationId: Id,
  conversationTitle: z.string(),
  messageId: Id,
  role: MessageRole,
  /** Text around the match; the matched terms are wrapped in [ and ]. */
  snippet: z.string(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const CpuInfo = z.object({
  name: z.string(),
  /** The kernel path the engine dispatches to: scalar, avx2, avxvnni, avx512 or neon. */
  isa: z.string(),
  features: z.object({
    sse42: z.boolean(),
    avx: z.boolean(),
    avx2: z.boolean(),
    fma: z.boolean(),
    f16c: z.boolean(),
    avx512f: z.boolean(),
    avx512bw: z.boolean(),
    avx512vl: z.boolean(),
    avx512dq: z.boolean(),
    avx512vnni: z.boolean(),
    avxVnni: z.boolean(),
    neon: z.boolean(),
    dotprod: z.boolean(),
  }),
});
export type CpuInfo = z.infer<typeof CpuInfo>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  /** 'electron' in the desktop app, 'headless' under `tern serve`. */
  host: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  cpu: CpuInfo,
  logicalCores: z.number().int().positive(),
  totalMemoryBytes: z.number().nonnegative(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Title = z.string().trim().min(1, 'title must not be empty').max(200);
const Empty = z.object({}).strict();

// ---- Calls --------------------------------------------------------------------------------

function call<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const calls = {
  getAppInfo: call(Empty, AppInfo),

  listConversations: call(
    z.object({ query: z.string().max(500).optional() }).strict(),
    z.array(Conversation),
  ),
  createConversation: call(z.object({ title: Title.optional() }).strict(), Conversation),
  renameConversation: call(z.object({ id: Id, title: Title }).strict(), Conversation),
  deleteConversation: call(z.object({ id: Id }).strict(), z.object({ id: Id })),

  /** The messages of the conversation's active branch, root first. */
  listMessages: call(z.object({ conversationId: Id }).strict(), z.array(Message)),
  /** Full-text search over every message of every branch. */
  searchMessages: call(
    z.object({ query: z.string().trim().min(1).max(500), limit: z.number().int().min(1).max(200).optional() }).strict(),
    z.array(SearchHit),
  ),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<K extends CallName> = z.input<Calls[K]['request']>;
export type CallResponse<K extends CallName> = z.output<Calls[K]['response']>;
export const callNames = Object.keys(calls) as CallName[];

// ---- Events -------------------------------------------------------------------------------

export const events = {
  /** A conversation was created, renamed, deleted or got new messages. */
  conversationsChanged: z.object({
    reason: z.enum(['created', 'renamed', 'deleted', 'messages']),
    conversationId: Id,
  }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

// ---- Errors and results on the wire -------------------------------------------------------

export const ErrorCode = z.enum([
  /** The request did not match the method's schema, or the message was malformed. */
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  /** The sender is not allowed to call (foreign frame, bad token or origin). */
  'FORBIDDEN',
  /** The connection to the host was lost before the answer came. */
  'DISCONNECTED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const WireError = z.object({ code: ErrorCode, message: z.string() });
export type WireError = z.infer<typeof WireError>;

export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** An error with a code that survives any transport. */
export class TernError extends Error {
  override readonly name = 'TernError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

// ---- The API shapes both transports give --------------------------------------------------

export type Unsubscribe = () => void;

/** What a transport gives: named methods answering with a WireResult, and named subscriptions. */
export type RawApi = {
  [K in CallName]: (request: CallRequest<K>) => Promise<WireResult<CallResponse<K>>>;
} & {
  on: { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe };
};

/** What the renderer uses: the same methods, answering with the value or throwing TernError. */
export type TernApi = {
  [K in CallName]: (request: CallRequest<K>) => Promise<CallResponse<K>>;
} & {
  on: { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe };
};

/** Turns a transport's raw answers into values, or TernErrors. */
export function unwrapApi(raw: RawApi): TernApi {
  const api: Record<string, unknown> = { on: raw.on };
  for (const name of callNames) {
    const method = raw[name] as (request: unknown) => Promise<WireResult<unknown>>;
    api[name] = async (request: unknown) => {
      const result = await method(request);
      if (result.ok) return result.value;
      throw new TernError(result.error.code, result.error.message);
    };
  }
  return api as TernApi;
}

/** Describes a zod error in one line: "title: must not be empty; id: Required". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
