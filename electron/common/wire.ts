/**
 * The headless host's WebSocket protocol, shared by the server (electron/host) and the renderer's
 * client (renderer/src/api). One JSON object per text message. Like the contract, this module
 * must stay free of Node and DOM APIs.
 *
 * client -> server
 *   {t:'call', id, method, params}     answered by exactly one {t:'result', id, result}
 *   {t:'subscribe', events, id?}        replaces the set of events this connection receives;
 *                                       with an id it is acknowledged by a result
 * server -> client
 *   {t:'result', id, result: WireResult}
 *   {t:'event', name, payload}          only for events the connection subscribed to
 *   {t:'error', error: WireError}       a message that could not be answered by id
 */
import { z } from 'zod';
import { ErrorCode, type WireError, type WireResult, describeIssues } from './contract';

/** The WebSocket endpoint's path. */
export const WS_PATH = '/ws';
/**
 * A same-origin HTTP check of a token: GET WS_CHECK_PATH?token=... answers 204 when the host
 * would accept it on WS_PATH, 401 when not. A browser cannot see why an upgrade failed; the page
 * asks here after one fails, to tell a refused token from a host that is down.
 */
export const WS_CHECK_PATH = '/ws-check';
/** The query parameter that carries the connection token. */
export const TOKEN_PARAM = 'token';
/**
 * Messages larger than this are refused with BAD_REQUEST (the connection keeps serving). Large
 * enough for an import of many conversations.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export const RequestId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);
export type RequestId = z.infer<typeof RequestId>;

export const CallMessage = z
  .object({
    t: z.literal('call'),
    id: RequestId,
    method: z.string().min(1).max(100),
    params: z.unknown().optional(),
  })
  .strict();
export type CallMessage = z.infer<typeof CallMessage>;

export const SubscribeMessage = z
  .object({
    t: z.literal('subscribe'),
    events: z.array(z.string().min(1).max(100)).max(100),
    id: RequestId.optional(),
  })
  .strict();
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;

export const ClientMessage = z.discriminatedUnion('t', [CallMessage, SubscribeMessage]);
export type ClientMessage = z.infer<typeof ClientMessage>;

const WireErrorSchema = z.object({ code: ErrorCode, message: z.string() });
const WireResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireErrorSchema }),
]);

export const ResultMessage = z.object({ t: z.literal('result'), id: RequestId, result: WireResultSchema });
export const EventMessage = z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() });
export const ErrorMessage = z.object({ t: z.literal('error'), error: WireErrorSchema });

export const ServerMessage = z.discriminatedUnion('t', [ResultMessage, EventMessage, ErrorMessage]);
export type ServerMessage =
  | { t: 'result'; id: RequestId; result: WireResult<unknown> }
  | { t: 'event'; name: string; payload: unknown }
  | { t: 'error'; error: WireError };

export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  /** `id` is set when the message carried a usable id, so the error can be answered by it. */
  | { ok: false; id: RequestId | undefined; error: WireError };

/** Parses one text message from a client; never throws. */
export function parseClientMessage(text: string): ParsedClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, id: undefined, error: { code: 'BAD_REQUEST', message: `malformed JSON: ${detail}` } };
  }
  const parsed = ClientMessage.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const id = usableId(json);
  const t = typeof json === 'object' && json !== null && 't' in json ? (json as { t: unknown }).t : undefined;
  const what = typeof t === 'string' ? `'${t.slice(0, 40)}' message` : 'message';
  return {
    ok: false,
    id,
    error: { code: 'BAD_REQUEST', message: `bad ${what}: ${describeIssues(parsed.error)}` },
  };
}

function usableId(json: unknown): RequestId | undefined {
  if (typeof json !== 'object' || json === null || !('id' in json)) return undefined;
  const id = RequestId.safeParse((json as { id: unknown }).id);
  return id.success ? id.data : undefined;
}

/** Parses one text message from the server; undefined when it is not a protocol message. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ServerMessage.safeParse(json);
  return parsed.success ? (parsed.data as ServerMessage) : undefined;
}
