/**
 * The contract between the renderer and the main process: every call and every event, with its
 * request and response types and a runtime schema. Each area (areas/*.ts) declares its own calls
 * and events beside their schemas; they are assembled here. Main registers handlers from it, the preload
 * and the WebSocket transport are derived from it, and the renderer imports its types.
 *
 * This module must stay free of Node and DOM APIs: it is bundled into all three processes.
 */
import { z } from 'zod';
import { apiCalls, apiEvents } from './areas/api';
import { appCalls, appEvents } from './areas/app';
import { chatCalls, chatEvents } from './areas/chat';
import { conversationCalls, conversationEvents } from './areas/conversations';
import { downloadCalls, downloadEvents } from './areas/downloads';
import { historyCalls, historyEvents } from './areas/history';
import { modelCalls, modelEvents } from './areas/models';
import { monitoringCalls, monitoringEvents } from './areas/monitoring';
import { settingsCalls, settingsEvents } from './areas/settings';
import { tuningCalls, tuningEvents } from './areas/tuning';
import { updateCalls, updateEvents } from './areas/updates';

export * from './areas/api';
export * from './areas/app';
export * from './areas/chat';
export * from './areas/conversations';
export * from './areas/downloads';
export * from './areas/history';
export * from './areas/models';
export * from './areas/monitoring';
export * from './areas/settings';
export * from './areas/tuning';
export * from './areas/updates';
export { Id } from './schema';

// ---- Calls and events, assembled from the areas -------------------------------------------

export const calls = {
  ...appCalls,
  ...conversationCalls,
  ...chatCalls,
  ...historyCalls,
  ...modelCalls,
  ...downloadCalls,
  ...settingsCalls,
  ...tuningCalls,
  ...monitoringCalls,
  ...apiCalls,
  ...updateCalls,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<K extends CallName> = z.input<Calls[K]['request']>;
export type CallResponse<K extends CallName> = z.output<Calls[K]['response']>;
export const callNames = Object.keys(calls) as CallName[];

// ---- Events -------------------------------------------------------------------------------

export const events = {
  ...appEvents,
  ...conversationEvents,
  ...chatEvents,
  ...historyEvents,
  ...modelEvents,
  ...downloadEvents,
  ...settingsEvents,
  ...tuningEvents,
  ...monitoringEvents,
  ...apiEvents,
  ...updateEvents,
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
  /** It cannot be done now: no model chosen, the file is gone, the engine could not load it. */
  'UNAVAILABLE',
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
